"""Facts across the turns of one conversation: the later turn wins, field by field."""

from __future__ import annotations

from typing import Any

from bot.eligibility.therapies import esa_agents


def _is_iron_follow_up(entry: dict[str, Any]) -> bool:
    """An entry carrying only the iron status of an ESA course ("she was iron replete")."""
    return set(entry) == {"agent", "iron_replete"} and entry["agent"] in esa_agents()


def _merge_therapies(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
    """Old courses updated by agent with the new ones; and whether any course was added or updated."""
    therapies = [dict(entry) for entry in old]
    added = False
    for entry in new:
        if _is_iron_follow_up(entry):
            for course in therapies:
                if course["agent"] in esa_agents():
                    course["iron_replete"] = entry["iron_replete"]
            continue
        added = True
        existing = next((course for course in therapies if course["agent"] == entry["agent"]), None)
        if existing is None:
            therapies.append(dict(entry))
        else:
            existing.update(entry)
    return therapies, added


def merge_facts(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Combine facts across turns: the later turn wins, field by field.

    Therapies merge by agent (a later "lost response" updates the same course).
    An explicit empty list ("no prior therapy") replaces the history. An entry
    carrying only iron status ("she was iron replete") qualifies the earlier ESA
    course(s) and is dropped when there is none to qualify.
    """
    merged = {key: value for key, value in old.items() if key != "therapies"}
    merged.update({key: value for key, value in new.items() if key != "therapies"})
    if "therapies" not in new:
        if "therapies" in old:
            merged["therapies"] = [dict(entry) for entry in old["therapies"]]
        return merged
    if not new["therapies"]:
        merged["therapies"] = []
        return merged
    therapies, added = _merge_therapies(old.get("therapies", []), new["therapies"])
    if added or "therapies" in old:  # an unattached iron status must not read as "no prior therapy"
        merged["therapies"] = therapies
    return merged
