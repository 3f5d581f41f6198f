"""A date asked for an event qualified by line of therapy (lexicon exclusive_qualifiers) is answered only by a
sentence dating it for that side: 'approved first-line?' is never answered with the approval for patients who
failed ESAs; the sources give no first-line date, so it is said not stated, with what they do say. Real engine."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.qa.qualifiers import asked_sides, contradicts
from corpus.lexicon import LEXICON_PATH, load_lexicon

_SECOND_LINE_APPROVAL = ("Luspatercept received FDA approval in April 2020 for transfusion-dependent anemia in lower-risk "
                         "MDS with ring sideroblasts who failed ESA therapy or are ESA-ineligible.")


@pytest.mark.parametrize(("question", "contradicted"), [
    ("when was reblozyl approved first line?", True),
    ("what year did the FDA clear luspatercept for ESA-naive pts", True),
    ("1L lusp approval date?", True),
    ("when was luspatercept approved for RS MDS after ESA failure?", False),  # the side the sentence dates
    ("when was lusp approved in ESA-refractory patients?", False),
    ("when was luspatercept approved?", False),  # no side asked
])
def test_a_sentence_on_another_line_of_therapy_contradicts_the_asked_one(question, contradicted):
    assert contradicts(question, _SECOND_LINE_APPROVAL) is contradicted


def test_a_sentence_naming_both_sides_contradicts_neither():
    both = "Patients were assigned to ESA-naive versus ESA-refractory cohorts."
    assert not contradicts("first-line lusp start date?", both)
    assert [s.label for s in asked_sides("upfront lusp, when?")] == ["first-line"]


def test_a_side_naming_an_unknown_concept_is_refused_on_load(tmp_path: Path):
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    data["exclusive_qualifiers"][0]["sides"][0]["concepts"] = ["nosuchconcept"]
    bad = tmp_path / "lexicon.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ValueError, match="nosuchconcept"):
        load_lexicon(bad)


@pytest.mark.slow
@pytest.mark.parametrize("question", [
    "when was reblozyl approved first line?",
    "what year did the FDA clear luspatercept for ESA-naive pts",
    "1L lusp approval date?",
])
def test_a_first_line_date_is_not_stated_and_never_the_second_line_one(engine, question):
    reply = engine.conversation().send(question)
    assert reply.status == "refused" and reply.answer.startswith("The source documents do not state when")
    assert "(first-line)" in reply.answer and "What they do say:" in reply.answer and reply.citations
    assert "April 2020" not in reply.answer and "2020" not in reply.answer


@pytest.mark.slow
def test_an_approval_date_asked_as_a_noun_is_a_date_question(engine):
    """'<agency> approval date for <drug>': the sources date no imetelstat approval; said so, never its trial data."""
    reply = engine.conversation().send("EMA approval date for imetelstat")
    assert reply.status == "refused" and reply.answer.startswith("The source documents do not state when")


@pytest.mark.slow
@pytest.mark.parametrize("question", [
    "when was luspatercept approved for RS MDS after ESA failure?",
    "luspatercept FDA approval date",
    "when did the EMA approve luspatercept?",  # 'approval occurred simultaneously' with the dated FDA one
])
def test_the_date_the_sources_give_for_the_side_asked_is_answered(engine, question):
    reply = engine.conversation().send(question)
    assert reply.status == "answered" and "April 2020" in reply.answer


@pytest.mark.parametrize(("question", "asks_date"), [
    ("luspatercept FDA approval date", True),
    ("in what year was imetelstat approved", True),
    ("When did COMMANDS read out?", True),
    ("what are the best data to date on lusp?", False),
    ("is the sEPO cutoff up-to-date?", False),
])
def test_date_cues_ask_a_date_wherever_it_is_named(question, asks_date):
    from corpus.lexicon_entries import whole_words
    assert bool(whole_words(load_lexicon().date_cues).search(question)) is asks_date


@pytest.mark.parametrize("question", ["when did Japan's PMDA approve reblozyl?", "what year was luspatercept approved in china"])
def test_an_approval_by_a_regulator_the_sources_never_date_is_not_given_the_fda_date(engine, question):
    response = engine.ask(question)
    assert response.status == "refused" and "April 2020" not in response.answer


def test_after_an_fda_date_question_another_region_is_not_given_that_date(engine):
    conversation = engine.conversation()
    conversation.send("when was reblozyl fda approved?")
    response = conversation.send("and in japan?")
    assert response.status == "refused" and "April 2020" not in response.answer
