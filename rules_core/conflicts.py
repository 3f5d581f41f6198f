"""Known conflicts as the rules core sees them: read from the ONE conflicts file, corpus/conflicts.yaml.

The conflicts file is the single source of truth for what the sources disagree on
(topic, each position's document, verbatim opening words and stance). The corpus
side (corpus/conflicts.py) resolves positions to sentences and matches questions;
it imports the retrieval vocabulary, which the rules core must not load. This tiny
loader reads only what a decision needs: the entries with a ``rules`` link, their
topic and positions. A decision reached through a linked pathway carries them.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from rules_core.decision import ConflictPosition

CONFLICTS_FILE = "conflicts.yaml"


class RuleConflict:
    """One conflict tied to a rules-core pathway (the ``rules`` link of a conflicts.yaml entry)."""

    __slots__ = ("topic", "pathway", "positions")

    def __init__(self, topic: str, pathway: str, positions: tuple[ConflictPosition, ...]) -> None:
        self.topic, self.pathway, self.positions = topic, pathway, positions


def load_rule_conflicts(text: str | None = None) -> tuple[RuleConflict, ...]:
    """The conflicts with a ``rules`` link; ValueError naming the entry and field when one is malformed."""
    import yaml

    if text is None:
        text = resources.files("corpus").joinpath(CONFLICTS_FILE).read_text(encoding="utf-8")
    data = yaml.load(text, Loader=yaml.CSafeLoader) or []
    if not isinstance(data, list):
        raise ValueError(f"{CONFLICTS_FILE}: expected a list of conflicts")
    return tuple(_rule_conflict(i, entry) for i, entry in enumerate(data) if isinstance(entry, dict) and entry.get("rules"))


def _rule_conflict(index: int, entry: dict[str, Any]) -> RuleConflict:
    where = f"{CONFLICTS_FILE}: conflict {entry.get('topic', f'#{index}')!r}"
    try:
        positions = tuple(ConflictPosition(str(p["doc_id"]), str(p["quote"]), str(p["stance"])) for p in entry["positions"])
        return RuleConflict(str(entry["topic"]), str(entry["rules"]["pathway"]), positions)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{where}: missing or malformed field {exc}") from None
