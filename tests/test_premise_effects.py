"""A question presupposing that a drug or trial changed an outcome one way (bot/guard/effects.py): the sentence the
sources give about the drug and the outcome decides. Reported the other way or as no change, or never reported, the
premise gets a cited correction before the facts and is never affirmed; reported as claimed, nothing is corrected.
Real lexicon and corpus; the conversation tests use the real engine."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from bot.guard.effects import claimed_clause, contested_effect, effect_claim
from corpus.lexicon import Lexicon, load_lexicon

LEXICON = load_lexicon()
# The answer body affirming a rise in leukemic progression: what a correction must never say.
AFFIRMED = re.compile(r"\b(?:increas|rais|caus|worsen)\w*\s+(?:the\s+)?(?:risk of\s+|rates? of\s+)?(?:aml|progression|"
                      r"leuk\w*|transformation|survival)", re.IGNORECASE)


def _sentence(corpus, sentence_id: str) -> str:
    return corpus.sentences[corpus.sentence_rows[sentence_id]].normalized


@pytest.mark.parametrize("question", [
    "Since imetelstat raises the rate of AML progression, should we monitor marrow blasts monthly?",
    "why did imetelstat cause more leukemic transformation than placebo in IMerge?",
    "IMerge: imetelstat increased progression to AML; how large was the difference?",
])
def test_a_change_the_sources_report_as_uncommon_is_contradicted_by_that_sentence(corpus, question):
    found = contested_effect(question, LEXICON, corpus)
    assert found is not None and found.contradicted and found.claim.subject == ("imetelstat",)
    assert any("1.7%" in _sentence(corpus, s) for s in found.correcting)


@pytest.mark.parametrize(("question", "said"), [
    ("since luspatercept raises progression to AML, should blasts be checked more often?", "raises progression to AML"),
    ("given that imetelstat worsened survival, is it still worth offering?", "worsened survival"),
    ("why did ESAs increase leukemia risk in the review?", "increase leukemia risk"),
])
def test_a_change_the_sources_never_report_of_the_drug_is_unsupported(corpus, question, said):
    found = contested_effect(question, LEXICON, corpus)
    assert found is not None and not found.contradicted and found.claim.said == said


@pytest.mark.parametrize("question", [
    "imetelstat increased RBC-TI vs placebo — by how much?",  # what IMerge reports
    "since luspatercept improves anemia, what dose do I start with?",  # said of it without a direction
    "why does luspatercept reduce transfusion burden?",
    "did imetelstat increase AML progression?",  # asked, not presupposed
    "what did IMerge report about AML progression?",
])
def test_a_change_the_sources_report_or_a_plain_question_is_not_contested(corpus, question):
    assert contested_effect(question, LEXICON, corpus) is None


def test_the_claim_before_a_dash_is_presupposed_and_its_doer_is_the_drug_nearest_the_change():
    assert claimed_clause("IMerge showed imetelstat increases AML transformation — by how much?").strip() == (
        "IMerge showed imetelstat increases AML transformation")
    assert claimed_clause("what did IMerge show — and how big was it?") == ""
    claim = effect_claim("IMerge showed imetelstat increases AML transformation in responders: how much?", LEXICON)
    assert claim.subject == ("imetelstat",) and claim.direction == "up" and claim.outcome == "AML transformation"


def test_effect_words_need_both_directions():
    data = LEXICON.model_dump()
    data["effect_words"] = {"up": ["increas\\w*"], "sideways": ["shift\\w*"]}
    with pytest.raises(ValidationError):
        Lexicon.model_validate(data)


@pytest.mark.slow
@pytest.mark.parametrize("question", [
    "Given that imetelstat raises the risk of progression to AML, how often should marrows be repeated?",
    "IMerge: imetelstat caused more AML transformation — what was the rate?",
])
def test_a_contradicted_change_is_corrected_first_with_the_sentence_reporting_otherwise(engine, question):
    shown = engine.conversation().send(question)
    note, first = shown.answer.split("[1]", 2)[:2]
    assert shown.status == "answered" and note.startswith("Note: the sources do not report that imetelstat")
    assert "1.7% vs 3.3%" in first and shown.citations[0].doc_id.startswith("000")
    assert not AFFIRMED.search(shown.answer.split("[1]", 1)[1])  # the body never affirms the premise


@pytest.mark.slow
@pytest.mark.parametrize(("question", "drug"), [
    ("since luspatercept raises progression to AML, should blasts be checked more often?", r"luspatercept"),
    ("why did ESAs increase leukemia risk in the review?", r"ESAs?\b|epoetin|darbepoetin|erythropoiesis"),
])
def test_an_unreported_change_is_noted_before_what_the_sources_say(engine, question, drug):
    shown = engine.conversation().send(question)
    assert shown.status == "answered" and shown.answer.startswith("Note: the sources do not report that")
    statements = re.split(r"\[\d+\]", shown.answer.split("[1]", 1)[1])
    # No cited statement says the drug did it (one may say what else raises the risk: anemia, transfusions).
    assert shown.citations and not [s for s in statements if re.search(drug, s, re.IGNORECASE) and AFFIRMED.search(s)]


@pytest.mark.slow
def test_a_change_the_sources_report_gets_no_correction(engine):
    shown = engine.conversation().send("imetelstat increased RBC-TI vs placebo in IMerge — by how much?")
    assert shown.status == "answered" and not shown.answer.startswith("Note:") and "40% vs 15%" in shown.answer


@pytest.mark.parametrize("question, drug", [
    ("why was ivosidenib withdrawn for IDH1-mutated pts?", "ivosidenib"),
    ("why was len recalled in del(5q) MDS?", "len"),
    ("why did they pull enasidenib off the market in IDH2 LR-MDS", "enasidenib"),
])
def test_an_event_the_sources_never_mention_is_refused_whatever_population_it_names(engine, question, drug):
    """The population the event is said to concern is no word of the event: it is still one the sources never report."""
    response = engine.ask(question)
    assert response.status == "refused" and "they give no reason" in response.answer and drug in response.answer


def test_a_why_question_about_what_the_sources_report_for_a_population_is_answered(engine):
    response = engine.ask("why is len used in del(5q) LR-MDS?")
    assert response.status == "answered" and "del(5q)" in response.answer
