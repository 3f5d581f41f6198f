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
from bot.eligibility.cues import lexicon_cue

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
    # (question, note) for alternatives that are not a bound's ("4 units in 2 months": the last 8 weeks' count)
    wording: tuple[str, str] | None = None


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


# A date a value was measured on: "2023", "03/2024", "2024-03", "Mar 2024". A month alone ("in March")
# leaves the year open, so it orders nothing.
_DATE = re.compile(
    r"(?<![\w/.-])(?:(?P<m1>\d{1,2})[/.-](?P<y1>(?:19|20)\d\d)|(?P<y2>(?:19|20)\d\d)-(?P<m2>\d{1,2})(?!\d)|"
    r"(?:(?P<mn>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+)?(?P<y3>(?:19|20)\d\d))(?![\w/])",
    re.IGNORECASE,
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# A date belongs to the value in its own stretch of words: up to these.
_DATE_STOP = re.compile(r"[,;]|\.(?!\d)|\b(?:and|but|then|while|whereas)\b", re.IGNORECASE)


def _date_key(words: str) -> tuple[int, int] | None:
    found = _DATE.search(words)
    if found is None:
        return None
    year = int(found.group("y1") or found.group("y2") or found.group("y3"))
    month = found.group("m1") or found.group("m2")
    if found.group("mn"):
        return year, _MONTHS.index(found.group("mn").lower()[:3]) + 1
    return year, int(month) if month and 1 <= int(month) <= 12 else 0


def _statement_date(text: str, statements: list[Statement], i: int) -> tuple[int, int] | None:
    """The date stated with statement i: just after its value ("420 U/L (2023)"), else just before ("in 2025 it is")."""
    this = statements[i]
    after = text[this.end:statements[i + 1].start if i + 1 < len(statements) else len(text)]
    stop = _DATE_STOP.search(after)
    if (key := _date_key(after[:stop.start()] if stop else after)) is not None:
        return key
    before = text[statements[i - 1].end if i else 0:this.start]
    cuts = list(_DATE_STOP.finditer(before))
    return _date_key(before[cuts[-1].end():] if cuts else before)


def _latest_dated(text: str, statements: list[Statement]) -> int | None:
    """When every statement carries its own date, the latest one ("420 U/L (2023), 610 U/L (2025)")."""
    dates = [_statement_date(text, statements, i) for i in range(len(statements))]
    if any(d is None for d in dates) or len(set(dates)) != len(dates):
        return None
    return max(range(len(dates)), key=lambda i: dates[i])


def _corrected(text: str, statements: list[Statement]) -> int | None:
    """The last statement a correction introduces ("Hb 8.2 g/dL - sorry, 9.2 g/dL")."""
    cue = re.compile(rf"(?<!\w){lexicon_cue('corrections')}(?!\w)", re.IGNORECASE)
    corrected = [i for i in range(1, len(statements)) if cue.search(text, statements[i - 1].end, statements[i].end)]
    return corrected[-1] if corrected else None


def _single(indices: list[int]) -> int | None:
    return indices[0] if len(indices) == 1 else None


def current_index(text: str, statements: list[Statement]) -> int | None:
    """The statement the text marks as current; None when it does not say.

    A correction ("sorry", "I mean") wins; else one statement marked current ("now", "today",
    "latest") and not past; else, when each statement carries its own date, the latest; else,
    when every other statement is marked past ("last year", "at diagnosis"), the one left; a
    change stated as "from A to B" ends at B.
    """
    if (found := _corrected(text, statements)) is not None:
        return found
    words = [_own_words(text, statements, i) for i in range(len(statements))]
    current = [i for i, w in enumerate(words) if cues.CURRENT.search(w) and not cues.PAST.search(w)]
    if (found := _single(current)) is not None:
        return found
    if (found := _latest_dated(text, statements)) is not None:
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
