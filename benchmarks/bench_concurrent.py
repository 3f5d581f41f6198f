"""Concurrent-sessions benchmark (on demand; not a timed test). Target: `/ask` p95 <= 1.5 s with 50 sessions.

    .venv/bin/python benchmarks/bench_concurrent.py [--sessions 50] [--turns 5] [--lanes 4] [--json]
    (bench_perf.py --app runs it too, on the index it has just built)

Starts `python app.py` (index already built, MDSBOT_DATA_DIR as usual), waits for the
first answer, then runs ``--sessions`` API sessions at once, each asking ``--turns``
questions in its own conversation (gradio's REST calls), and prints the latency
of every `/ask` call: p50, p95, max, and calls per second.
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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_S = 1.5
QUESTIONS = (
    "What did the IMerge trial show for imetelstat?",
    "How is ESA failure defined?",
    "Which patients benefit from lenalidomide?",
    "Is luspatercept indicated as first-line therapy?",
    "Can my patient get Reblozyl? IPSS-R low, RS 20%, SF3B1 mutated, sEPO 620 U/L, 4 units in 8 weeks, no prior therapy",
    "What is the recommended dose of ivosidenib?",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(lanes: int, data_dir: str | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "MDSBOT_APP_LANES": str(lanes), **({"MDSBOT_DATA_DIR": data_dir} if data_dir else {})}
    process = subprocess.Popen([sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("app.py did not start")


def one_session(url: str, index: int, turns: int) -> list[float]:
    """One conversation over gradio's documented REST calls (POST the call, read its event stream);
    lighter than gradio_client, so 50 sessions measure the server rather than the client."""
    import httpx

    latencies, session = [], ""
    with httpx.Client(base_url=url, timeout=120) as http:
        for turn in range(turns):
            started = time.perf_counter()
            question = QUESTIONS[(index + turn) % len(QUESTIONS)]
            event = http.post("gradio_api/call/ask", json={"data": [question, session]}).json()["event_id"]
            result = _completed(http.get(f"gradio_api/call/ask/{event}").text)
            latencies.append(time.perf_counter() - started)
            session = result["session_id"]
    return latencies


def _completed(stream: str) -> dict:
    """The result of a finished call from its server-sent events."""
    lines = stream.splitlines()
    for event, data in zip(lines, lines[1:]):
        if event == "event: complete":
            return json.loads(data.removeprefix("data: "))[0]
    raise RuntimeError(f"the call did not complete: {stream[:300]}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(sessions: int = 50, turns: int = 5, lanes: int = 4, data_dir: str | None = None) -> dict:
    """Start the app, warm it, run the sessions at once; the latency figures of every `/ask` call."""
    process, url = start_app(lanes, data_dir)
    try:
        one_session(url, 0, len(QUESTIONS))  # model loaded, every question's vector cached: measure serving
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=sessions) as pool:
            runs = list(pool.map(lambda i: one_session(url, i, turns), range(sessions)))
        wall = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
    latencies = [x for run in runs for x in run]
    return {"sessions": sessions, "turns": turns, "calls": len(latencies), "lanes": lanes,
            "p50_s": round(statistics.median(latencies), 3), "p95_s": round(percentile(latencies, 0.95), 3),
            "max_s": round(max(latencies), 3), "calls_per_s": round(len(latencies) / wall, 1),
            "target_p95_s": TARGET_P95_S}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--lanes", type=int, default=4, help="MDSBOT_APP_LANES for the app")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = measure(args.sessions, args.turns, args.lanes)
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{args.sessions} concurrent sessions x {args.turns} turns, {args.lanes} lanes: /ask p50 {figures['p50_s']:.2f} s, "
          f"p95 {figures['p95_s']:.2f} s (target <= {TARGET_P95_S} s), max {figures['max_s']:.2f} s, "
          f"{figures['calls_per_s']} calls/s")


if __name__ == "__main__":
    main()
