"""50 concurrent sessions x 5 questions against a running app.py: `/ask` p50 / p95 and throughput.

    .venv/bin/python benchmarks/bench_app_load.py [--sessions 50] [--questions 5]   (or bench_perf.py --app)

Each session is its own gradio_client and continues its own conversation (the session_id
the first answer returns). The app's engine lanes (issue 13) decide how many run at once.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(url: str, proc: subprocess.Popen, timeout: float = 300) -> None:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("app.py not up")


def _session(url: str, questions: list[str]) -> list[float]:
    from gradio_client import Client

    client = Client(url, verbose=False)
    session_id, latencies = "", []
    for question in questions:
        started = time.perf_counter()
        result = client.predict(question, session_id, api_name="/ask")
        latencies.append(time.perf_counter() - started)
        session_id = result.get("session_id", session_id)
    return latencies


def app_load(data_dir: str, row, sessions: int = 50, per_session: int = 5) -> None:
    rows = [json.loads(x) for x in (ROOT / "eval/cases/questions.jsonl").read_text().splitlines() if x.strip()]
    pool = list(dict.fromkeys(r["question"] for r in rows))
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "MDSBOT_DATA_DIR": data_dir, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_up(url, proc)
        _session(url, [pool[0]])  # the engine has loaded
        plans = [[pool[(s * per_session + i) % len(pool)] for i in range(per_session)] for s in range(sessions)]
        started = time.perf_counter()
        with ThreadPoolExecutor(sessions) as executor:
            latencies = [t for result in executor.map(lambda plan: _session(url, plan), plans) for t in result]
        wall = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    ordered = sorted(latencies)
    p50, p95 = statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]
    row(f"app, {sessions} concurrent sessions x {per_session}, `/ask` p50 / p95", f"{p50:.2f} / {p95:.2f} s "
        f"({len(latencies) / wall:.1f} answers/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--questions", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "bot.cli", "ingest", "--data-dir", tmp], cwd=ROOT, check=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True)
        app_load(tmp, lambda figure, ours, *_: print(f"{figure}: {ours} (load {os.getloadavg()[0]:.1f})"),
                 args.sessions, args.questions)


if __name__ == "__main__":
    main()
