"""Synthesis by finding (issue 11): each aspect's distinct findings, the trial an approval rests on, whether a drug
still works after another, and a drug joined to a failed one. Paraphrases of classes, asked of the real engine."""

from __future__ import annotations

import pytest

from bot.qa.aspects import prior_therapies
from corpus.lexicon import load_lexicon
from corpus.lexicon_entries import whole_words
from corpus.vocabulary import concepts_in


def _keys(text: str) -> set[str]:
    return {c.key for c in concepts_in(text)}


def test_an_uninterrupted_period_of_ti_is_durability():
    """The OCR-repaired sentence ('interrupeted ... lyear' -> 'uninterrupted ... 1 year') speaks of durability."""
    assert "cdurability" in _keys("41.3% of cases had an uninterrupted period of TI > 1 year")


def test_a_purpose_of_therapy_is_a_goal():
    assert "cgoals" in _keys("The data support proactive therapy to achieve durable RBC-TI")


@pytest.mark.parametrize("question", [
    "is imetelstat active in patients previously treated with luspatercept?",
    "would imetelstat help someone who already received lenalidomide?",
])
def test_whether_a_drug_works_after_another_quotes_the_pooled_prior_treatment_evidence(engine, question):
    answer = engine.ask(question).answer
    assert "regardless of prior treatment" in answer


@pytest.mark.parametrize("question", [
    "how long did responses last in MEDALIST versus COMMANDS?",
    "durability of TI: MEDALIST compared with COMMANDS?",
])
def test_each_trial_gets_each_distinct_durability_finding(engine, question):
    """Two sentences of one trial each giving their own durability figures are both quoted (median duration, and
    TI beyond a year), beside the other trial's."""
    answer = engine.ask(question).answer
    assert "79.9" in answer and "41.3%" in answer and "150.0" in answer


def test_basis_cues_are_lexicon_data_and_a_date_question_is_none():
    cue = whole_words(load_lexicon().basis_cues)
    assert cue.search("on what basis was it approved?") and cue.search("what was lusp's approval based on?")
    assert not cue.search("when was luspatercept approved?")


@pytest.mark.parametrize("question", [
    "on what basis was luspatercept approved by the FDA?",
    "What evidence was the luspatercept approval based on?",
])
def test_what_an_approval_was_based_on_names_the_trial(engine, question):
    answer = engine.ask(question).answer
    assert "April 2020" in answer and "MEDALIST" in answer


@pytest.mark.parametrize("question, failed", [
    ("patient failed epoetin and luspatercept - what are the options now?", {"cepoetin", "cluspatercept"}),
    ("failed ESAs, then luspatercept; what next?", {"cluspatercept"}),
    ("luspatercept and imetelstat after ESA failure", set()),
])
def test_a_drug_joined_to_a_failed_one_failed_too(question, failed):
    assert prior_therapies(load_lexicon(), question) == failed


def test_after_two_failed_drugs_the_next_option_is_answered(engine):
    answer = engine.ask("TD pt failed epoetin and then luspatercept. next option and the evidence?").answer
    assert "imetelstat" in answer


@pytest.mark.parametrize("question", [
    "Give an overview of the lenalidomide data in del(5q) MDS.",
    "summarize what the review says about lenalidomide for del5q",
])
def test_a_summary_of_a_drug_gives_each_finding_of_its_section(engine, question):
    """The effective-agent sentence and, from the same section, the early low-dose figures (a second finding)."""
    answer = engine.ask(question).answer
    assert "extremely effective" in answer and "66.3" in answer
