"""A question presupposing what the sources do not support gets what corrects it first, cited
(bot/correction.py; the guard's premise note before it). Real corpus words; real engine below."""

from __future__ import annotations

import pytest

from bot.correction import correction_query, known_head
from bot.guard.premises import Premise


def test_the_part_of_an_unsupported_word_the_sources_use(engine):
    corpus_words = engine.guard.knowledge.corpus_words
    assert known_head("hepatotoxicity", corpus_words) == "toxicity"
    assert known_head("zzzqqq", corpus_words) is None


def test_the_correction_asks_the_head_or_the_presupposed_clause(engine):
    corpus_words = engine.guard.knowledge.corpus_words
    toxic = Premise(terms=("hepatotoxicity",), subject=("imetelstat",))
    assert correction_query("Given imetelstat's hepatotoxicity, how often?", toxic, corpus_words) == "imetelstat toxicity"
    every = Premise(terms=(), absolutes=("every",), subject=("lusp",))
    question = "Since lusp is first-line for every TD pt, can I skip the ESA trial?"
    assert correction_query(question, every, corpus_words) == "lusp is first-line for every TD pt"
    assert correction_query(question, Premise(terms=("x",)), corpus_words) is None  # no subject: nothing to ask


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "correcting"),
    [
        ("Given imetelstat's hepatotoxicity, how often should we check LFTs?", "thrombocytopenia"),
        ("Since lusp is first-line for every TD LR-MDS pt, can I leave the ESA trial off the PA?", "NOT indicated as first-line"),
    ],
)
def test_a_false_premise_is_corrected_by_the_sentence_that_contradicts_it(engine, question, correcting):
    shown = engine.conversation().send(question)
    assert shown.status == "answered" and shown.answer.startswith("Note: the sources do not support")
    assert correcting in shown.answer.split("[1]", 2)[1]  # the first cited sentence after the note corrects it


@pytest.mark.parametrize(
    "question",
    ["Why was luspatercept recalled?", "why was enasidenib taken off the market?"],
)
def test_a_why_question_about_an_event_the_sources_never_mention_is_found(engine, question):
    from bot.guard.premises import unsupported_event

    knowledge = engine.guard.knowledge
    event = unsupported_event(question, knowledge.lexicon, knowledge.corpus_words, knowledge.corpus_stems)
    assert event is not None and event.subject and event.terms


@pytest.mark.parametrize(
    "question",
    ["Why did the FDA reject luspatercept for MDS?",  # the sources speak of its FDA approval: they correct it
     "Why was COMMANDS stopped early?",  # 'early' is theirs ('ongoing' corrects it)
     "Given imetelstat's hepatotoxicity, how often should we check LFTs?",  # not a why-question
     "Why does anemia matter in lower-risk MDS?"],  # no drug or trial: nothing presupposed of one
)
def test_a_premise_the_sources_speak_to_is_not_an_unmentioned_event(engine, question):
    from bot.guard.premises import unsupported_event

    knowledge = engine.guard.knowledge
    assert unsupported_event(question, knowledge.lexicon, knowledge.corpus_words, knowledge.corpus_stems) is None


@pytest.mark.slow
@pytest.mark.parametrize("question", ["Why was luspatercept recalled by the manufacturer?",
                                      "why did they pull imetelstat off the market?"])
def test_no_cause_is_given_for_an_event_the_sources_never_mention(engine, question):
    shown = engine.conversation().send(question)
    assert shown.status == "refused" and not shown.citations
    assert "do not state that this happened" in shown.answer and "because" not in shown.answer
