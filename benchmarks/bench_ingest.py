"""On-demand figures for `mdsbot ingest PATH` (not a test): wall time of adding a 50-page text PDF
(written with fpdf2) to an index that already holds the shipped documents, as a user runs it:
a fresh `mdsbot ingest FILE.pdf` process, model load included. Target: <= 30 s.

Run: .venv/bin/python benchmarks/bench_ingest.py [--pages 50]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
MDSBOT = Path(sys.executable).parent / "mdsbot"


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall s, CPU s of the process: user + system, which a busy shared machine does not inflate, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([str(MDSBOT), *args], capture_output=True, text=True, env=env, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=50)
    pages = parser.parse_args().pages
    from corpus.extract import extract
    from tests.made_documents import long_pdf

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MDSBOT_DATA_DIR": str(Path(tmp) / "data"), "PYTHONPATH": str(ROOT)}
        pdf = long_pdf(Path(tmp) / "cohort-notes.pdf", pages)
        started = time.perf_counter()
        extraction = extract(pdf)
        read_s = time.perf_counter() - started
        print(f"PDF: {pages} pages, {pdf.stat().st_size / 1024:.0f} KiB, {len(extraction.text):,} characters of text; "
              f"pypdf read + reflow in process {read_s:.2f} s")
        shipped_s, _, _ = timed(["ingest"], env)
        print(f"shipped documents indexed first (not counted): {shipped_s:.1f} s")
        ingest_s, cpu_s, out = timed(["ingest", str(pdf), "--kind", "article"], env)
        embedded = re.search(r"embedded (\d+) texts", out)
        texts = int(embedded.group(1)) if embedded else 0
        print(f"`mdsbot ingest {pdf.name}` wall time, new process, model load included: {ingest_s:.1f} s "
              f"(target <= 30 s), CPU {cpu_s:.1f} s on {os.cpu_count()} cores (load average now {os.getloadavg()[0]:.1f}): "
              f"{texts} texts embedded ({texts / ingest_s:.0f} texts/s overall)")
        again_s, _, _ = timed(["ingest", str(pdf)], env)
        print(f"same file again (unchanged, nothing embedded): {again_s:.1f} s")


if __name__ == "__main__":
    main()
