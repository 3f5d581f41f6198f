"""The CLI's errors and help, as a user meets them: --json errors are one JSON object naming the field and
the allowed values, malformed JSON names file, line and column, help names types in words, and a
batch's decisions are stored and named in its output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import _load_command_modules, app

ROOT = Path(__file__).resolve().parents[1]
MDSBOT = [sys.executable, "-c", "from bot.cli import main; main()"]
_load_command_modules()


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MDSBOT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), input=stdin)


def json_error(result) -> dict:
    assert result.exit_code == 2 and result.stdout == "", result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    error = json.loads(lines[0])
    assert set(error) == {"error", "field", "message", "allowed", "exit_code"} and error["exit_code"] == 2
    return error


@pytest.mark.parametrize(
    ("args", "field", "allowed"),
    [
        (["check", "--drug", "aspirin", "--patient", "-"], "drug", "luspatercept"),
        (["check", "--drug", "luspatercept", "--patient", "-"], "ipss_r", "very_low"),  # stdin: {"ipss_r": "mid"}
        (["check", "--json"], "--drug", None),
        (["options", "--patient", "-"], "ipss_r", "intermediate"),
        (["decisions", "list", "--decision", "maybe"], "--decision", "does_not_meet"),
        (["decisions", "list", "--since", "last week"], "--since", "YYYY-MM-DD"),
        (["decisions", "list", "--drug", "aspirin"], "drug", "Reblozyl"),
        (["decisions", "show", "nope"], "ID", None),
        (["decisions", "recheck", "--drug", "aspirin"], "drug", "imetelstat"),
        (["decisions", "list", "--limit", "0"], "--limit", None),  # click's own check, through the same shape
        (["check", "--bogus"], "--bogus", None),
        (["check", "--batch", "-", "--patient-ref", "P1"], "--patient-ref", None),
        (["schema", "drug", "--json"], None, None),  # schema has no --json: click says so, as JSON
    ],
)
def test_json_errors_name_the_field_and_what_is_allowed(args, field, allowed):
    result = run(*args, *([] if "--json" in args else ["--json"]), stdin='{"ipss_r": "mid"}')
    error = json_error(result)
    if field is not None:
        assert error["field"] == field
    assert error["message"] and "Traceback" not in result.stderr
    if allowed is not None:
        assert allowed in error["allowed"] or any(allowed in a for a in error["allowed"])
    assert error["error"].endswith(error["message"])  # the text line, as without --json


def test_without_json_the_same_errors_are_one_text_line():
    result = run("decisions", "list", "--decision", "maybe")
    assert result.exit_code == 2
    assert result.stderr == ("error: --decision: 'maybe' is not allowed; use one of meets_criteria, does_not_meet, "
                             "insufficient_documentation\n")


def test_json_usage_errors_through_the_installed_entry_point(tmp_path):
    out = subprocess.run([*MDSBOT, "decisions", "list", "--limit", "abc", "--json"], capture_output=True, text=True,
                         cwd=ROOT, timeout=60, env={**os.environ, "MDSBOT_DATA_DIR": str(tmp_path)})
    assert out.returncode == 2 and out.stdout == ""
    error = json.loads(out.stderr)
    assert error["field"] == "--limit" and "valid integer" in error["message"]


def test_malformed_patient_json_names_file_line_and_column(tmp_path):
    patient = tmp_path / "patient.json"
    patient.write_text('{\n  "ipss_r": "low",\n  "sf3b1" "mutated"\n}\n', encoding="utf-8")
    result = run("check", "--drug", "luspatercept", "--patient", str(patient))
    assert result.stderr == f"error: {patient} line 3, column 11: malformed JSON, expecting ':' delimiter\n"
    error = json_error(run("check", "--drug", "luspatercept", "--patient", str(patient), "--json"))
    assert error["field"] == "--patient" and error["message"] == f"{patient} line 3, column 11: malformed JSON, expecting ':' delimiter"
    from_stdin = run("check", "--drug", "luspatercept", "--patient", "-", stdin='{"ipss_r": "low",}')
    assert from_stdin.stderr == "error: stdin line 1, column 18: malformed JSON, expecting property name enclosed in double quotes\n"


def test_malformed_batch_lines_name_file_line_and_column(tmp_path):
    batch = tmp_path / "patients.jsonl"
    batch.write_text('{"id": 1, "drug": "luspatercept", "patient": {}}\n\n{"id": 2, "drug" "x"}\n', encoding="utf-8")
    result = run("check", "--batch", str(batch), "--json", "--no-record")
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[1] == {"id": None, "line": 3, "error": f"{batch} line 3, column 18: malformed JSON, expecting ':' delimiter"}


# Option types in words: no click/typer type names where a word reads better.
TYPE_NAMES = re.compile(r"\b(TEXT|INTEGER|FLOAT|PATH)\b|<(str|int|float|path|int range|list\[Path\])>")


@pytest.mark.parametrize("command", [["check"], ["options"], ["ask"], ["chat"], ["ingest"], ["corpus"], ["eval"],
                                     ["decisions", "list"], ["decisions", "show"], ["decisions", "recheck"]])
def test_help_names_option_types_in_words(command):
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "160"})
    assert result.exit_code == 0
    options = [line for line in result.stdout.splitlines() if re.match(r"^│ +--(?!help)", line)]
    assert options, result.stdout
    offending = [line for line in options if TYPE_NAMES.search(line) or "<bool>" in line]
    assert offending == []


def test_check_help_shows_the_words():
    text = CliRunner().invoke(app, ["check", "--help"], env={"COLUMNS": "160"}).stdout
    assert re.search(r"--drug +drug name", text) and re.search(r"--patient +patient\.json", text)
    assert re.search(r"--batch +patients\.jsonl", text)


def test_a_recorded_batch_can_be_listed_and_each_decision_shown(tmp_path):
    batch = tmp_path / "patients.jsonl"
    facts = {"ipss_r": "low", "ring_sideroblasts_pct": 20, "sf3b1": "mutated", "serum_epo": {"value": 620, "unit": "U/L"},
             "rbc_units_last_8_weeks": 4, "therapies": []}
    lines = [json.dumps({"id": f"p{n}", "drug": "Reblozyl", "patient": facts | {"age_years": 60 + n}}) for n in range(12)]
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("check", "--batch", str(batch), "--json", "--reviewer", "RPh Q")
    assert result.exit_code == 0, result.stderr
    ids = [json.loads(line)["decision_id"] for line in result.stdout.splitlines()]
    assert len(set(ids)) == 12 and all(i.endswith(f"-{n}") for n, i in enumerate(ids, start=1))
    listed = json.loads(run("decisions", "list", "--json").stdout)
    assert sorted(r["id"] for r in listed) == sorted(ids)
    assert {(r["surface"], r["reviewer"], r["decision"]) for r in listed} == {("batch", "RPh Q", "meets_criteria")}
    shown = run("decisions", "show", ids[0], "--json")  # "...-1" is the id itself, not a prefix of "...-10"
    assert shown.exit_code == 0 and json.loads(shown.stdout)["patient"]["age_years"] == 60
    text = run("decisions", "show", ids[0]).stdout
    assert f"decision {ids[0]}" in text and "MEETS CRITERIA" in text


def test_no_record_batch_stores_nothing_and_names_no_decision(tmp_path, own_data_dir):
    batch = tmp_path / "patients.jsonl"
    batch.write_text(json.dumps({"id": 1, "drug": "luspatercept", "patient": {}}) + "\n", encoding="utf-8")
    result = run("check", "--batch", str(batch), "--json", "--no-record")
    assert json.loads(result.stdout)["decision_id"] is None
    assert json.loads(run("decisions", "list", "--json").stdout) == []


def test_single_check_outputs_carry_the_decision_id(tmp_path):
    patient = tmp_path / "patient.json"
    patient.write_text('{"ipss_r": "low"}', encoding="utf-8")
    decision_id = json.loads(run("check", "--drug", "luspatercept", "--patient", str(patient), "--json").stdout)["decision_id"]
    assert decision_id and run("decisions", "show", decision_id).exit_code == 0
    text = run("check", "--drug", "luspatercept", "--patient", str(patient)).stdout
    assert re.search(r"^decision id: \d{8}-\d{6}-[0-9a-f]{8}$", text, re.MULTILINE)
