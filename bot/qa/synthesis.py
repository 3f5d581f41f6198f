"""Synthesis beyond named aspects: the options a question asks for, and evidence that names its aspect.

"Which options exist after ESA failure?" names no drug, yet its answer is several: the drugs the
best evidence names, each with its own best sentence (instead of three sentences of one passage).
An aspect's pick that does not name its drug or trial itself ("Of the 222 patients enrolled, ...")
is quoted after the nearest earlier sentence of its section that does.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.qa.selection import ScoredSentence
from corpus.models import Passage, Sentence
from corpus.lexicon import Lexicon
from corpus.lexicon_entries import whole_words

# How far down the ranking a drug may be found, and how close to the best its sentence must score.
OPTION_DEPTH = 12


def option_cue(lexicon: Lexicon) -> re.Pattern[str] | None:
    return whole_words(lexicon.option_cues) if lexicon.option_cues else None


def trial_cue(lexicon: Lexicon) -> re.Pattern[str] | None:
    """'Which trials support <drug>?': answered with the best sentence naming each trial the evidence names."""
    return whole_words(lexicon.trial_cues) if lexicon.trial_cues else None


def option_picks(
    scored: list[ScoredSentence], kinds: frozenset[str], own_terms: Callable[[ScoredSentence], set[str]],
    min_ratio: float, limit: int,
) -> dict[str, ScoredSentence]:
    """The best sentence naming each drug (or trial: `kinds`) the top evidence names, in order of first appearance."""
    if not scored:
        return {}
    floor = min_ratio * scored[0].score
    picks: dict[str, ScoredSentence] = {}
    for candidate in scored[:OPTION_DEPTH]:
        if candidate.score < floor or len(picks) >= limit:
            break
        named = sorted(own_terms(candidate) & kinds - picks.keys())
        taken = {p.sentence.id for p in picks.values()}
        if named and candidate.sentence.id not in taken:
            picks[named[0]] = candidate
    return picks if len(picks) >= 2 else {}


def with_naming_sentences(
    picks: dict[str, list[ScoredSentence]], own_terms: Callable[[ScoredSentence], set[str]],
    terms_of: Callable[[str], set[str]], before: Callable[[ScoredSentence], list[tuple[Passage, Sentence]]],
) -> list[ScoredSentence]:
    """Each pick, preceded by the nearest earlier sentence of its section naming its aspect when it does not
    ("Among responders, TI was durable" after the sentence that names the trial)."""
    out: list[ScoredSentence] = []
    for entity, aspect_picks in picks.items():
        for pick in aspect_picks:
            if entity not in own_terms(pick):
                naming = next(((p, s) for p, s in reversed(before(pick)) if entity in terms_of(s.id)), None)
                if naming is not None and all(naming[1].id != o.sentence.id for o in out):
                    out.append(ScoredSentence(naming[1], naming[0], pick.score, pick.coverage, pick.context_coverage, pick.dense))
            if all(pick.sentence.id != o.sentence.id for o in out):
                out.append(pick)
    return out
