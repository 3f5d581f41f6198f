"""Rail `population` (issue 12, the right patient): a question about a population defined by a marker's presence or
absence is never answered by a sentence about the opposite population. Wordings here are not the eval's; the rail
runs alone on typed drafts of real corpus text and inside the real engine."""

from __future__ import annotations

import pytest
import yaml

from bot.guard.polarity import asked_polarities, asks_criteria, sides_named
from bot.guard.rails import population
from bot.guard.runner import RAIL_ORDER, Guard
from bot.models import BotResponse
from corpus.lexicon import LEXICON_PATH, Lexicon

DEL5Q_LEN = "For TD del(5q) LR-MDS, lenalidomide remains an extremely effective agent in inducing transfusion independence and increase of hemoglobin."  # 000-p009
EARLY_LEN = "Early low-dose lenalidomide in anemic non-transfusion-dependent disease it was recently shown to prolong time to transfusion dependence"  # 000-p010


@pytest.fixture(scope="module")
def guard(corpus):
    return Guard(corpus)


def _draft(guard: Guard, answer: str, passage_ids: list[str], question: str):
    citations = [guard.citation(n, guard.corpus.passage(p)) for n, p in enumerate(passage_ids, 1)]
    return guard.read(BotResponse(status="answered", route="retrieval", answer=answer, citations=citations), question)


@pytest.mark.parametrize(
    ("question", "marker", "present"),
    [("len for pts lacking del 5q?", "del(5q)", False), ("lenalidomide in 5q del negative pts?", "del(5q)", False),
     ("any data for del5q-negative disease", "del(5q)", False), ("imetelstat in 5q minus MDS", "del(5q)", True),
     ("does lusp help with no ring sideroblasts", "ring sideroblasts", False), ("lusp RS pos pts", "ring sideroblasts", True),
     ("SF3B1 wild type, does lusp still work", "SF3B1", False), ("SF3B1-mutant pts", "SF3B1", True),
     ("anemic pt never transfused, len?", "transfusion dependence", False)],
)
def test_the_population_a_question_asks_by_a_marker(question, marker, present):
    assert [(p.marker, p.present) for p in asked_polarities(question)] == [(marker, present)]


def test_a_contrast_of_both_sides_asks_neither_and_a_status_names_both():
    assert not [p for p in asked_polarities("del(5q) vs non-del(5q): which agent for each?") if p.marker == "del(5q)"]
    assert sides_named("benefit held regardless of ring sideroblast status")["ring sideroblasts"] == {True, False}
    # the absent side's words are never also read as the marker present
    assert sides_named("TD >4 RBC units/8 weeks; non-del(5q); no prior lenalidomide")["del(5q)"] == {False}


def test_who_qualifies_or_why_is_a_criteria_question():
    assert asks_criteria("was imetelstat trialled with del(5q) patients enrolled?")
    assert not asks_criteria("how well does len work without del(5q)?")


def test_a_marker_naming_an_unknown_concept_is_refused_at_load():
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    data["marker_polarity"]["markers"][0]["present"]["concepts"] = ["nosuchconcept"]
    with pytest.raises(ValueError, match="marker_polarity"):
        Lexicon.model_validate(data)


def test_the_opposite_population_is_dropped_when_the_asked_one_is_answered(guard):
    imerge = guard.corpus.passage("000-p019").sentences[0].normalized
    draft = _draft(guard, f"{imerge} [1] {DEL5Q_LEN} [2]", ["000-p019", "000-p009"], "imetelstat for pts lacking del 5q?")
    outcome = population.RAIL.check(draft, guard.knowledge)
    assert outcome.verdict == "repair" and outcome.draft.dropped == {1} and outcome.draft.subject_note is None


def test_only_the_opposite_population_becomes_a_note_and_loses_its_yes(guard):
    draft = _draft(guard, f"Yes: {EARLY_LEN}. [1]", ["000-p010"], "is lenalidomide any good in del5q-negative pts?")
    outcome = population.RAIL.check(draft, guard.knowledge)  # 000-p010 names no marker: its section does (del(5q))
    assert outcome.verdict == "repair"
    assert outcome.draft.subject_note.startswith("Note: the sources do not report lenalidomide in patients without del(5q)")
    assert not any(s.text.startswith("Yes:") for s in outcome.draft.kept)


ASKED_THE_OTHER_SIDE = [
    ("any benefit of lenalidomide for non-5q pts?", "lenalidomide", "patients without del(5q)", "000-p0"),
    ("what does imetelstat do for del 5q patients?", "imetelstat", "patients with del(5q)", "000-p019"),
    ("imetelstat in 5q minus MDS - does it help?", "imetelstat", "patients with del(5q)", "000-p019"),
    # 'after ESA failure' is the patient's state: the note is about lenalidomide alone
    ("lenalidomide for TD disease without del(5q) after ESA failure?", "lenalidomide", "patients without del(5q)", "000-p0"),
]


@pytest.mark.parametrize(("question", "drug", "label", "cited"), ASKED_THE_OTHER_SIDE)
def test_in_the_engine_another_populations_evidence_is_only_the_reason(engine, question, drug, label, cited):
    response = engine.ask(question)
    assert response.status == "answered", response.answer
    assert response.answer.startswith(f"Note: the sources do not report {drug} in {label}; what they say concerns"), \
        response.answer
    assert "Yes:" not in response.answer and any(c.passage_id.startswith(cited) for c in response.citations)
    check = next(c for c in response.checks if c.name == "population")
    assert check.outcome == "repair"


@pytest.mark.parametrize(
    "question",
    ["how well does lusp work in RS-neg disease?",  # 'all subtypes' and COMMANDS' RS status answer it
     "lenalidomide efficacy for TD del(5q) lower-risk MDS?", "which patients did IMerge enrol?",
     "lusp for pts with ring sideroblasts", "were most MEDALIST pts SF3B1 wild type?"],
)
def test_in_the_engine_the_asked_population_is_answered_unchanged(engine, question):
    response = engine.ask(question)
    assert response.status == "answered", response.answer
    assert not response.answer.startswith("Note: the sources do not report")
    check = next(c for c in response.checks if c.name == "population")
    assert check.outcome == "allow", check.detail


def test_a_population_in_the_questions_premise_is_left_to_the_premise_rail(engine):
    response = engine.conversation().send("IMerge only tested del5q pts, so imetelstat is just for 5q- disease?")
    check = next(c for c in response.checks if c.name == "population")
    assert check.outcome == "allow" and "premise" in check.detail, check.detail
    assert not response.answer.startswith("Note: the sources do not report imetelstat")


def test_the_rail_is_in_the_declared_order():
    assert RAIL_ORDER.index("population") == RAIL_ORDER.index("subject") + 1
