"""Questions whose answer the sources do not state: "at what Hb do you hold <drug>?".

A threshold question (a cue from corpus/lexicon.yaml `threshold_cues`, about a measurement
concept such as Hb or sEPO) is answered only by a sentence that gives a figure for that
measurement in a passage that also names the question's other topic words (the action:
"transfuse", "escalate"). When none does, the answer says so first, then what the sources
do state about it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from corpus.lexicon import load_lexicon
from corpus.retrieval import QueryAnalysis
from corpus.text import extract_figures
from corpus.vocabulary import stem

_LEXICON = load_lexicon()
_CUES = re.compile(r"(?<![\w-])(?:" + "|".join(_LEXICON.threshold_cues) + r")(?!\w)", re.IGNORECASE) if _LEXICON.threshold_cues else None
_MEASURES = frozenset(f"c{key}" for key in _LEXICON.measurement_concepts)


def asked_threshold(analysis: QueryAnalysis) -> list[str]:
    """The measurement concepts a threshold question asks a value of (none: not a threshold question)."""
    if _CUES is None or not _CUES.search(analysis.corrected):
        return []
    return [c.key for c in analysis.concepts if c.key in _MEASURES]


def threshold_stated(
    analysis: QueryAnalysis, measures: list[str], candidates: list[tuple[str, set[str], set[str]]]
) -> bool:
    """Whether a candidate (sentence text, its own terms, its passage's terms) states a figure for
    one of the measures where every other topic word of the question is named."""
    action = [t for t in analysis.known_terms if not t.startswith("c") and t not in _MEASURE_WORDS]
    if any(w.isalpha() and stem(w) not in _MEASURE_WORDS for w in analysis.unknown_terms):
        return False  # the question's own words for the action are never used by the sources
    for text, own, context in candidates:
        if extract_figures(text) and set(measures) & own and all(t in context for t in action):
            return True
    return False


def threshold_label(measures: list[str], label_of: Callable[[str], str]) -> str:
    return " or ".join(label_of(m) for m in measures)


# Plain words that name the measurement itself ("level", "value"), not an action.
_MEASURE_WORDS = frozenset({"level", "valu", "threshold", "cutoff", "limit"})
