"""On-demand figures for `mdsbot ask` (not a test): cold CLI wall time, warm latency,
index build time, second-start time. Run: .venv/bin/python benchmarks/bench_ask.py"""

from __future__ import annotations

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
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

QUESTIONS = [json.loads(x)["question"] for x in (ROOT / "tests/data/retrieval_gold.jsonl").read_text().splitlines() if x.strip()]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    from bot.engine import Engine
    from bot.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        started = time.perf_counter()
        engine = Engine.from_settings(settings)
        first_start = time.perf_counter() - started
        print(f"first start: {first_start:.2f} s; index build (model load included) {engine.build.seconds:.2f} s "
              f"({engine.build.passages} passages + {engine.build.sentences} sentences embedded)")
        started = time.perf_counter()
        again = Engine.from_settings(settings)
        print(f"second start (index current, nothing embedded: rebuilt={again.build.rebuilt}): {time.perf_counter() - started:.2f} s")
        engine.ask("warm-up question about luspatercept")
        uncached, cached = [], []
        for q in QUESTIONS:  # first time: the query is embedded by the model
            t = time.perf_counter()
            engine.ask(q)
            uncached.append((time.perf_counter() - t) * 1000)
        for _ in range(2):  # again: the query vector comes from the query cache
            for q in QUESTIONS:
                t = time.perf_counter()
                engine.ask(q)
                cached.append((time.perf_counter() - t) * 1000)
        for label, values in (("new questions (model embeds)", uncached), ("repeated questions (cached vector)", cached)):
            print(f"warm ask, {label}, {len(values)} asks: p50 {percentile(values, 0.5):.1f} ms, "
                  f"p95 {percentile(values, 0.95):.1f} ms (targets: 30 / 80 ms)")
        env = {**os.environ, "MDSBOT_DATA_DIR": tmp}
        mdsbot = str(Path(sys.executable).parent / "mdsbot")
        for label, questions in (
            ("repeated question", ["What did COMMANDS show?"] * 3),
            ("new question", [f"What did COMMANDS show for subgroup {i}?" for i in range(3)]),
        ):
            walls = []
            for question in questions:
                t = time.perf_counter()
                subprocess.run([mdsbot, "ask", question, "--json"], env=env, capture_output=True, check=True)
                walls.append(time.perf_counter() - t)
            print(f"cold `mdsbot ask`, {label} (built index): median {statistics.median(walls):.2f} s over 3 runs")
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sentence_transformers"], check=True)
        st = time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import chromadb, langchain_chroma"], check=True)
        ch = time.perf_counter() - t
        print(f"  of which: python + import sentence_transformers {st:.2f} s; import chromadb+langchain_chroma {ch:.2f} s")


if __name__ == "__main__":
    main()
