"""Settling assumptions against the verdict: one that cannot change it stands (and is shown);
one that can is asked about, never assumed.

"Failed an ESA" names no agent; "sEPO > 500" gives a bound, not a value. The verdict is
evaluated with the assumed value and with every alternative the text allows; if all give
the same verdict, the assumption is harmless and stands as a note.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.eligibility.merge import merge_facts
from bot.eligibility.models import Assumption


def with_value(facts: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    """``facts`` with one assumed value; a course merges with the courses already known."""
    if field == "therapies":
        return merge_facts(facts, {"therapies": [value]})
    return {**facts, field: value}


def settle_assumptions(
    assumptions: list[Assumption], facts: dict[str, Any], verdict: Callable[[dict[str, Any]], Any]
) -> tuple[dict[str, Any], list[str], list[Assumption]]:
    """(facts with the harmless assumptions applied, their notes, the assumptions to ask about).

    ``verdict`` maps patient facts to a comparable outcome (decision and pathway); it may
    raise for facts the rules reject, which counts as a different outcome.
    """
    settled, notes, pending = dict(facts), [], []
    for assumption in assumptions:
        outcomes = {_outcome(verdict, with_value(settled, assumption.field, value))
                    for value in (assumption.assumed, *assumption.alternatives)}
        if len(outcomes) == 1:
            settled = with_value(settled, assumption.field, assumption.assumed)
            notes.append(f"{assumption.note} (It cannot change the verdict.)")
        else:
            pending.append(assumption)
    return settled, notes, pending


def _outcome(verdict: Callable[[dict[str, Any]], Any], facts: dict[str, Any]) -> Any:
    try:
        return verdict(facts)
    except ValueError as exc:  # pydantic.ValidationError is a ValueError
        return ("invalid", str(exc))
