"""Server mode: a real `chroma run` on 127.0.0.1, the same code through chromadb.HttpClient."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ports import free_port

pytestmark = pytest.mark.server
BIN = Path(sys.executable).parent


@pytest.fixture
def chroma_server(chroma_run):
    return chroma_run.url


def test_ingest_and_ask_through_a_chroma_server(chroma_server, tmp_path):
    local = tmp_path / "must-stay-empty"
    env = {**os.environ, "MDSBOT_CHROMA_URL": chroma_server, "MDSBOT_DATA_DIR": str(local)}
    first = subprocess.run([str(BIN / "mdsbot"), "ingest"], capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "index built" in first.stdout and chroma_server in first.stdout
    second = subprocess.run([str(BIN / "mdsbot"), "ingest"], capture_output=True, text=True, env=env, timeout=300)
    assert "already current" in second.stdout
    asked = subprocess.run(
        [str(BIN / "mdsbot"), "ask", "What were the IMerge TI rates?", "--json"], capture_output=True, text=True, env=env, timeout=300
    )
    assert asked.returncode == 0, asked.stderr
    assert "40% vs 15%" in json.loads(asked.stdout)["answer"]
    assert not (local / "chroma").exists(), "server mode must not write an embedded index"
    # The query encoder (an ONNX export of the local model, not index data) is local in either mode, and so
    # are the cut corpus, the lexical state (BM25, terms), the guard's corpus facts and the vectors copied for
    # candidate scoring (docs: "Where data lives").
    assert sorted(p.name for p in local.iterdir()) == ["corpus", "guard", "lexical", "query_encoder", "vectors"]


def test_cli_flag_overrides_and_a_down_server_is_one_clear_line(tmp_path):
    port = free_port()  # nothing listens here
    result = subprocess.run(
        [str(BIN / "mdsbot"), "ask", "What did MEDALIST show?", "--chroma-url", f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "cannot open the index" in result.stderr and str(port) in result.stderr
