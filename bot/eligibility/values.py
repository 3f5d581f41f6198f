"""A stated value: a number, maybe behind a comparator ("> 500", "at least 15"), as the rules need it."""

from __future__ import annotations

import re

from bot.eligibility.draft import Draft, fragment
from corpus.text import NUMBER, format_number, parse_number_as_written

# A lab value ("1,200", "8.5", "8,5") not followed by more digits.
VALUE = rf"(?P<num>{NUMBER})(?![.,]?\d)"
COMPARATOR = (
    r"(?:(?P<cmp>>=|<=|=>|=<|≥|≤|>|<|at\s+least|at\s+most|greater\s+than|more\s+than|"
    r"less\s+than|above|below|over|under)\s*)?"
)
# What may join a label to its value: "sEPO: 620", "Hb of ~8", "RS was 20%".
LINK = r"\s*(?:(?:today|now|currently|latest|recently|not\s+(?:increased|elevated))\b\s*)?(?:[:=]|\bof\b|\bis\b|\bwas\b|\bwere\b|\bare\b|\bat\b|-)?\s*(?:(?:~|\babout\b|\bapprox(?:imately|\.)?)\s*)?"
PERCENT = r"\s*(?:%|percent\b|pct\b)"

_INCLUSIVE = frozenset({">=", "=>", "≥", "at least", "<=", "=<", "≤", "at most"})
_ABOVE = frozenset({">", "greater than", "more than", "above", "over"})


def apply_comparator(value: int | float, comparator: str | None, step: float) -> tuple[int | float, str | None]:
    """A number that satisfies exactly what was stated, and why it differs from the one typed.

    "≥ 15" is recorded as 15; a strict bound moves ``step`` to its side ("> 500" -> 500.1,
    "< 5" -> 4.9), so the rules see a value on the stated side of their threshold.
    """
    if not comparator:
        return value, None
    cmp = re.sub(r"\s+", " ", comparator.lower())
    if cmp in _INCLUSIVE:
        return value, "recorded as the stated bound"
    if cmp in _ABOVE:
        return round(value + step, 6), "strict bound, recorded just above it"
    return round(value - step, 6), "strict bound, recorded just below it"


_FAR_FACTOR = 10  # "sEPO > 500" also allows 5000: the far end a bound leaves open


def bound_alternatives(match: re.Match[str], recorded: int | float, step: float,
                       ceiling: float | None = None, floor: float | None = None) -> list[int | float] | None:
    """Other values a bound allows ("> 500": 5000; "< 10": ``step``); None when no bound was stated.

    The chat evaluates the verdict at the recorded value and at these: when it differs,
    the user is asked for the value instead of the verdict resting on the bound.
    """
    comparator = match.groupdict().get("cmp")
    if not comparator:
        return None
    cmp = re.sub(r"\s+", " ", comparator.lower())
    if cmp in _ABOVE or cmp in {">=", "=>", "≥", "at least"}:
        far = recorded * _FAR_FACTOR if recorded > 0 else recorded + 1
        return [min(far, ceiling) if ceiling is not None else far]
    return [floor if floor is not None else step]


def bounded_value(draft: Draft, label: str, match: re.Match[str]) -> int | float:
    """The value of a match with ``num`` (and maybe ``cmp``) groups; a bound is noted."""
    value = parse_number_as_written(match.group("num"))
    recorded, why = apply_comparator(value, match.groupdict().get("cmp"), draft.reading.strict_bound_step)
    if why:
        draft.note(f"{label} '{fragment(match)}': {why} ({format_number(recorded)}).")
    return recorded
