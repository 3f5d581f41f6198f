"""Three-valued (Kleene) logic: every rule answers met, not_met or missing.

`missing` means "not documented": it is neither true nor false, so an AND with
a false part is false, an OR with a true part is true, and anything else that
touches `missing` stays `missing`.

The values are plain strings (a Literal type), not an Enum: they are compared
millions of times and Enum attribute access is ~15x slower than a constant.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

Tri = Literal["met", "not_met", "missing"]
MET: Tri = "met"
NOT_MET: Tri = "not_met"
MISSING: Tri = "missing"
TRI_VALUES: tuple[Tri, ...] = (MET, NOT_MET, MISSING)


def all_of(values: Iterable[Tri]) -> Tri:
    """Kleene AND: not_met wins, then missing, else met (empty → met)."""
    result = MET
    for value in values:
        if value == NOT_MET:
            return NOT_MET
        if value == MISSING:
            result = MISSING
    return result


def any_of(values: Iterable[Tri]) -> Tri:
    """Kleene OR: met wins, then missing, else not_met (empty → not_met)."""
    result = NOT_MET
    for value in values:
        if value == MET:
            return MET
        if value == MISSING:
            result = MISSING
    return result


def negate(value: Tri) -> Tri:
    """Kleene NOT: swaps met and not_met; missing stays missing."""
    if value == MET:
        return NOT_MET
    if value == NOT_MET:
        return MET
    return MISSING


def from_bool(value: bool | None) -> Tri:
    """None (not documented) → missing."""
    if value is None:
        return MISSING
    return MET if value else NOT_MET
