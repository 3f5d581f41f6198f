"""A decision as JSON bytes, byte for byte what ``Decision.model_dump_json()`` gives, at batch speed.

Most of a decision's ~6 kB is the same for every patient: criterion statements,
verbatim quotes, pathway titles, the ruleset and policy. The evaluator reuses
its (read-only) CriterionResult objects, so each is serialised once and its
bytes are joined into every later decision that holds it; pathway heads and
warning citations are serialised once per pathway and warning. What varies
(verdict, summary, evidence, warning text) is serialised per decision with
orjson, whose output for strings, numbers and stdlib dataclasses equals
pydantic's (tests/test_rules_batch.py compares the two on varied patients).
"""

from __future__ import annotations

from typing import Any

import orjson

from rules_core.decision import PathwayResult, WarningItem
from rules_core.loader import Ruleset

MAX_CACHED = 20_000  # fragments kept per encoder: the reused parts of a ruleset, with room to spare


class DecisionEncoder:
    """JSON of decisions made under one ruleset (its info and policy are serialised once)."""

    def __init__(self, ruleset: Ruleset) -> None:
        self._tail = (b',"ruleset":' + ruleset.info.model_dump_json().encode()
                      + b',"policy":' + ruleset.policy.model_dump_json().encode() + b',"decision_id":')
        # id(part) → its JSON. Each cached part is kept alive (``_alive``), so its id names no other object.
        self._fragments: dict[int, bytes] = {}
        self._alive: list[Any] = []
        self._heads: dict[str, tuple[str, bytes]] = {}  # pathway id → (its title, kept alive; '{"id":…,"status":')
        self._warning_tails: dict[str, tuple[Any, bytes]] = {}

    def body(self, decision: Any) -> bytes:
        """The decision's JSON up to and including ``"decision_id":`` (append the id's JSON and ``}``).

        ``decision``: a rules_core Decision, or anything with its fields (evaluator.DecisionParts).
        """
        out = [b'{"drug":', orjson.dumps(decision.drug), b',"decision":', orjson.dumps(decision.decision),
               b',"pathway":', orjson.dumps(decision.pathway), b',"request":', orjson.dumps(decision.request),
               b',"summary":', orjson.dumps(decision.summary), b',"pathways":[']
        for n, pathway in enumerate(decision.pathways):
            if n:
                out.append(b",")
            self._pathway(pathway, out)
        out += (b'],"missing_documentation":', orjson.dumps(decision.missing_documentation),
                b',"missing_facts":', orjson.dumps(decision.missing_facts), b',"warnings":[',
                b",".join([self._warning(w) for w in decision.warnings]),
                b'],"conflicts":', orjson.dumps(decision.conflicts) if decision.conflicts else b"[]", self._tail)
        return b"".join(out)

    def warnings_json(self, decision: Any) -> bytes:
        """The decision's warnings as a JSON array (stored with a decision record)."""
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
        """A pathway's JSON: its head once per pathway, each criterion result serialised once."""
        head = self._heads.get(result.id)
        if head is None or head[0] is not result.title:
            head = self._heads[result.id] = (result.title, b'{"id":' + orjson.dumps(result.id) + b',"title":'
                                             + orjson.dumps(result.title) + b',"status":')
        fragments = self._fragments
        out += (head[1], orjson.dumps(result.status), b',"criteria":[',
                b",".join([fragments.get(id(c)) or self._fragment(c) for c in result.criteria]),
                b'],"line_of_therapy":', orjson.dumps(result.line_of_therapy),
                b',"request":', orjson.dumps(result.request), b"}")

    def _warning(self, item: WarningItem) -> bytes:
        """id and text per patient; the citations (most of a warning's bytes) once per warning rule."""
        tail = self._warning_tails.get(item.id)
        if tail is None or tail[0] is not item.citations:
            tail = (item.citations, b',"citation":' + orjson.dumps(item.citation) + b',"citations":'
                    + orjson.dumps(item.citations) + b',"kind":' + orjson.dumps(item.kind) + b"}")
            self._warning_tails[item.id] = tail
        return b'{"id":' + orjson.dumps(item.id) + b',"text":' + orjson.dumps(item.text) + tail[1]
