"""Synthesis (issue 11 item 3): option questions get a sentence per drug; each aspect's evidence names it."""

from __future__ import annotations

from corpus.lexicon import load_lexicon


def test_option_cues_are_lexicon_data():
    assert load_lexicon().option_cues


def test_options_after_a_failure_get_a_sentence_per_drug(engine):
    """No drug is named, yet the answer is several: each drug the best evidence names, each cited."""
    response = engine.ask("Which options exist after ESA failure in transfusion-dependent LR-MDS?")
    assert response.status == "answered"
    assert "luspatercept" in response.answer.lower() and "imetelstat" in response.answer.lower()
    assert len(response.citations) >= 2


def test_a_fact_question_without_an_option_cue_is_not_split_by_drug(engine):
    """The same evidence for a one-fact question stays one drug's answer."""
    response = engine.ask("What is the FDA approval date of luspatercept?")
    assert "imetelstat" not in response.answer.lower()


def test_an_aspect_pick_that_does_not_name_its_trial_comes_after_the_sentence_that_does(engine):
    answer = engine.ask("How did the patients enrolled in MEDALIST differ from those in COMMANDS?").answer
    assert "refractory to ESAs" in answer and "ESA-naive" in answer
    assert answer.index("MEDALIST") < answer.index("Of the 222 patients enrolled")


def test_the_control_arm_of_each_trial_is_read_as_its_comparator(engine):
    """'control arm' is the comparator concept (lexicon data): each trial's sentence naming what it was compared with."""
    answer = engine.ask("What was the control arm in MEDALIST, IMerge and COMMANDS respectively?").answer
    assert answer.count("versus placebo") >= 2 and "ESAs" in answer
