"""A follow-up presupposing something of 'that trial' / 'the study' / 'it' is judged as the question naming the
trial would be (bot/followup.py reads it so; the premise rail judges that reading): the trial the last answer
quoted when the last question named a drug. Real lexicon; the conversation tests use the real engine."""

from __future__ import annotations

import pytest

from bot.followup import Topic, read_turn, trials_quoted
from corpus.lexicon import load_lexicon

LEXICON = load_lexicon()
AFTER_A_DRUG = Topic(subjects=(("drug", "luspatercept"),), question="should luspatercept come before ESAs?",
                     answer_trials=("commands", "medalist"))


@pytest.mark.parametrize(("turn", "read"), [
    ("why was the study halted early?", "why was COMMANDS halted early?"),
    ("so why did that trial get terminated?", "so why did COMMANDS get terminated?"),
    ("why did this trial fail?", "why did COMMANDS fail?"),
])
def test_a_trial_named_by_a_referring_word_is_the_trial_the_last_answer_quoted_first(turn, read):
    reading = read_turn(turn, AFTER_A_DRUG, LEXICON, dose_question=False)
    assert reading.query == read and reading.named and reading.subject == ("trial", "commands")


def test_it_after_a_trial_is_replaced_by_its_name_but_a_drug_keeps_the_appended_reading():
    after_trial = Topic(subjects=(("trial", "imerge"),), question="IMerge results?")
    reading = read_turn("why was it stopped?", after_trial, LEXICON, dose_question=False)
    assert reading.query == "why was IMerge stopped?" and reading.named
    its = read_turn("why were its results withdrawn?", after_trial, LEXICON, dose_question=False)
    assert its.query.endswith("(IMerge)") and not its.named  # a possessive is not replaced
    drug = read_turn("why was it stopped?", AFTER_A_DRUG, LEXICON, dose_question=False)  # 'it' is the drug
    assert drug.query.endswith("(luspatercept)") and not drug.named and drug.subject == ("drug", "luspatercept")


def test_the_trial_of_the_drug_asked_about_is_preferred_among_those_quoted():
    topic = AFTER_A_DRUG.model_copy(update={"answer_trials": ("imerge", "commands")})
    assert read_turn("why was that study stopped?", topic, LEXICON, False).query == "why was COMMANDS stopped?"
    other = Topic(subjects=(("class", "esa"),), question="ESAs first?", answer_trials=("imerge", "commands"))
    assert read_turn("why was that study stopped?", other, LEXICON, False).subject == ("trial", "imerge")


def test_no_trial_quoted_leaves_that_trial_to_the_last_subject():
    topic = Topic(subjects=(("drug", "imetelstat"),), question="imetelstat dose?")
    reading = read_turn("why was that trial stopped?", topic, LEXICON, dose_question=False)
    assert reading.subject == ("drug", "imetelstat") and not reading.named


def test_the_trials_an_answer_quotes_in_order():
    answer = "In the pivotal MEDALIST trial, 38% ... [1] The COMMANDS trial (ongoing Phase 3) ... [2] MEDALIST again."
    assert trials_quoted(answer, LEXICON) == ("medalist", "commands")


@pytest.mark.slow
@pytest.mark.parametrize(("first", "follow_up", "trial", "reported"), [
    ("should luspatercept be used before ESAs?", "why was the study halted early?", "COMMANDS", "60.4%"),
    ("what did imetelstat do for transfusion independence?", "why did that trial fail?", "IMerge", "40%"),
    ("what did MEDALIST show?", "why did it fail?", "MEDALIST", "38%"),
])
def test_a_false_premise_about_the_last_turns_trial_is_corrected_with_its_results(engine, first, follow_up, trial,
                                                                                    reported):
    conversation = engine.conversation()
    conversation.send(first)
    shown = conversation.send(follow_up)
    assert shown.status == "answered" and shown.answer.startswith("Note: the sources do not support")
    assert f"about {trial}" in shown.answer.split("[1]", 1)[0] and reported in shown.answer
    assert "because" not in shown.answer.lower()  # no cause is given for what never happened


@pytest.mark.slow
@pytest.mark.parametrize("question", ["why did COMMANDS get halted?", "Why was MEDALIST terminated?"])
def test_a_presupposed_stop_of_a_named_trial_gets_its_results_not_a_refusal(engine, question):
    shown = engine.conversation().send(question)
    assert shown.status == "answered" and shown.answer.startswith("Note: the sources do not support") and shown.citations
