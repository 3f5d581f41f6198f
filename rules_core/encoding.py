"""A decision as JSON bytes, byte for byte what ``Decision.model_dump_json()`` gives, at batch speed.

Most of a decision's ~6 kB is the same for every patient: criterion statements,
verbatim quotes, pathway titles, warning citations, the ruleset and policy. The
evaluator reuses its (read-only) CriterionResult objects, so each is serialised
once and its bytes are joined into every later decision that holds it; the
fixed fields of a pathway and of a warning are serialised once per pathway and
warning rule. What varies (verdict, summary, statuses, evidence, warning text) is
serialised per decision with orjson, whose output for strings, numbers and
stdlib dataclasses equals pydantic's. Field names and order come from the models
themselves, so a field added to them is serialised here too; tests/test_rules_batch.py
compares the bytes with pydantic's on several hundred varied patients.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from typing import Any

import orjson

from rules_core.decision import Decision, PathwayResult, WarningItem
from rules_core.loader import Ruleset

MAX_CACHED = 20_000  # fragments kept per encoder: the reused parts of a ruleset, with room to spare
_FROM_RULESET = ("ruleset", "policy", "decision_id")  # the Decision fields after the decision's own parts


def _template(obj: Any, names: tuple[str, ...], varying: tuple[str, ...]) -> list[bytes]:
    """The object's JSON cut around its ``varying`` fields: ``[before first, between, ..., after last]``."""
    segments, current = [], b"{"
    for n, name in enumerate(names):
        current += (b"," if n else b"") + orjson.dumps(name) + b":"
        if name in varying:
            segments.append(current)
            current = b""
        else:
            current += orjson.dumps(getattr(obj, name))
    return [*segments, current + b"}"]


class DecisionEncoder:
    """JSON of decisions made under one ruleset (its info and policy are serialised once)."""

    _DECISION = tuple(Decision.model_fields)
    _PATHWAY = tuple(f.name for f in fields(PathwayResult))
    _PATHWAY_FIXED = attrgetter(*(name for name in _PATHWAY if name not in ("status", "criteria")))
    _WARNING = tuple(f.name for f in fields(WarningItem))

    def __init__(self, ruleset: Ruleset) -> None:
        own = [name for name in self._DECISION if name not in _FROM_RULESET]
        assert list(self._DECISION) == [*own, *_FROM_RULESET], "ruleset, policy, decision_id must close a Decision"
        assert self._PATHWAY.index("status") < self._PATHWAY.index("criteria"), "a pathway's status precedes its criteria"
        self._own = tuple((name, (b'{"' if n == 0 else b',"') + name.encode() + b'":') for n, name in enumerate(own))
        self._tail = (b',"ruleset":' + ruleset.info.model_dump_json().encode()
                      + b',"policy":' + ruleset.policy.model_dump_json().encode() + b',"decision_id":')
        # id(part) → its JSON. Each cached part is kept alive (``_alive``), so its id names no other object.
        self._fragments: dict[int, bytes] = {}
        self._alive: list[Any] = []
        self._pathways: dict[tuple, list[bytes]] = {}  # a pathway's fixed fields → its template
        self._warnings: dict[tuple, list[bytes]] = {}  # a warning rule's fixed fields → its template

    def body(self, decision: Any) -> bytes:
        """The decision's JSON up to and including ``"decision_id":`` (append the id's JSON and ``}``).

        ``decision``: a rules_core Decision, or anything with its fields (evaluator.DecisionParts).
        """
        out: list[bytes] = []
        for name, key in self._own:
            out.append(key)
            if name == "pathways":
                out.append(b"[")
                for n, pathway in enumerate(decision.pathways):
                    if n:
                        out.append(b",")
                    self._pathway(pathway, out)
                out.append(b"]")
            elif name == "warnings":
                out.append(self.warnings_json(decision))
            else:
                out.append(orjson.dumps(getattr(decision, name)))
        out.append(self._tail)
        return b"".join(out)

    def warnings_json(self, decision: Any) -> bytes:
        """The decision's warnings as a JSON array (also stored with a decision record)."""
        return b"[" + b",".join([self._warning(w) for w in decision.warnings]) + b"]"

    def encode(self, decision: Any, decision_id: str | None = None) -> bytes:
        """The whole decision, as ``decision.model_dump_json()`` with this ``decision_id``."""
        return self.body(decision) + orjson.dumps(decision_id) + b"}"

    def _fragment(self, part: Any) -> bytes:
        fragment = orjson.dumps(part)
        if len(self._fragments) < MAX_CACHED:
            self._fragments[id(part)] = fragment
            self._alive.append(part)
        return fragment

    def _pathway(self, result: PathwayResult, out: list[bytes]) -> None:
        """A pathway: its fixed fields once per pathway, each criterion result serialised once."""
        key = self._PATHWAY_FIXED(result)
        template = self._pathways.get(key)
        if template is None:
            template = _template(result, self._PATHWAY, ("status", "criteria"))
            if len(self._pathways) < MAX_CACHED:
                self._pathways[key] = template
        fragments = self._fragments
        criteria = b",".join([fragments.get(id(c)) or self._fragment(c) for c in result.criteria])
        out += (template[0], orjson.dumps(result.status), template[1], b"[", criteria, b"]", template[2])

    def _warning(self, item: WarningItem) -> bytes:
        """A warning: its text per patient, the rest (most of its bytes: the citations) once per rule."""
        key = (item.id, item.kind, id(item.citations), id(item.citation))
        template = self._warnings.get(key)
        if template is None:
            template = _template(item, self._WARNING, ("text",))
            if len(self._warnings) < MAX_CACHED:
                self._warnings[key] = template
                self._alive.append(item.citations)  # keeps the ids in the key from naming other objects
        return template[0] + orjson.dumps(item.text) + template[1]
