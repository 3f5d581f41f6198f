"""A trial's entry cutoff asked in shorthand ("COMMANDS sEPO cutoff for entry + blast cutoff") is answered
from the trial's own criteria: 'entry', 'inclusion' and 'threshold' ask for a figure, they are not topics the
sources lack, and 'blast' is read as 'blasts', never 'last'. Real engine."""

from __future__ import annotations

import pytest

from corpus.vocabulary import SpellingCorrector


def test_an_inflection_beats_another_word_at_the_same_distance():
    corrector = SpellingCorrector({"last", "blasts"})
    assert corrector.correct("blast") == "blasts"


@pytest.mark.parametrize(
    "question, figure",
    [
        ("COMMANDS sEPO cutoff for entry + blast cutoff", "<500 U/L"),
        ("IMerge EPO threshold for inclusion?", ">500 mU/mL"),
        ("blast cutoff to enter COMMANDS?", "<5% blasts"),
    ],
)
def test_a_trials_entry_cutoff_is_answered(engine, question, figure):
    response = engine.ask(question)
    assert response.status == "answered", response.answer
    assert figure in response.answer


def test_a_cutoff_the_sources_do_not_give_is_still_not_stated(engine):
    response = engine.ask("At what Hb do you hold luspatercept?")
    assert response.status == "refused"
    assert "do not state" in response.answer


@pytest.mark.parametrize("question", [
    "target serum EPO level for starting an ESA?",
    "which sEPO target picks ESA candidates?",
])
def test_a_target_value_is_a_threshold_whose_figure_each_source_gives(engine, question):
    """'Target' asks a value, like 'cutoff': both sources' sEPO figures are quoted (doc 000's <200 U/L beside doc 002's
    >500), and 'target' is no action the sources must name; 'targeted therapy' is no threshold question."""
    response = engine.ask(question)
    assert response.status == "answered" and "200U/L" in response.answer and "500" in response.answer


def test_targeted_therapy_is_no_threshold_question(engine):
    response = engine.ask("Which LR-MDS patients could get a targeted agent?")
    assert response.status == "answered" and "IDH" in response.answer
