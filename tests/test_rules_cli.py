"""`mdsbot check`, `mdsbot options`, `mdsbot schema` and `check --batch`, text and --json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import _load_command_modules, app
from rules_core import Decision, PatientFacts

REPO = Path(__file__).resolve().parents[1]
MDSBOT = [sys.executable, "-c", "from bot.cli import main; main()"]
_load_command_modules()

SECOND_LINE = {"ipss_r": "low", "ring_sideroblasts_pct": 20, "sf3b1": "mutated", "serum_epo": {"value": 620, "unit": "U/L"},
               "rbc_units_last_8_weeks": 4, "therapies": []}
ESA_CANDIDATE = {"ipss_r": "low", "serum_epo": {"value": 150, "unit": "U/L"}, "rbc_units_last_8_weeks": 0,
                 "hemoglobin": {"value": 9.2, "unit": "g/dL"}, "therapies": [],
                 "del5q": False, "idh1": "wild_type", "idh2": "wild_type"}


def run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path, monkeypatch):
    """Each test's decisions go to its own record (checks record unless --no-record)."""
    monkeypatch.setenv("MDSBOT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def patient_file(tmp_path):
    def write(facts: dict | str) -> str:
        path = tmp_path / "patient.json"
        path.write_text(facts if isinstance(facts, str) else json.dumps(facts), encoding="utf-8")
        return str(path)

    return write


def test_check_text_shows_decision_then_cited_criteria(patient_file):
    result = run("check", "--drug", "Reblozyl", "--patient", patient_file(SECOND_LINE))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "luspatercept: MEETS CRITERIA via luspatercept.second_line"
    assert "  ✓ Ring sideroblasts ≥ 15%, or ≥ 5% with an SF3B1 mutation" in lines
    assert "  ✗ Serum EPO < 500 U/L" in lines
    assert "  ? Bone marrow blasts < 5%" in lines
    assert "      evidence: serum EPO 620 U/L > 500 U/L" in lines
    assert '      source: 002_b313ab8f7ec3a988 "Transfusion status: Red blood cell transfusion-dependent"' in lines
    assert "Warnings:" in lines and any("NOT indicated first-line" in line for line in lines)


def test_check_text_lists_missing_documentation(patient_file):
    facts = {k: v for k, v in SECOND_LINE.items() if k != "serum_epo"} | {"bone_marrow_blasts_pct": 2, "del5q": False}
    result = run("check", "--drug", "luspatercept", "--patient", patient_file(facts))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "luspatercept: INSUFFICIENT DOCUMENTATION (supply: serum_epo)"
    assert "Missing documentation:\n  - serum_epo (serum erythropoietin level)" in result.stdout


@pytest.mark.parametrize(
    "facts,headline",
    [
        (ESA_CANDIDATE, "epoetin_alfa: MEETS CRITERIA via epoetin_alfa.first_line"),
        ({"ipss_r": "very_high"}, "epoetin_alfa: DOES NOT MEET CRITERIA (no pathway eligible)"),
        ({}, "epoetin_alfa: INSUFFICIENT DOCUMENTATION (supply: ipss_r, serum_epo, therapies, rbc_units_last_8_weeks, hemoglobin)"),
    ],
)
def test_check_exits_zero_whatever_the_decision(patient_file, facts, headline):
    result = run("check", "--drug", "Procrit", "--patient", patient_file(facts))
    assert result.exit_code == 0 and result.stdout.splitlines()[0] == headline


def test_check_json_is_a_decision(patient_file):
    result = run("check", "--drug", "luspatercept", "--patient", patient_file(SECOND_LINE), "--json")
    assert result.exit_code == 0
    decision = Decision.model_validate_json(result.stdout)
    assert (decision.drug, decision.decision, decision.pathway) == ("luspatercept", "meets_criteria", "luspatercept.second_line")


def test_check_reads_stdin():
    result = subprocess.run([*MDSBOT, "check", "--drug", "Aranesp", "--patient", "-", "--json"],
                            input=json.dumps(ESA_CANDIDATE), capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pathway"] == "darbepoetin_alfa.first_line"


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["check"], "error: check: --drug NAME and --patient FILE.json are required"),
        (["check", "--drug", "luspatercept"], "error: check: --drug NAME and --patient FILE.json are required"),
        (["check", "--drug", "luspatercept", "--patient", "/nonexistent/p.json"], "error: --patient: cannot read '/nonexistent/p.json'"),
        (["check", "--batch", "x.jsonl", "--drug", "luspatercept"], "error: --batch: give either"),
        (["check", "--batch", "/nonexistent/b.jsonl"], "error: --batch: cannot read"),
        (["options"], "error: options: --patient FILE.json is required"),
        (["schema", "drug"], "error: schema: 'drug' is not allowed; use one of patient, decision"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args, fragment):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(fragment), result.stderr
    assert result.stdout == ""


def test_options_text_in_sequence(patient_file):
    result = run("options", "--patient", patient_file(ESA_CANDIDATE))
    assert result.exit_code == 0
    rows = [line.split()[:2] for line in result.stdout.splitlines()[1:8]]
    assert rows == [["✓", "epoetin_alfa"], ["✓", "darbepoetin_alfa"], ["✗", "luspatercept"], ["✗", "imetelstat"],
                    ["✗", "lenalidomide"], ["✗", "ivosidenib"], ["✗", "enasidenib"]]
    assert "meets criteria (epoetin_alfa.first_line)" in result.stdout


def test_options_json_lists_every_drug_with_decision_and_pathway(patient_file):
    result = run("options", "--patient", patient_file(SECOND_LINE), "--json")
    assert result.exit_code == 0
    decisions = [Decision.model_validate(d) for d in json.loads(result.stdout)]
    assert [d.drug for d in decisions][:2] == ["luspatercept", "imetelstat"]  # ESAs ineligible (sEPO 620) go last
    assert [d.drug for d in decisions][-2:] == ["epoetin_alfa", "darbepoetin_alfa"]
    assert decisions[0].pathway == "luspatercept.second_line"


def test_options_bad_patient_is_one_line(patient_file):
    result = run("options", "--patient", patient_file({"hemoglobin": {"value": 9, "unit": "mmol/L"}}))
    assert result.exit_code == 2
    assert result.stderr == "error: hemoglobin.unit: 'mmol/L' is not allowed; use one of g/dL, g/L\n"


def test_schema_patient_is_generated_from_the_model():
    result = run("schema", "patient")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == PatientFacts.model_json_schema()
    assert schema["additionalProperties"] is False and "serum_epo" in schema["properties"]


def test_schema_patient_validates_like_the_model():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(run("schema", "patient").stdout)
    jsonschema.validate(SECOND_LINE, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"sEPO": 620}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"serum_epo": {"value": 620, "unit": "ng/mL"}}, schema)


