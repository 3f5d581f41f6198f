"""Populations a text names by a marker's presence or absence (lexicon `marker_polarity`): del(5q) or non-del(5q),
RS+ or RS-negative, SF3B1-mutated or wild-type, transfusion-dependent or not.

The absent side is read first and its words set aside, so "non-del(5q)" or "without del(5q)" is never also read as
del(5q); a text naming both sides, or a word that names both at once ("RS status", "all subtypes"), names both.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from corpus.lexicon import load_lexicon
from corpus.lexicon_entries import MarkerPolarity, QualifierSide, whole_words
from corpus.vocabulary import fold


class Polarity(BaseModel):
    """One side of a marker a text names: its population's label and the other side's."""

    model_config = ConfigDict(frozen=True)

    marker: str
    present: bool
    label: str
    other_label: str


def _side_regex(side: QualifierSide) -> re.Pattern[str] | None:
    concepts = {c.key[1:]: c.patterns for c in load_lexicon().all_concepts if c.kind == "concept"}
    patterns = [p for k in side.concepts for p in concepts[k]] + list(side.names)
    return whole_words(patterns) if patterns else None


@lru_cache(maxsize=1)
def _markers() -> tuple[tuple[MarkerPolarity, re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None], ...]:
    polarity = load_lexicon().marker_polarity
    return tuple((m, _side_regex(m.present), _side_regex(m.absent), whole_words(m.either) if m.either else None)
                 for m in polarity.markers)


@lru_cache(maxsize=1)
def _criteria() -> re.Pattern[str] | None:
    cues = load_lexicon().marker_polarity.criteria_cues
    return whole_words(cues) if cues else None


def sides_named(text: str) -> dict[str, frozenset[bool]]:
    """Marker -> the polarities the text names (True: present, False: absent); markers it does not name are left out."""
    folded = fold(text)
    named: dict[str, frozenset[bool]] = {}
    for marker, present, absent, either in _markers():
        if either is not None and either.search(folded):
            named[marker.marker] = frozenset({True, False})
            continue
        rest, sides = folded, set()
        if absent is not None and absent.search(folded):
            sides.add(False)
            rest = absent.sub(lambda m: " " * len(m.group(0)), folded)
        if present is not None and present.search(rest):
            sides.add(True)
        if sides:
            named[marker.marker] = frozenset(sides)
    return named


def asked_polarities(question: str) -> list[Polarity]:
    """The one side of each marker a question names (a marker asked on both sides, a contrast, is not one)."""
    named = sides_named(question)
    out = []
    for marker, _, _, _ in _markers():
        sides = named.get(marker.marker, frozenset())
        if len(sides) == 1:
            present = next(iter(sides))
            asked, other = (marker.present, marker.absent) if present else (marker.absent, marker.present)
            out.append(Polarity(marker=marker.marker, present=present, label=asked.label, other_label=other.label))
    return out


def asks_criteria(question: str) -> bool:
    """Whether the question asks who is eligible, enrolled or approved, or why: another population's criteria answer it."""
    cues = _criteria()
    return cues is not None and bool(cues.search(fold(question)))
