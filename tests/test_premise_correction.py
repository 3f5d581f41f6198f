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
