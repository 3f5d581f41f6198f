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

from rules_core.criteria import DrugRules
from rules_core.decision import ConflictNote, ConflictPosition

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


def with_conflicts(
    rules: dict[str, DrugRules], pers: dict[str, tuple[str, str]], labels: dict[str, str]
) -> dict[str, DrugRules]:
    """Ties each linked conflict to its pathway with a one-line contested verdict.

    ``pers``: pathway id → (doc_id, basis) it rests on (ruleset `per`); ``labels``: doc_id → 'the review'.
    """
    out = dict(rules)
    for conflict in load_rule_conflicts():
        drug = conflict.pathway.partition(".")[0]
        if conflict.pathway not in pers or drug not in out:
            raise ValueError(f"{conflict.pathway}: the conflict {conflict.topic!r} names this pathway; "
                             "it must exist and give `per` (the source it rests on)")
        note = ConflictNote(conflict.topic, conflict.positions, contested_verdict(conflict, pers[conflict.pathway], labels))
        old = out[drug]
        out[drug] = DrugRules(old.drug, old.pathways, old.warnings, (*old.conflicts, (conflict.pathway, note)))
    return out


def contested_verdict(conflict: RuleConflict, per: tuple[str, str], labels: dict[str, str]) -> str:
    """'meets per <label> (<basis>); <other label> says <its first stance>', from the data alone."""
    doc_id, basis = per
    others: dict[str, str] = {}
    for position in conflict.positions:
        if position.doc_id not in labels:
            raise ValueError(f"conflict {conflict.topic!r}: {position.doc_id!r} is not a ruleset source")
        if position.doc_id != doc_id:
            others.setdefault(position.doc_id, position.stance)
    against = "; ".join(f"{labels[doc]} says {stance}" for doc, stance in others.items())
    return f"meets per {labels[doc_id]} ({basis}); {against}"
