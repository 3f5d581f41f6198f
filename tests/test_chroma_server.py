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


def test_add_ask_and_remove_a_document_through_a_chroma_server(chroma_server, tmp_path):
    from corpus.library import document_id
    from tests.made_documents import LABEL_DOSE, write_pdf

    label = write_pdf(tmp_path / "romiplostim-label.pdf")
    env = {**os.environ, "MDSBOT_CHROMA_URL": chroma_server, "MDSBOT_DATA_DIR": str(tmp_path / "data")}

    def mdsbot(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "mdsbot"), *args], capture_output=True, text=True, env=env, timeout=300)

    question = ("ask", "What is the recommended initial dose of romiplostim?", "--json")
    assert mdsbot("ingest").returncode == 0
    added = mdsbot("ingest", str(label), "--kind", "label")
    assert added.returncode == 0 and f"of 1 document(s): {document_id(str(label))}\n" in added.stdout, added.stderr
    answered = json.loads(mdsbot(*question).stdout)
    assert answered["status"] == "answered" and LABEL_DOSE in answered["answer"]
    assert answered["citations"][0]["doc_id"] == document_id(str(label))
    removed = mdsbot("corpus", "remove", document_id(str(label)))
    assert removed.returncode == 0 and "its vectors deleted" in removed.stdout, removed.stderr
    refused = json.loads(mdsbot(*question).stdout)
    assert refused["status"] == "refused" and not refused["citations"]
    assert not (tmp_path / "data" / "chroma").exists(), "server mode must not write an embedded index"