def test_schema_decision_is_generated_from_the_model():
    result = run("schema", "decision")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == Decision.model_json_schema(mode="serialization")
    assert {"drug", "decision", "pathway", "pathways", "missing_documentation", "warnings", "ruleset"} <= set(schema["required"])


BATCH = [
    {"id": "a", "drug": "Reblozyl", "patient": SECOND_LINE},
    {"id": "b", "drug": "aspirin", "patient": {}},
    {"id": "c", "drug": "luspatercept", "patient": {"serum_epo": {"value": 1, "unit": "ng/mL"}}},
    "not json at all",
    {"id": 5, "drug": "epoetin_alfa", "patient": ESA_CANDIDATE},
]


@pytest.fixture
def batch_file(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in BATCH) + "\n\n", encoding="utf-8")
    return str(path)


def test_batch_json_one_result_per_line_errors_do_not_stop_it(batch_file):
    result = run("check", "--batch", batch_file, "--json")
    assert result.exit_code == 1, "exit 1: some line got an error (every line still got its result)"
    results = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in results] == ["a", "b", "c", None, 5]
    assert [r["line"] for r in results] == [1, 2, 3, 4, 5]
    assert results[0]["decision"] == "meets_criteria" and results[4]["pathway"] == "epoetin_alfa.first_line"
    assert results[1]["error"].startswith("drug: 'aspirin' is not a supported drug")
    assert results[2]["error"].startswith("patient.serum_epo.unit: 'ng/mL' is not allowed")
    assert results[3]["error"] == f"{batch_file} line 4, column 1: malformed JSON, expecting value"  # file, line and column
    decision = {k: v for k, v in results[0].items() if k not in ("id", "line")}
    assert Decision.model_validate(decision).drug == "luspatercept"
    prefix = results[0]["decision_id"].rsplit("-", 1)[0]  # every decision names its record: <batch>-<line>
    assert [r.get("decision_id") for r in results] == [f"{prefix}-1", None, None, None, f"{prefix}-5"]


def test_batch_text_one_row_per_line(batch_file):
    result = run("check", "--batch", batch_file)
    assert result.exit_code == 1
    rows = result.stdout.splitlines()
    assert len(rows) == 5
    assert "luspatercept" in rows[0] and "meets_criteria" in rows[0] and "luspatercept.second_line" in rows[0]
    assert "error: drug: 'aspirin'" in rows[1]
    assert rows[0].split()[-2] == "decision" and rows[0].split()[-1].endswith("-1")  # the record's id, as in --json


def test_check_imports_no_heavy_library(patient_file):
    """`mdsbot check` must start fast: none of the ML/vector/web stacks may load."""
    code = (
        "import sys\n"
        f"sys.argv = ['mdsbot', 'check', '--drug', 'luspatercept', '--patient', {patient_file(SECOND_LINE)!r}]\n"
        "from bot.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert exit.code in (0, None), exit.code\n"
        "heavy = ('torch', 'chromadb', 'langchain', 'langchain_core', 'gradio', 'sentence_transformers', 'transformers')\n"
        "print('HEAVY', sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "luspatercept: MEETS CRITERIA via luspatercept.second_line"
    assert result.stdout.splitlines()[-1] == "HEAVY []"
