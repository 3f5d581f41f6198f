"""Answers kept concise: over `AnswerTuning.max_answer_words`, the least needed quotes are dropped.

A question on a contested topic ("<trial A> vs <trial B>: endpoint duration?") carries every position of the
conflict (the guard requires them) besides its own evidence; the sum can run past what a reader takes in.
What must stay: the opening sentence, each aspect's first evidence, and the positions. The rest (second
evidence of an aspect, continuations, fill-ins) goes lowest score first until the answer fits.
"""

from __future__ import annotations

import re

from bot.qa.selection import ScoredSentence

_MARKER = re.compile(r"\s*\[\d+\]")


def words(item: ScoredSentence) -> int:
    return len(_MARKER.sub("", item.sentence.normalized).split())


def within_budget(chosen: list[ScoredSentence], kept: set[str], limit: int) -> list[ScoredSentence]:
    """`chosen` less its lowest-scored sentences not in `kept` (ids; the first is always kept) while over `limit`
    words; `limit` 0: unchanged."""
    if not limit or not chosen:
        return chosen
    kept = kept | {chosen[0].sentence.id}
    total = sum(words(c) for c in chosen)
    droppable = sorted((c for c in chosen if c.sentence.id not in kept), key=lambda c: (c.score, c.sentence.id))
    dropped: set[str] = set()
    for item in droppable:
        if total <= limit:
            break
        dropped.add(item.sentence.id)
        total -= words(item)
    return [c for c in chosen if c.sentence.id not in dropped]
