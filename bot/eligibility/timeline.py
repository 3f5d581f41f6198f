"""Several values for one field in one message: which is current, or ask.

"sEPO 620 U/L last year, now 150" states two values; the newest wins. When the text
does not say which is current ("Hb 8.1 g/dL. Hb 9.4 g/dL"), the field is left unfilled
and the user is asked: the verdict must not rest on a guess between two values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.eligibility import cues

# A statement's own words run back to, and on to, the nearest of these.
_SEPARATOR = re.compile(r"[,;(){}\[\]]|\.(?!\d)|\s-\s|\bbut\b|\bwhile\b", re.IGNORECASE)

# Words that start the next statement when no punctuation separates two ("... last spring to 6 units").
_CONNECTOR = re.compile(r"\b(?:to|then|and|vs\.?|versus)\b", re.IGNORECASE)


@dataclass
class Statement:
    """One statement of a field: its value, where it was read, and the note it carries."""

    value: Any
    start: int
    end: int
    fragment: str
    note: str | None = None
    alternatives: list[Any] | None = None  # a bound ("sEPO > 500"): other values it allows


def _gap_split(gap: str) -> int:
    """Where the words between two statements stop describing the first and start the second."""
    found = _SEPARATOR.search(gap) or _CONNECTOR.search(gap)
    return found.start() if found else len(gap)


def _own_words(text: str, statements: list[Statement], i: int) -> str:
    """The statement and the words around it: time words after a value are its own ("620 last year"),
    and so are those before it ("now 150"), up to a separator or connector between the two."""
    this = statements[i]
    if i:
        gap = text[statements[i - 1].end:this.start]
        before = gap[_gap_split(gap):]
    else:
        before = text[:this.start]
        cuts = list(_SEPARATOR.finditer(before))
        before = before[cuts[-1].end():] if cuts else before
    if i + 1 < len(statements):
        gap = text[this.end:statements[i + 1].start]
        after = gap[:_gap_split(gap)]
    else:
        after = text[this.end:]
        cut = _SEPARATOR.search(after)
        after = after[:cut.start()] if cut else after
    return f"{before} {text[this.start:this.end]} {after}"


def _single(indices: list[int]) -> int | None:
    return indices[0] if len(indices) == 1 else None


def current_index(text: str, statements: list[Statement]) -> int | None:
    """The statement the text marks as current; None when it does not say.

    One statement marked current ("now", "today", "latest") and not past wins; else,
    when every other statement is marked past ("last year", "at diagnosis"), the one
    left wins; a change stated as "from A to B" ends at B.
    """
    words = [_own_words(text, statements, i) for i in range(len(statements))]
    current = [i for i, w in enumerate(words) if cues.CURRENT.search(w) and not cues.PAST.search(w)]
    if (found := _single(current)) is not None:
        return found
    not_past = [i for i, w in enumerate(words) if not cues.PAST.search(w)]
    if len(statements) > 1 and (found := _single(not_past)) is not None:
        return found
    between = text[statements[0].start:statements[-1].end]
    if cues.CHANGE_FROM_TO.search(between):
        return len(statements) - 1
    return None


def distinct(statements: list[Statement]) -> bool:
    return len({repr(s.value) for s in statements}) > 1
