"""Batches lose nothing: every non-blank input line gets exactly one output line, whatever it holds.

Real CLI subprocesses on real files. Each hostile line below ended a batch with a
traceback (or dropped the whole file) before; now it costs only its own line.
"""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MDSBOT = [sys.executable, "-c", "from bot.cli import main; main()"]
GOOD = {"ipss_r": "low", "ring_sideroblasts_pct": 20, "sf3b1": "mutated", "serum_epo": {"value": 620, "unit": "U/L"},
        "rbc_units_last_8_weeks": 4, "therapies": []}


def mdsbot(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*MDSBOT, *args], capture_output=True, cwd=ROOT, env=os.environ.copy(), timeout=timeout)


def hostile_lines(record: dict) -> list[bytes]:
    """A good record, then each fault the fault pass reproduced, then a good record again."""
    good = json.dumps(record).encode()
    return [
        codecs.BOM_UTF8 + good,  # a UTF-8 BOM on the first line
        b'{"id": "deep", "patient": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",  # nesting past any parser's recursion
        b'{"id": "digits", "patient": {"age_years": ' + b"9" * 5000 + b"}}",  # past int_max_str_digits
        b'{"id": "bytes", "question": "caf\xe9"}',  # one invalid UTF-8 byte
        b'{"id": "huge", "question": "' + b"x" * 1_500_000 + b'"}',  # a line over the size limit
        b"",  # blank: not a record, no output
        json.dumps({**record, "id": "\x1b[2J\x1b[31mred"}).encode(),  # escape codes in a value
        b"[]",
        good.replace(b'"first"', b'"last"'),
    ]


def write(tmp_path: Path, lines: list[bytes]) -> str:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return str(path)


def test_check_batch_gives_every_hostile_line_its_own_error_and_goes_on(tmp_path):
    batch = write(tmp_path, hostile_lines({"id": "first", "drug": "luspatercept", "patient": GOOD}))
    result = mdsbot("check", "--batch", batch, "--json")
    assert result.returncode == 1, "exit 1: some line failed"
    assert b"Traceback" not in result.stderr and result.stderr == b""
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3, 4, 5, 7, 8, 9]
    assert rows[0]["id"] == "first" and rows[0]["decision"] == "meets_criteria"
    assert rows[-1]["id"] == "last" and rows[-1]["decision"] == "meets_criteria"
    errors = {r["line"]: r["error"] for r in rows if "error" in r}
    assert set(errors) == {2, 3, 4, 5, 8}
    assert "nested deeper" in errors[2]
    assert "more than 4300 digits" in errors[3] and "set_int_max_str_digits" not in errors[3]
    assert "not UTF-8" in errors[4]
    assert "bytes long" in errors[5]
    assert rows[5]["id"] == "\x1b[2J\x1b[31mred" and rows[5]["decision"] == "meets_criteria"  # JSON keeps data exact


def test_check_batch_text_never_writes_control_characters_to_the_terminal(tmp_path):
    batch = write(tmp_path, hostile_lines({"id": "first", "drug": "luspatercept", "patient": GOOD}))
    result = mdsbot("check", "--batch", batch)
    out = result.stdout.decode()
    assert result.returncode == 1 and len(out.splitlines()) == 8
    assert "\x1b" not in out and "[2J" in out  # the text is shown, the escape is not acted on


def test_a_huge_integer_in_a_patient_file_is_one_clear_line(tmp_path):
    patient = tmp_path / "p.json"
    patient.write_text('{"serum_epo": {"value": ' + "9" * 5000 + ', "unit": "U/L"}}')
    result = mdsbot("check", "--drug", "luspatercept", "--patient", str(patient))
    assert result.returncode == 2
    assert result.stderr.decode() == "error: patient: a number has more than 4300 digits; no patient fact is that large\n"


def test_a_bom_in_a_patient_file_is_accepted(tmp_path):
    patient = tmp_path / "p.json"
    patient.write_bytes(codecs.BOM_UTF8 + json.dumps(GOOD).encode())
    result = mdsbot("check", "--drug", "luspatercept", "--patient", str(patient), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["decision"] == "meets_criteria"


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--drug", "luspatercept", "--patient", "/nonexistent/p.json", "--json"],
        ["check", "--drug", "aspirin", "--patient", "/nonexistent/p.json", "--json"],
        ["options", "--json"],
        ["ask", "--json"],
        ["ask", "q", "--chroma-url", "::::", "--json"],
    ],
)
def test_json_errors_are_json(args):
    result = mdsbot(*args)
    assert result.returncode == 2 and result.stdout == b""
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1
    error = json.loads(lines[0])
    assert error["exit_code"] == 2 and error["error"] and not error["error"].startswith("error:")


@pytest.fixture(scope="module")
def data_dir(index_dir, engine):
    return str(index_dir)


def test_ask_batch_gives_every_hostile_line_its_own_line(tmp_path, data_dir):
    batch = write(tmp_path, hostile_lines({"id": "first", "question": "What did MEDALIST show?"}))
    result = mdsbot("ask", "--batch", batch, "--json", "--data-dir", data_dir)
    assert result.returncode == 1, result.stderr
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["line"] if "error" in r else r["id"] for r in rows] == ["first", 2, 3, 4, 5, "\x1b[2J\x1b[31mred", 8, "last"]
    assert rows[0]["status"] == "answered" and rows[-1]["status"] == "answered"
    assert "nested deeper" in rows[1]["error"] and "more than 4300 digits" in rows[2]["error"]
    assert "not UTF-8" in rows[3]["error"] and "bytes long" in rows[4]["error"]
    assert "question: a non-empty string is required" in rows[6]["error"]
    text = mdsbot("ask", "--batch", batch, "--data-dir", data_dir)
    assert "\x1b" not in text.stdout.decode() and text.stdout.decode().count("## ") == 8
