"""`mdsbot eval`: run the gold cases, print a summary, write reports, gate on the baseline.

Module level stays light (typer only): the eval machinery, and through it the
engine, is imported inside the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from bot.cli import app


@app.command("eval")
def eval_command(
    cases: Optional[List[Path]] = typer.Option(
        None, "--cases", metavar="cases.jsonl", help="Case file (JSON Lines); repeat for several. Default: every eval/cases/*.jsonl."
    ),
    baseline: Path = typer.Option(
        None, "--baseline", metavar="baseline.json", help="Baseline to gate on (default: eval/baseline.json of the package)."
    ),
    report: Path = typer.Option(Path("eval/reports"), "--report", metavar="folder", help="Directory for report.json and report.html."),
    update_baseline: bool = typer.Option(
        False, "--update-baseline", metavar="", help="Write this run's metrics as the new baseline (no gate)."
    ),
    no_progress: bool = typer.Option(False, "--no-progress", metavar="", help="No progress bar."),
) -> None:
    """Run every gold case; exit 1 when a metric falls below the baseline beyond its tolerance."""
    from rich.console import Console

    from eval.cases import CaseFileError
    from eval.gate import BASELINE_PATH, BaselineError
    from eval.harness import EXIT_CANNOT_RUN, evaluate
    from eval.protocols import EvalSetupError

    console = Console(stderr=False)
    err = Console(stderr=True)
    try:
        outcome = evaluate(
            cases or None,
            baseline_path=baseline or BASELINE_PATH,
            report_dir=report,
            update_baseline=update_baseline,
            progress=not no_progress,
        )
    except (CaseFileError, BaselineError, EvalSetupError) as exc:
        err.print(f"[bold red]mdsbot eval: cannot run:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_CANNOT_RUN) from None
    print_summary(console, outcome)
    raise typer.Exit(outcome.exit_code)


def print_summary(console, outcome) -> None:  # noqa: ANN001 - rich types imported lazily
    from rich.table import Table

    from eval.metrics import METRIC_NAMES, SPECS_BY_NAME

    report = outcome.report
    summary = report["summary"]
    counts = summary["counts"]
    rows = {r["metric"]: r for r in report["gate"]["rows"]}

    def fmt(v: object) -> str:
        return "–" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)

    table = Table(title=f"mdsbot eval: {counts['passed']}/{counts['cases']} cases passed", title_justify="left")
    for col, justify in (("metric", "left"), ("value", "right"), ("n", "right"), ("baseline", "right"),
                         ("Δ", "right"), ("status", "left")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    style = {"regressed": "bold red", "improved": "green", "skipped": "dim", "ok": ""}
    for name in METRIC_NAMES:
        m = summary["overall"][name]
        g = rows.get(name, {})
        delta = g.get("delta")
        status = g.get("status", "")
        arrow = "" if SPECS_BY_NAME[name].higher_is_better else " ↓"
        table.add_row(
            name + arrow, fmt(m["value"]), str(m["n"]), fmt(g.get("baseline")),
            "" if delta is None else f"{delta:+.3f}", f"[{style.get(status, '')}]{status}[/]" if style.get(status) else status,
        )
    console.print(table)

    kinds = Table(title="per kind", title_justify="left")
    for col in ("kind", "cases", "passed", "pass rate"):
        kinds.add_column(col, justify="left" if col == "kind" else "right")
    for kind, g in summary["by_kind"].items():
        kinds.add_row(kind, str(g["cases"]), str(g["passed"]), f"{g['passed'] / g['cases']:.1%}" if g["cases"] else "–")
    console.print(kinds)

    if report["latency"]:
        lat = Table(title="latency per route (not gated)", title_justify="left")
        for col in ("route", "n", "p50 ms", "p95 ms"):
            lat.add_column(col, justify="left" if col == "route" else "right")
        for route, v in report["latency"].items():
            lat.add_row(route, str(v["n"]), f"{v['p50_ms']:.1f}", f"{v['p95_ms']:.1f}")
        console.print(lat)

    gate = report["gate"]
    for w in gate["warnings"]:
        console.print(f"[yellow]note:[/] {w}", highlight=False)
    if gate.get("newly_failing_cases"):
        console.print("cases passing in the baseline, failing now: " + ", ".join(gate["newly_failing_cases"]))
    if outcome.json_path:
        console.print(f"report: {outcome.json_path}  {outcome.html_path}", highlight=False)
    run = report["run"]
    console.print(f"took {run['duration_s']:.1f} s" + (
        f" (engine load {run['engine_load_s']:.1f} s)" if run.get("engine_load_s") is not None else ""))
    if outcome.baseline_written:
        console.print(f"[green]baseline written:[/] {outcome.baseline_written}")
    elif not gate["enforced"]:
        console.print("[yellow]gate not applied[/]")
    elif gate["passed"]:
        console.print("[green]gate passed[/]: no metric below the baseline beyond its tolerance")
    else:
        console.print("[bold red]gate FAILED[/]: regressed " + ", ".join(gate["regressions"]))
