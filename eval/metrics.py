"""Metrics: pure, deterministic functions over result records (see eval.runner).

Every metric is ``{"value": float | None, "n": int}``: ``n`` is its
denominator (cases, sentences or turns it was computed over) and ``value`` is
None when ``n`` is 0. Values are rounded to 6 decimals so two runs print and
compare identically. Latency is computed separately (:func:`latency_summary`)
and never mixed into these numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

from eval.fact_scoring import FACT_FIELDS, field_totals

Result = Mapping[str, Any]
Metric = dict[str, Any]


@dataclass(frozen=True)
class MetricSpec:
    name: str
    higher_is_better: bool
    description: str


METRIC_SPECS: tuple[MetricSpec, ...] = (
    MetricSpec("retrieval_recall_at_1", True, "question cases with a gold_quote: gold passage ranked first"),
    MetricSpec("retrieval_recall_at_5", True, "question cases with a gold_quote: gold passage in the top 5"),
    MetricSpec("retrieval_mrr", True, "mean reciprocal rank of the gold passage (top 10; 0 when absent)"),
    MetricSpec("fact_recall", True, "mean share of must_include found, over question cases that list any"),
    MetricSpec("exact_pass_rate", True, "question cases passing every expectation"),
    MetricSpec("forbidden_content_rate", False, "question cases with must_not_include where any was found"),
    MetricSpec("citation_support", True, "cited sentences whose numbers and key terms are in the cited passages"),
    MetricSpec("furniture_leak_rate", False, "responses citing or quoting 002's page furniture"),
    MetricSpec("refusal_precision", True, "refused responses that should have been refused"),
    MetricSpec("refusal_recall", True, "expect=refuse question cases that were refused"),
    MetricSpec("false_refusal_rate", False, "expect=answer|needs_information question cases that were refused"),
    MetricSpec("route_accuracy", True, "questions and turns with an expected route that got it"),
    MetricSpec("chat_decision_accuracy", True, "questions and turns with an expected decision that got it"),
    MetricSpec("eligibility_decision_accuracy", True, "vignettes: rules core decision as expected"),
    MetricSpec("eligibility_pathway_accuracy", True, "vignettes with expect_pathway: pathway as expected"),
    MetricSpec("warning_mention_recall", True, "vignettes: share of expect_warning_mentions found in the warnings"),
    MetricSpec("bad_input_handling_rate", True, "bad inputs rejected with a one-line message naming the field/value"),
    MetricSpec("conversation_pass_rate", True, "conversations whose every turn passed"),
    MetricSpec("conversation_turn_pass_rate", True, "conversation turns that passed"),
    MetricSpec("extraction_precision", True, "fact sentences: fields read right / fields read (all labelled fields)"),
    MetricSpec("extraction_recall", True, "fact sentences: expected fields read right / expected fields"),
    *(spec for field in FACT_FIELDS for spec in (
        MetricSpec(f"extraction_precision.{field}", True, f"fact sentences: {field} read right / {field} read"),
        MetricSpec(f"extraction_recall.{field}", True, f"fact sentences: {field} read right / {field} expected"),
    )),
    MetricSpec("overall_pass_rate", True, "all cases of every type that passed"),
)
SPECS_BY_NAME: dict[str, MetricSpec] = {s.name: s for s in METRIC_SPECS}
METRIC_NAMES: tuple[str, ...] = tuple(s.name for s in METRIC_SPECS)

ROUND = 6


def _metric(num: float, den: int) -> Metric:
    return {"value": round(num / den, ROUND) if den else None, "n": den}


def _of(results: Iterable[Result], case_type: str) -> list[Result]:
    return [r for r in results if r.get("type") == case_type]


def _turns(results: Iterable[Result]) -> list[Result]:
    return [t for r in _of(results, "conversation") for t in r.get("turns") or []]


def _responses(results: Iterable[Result]) -> list[Result]:
    """Every engine response: question results and conversation turns (those that came back)."""
    out: list[Result] = [r for r in _of(results, "question")]
    out.extend(_turns(results))
    return [r for r in out if r.get("actual") is not None]


# --- individual metrics ---------------------------------------------------------


def retrieval_metrics(results: Sequence[Result]) -> dict[str, Metric]:
    ranks = [r["retrieval"].get("rank") for r in _of(results, "question") if r.get("retrieval") is not None]
    n = len(ranks)
    return {
        "retrieval_recall_at_1": _metric(sum(1 for k in ranks if k == 1), n),
        "retrieval_recall_at_5": _metric(sum(1 for k in ranks if k is not None and k <= 5), n),
        "retrieval_mrr": _metric(sum(1.0 / k for k in ranks if k), n),
    }


def fact_recall(results: Sequence[Result]) -> Metric:
    shares = [
        r["facts"]["found"] / r["facts"]["total"]
        for r in _of(results, "question")
        if r.get("facts") and r["facts"]["total"]
    ]
    return _metric(math.fsum(shares), len(shares))


def exact_pass_rate(results: Sequence[Result]) -> Metric:
    qs = _of(results, "question")
    return _metric(sum(1 for r in qs if r.get("passed")), len(qs))


def forbidden_content_rate(results: Sequence[Result]) -> Metric:
    qs = [r for r in _of(results, "question") if r["expected"].get("must_not_include")]
    return _metric(sum(1 for r in qs if (r.get("match") or {}).get("forbidden")), len(qs))


def citation_support(results: Sequence[Result]) -> Metric:
    total = supported = 0
    for r in _responses(results):
        cs = r.get("citation_support")
        if cs:
            total += cs["sentences"]
            supported += cs["supported"]
    return _metric(supported, total)


def furniture_leak_rate(results: Sequence[Result]) -> Metric:
    resp = [r for r in _responses(results) if r.get("citation_support") is not None]
    return _metric(sum(1 for r in resp if r["citation_support"]["furniture_leaks"]), len(resp))


def refusal_metrics(results: Sequence[Result]) -> dict[str, Metric]:
    qs = [r for r in _of(results, "question") if r.get("actual") is not None]
    refused = [r for r in qs if r["actual"].get("status") == "refused"]
    should = [r for r in qs if r["expected"].get("expect") == "refuse"]
    should_not = [r for r in qs if r["expected"].get("expect") != "refuse"]
    tp = sum(1 for r in refused if r["expected"].get("expect") == "refuse")
    return {
        "refusal_precision": _metric(tp, len(refused)),
        "refusal_recall": _metric(tp, len(should)),
        "false_refusal_rate": _metric(
            sum(1 for r in should_not if r["actual"].get("status") == "refused"), len(should_not)
        ),
    }


def _expected_vs_actual(results: Sequence[Result], key: str, actual: Callable[[Result], Any]) -> Metric:
    """Questions (expected[key]) and turns (expect[key]) that state an expectation for ``key``."""
    pairs: list[tuple[Any, Any]] = []
    for r in _of(results, "question"):
        want = r["expected"].get(key)
        if want is not None:
            pairs.append((want, actual(r)))
    for t in _turns(results):
        want = (t.get("expect") or {}).get(key)
        if want is not None:
            pairs.append((want, actual(t)))
    return _metric(sum(1 for want, got in pairs if want == got), len(pairs))


def _decision_of(r: Result) -> Any:
    d = (r.get("actual") or {}).get("decision")
    if not d:
        return None
    return d.get("decision") if isinstance(d, Mapping) else d


def route_accuracy(results: Sequence[Result]) -> Metric:
    return _expected_vs_actual(results, "route", lambda r: (r.get("actual") or {}).get("route"))


def chat_decision_accuracy(results: Sequence[Result]) -> Metric:
    return _expected_vs_actual(results, "decision", _decision_of)


def eligibility_metrics(results: Sequence[Result]) -> dict[str, Metric]:
    vs = _of(results, "vignette")
    with_pathway = [r for r in vs if r["expected"].get("pathway") is not None]
    w_total = sum(len(r["expected"].get("warning_mentions") or []) for r in vs)
    w_found = sum((r.get("checks") or {}).get("warnings_found", 0) for r in vs)
    return {
        "eligibility_decision_accuracy": _metric(sum(1 for r in vs if (r.get("checks") or {}).get("decision")), len(vs)),
        "eligibility_pathway_accuracy": _metric(
            sum(1 for r in with_pathway if (r.get("checks") or {}).get("pathway")), len(with_pathway)
        ),
        "warning_mention_recall": _metric(w_found, w_total),
    }


def bad_input_handling_rate(results: Sequence[Result]) -> Metric:
    bs = _of(results, "bad_input")
    return _metric(sum(1 for r in bs if r.get("passed")), len(bs))


def conversation_metrics(results: Sequence[Result]) -> dict[str, Metric]:
    cs = _of(results, "conversation")
    turns = _turns(results)
    return {
        "conversation_pass_rate": _metric(sum(1 for r in cs if r.get("passed")), len(cs)),
        "conversation_turn_pass_rate": _metric(sum(1 for t in turns if t.get("passed")), len(turns)),
    }


def fact_metrics(results: Sequence[Result]) -> dict[str, Metric]:
    """Precision and recall of fact reading, over all labelled fields and per field."""
    out: dict[str, Metric] = {}
    for field in (None, *FACT_FIELDS):
        c = field_totals(_of(results, "fact_extraction"), field)
        suffix = f".{field}" if field else ""
        out[f"extraction_precision{suffix}"] = _metric(c["tp"], c["tp"] + c["fp"])
        out[f"extraction_recall{suffix}"] = _metric(c["tp"], c["tp"] + c["fn"])
    return out


def overall_pass_rate(results: Sequence[Result]) -> Metric:
    return _metric(sum(1 for r in results if r.get("passed")), len(results))


def compute_metrics(results: Sequence[Result]) -> dict[str, Metric]:
    """Every metric over ``results``, in METRIC_NAMES order."""
    out: dict[str, Metric] = {}
    out.update(retrieval_metrics(results))
    out["fact_recall"] = fact_recall(results)
    out["exact_pass_rate"] = exact_pass_rate(results)
    out["forbidden_content_rate"] = forbidden_content_rate(results)
    out["citation_support"] = citation_support(results)
    out["furniture_leak_rate"] = furniture_leak_rate(results)
    out.update(refusal_metrics(results))
    out["route_accuracy"] = route_accuracy(results)
    out["chat_decision_accuracy"] = chat_decision_accuracy(results)
    out.update(eligibility_metrics(results))
    out["bad_input_handling_rate"] = bad_input_handling_rate(results)
    out.update(conversation_metrics(results))
    out.update(fact_metrics(results))
    out["overall_pass_rate"] = overall_pass_rate(results)
    return {name: out[name] for name in METRIC_NAMES}


def _group(results: Sequence[Result], key: Callable[[Result], str | None]) -> dict[str, list[Result]]:
    groups: dict[str, list[Result]] = {}
    for r in results:
        k = key(r)
        if k is not None:
            groups.setdefault(k, []).append(r)
    return {k: groups[k] for k in sorted(groups)}


def metrics_by(results: Sequence[Result], key: Callable[[Result], str | None]) -> dict[str, dict[str, Any]]:
    """Metrics per group; metrics with no denominator in a group are left out."""
    out: dict[str, dict[str, Any]] = {}
    for name, group in _group(results, key).items():
        m = {k: v for k, v in compute_metrics(group).items() if v["n"]}
        out[name] = {"cases": len(group), "passed": sum(1 for r in group if r.get("passed")), "metrics": m}
    return out


def counts(results: Sequence[Result]) -> dict[str, Any]:
    by_type: dict[str, int] = {}
    for r in results:
        by_type[r["type"]] = by_type.get(r["type"], 0) + 1
    return {
        "cases": len(results),
        "passed": sum(1 for r in results if r.get("passed")),
        "failed": sum(1 for r in results if not r.get("passed")),
        "by_type": dict(sorted(by_type.items())),
    }


def summarise(results: Sequence[Result]) -> dict[str, Any]:
    """The deterministic part of a report: overall metrics, per kind, per drug, counts."""
    return {
        "counts": counts(results),
        "overall": compute_metrics(results),
        "by_kind": metrics_by(results, lambda r: r.get("kind")),
        "by_drug": metrics_by(results, lambda r: r.get("drug")),
    }


# --- latency (reported, never gated, never part of determinism) -------------------


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (no interpolation)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[rank - 1]


def latency_summary(results: Sequence[Result]) -> dict[str, dict[str, Any]]:
    by_route: dict[str, list[float]] = {}
    for r in results:
        for entry in r.get("latency") or []:
            by_route.setdefault(entry["route"], []).append(float(entry["ms"]))
    out: dict[str, dict[str, Any]] = {}
    for route in sorted(by_route):
        ms = by_route[route]
        out[route] = {
            "n": len(ms),
            "p50_ms": round(percentile(ms, 50) or 0.0, 3),
            "p95_ms": round(percentile(ms, 95) or 0.0, 3),
            "max_ms": round(max(ms), 3),
        }
    return out
