"""What the eval reads of a response: a JSON-ready summary, the text expectations are matched against,
and the checks shared by questions and conversation turns (eval/runner.py runs the cases)."""

from __future__ import annotations

import time
from typing import Any, Mapping, Sequence

from eval.matching import find_terms, flatten_text


def as_dict(obj: Any) -> dict[str, Any]:
    if obj is None:
        return {}
    if isinstance(obj, Mapping):
        return dict(obj)
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        try:
            return dump(mode="json")
        except TypeError:
            return dump()
    return dict(vars(obj))


_CITATION_KEYS = ("n", "doc_id", "doc_title", "section", "passage_id", "text", "start", "end", "quote")


def summarise_response(resp: Any) -> dict[str, Any]:
    d = as_dict(resp)
    decision = d.get("decision")
    decision = as_dict(decision) if decision is not None else None
    return {
        "status": d.get("status"),
        "route": d.get("route"),
        "answer": d.get("answer") or "",
        "citations": [{k: as_dict(c).get(k) for k in _CITATION_KEYS} for c in d.get("citations") or []],
        "decision": decision,
        "missing_facts": list(d.get("missing_facts") or []),
        "extracted_facts": d.get("extracted_facts"),
        "blocked": bool(d.get("blocked", False)),
        "checks": [as_dict(c) for c in d.get("checks") or []],
        "conflicts": len(d.get("conflicts") or []),
    }


def decision_value(decision: Mapping[str, Any] | None) -> str | None:
    if not decision:
        return None
    value = decision.get("decision")
    return None if value is None else str(getattr(value, "value", value))


def haystack(summary: Mapping[str, Any]) -> str:
    """What must_include / must_not_include are matched against: the answer, plus the rendered decision."""
    parts = [summary.get("answer") or ""]
    if summary.get("decision"):
        parts.append(flatten_text(summary["decision"]))
    return "\n".join(parts)


# ---------------------------------------------------------------------------
# checks shared by questions and conversation turns


def check_expectations(
    summary: Mapping[str, Any],
    *,
    status: str | None,
    route: str | None,
    decision: str | None,
    must_include: Sequence[str],
    must_not_include: Sequence[str],
) -> tuple[list[str], dict[str, Any]]:
    """Failures (human-readable) and the matching details of one response."""
    failures: list[str] = []
    if status is not None and summary.get("status") != status:
        failures.append(f"status: expected {status!r}, got {summary.get('status')!r}")
    if route is not None and summary.get("route") != route:
        failures.append(f"route: expected {route!r}, got {summary.get('route')!r}")
    got_decision = decision_value(summary.get("decision"))
    if decision is not None and got_decision != decision:
        failures.append(f"decision: expected {decision!r}, got {got_decision!r}")
    hay = haystack(summary)
    found, missing = find_terms(hay, must_include)
    forbidden, _ = find_terms(hay, must_not_include)
    if missing:
        failures.append("missing: " + ", ".join(repr(m) for m in missing))
    if forbidden:
        failures.append("forbidden content: " + ", ".join(repr(f) for f in forbidden))
    return failures, {"found": found, "missing": missing, "forbidden": forbidden}


class Timer:
    def __enter__(self) -> "Timer":
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.ms = (time.perf_counter() - self.t0) * 1000.0


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
