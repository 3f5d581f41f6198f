"""The performance table of issue 16, measured in one run against a naive LangChain RAG.

    .venv/bin/python benchmarks/bench_perf.py [--runs 3] [--batch 100] [--patients 100000] [--app] [--checks-only]

mdsbot and benchmarks/naive_rag.py (same model, same Chroma, persisted index, top-3
chunks, no guard) run alternately, each in a fresh process; figures are medians. Wall
time and peak memory (max RSS) of each child come from wait4. Each figure is printed
with the 1-minute load average when it was taken: on a shared 2-core machine the load
moves every figure. `--app` adds 50 concurrent sessions x 5 questions against app.py.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
       "PYTHONPATH": str(ROOT)}
MDSBOT = [sys.executable, "-m", "bot.cli"]
NAIVE = [sys.executable, str(ROOT / "benchmarks/naive_rag.py")]


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def run(command: list[str], stdout=subprocess.DEVNULL, env: dict | None = None) -> tuple[float, float]:
    """(wall s, peak RSS MB) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env or ENV, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])}... exited {proc.returncode}: {proc.stderr.read().decode()[-500:]}")
    return wall, usage.ru_maxrss / 1024


def questions() -> list[str]:
    rows = [json.loads(x) for x in (ROOT / "eval/cases/questions.jsonl").read_text().splitlines() if x.strip()]
    return list(dict.fromkeys(r["question"] for r in rows))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def row(figure: str, ours: str, naive: str = "—", ratio: str = "—", note: str = "") -> None:
    print(f"| {figure} | {ours} | {naive} | {ratio} | {note or load()} |", flush=True)


def cold_ask(data_dir: str, naive_dir: str, runs: int, new: bool) -> None:
    qs = questions()
    ours, theirs = [], []
    for i in range(runs):  # alternating, a new question each run unless `new` is False
        q = qs[i] if new else qs[0]
        ours.append(run([*MDSBOT, "ask", q, "--json", "--data-dir", data_dir]))
        theirs.append(run([*NAIVE, "ask", naive_dir, q]))
    wall, naive_wall = statistics.median(w for w, _ in ours), statistics.median(w for w, _ in theirs)
    peak = max(m for _, m in ours)
    label = "a new question" if new else "a repeated question"
    row(f"cold `mdsbot ask`, {label} (whole process)", f"{wall:.2f} s ({peak:.0f} MB peak)",
        f"{naive_wall:.2f} s ({max(m for _, m in theirs):.0f} MB)", f"{wall / naive_wall:.2f}")


def batch_ask(data_dir: str, naive_dir: str, n: int, tmp: Path) -> None:
    source = tmp / "questions.jsonl"
    source.write_text("".join(json.dumps({"id": i, "question": q}) + "\n" for i, q in enumerate(questions()[:n])))
    ours, _ = run([*MDSBOT, "ask", "--batch", str(source), "--json", "--data-dir", data_dir])
    theirs, _ = run([*NAIVE, "batch", naive_dir, str(source)])
    row(f"`ask --batch`, {n} new questions", f"{ours:.1f} s", f"{theirs:.1f} s", f"{ours / theirs:.2f}")


def warm(data_dir: str) -> None:
    from bot.engine import Engine
    from bot.settings import Settings

    engine = Engine.from_settings(Settings(data_dir=Path(data_dir)))
    engine.ask("warm-up question about luspatercept")
    qs = questions()
    new, repeated, model = [], [], []
    for q in qs:
        t = time.perf_counter()
        engine.ask(q)
        new.append((time.perf_counter() - t) * 1000)
    for q in qs[:60]:
        t = time.perf_counter()
        engine.ask(q)
        repeated.append((time.perf_counter() - t) * 1000)
    for q in qs[:60]:
        t = time.perf_counter()
        engine.index.encoder.encode([q + " (model alone)"])
        model.append((time.perf_counter() - t) * 1000)
    runtime = type(engine.index.encoder).__name__
    row("warm engine, new question, p50 / p95", f"{percentile(new, .5):.1f} / {percentile(new, .95):.1f} ms",
        f"one query through the model alone ({runtime}): {statistics.median(model):.1f} ms",
        f"{percentile(new, .5) / statistics.median(model):.1f}")
    row("warm engine, repeated question, p50", f"{percentile(repeated, .5):.1f} ms")


