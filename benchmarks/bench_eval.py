"""Benchmark: how long a full `mdsbot eval` takes on this machine (target: within 60 s).

Prints, for the default case set (every eval/cases/*.jsonl):
  * cold `mdsbot eval` wall time in a subprocess (imports + model load + every case + reports);
  * in-process: engine load, then the run itself, per case type, with cases per second.
The gate is not applied here (no baseline); run on demand, not as a timed test.

    .venv/bin/python benchmarks/bench_eval.py [--no-cold] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_S = 60.0


def cold_cli(report_dir: Path) -> tuple[float, int]:
    mdsbot = Path(sys.executable).parent / "mdsbot"
    cmd = [str(mdsbot), "eval", "--report", str(report_dir), "--baseline", str(report_dir / "none.json"), "--no-progress"]
    if not mdsbot.exists():
        cmd = [sys.executable, "-c", "from bot.cli import main; main()", *cmd[1:]]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "COLUMNS": "120"})
    return time.perf_counter() - t0, proc.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-cold", action="store_true", help="skip the cold subprocess run")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    from eval.cases import load_cases
    from eval.harness import evaluate
    from eval.protocols import EvalSetupError, load_engine
    from eval.runner import Runner

    figures: dict[str, object] = {"cpus": os.cpu_count(), "target_s": TARGET_S}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if not args.no_cold:
            wall, rc = cold_cli(tmp_path / "cold")
            figures["cold_cli_wall_s"] = round(wall, 2)
            figures["cold_cli_exit"] = rc
        cases = load_cases()
        t0 = time.perf_counter()
        try:
            engine = load_engine()
        except EvalSetupError as exc:
            print(f"bench_eval: cannot run: {exc}", file=sys.stderr)
            return 0  # nothing to measure yet; not a failure of the benchmark itself
        figures["engine_load_s"] = round(time.perf_counter() - t0, 2)
        t1 = time.perf_counter()
        out = evaluate(None, baseline_path=None, report_dir=tmp_path / "warm", runner=Runner(engine), progress=False)
        run_s = time.perf_counter() - t1
        per_type: dict[str, dict[str, float]] = {}
        for case in out.report["cases"]:
            ms = sum(e["ms"] for e in case.get("latency") or [])
            t = per_type.setdefault(case["type"], {"cases": 0, "ms": 0.0})
            t["cases"] += 1
            t["ms"] += ms
        figures.update(
            cases=len(cases),
            run_s=round(run_s, 2),
            cases_per_s=round(len(cases) / run_s, 1),
            per_type_s={k: round(v["ms"] / 1000, 2) for k, v in sorted(per_type.items())},
            latency=out.report["latency"],
            run_within_target=run_s <= TARGET_S,
            load_plus_run_s=round(run_s + float(figures["engine_load_s"]), 2),
            load_avg=[round(x, 2) for x in os.getloadavg()],
        )
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"mdsbot eval benchmark ({figures['cpus']} CPUs, {figures['cases']} cases)")
    if "cold_cli_wall_s" in figures:
        print(f"  cold `mdsbot eval` (subprocess, all in): {figures['cold_cli_wall_s']:.1f} s (exit {figures['cold_cli_exit']})")
    print(f"  engine load (in process):               {figures['engine_load_s']:.1f} s")
    print(f"  run of every case (warm engine):        {figures['run_s']:.1f} s  ({figures['cases_per_s']} cases/s)")
    for kind, secs in figures["per_type_s"].items():  # type: ignore[union-attr]
        print(f"    {kind:<14} {secs:6.1f} s")
    for route, v in figures["latency"].items():  # type: ignore[union-attr]
        print(f"    latency {route:<11} p50 {v['p50_ms']:7.1f} ms  p95 {v['p95_ms']:7.1f} ms  (n={v['n']})")
    verdict = "within" if figures["run_within_target"] else "OVER"
    print(f"  run of every case: {verdict} the {TARGET_S:.0f} s target; engine load + run {figures['load_plus_run_s']:.1f} s")
    print(f"  load average during the run: {figures['load_avg']} (other work on the machine inflates every figure)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
