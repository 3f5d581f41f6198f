"""A trial's entry cutoff asked in shorthand ("COMMANDS sEPO cutoff for entry + blast cutoff") is answered
from the trial's own criteria: 'entry', 'inclusion' and 'threshold' ask for a figure, they are not topics the
sources lack, and 'blast' is read as 'blasts', never 'last'. Real engine."""

from __future__ import annotations

import pytest

from corpus.lexicon import load_lexicon
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


@pytest.mark.parametrize("question", ["IMerge sEPO cutoff to call pt ESA-inelig",
                                      "what EPO level made pts ESA-ineligible for imetelstat in IMerge"])
def test_a_trial_entry_level_written_epo_with_a_comparator_is_the_serum_level(engine, question):
    """'ESA-ineligible with EPO >500 mU/mL' states the sEPO threshold: 'EPO' before a comparator is a serum level."""
    response = engine.ask(question)
    assert response.status == "answered"
    assert "500 mU/mL" in response.answer


def test_epo_as_a_treatment_is_not_read_as_the_serum_level():
    lexicon = load_lexicon()
    keys = lambda text: {c.key for c, regex in lexicon.concept_regexes if regex.search(text)}
    assert "csepo" in keys("ESA-ineligible with EPO >500 mU/mL")
    assert "csepo" not in keys("failed EPO after 12 weeks")


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
