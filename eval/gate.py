"""Regression gate: compare a run's overall metrics with ``eval/baseline.json``.

Rule (docs/eval.md): a metric regresses when it moves in its bad direction by
more than its tolerance (absolute, default 0.02; per-metric overrides in the
baseline's ``tolerances``). Latency is reported but never gated. Metrics
without a value in the baseline or in the run (no cases to compute them over)
are skipped with a note. A placeholder baseline gates nothing and says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from eval.metrics import METRIC_NAMES, SPECS_BY_NAME

BASELINE_PATH = Path(__file__).resolve().parent / "baseline.json"
BASELINE_SCHEMA = "mdsbot-eval-baseline/1"
DEFAULT_TOLERANCE = 0.02
_EPS = 1e-9


class BaselineError(ValueError):
    pass


@dataclass
class GateRow:
    metric: str
    value: float | None
    baseline: float | None
    tolerance: float
    status: str  # ok | improved | regressed | skipped
    note: str = ""

    @property
    def delta(self) -> float | None:
        if self.value is None or self.baseline is None:
            return None
        return round(self.value - self.baseline, 6)

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "value": self.value,
            "baseline": self.baseline,
            "delta": self.delta,
            "tolerance": self.tolerance,
            "status": self.status,
            "note": self.note,
        }


@dataclass
class GateResult:
    enforced: bool
    passed: bool
    rows: list[GateRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    newly_failing: list[str] = field(default_factory=list)
    baseline_path: str | None = None

    @property
    def regressions(self) -> list[GateRow]:
        return [r for r in self.rows if r.status == "regressed"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "enforced": self.enforced,
            "passed": self.passed,
            "baseline": self.baseline_path,
            "regressions": [r.metric for r in self.regressions],
            "rows": [r.as_dict() for r in self.rows],
            "warnings": list(self.warnings),
            "newly_failing_cases": list(self.newly_failing),
        }


def load_baseline(path: Path | None = None) -> dict[str, Any] | None:
    """The baseline, or None when the file does not exist."""
    path = Path(path or BASELINE_PATH)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics", {}), dict):
        raise BaselineError(f"{path}: expected an object with a 'metrics' object")
    return data


def tolerance_for(baseline: Mapping[str, Any], metric: str) -> float:
    per = baseline.get("tolerances") or {}
    return float(per.get(metric, baseline.get("tolerance", DEFAULT_TOLERANCE)))


def compare(
    overall: Mapping[str, Mapping[str, Any]],
    baseline: Mapping[str, Any] | None,
    *,
    case_set: str | None = None,
    passed_ids: Sequence[str] = (),
    baseline_path: str | None = None,
) -> GateResult:
    if baseline is None:
        return GateResult(False, True, warnings=["no baseline file: the gate was not applied"], baseline_path=baseline_path)
    if baseline.get("placeholder"):
        return GateResult(
            False,
            True,
            warnings=["baseline is a placeholder (no numbers yet): the gate was not applied; run with --update-baseline"],
            baseline_path=baseline_path,
        )
    result = GateResult(True, True, baseline_path=baseline_path)
    if case_set and baseline.get("case_set") and baseline["case_set"] != case_set:
        result.warnings.append(
            f"case set differs from the baseline's ({case_set} vs {baseline['case_set']}): "
            "metrics are compared anyway; refresh the baseline when cases change"
        )
    base_metrics: Mapping[str, Any] = baseline.get("metrics") or {}
    for name in METRIC_NAMES:
        spec = SPECS_BY_NAME[name]
        tol = tolerance_for(baseline, name)
        value = (overall.get(name) or {}).get("value")
        base = base_metrics.get(name)
        if isinstance(base, Mapping):
            base = base.get("value")
        if base is None:
            result.rows.append(GateRow(name, value, None, tol, "skipped", "not in baseline"))
            continue
        if value is None:
            result.rows.append(GateRow(name, None, float(base), tol, "skipped", "no cases in this run"))
            continue
        diff = value - float(base) if spec.higher_is_better else float(base) - value
        if diff < -tol - _EPS:
            status = "regressed"
        elif diff > _EPS:
            status = "improved"
        else:
            status = "ok"
        result.rows.append(GateRow(name, value, float(base), tol, status))
    base_passed = set(baseline.get("passed_cases") or [])
    now_passed = set(passed_ids)
    result.newly_failing = sorted(base_passed - now_passed) if base_passed else []
    result.passed = not result.regressions
    return result


def make_baseline(
    summary: Mapping[str, Any],
    *,
    case_set: str,
    passed_ids: Sequence[str],
    previous: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A new baseline from a run; tolerances of the previous baseline are kept."""
    previous = previous or {}
    return {
        "schema": BASELINE_SCHEMA,
        "placeholder": False,
        "note": "Written by `mdsbot eval --update-baseline`. Gate: overall metrics only; latency is not gated.",
        "tolerance": float(previous.get("tolerance", DEFAULT_TOLERANCE)),
        "tolerances": dict(sorted((previous.get("tolerances") or {}).items())),
        "case_set": case_set,
        "counts": summary["counts"],
        "metrics": {name: m["value"] for name, m in summary["overall"].items()},
        "by_kind": {
            kind: {name: m["value"] for name, m in group["metrics"].items()}
            for kind, group in summary["by_kind"].items()
        },
        "passed_cases": sorted(passed_ids),
    }


def write_baseline(path: Path, baseline: Mapping[str, Any]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(baseline, indent=2, sort_keys=False) + "\n", encoding="utf-8")
