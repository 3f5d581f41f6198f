"""`mdsbot ask / ingest / corpus` as a user runs them: real subprocesses, real index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "mdsbot"


def run(*args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, cwd=ROOT, env=env or os.environ.copy(), timeout=timeout)


@pytest.fixture(scope="module")
def data_dir(index_dir, engine):
    """The session's already-built index (the engine fixture built it)."""
    return str(index_dir)


def test_ask_json_has_the_documented_shape(data_dir):
    result = run("ask", "What were the COMMANDS results?", "--json", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["status"] == "answered" and payload["route"] == "retrieval"
    assert "60.4%" in payload["answer"]
    citation = payload["citations"][0]
    assert set(citation) >= {"n", "doc_id", "doc_title", "section", "passage_id", "text", "start", "end"}
    assert {c["name"] for c in payload["checks"]} >= {"citations", "numbers", "conflict", "injection"}
    assert payload["conflicts"], "first-line luspatercept must show both positions"


def test_ask_text_prints_numbered_citations_with_title_section_and_quote(data_dir):
    result = run("ask", "How much iron is in one unit of blood?", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    assert "[1]" in result.stdout and "Sources:" in result.stdout
    assert "Clinical Approach to Relapsed or Refractory Lower-Risk Myelodysplastic Syndromes" in result.stdout
    assert "Survival, anemia and transfusion burden" in result.stdout and "200-250 mg" in result.stdout


def test_ask_refuses_plainly(data_dir):
    result = run("ask", "What is the immediate management for thyroid storm?", "--json", "--data-dir", data_dir)
    payload = json.loads(result.stdout)
    assert payload["status"] == "refused" and payload["route"] == "refusal" and payload["citations"] == []


def test_batch_loads_once_and_answers_each_line_with_its_id(tmp_path, data_dir):
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "question": "What did MEDALIST show?"}),
                "not json",
                json.dumps({"id": "c", "question": "hello"}),
                json.dumps({"id": "d", "question": "Can my patient get Rytelo? IPSS-R low, sEPO 620 U/L, 4 units every 8 weeks, no del(5q)"}),
            ]
        )
    )
    result = run("ask", "--batch", str(batch), "--json", "--data-dir", data_dir)
    assert result.returncode == 1, result.stderr  # line 2 is an error
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("id") for line in lines] == ["a", None, "c", "d"]
    assert lines[0]["status"] == "answered" and "error" in lines[1] and lines[2]["status"] == "refused"
    assert lines[3]["route"] == "rules" and lines[3]["decision"]["decision"] == "meets_criteria"


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["ask"], "QUESTION"),
        (["ask", "--batch", "/nonexistent.jsonl"], "--batch"),
        (["ask", "q", "--chroma-url", "::::"], "chroma_url"),
    ],
)
def test_bad_input_is_one_line_exit_2_no_traceback(args, fragment, tmp_path):
    result = run(*args, "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and fragment in lines[0], result.stderr


def test_second_ingest_embeds_nothing(data_dir):
    result = run("ingest", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    assert "already current (nothing embedded)" in result.stdout


def test_corpus_lists_documents_with_passage_counts(corpus):
    result = run("corpus", "--json")
    rows = json.loads(result.stdout)
    assert {r["id"]: r["passages"] for r in rows} == {
        d.id: len(corpus.passages_of(d.id)) for d in corpus.documents
    }
    assert rows[1]["date"] == "2025-12-08" and "related questions" in rows[1]["dropped_blocks"]


NO_NETWORK = textwrap.dedent(
    """
    import socket
    _connect = socket.socket.connect

    def _loopback_only(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1")) or self.family == socket.AF_UNIX:
            return _connect(self, address)
        raise OSError(f"network disabled by test: {address!r}")

    socket.socket.connect = _loopback_only
    _getaddrinfo = socket.getaddrinfo

    def _no_dns(host, *args, **kwargs):
        if host in (None, "localhost") or str(host).startswith("127.") or host == "::1":
            return _getaddrinfo(host, *args, **kwargs)
        raise OSError(f"DNS disabled by test: {host!r}")

    socket.getaddrinfo = _no_dns
    """
)


def test_ask_works_with_outbound_connections_failing(tmp_path):
    """From a cold start (model load and index build included), nothing reaches outside."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(NO_NETWORK)
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env["PYTHONPATH"] = str(site)
    result = run("ask", "What dose of imetelstat was used in IMerge?", "--json", "--data-dir", str(tmp_path / "idx"), env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "7.5 mg/kg" in json.loads(result.stdout)["answer"]
    assert "network disabled by test" not in result.stderr and "DNS disabled by test" not in result.stderr
