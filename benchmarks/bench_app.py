"""Web-app startup benchmark (run on demand; not a timed test). Target: serving in under 15 s with a built index.

    .venv/bin/python benchmarks/bench_app.py [--runs 3] [--json]

Prints, for `python app.py` in a fresh process each run (index already built):
  * up:     process start → the page answers HTTP 200 (what "the app starts" means);
  * answer: process start → the first `ask` API call has returned a cited answer;
  * cpu:    CPU seconds of the app process until it was up (user + sys; on a shared,
            loaded machine this is what the start-up itself costs).
And, in this process, where the time goes: importing gradio, loading the engine
(model + index), building the Blocks.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_S = 15.0
QUESTION = "What did the IMerge trial show for imetelstat?"
ENV = {
    **os.environ,
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_index() -> str:
    """Build the index once (if stale) so every run measures a start with a built index."""
    code = "from bot.engine import Engine; e = Engine.from_settings(); print('rebuilt' if e.build.rebuilt else 'built')"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=ENV, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def child_cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def one_run(timeout: float = 300.0) -> dict[str, float | None]:
    from gradio_client import Client

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        up = None
        while time.perf_counter() - started < timeout:
            if proc.poll() is not None:
                raise RuntimeError(f"app.py exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        up = time.perf_counter() - started
                        break
            except OSError:
                time.sleep(0.1)
        if up is None:
            raise RuntimeError(f"app.py not up within {timeout} s")
        cpu = child_cpu_seconds(proc.pid)
        result = Client(url, verbose=False).predict(QUESTION, api_name="/ask")
        answer = time.perf_counter() - started
        assert result["citations"], "the first answer should be cited"
        return {"up_s": up, "first_answer_s": answer, "cpu_s": cpu}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def in_process_breakdown() -> dict[str, float]:
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "GRADIO_ANALYTICS_ENABLED", "ANONYMIZED_TELEMETRY"):
        os.environ[key] = ENV[key]
    t0 = time.perf_counter()
    import gradio  # noqa: F401

    t1 = time.perf_counter()
    from bot.engine import Engine

    engine = Engine.from_settings()
    t2 = time.perf_counter()
    from bot.webapp import build_app

    build_app(engine)
    t3 = time.perf_counter()
    return {"import_gradio_s": t1 - t0, "load_engine_s": t2 - t1, "build_blocks_s": t3 - t2}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="fresh `python app.py` starts to time")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    index = ensure_index()
    runs = [one_run() for _ in range(args.runs)]
    breakdown = in_process_breakdown()
    ups = [r["up_s"] for r in runs]
    figures = {
        "index": index,
        "runs": runs,
        "up_median_s": statistics.median(ups),
        "up_min_s": min(ups),
        "first_answer_median_s": statistics.median(r["first_answer_s"] for r in runs),
        "target_s": TARGET_S,
        "load_average": os.getloadavg()[0],
        **breakdown,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"index before the runs: {index}; load average {figures['load_average']:.2f} on {os.cpu_count()} cores")
    for i, r in enumerate(runs, 1):
        cpu = f"{r['cpu_s']:.1f} s" if r["cpu_s"] is not None else "n/a"
        print(f"run {i}: up {r['up_s']:.1f} s, first cited answer {r['first_answer_s']:.1f} s, cpu until up {cpu}")
    verdict = "within" if figures["up_median_s"] < TARGET_S else "OVER"
    print(f"app up: median {figures['up_median_s']:.1f} s, best {figures['up_min_s']:.1f} s ({verdict} the {TARGET_S:.0f} s target)")
    print(f"first answer: median {figures['first_answer_median_s']:.1f} s after start")
    print(
        f"in-process: import gradio {breakdown['import_gradio_s']:.1f} s, load engine {breakdown['load_engine_s']:.1f} s, "
        f"build Blocks {breakdown['build_blocks_s']:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
