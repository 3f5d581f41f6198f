"""Rules-core benchmark (run on demand; not a test).

    .venv/bin/python benchmarks/bench_rules.py [--cold-runs 10] [--seconds 3] [--batch 100000]

Prints three figures against the issue's targets:
  1. cold `mdsbot check` wall time (new process each run, a decision recorded; target ≤ 0.3 s),
  2. in-process `evaluate()` calls per second on one core (target ≥ 40,000 from JSON dicts),
  3. `mdsbot check --batch --json --no-record` throughput for 100,000 patients (one core).
The patients are a fixed-seed mix of realistic and partly documented cases.
Subprocess figures are given as wall time and as CPU time (user + sys of the
child): on a shared, loaded machine the CPU time is what the work itself costs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rules_core import SUPPORTED_DRUGS, PatientFacts, evaluate  # noqa: E402
from rules_core.drugs import BRANDS  # noqa: E402

AGENTS = ["epoetin_alfa", "Procrit", "Aranesp", "luspatercept", "Revlimid", "Vidaza", "imetelstat"]


def random_patient(rng: random.Random) -> dict:
    """A plausible LR-MDS patient; each fact documented with probability ~0.8."""
    candidates = {
        "age_years": lambda: rng.randint(45, 92),
        "ipss_r": lambda: rng.choice(["very_low", "low", "low", "intermediate", "high"]),
        "ipss": lambda: rng.choice(["low", "int1", "int2"]),
        "bone_marrow_blasts_pct": lambda: round(rng.uniform(0, 9), 1),
        "ring_sideroblasts_pct": lambda: rng.choice([0, 3, 5, 12, 15, 25, 40]),
        "sf3b1": lambda: rng.choice(["mutated", "wild_type"]),
        "idh1": lambda: rng.choice(["mutated", "wild_type", "wild_type", "wild_type"]),
        "idh2": lambda: rng.choice(["mutated", "wild_type", "wild_type", "wild_type"]),
        "del5q": lambda: rng.random() < 0.15,
        "serum_epo": lambda: {"value": rng.choice([45, 150, 199, 200, 350, 499.9, 500, 620, 1200]),
                              "unit": rng.choice(["U/L", "mU/mL"])},
        "hemoglobin": lambda: rng.choice([{"value": round(rng.uniform(6.5, 11.5), 1), "unit": "g/dL"},
                                          {"value": rng.randint(65, 115), "unit": "g/L"}]),
        "rbc_units_last_8_weeks": lambda: rng.randint(0, 8),
        "therapies": lambda: [
            {"agent": rng.choice(AGENTS), "weeks": rng.randint(2, 40),
             "response": rng.choice(["responding", "none", "lost", "intolerant"]), "iron_replete": rng.random() < 0.8}
            for _ in range(rng.randint(0, 2))
        ],
    }
    return {field: make() for field, make in candidates.items() if rng.random() < 0.8}


def workload(n: int, seed: int = 7) -> list[tuple[str, dict]]:
    rng = random.Random(seed)
    names = [*SUPPORTED_DRUGS, *(b for b, g in BRANDS.items() if g in SUPPORTED_DRUGS)]
    return [(rng.choice(names), random_patient(rng)) for _ in range(n)]


def pin_to_one_core() -> str:
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    except (AttributeError, OSError):
        return "not pinned (sched_setaffinity unavailable)"


def mdsbot_command() -> list[str]:
    script = Path(sys.executable).parent / "mdsbot"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from bot.cli import main; main()"]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], **kwargs) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) for one subprocess run."""
    cpu, start = children_cpu(), time.perf_counter()
    subprocess.run(command, check=True, cwd=REPO, **kwargs)
    return time.perf_counter() - start, children_cpu() - cpu


def bench_cold(runs: int) -> dict:
    patient = {"ipss_r": "low", "ring_sideroblasts_pct": 20, "sf3b1": "mutated",
               "serum_epo": {"value": 620, "unit": "U/L"}, "rbc_units_last_8_weeks": 4, "therapies": []}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(patient, f)
    command = [*mdsbot_command(), "check", "--drug", "Reblozyl", "--patient", f.name]
    subprocess.run(command, capture_output=True, check=True, cwd=REPO)  # warm the OS file cache once
    walls, cpus = zip(*(timed(command, capture_output=True) for _ in range(runs)))
    os.unlink(f.name)
    return {"runs": runs, "min_s": min(walls), "median_s": statistics.median(walls), "max_s": max(walls),
            "cpu_median_s": statistics.median(cpus), "cpu_min_s": min(cpus)}


