"""The whole evaluation in one call: load cases, run, measure, gate, report.

``mdsbot eval`` is a thin wrapper around :func:`evaluate`; tests call it
directly with fake engines or the real one.

Exit codes: 0 = gate passed (or not applied), 1 = a metric regressed beyond its
tolerance, 2 = the evaluation could not run (bad case file, bad baseline,
missing engine or rules core).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from eval.cases import case_set_fingerprint, load_cases
from eval.gate import BASELINE_PATH, GateResult, compare, load_baseline, make_baseline, write_baseline
from eval.metrics import latency_summary, summarise
from eval.protocols import EngineLike, RulesLike
from eval.report import build_report, write_reports
from eval.runner import Runner, run_cases

DEFAULT_REPORT_DIR = Path("eval/reports")

EXIT_OK = 0
EXIT_REGRESSION = 1
EXIT_CANNOT_RUN = 2


@dataclass
class EvalOutcome:
    exit_code: int
    report: dict[str, Any]
    gate: GateResult
    json_path: Path | None
    html_path: Path | None
    baseline_written: Path | None = None


def evaluate(
    case_files: Sequence[Path] | None = None,
    *,
    baseline_path: Path | None = BASELINE_PATH,
    report_dir: Path | None = DEFAULT_REPORT_DIR,
    update_baseline: bool = False,
    engine: EngineLike | None = None,
    rules: RulesLike | None = None,
    progress: bool = True,
    runner: Runner | None = None,
) -> EvalOutcome:
    """Run every case and gate on the baseline. Raises CaseFileError / BaselineError / EvalSetupError."""
    t0 = time.perf_counter()
    cases = load_cases(list(case_files) if case_files else None)
    fingerprint = case_set_fingerprint(cases)
    baseline = load_baseline(baseline_path) if baseline_path else None
    runner = runner or Runner(engine, rules)
    results = run_cases(cases, progress=progress, runner=runner)
    summary = summarise(results)
    passed_ids = [r["id"] for r in results if r.get("passed")]
    gate = compare(
        summary["overall"],
        None if update_baseline else baseline,
        case_set=fingerprint,
        passed_ids=passed_ids,
        baseline_path=str(baseline_path) if baseline_path else None,
    )
    written: Path | None = None
    if update_baseline:
        if not baseline_path:
            raise ValueError("--update-baseline needs a baseline path")
        write_baseline(
            Path(baseline_path),
            make_baseline(summary, case_set=fingerprint, passed_ids=passed_ids, previous=baseline),
        )
        written = Path(baseline_path)
        gate.warnings = [f"baseline written to {baseline_path}; the gate was not applied to this run"]
    files = [c.source.rsplit(":", 1)[0] for c in cases]
    run = {
        "case_files": sorted(set(files)),
        "case_set": fingerprint,
        "duration_s": round(time.perf_counter() - t0, 3),
        "engine_load_s": None if runner.engine_load_s is None else round(runner.engine_load_s, 3),
    }
    report = build_report(results, summary, gate.as_dict(), latency_summary(results), run)
    json_path = html_path = None
    if report_dir is not None:
        json_path, html_path = write_reports(report, Path(report_dir))
    code = EXIT_OK if (gate.passed or not gate.enforced) else EXIT_REGRESSION
    return EvalOutcome(code, report, gate, json_path, html_path, written)