def checks(patients: int, tmp: Path) -> None:
    from bench_rules import workload

    patient = tmp / "patient.json"
    patient.write_text(json.dumps({"ipss_r": "low", "ring_sideroblasts_pct": 20, "sf3b1": "mutated",
                                   "serum_epo": {"value": 620, "unit": "U/L"}, "rbc_units_last_8_weeks": 4, "therapies": []}))
    env = {**ENV, "MDSBOT_DATA_DIR": str(tmp / "cold-records")}  # a cold check records its decision
    cold = [run([*MDSBOT, "check", "--drug", "Reblozyl", "--patient", str(patient)], env=env) for _ in range(5)]
    row("cold `mdsbot check`", f"{statistics.median(w for w, _ in cold):.2f} s ({max(m for _, m in cold):.0f} MB)")
    source, out = tmp / "batch.jsonl", tmp / "out.jsonl"
    with source.open("w", encoding="utf-8") as f:
        for i, (drug, facts) in enumerate(workload(patients, seed=11)):
            f.write(json.dumps({"id": i, "drug": drug, "patient": facts}) + "\n")
    with out.open("wb") as sink:
        ours, _ = run([*MDSBOT, "check", "--batch", str(source), "--json", "--no-record"], stdout=sink)
    floor = json_floor(source, out)
    row(f"`check --batch --no-record`, {patients:,} patients", f"{ours:.1f} s",
        f"reading, parsing and writing the JSON alone: {floor:.1f} s", f"{ours / floor:.1f}")
    records = tmp / "records"  # a new decision store in its own data dir: every decision recorded
    with out.open("wb") as sink:
        recorded, _ = run([*MDSBOT, "check", "--batch", str(source), "--json"], stdout=sink,
                          env={**ENV, "MDSBOT_DATA_DIR": str(records)})
    size = sum(f.stat().st_size for f in records.iterdir()) / 1e6
    row(f"`check --batch`, {patients:,} patients, every decision recorded (SQLite, {size:,.0f} MB)", f"{recorded:.1f} s")


def json_floor(source: Path, result: Path) -> float:
    """Read and parse every input line, write every result line: what any implementation must pay."""
    import orjson

    started = time.perf_counter()
    with source.open("rb") as f:
        for line in f:
            orjson.loads(line)
    with result.open("rb") as f, open(os.devnull, "wb") as sink:
        for line in f:
            sink.write(line)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--app", action="store_true", help="also 50 concurrent sessions x 5 questions against app.py")
    parser.add_argument("--checks-only", action="store_true", help="only the `mdsbot check` rows (no index, no naive RAG)")
    args = parser.parse_args()
    if args.checks_only:
        with tempfile.TemporaryDirectory() as tmp_name:
            print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, python {sys.version.split()[0]}")
            print("| figure | mdsbot | naive RAG | ratio | load (1 min) |\n|---|---|---|---|---|")
            checks(args.patients, Path(tmp_name))
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        data_dir, naive_dir = str(tmp / "mdsbot"), str(tmp / "naive")
        run([*MDSBOT, "ingest", "--data-dir", data_dir])
        run([*NAIVE, "build", naive_dir])
        print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, python {sys.version.split()[0]}")
        print("| figure | mdsbot | naive RAG | ratio | load (1 min) |\n|---|---|---|---|---|")
        cold_ask(data_dir, naive_dir, args.runs, new=True)
        batch_ask(data_dir, naive_dir, args.batch, tmp)
        cold_ask(data_dir, naive_dir, args.runs, new=False)
        checks(args.patients, tmp)
        # In-process last: a child's peak RSS (wait4) counts its parent's size at fork.
        warm(data_dir)
        if args.app:
            from bench_concurrent import measure

            f = measure(data_dir=data_dir)
            row(f"app, {f['sessions']} concurrent sessions x {f['turns']}, `/ask` p50 / p95",
                f"{f['p50_s']:.2f} / {f['p95_s']:.2f} s ({f['calls_per_s']} answers/s, {f['lanes']} lanes)")


if __name__ == "__main__":
    main()
