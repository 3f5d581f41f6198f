"""A real `chroma run` killed in the middle of `mdsbot ask --batch`: no line is lost, `--resume` finishes the job."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.server, pytest.mark.slow]
BIN = Path(sys.executable).parent
QUESTIONS = [
    "What did MEDALIST show?",
    "How is ESA failure defined?",
    "What were the IMerge TI rates?",
    "Which patients benefit from lenalidomide?",
    "What were the COMMANDS results?",
    "How much iron is in one unit of blood?",
]
LINES = 30


def test_a_server_killed_mid_batch_gives_each_remaining_line_its_error_then_resume_completes(chroma_run, tmp_path):
    env = {**os.environ, "MDSBOT_CHROMA_URL": chroma_run.url, "MDSBOT_DATA_DIR": str(tmp_path / "unused"),
           "MDSBOT_BATCH_RETRIES": "2", "MDSBOT_BATCH_BACKOFF_SECONDS": "0.2"}
    built = subprocess.run([str(BIN / "mdsbot"), "ingest"], capture_output=True, text=True, env=env, timeout=300)
    assert built.returncode == 0, built.stderr
    batch = tmp_path / "q.jsonl"
    batch.write_text("".join(json.dumps({"id": f"q{i}", "question": QUESTIONS[i % len(QUESTIONS)]}) + "\n" for i in range(LINES)))
    out = tmp_path / "out.jsonl"

    asking = subprocess.Popen([str(BIN / "mdsbot"), "ask", "--batch", str(batch), "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    first = [asking.stdout.readline() for _ in range(3)]  # three answers are out: the server is in use
    chroma_run.kill()
    rest, stderr = asking.communicate(timeout=300)
    out.write_text("".join(first) + rest)
    rows = [json.loads(line) for line in out.read_text().splitlines()]

    assert "Traceback" not in stderr and asking.returncode == 1
    assert len(rows) == LINES, "every line has its output line"
    answered = [r for r in rows if "error" not in r]
    failed = [r for r in rows if "error" in r]
    assert len(answered) >= 3 and failed, "the kill happened mid-batch"
    assert [r["id"] for r in rows] == [f"q{i}" for i in range(LINES)]
    assert rows.index(failed[0]) == len(answered), "answers stop where the server went"
    assert all(r["line"] == int(r["id"][1:]) + 1 and chroma_run.url in r["error"] for r in failed), failed[:2]
    assert "unreachable" in failed[0]["error"] and "not asked" in failed[-1]["error"]

    chroma_run.start()  # the same database, back on the same port
    resumed = subprocess.run([str(BIN / "mdsbot"), "ask", "--batch", str(batch), "--resume", str(out)],
                             capture_output=True, text=True, env=env, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    new_rows = [json.loads(line) for line in out.read_text().splitlines()[LINES:]]
    assert sorted(r["id"] for r in new_rows) == sorted(r["id"] for r in failed), "only the missing ids were asked"
    assert all(r["status"] == "answered" for r in new_rows)