def bench_in_process(seconds: float) -> dict:
    cases = workload(20_000)
    validated = [(drug, PatientFacts.model_validate(p)) for drug, p in cases]
    out = {}
    for label, items in (("from_dict", cases), ("from_model", validated)):
        done, start = 0, time.process_time()
        while time.process_time() - start < seconds:
            for drug, patient in items[:2000]:
                evaluate(drug, patient)
            done += 2000
            items = items[2000:] + items[:2000]
        out[f"{label}_per_s"] = done / (time.process_time() - start)
    per_drug = {}
    for drug in SUPPORTED_DRUGS:
        sample = [p for _, p in cases[:3000]]
        start = time.process_time()
        for patient in sample:
            evaluate(drug, patient)
        per_drug[drug] = len(sample) / (time.process_time() - start)
    out["per_drug_from_dict_per_s"] = per_drug
    return out


def bench_batch(n: int) -> dict:
    tmp = Path(tempfile.mkdtemp())
    try:
        source = tmp / "batch.jsonl"
        with source.open("w", encoding="utf-8") as f:
            for i, (drug, patient) in enumerate(workload(n, seed=11)):
                f.write(json.dumps({"id": i, "drug": drug, "patient": patient}) + "\n")
        with (tmp / "out.jsonl").open("wb") as sink:
            wall, cpu = timed([*mdsbot_command(), "check", "--batch", str(source), "--json", "--no-record"], stdout=sink)
        lines = sum(1 for _ in (tmp / "out.jsonl").open(encoding="utf-8"))
        errors = sum('"error":' in line[:200] for line in (tmp / "out.jsonl").open(encoding="utf-8"))
        return {"patients": n, "results": lines, "errors": errors, "wall_s": wall, "per_s": n / wall,
                "cpu_s": cpu, "per_cpu_s": n / cpu,
                "input_mb": source.stat().st_size / 1e6, "output_mb": (tmp / "out.jsonl").stat().st_size / 1e6}
    finally:
        shutil.rmtree(tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold-runs", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    pinning = pin_to_one_core()  # children inherit the affinity: every figure is one core
    figures = {"python": sys.version.split()[0], "cpu_count": os.cpu_count(), "affinity": pinning,
               "load_avg_1m": os.getloadavg()[0]}
    figures["cold_check"] = bench_cold(args.cold_runs)
    figures["in_process"] = bench_in_process(args.seconds)
    figures["batch"] = bench_batch(args.batch)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    cold, inproc, batch = figures["cold_check"], figures["in_process"], figures["batch"]
    print(f"python {figures['python']}, {figures['cpu_count']} CPUs, {pinning}, load {figures['load_avg_1m']:.2f}")
    print(f"cold `mdsbot check`:  median {cold['median_s']:.3f} s wall (min {cold['min_s']:.3f}, max {cold['max_s']:.3f}, "
          f"{cold['runs']} runs); CPU {cold['cpu_median_s']:.3f} s (min {cold['cpu_min_s']:.3f})  target ≤ 0.3 s")
    print(f"in-process evaluate: {inproc['from_dict_per_s']:,.0f}/s from dict, {inproc['from_model_per_s']:,.0f}/s "
          f"from validated PatientFacts  target ≥ 40,000/s from dicts")
    for drug, rate in inproc["per_drug_from_dict_per_s"].items():
        print(f"    {drug:<17} {rate:>9,.0f}/s")
    print(f"batch --json:        {batch['patients']:,} patients in {batch['wall_s']:.1f} s wall = {batch['per_s']:,.0f}/s; "
          f"CPU {batch['cpu_s']:.1f} s = {batch['per_cpu_s']:,.0f}/CPU-s "
          f"({batch['results']:,} results, {batch['errors']} errors, {batch['output_mb']:.0f} MB out)")


if __name__ == "__main__":
    main()
