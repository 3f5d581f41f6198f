"""`check --batch` at scale: the orjson fast parse, worker processes, the unvalidated Decision and the fast
encoder give exactly what the one-process, exact-parser, single-patient path gives."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from rules_core import Decision, PatientFacts, evaluate
from rules_core.batch import CHUNK_LINES, BatchSpec, _fast_record, evaluate_batch, evaluate_jsonl_text
from rules_core.encoding import DecisionEncoder
from rules_core.evaluator import ruleset_for
from rules_core.policy import default_policy
from rules_core.errors import RulesInputError
from rules_core.inputs import evaluate_jsonl, parse_json

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_rules import workload  # noqa: E402  (the benchmark's realistic patient mix)

TRICKY = [
    '{"a": 1, "a": 2}',  # duplicate key
    '{"a": {"b": 1, "b": 1}}',  # nested duplicate
    '{"a": "x\\": 1", "a": 2}',  # an escaped quote hiding a duplicate
    '{"a": "\\u00e9", "b": [1, {"c": 2}]}',
    '{"a": "says \\"b\\": no"}',
    '{"a": NaN}',
    '{"a": 1e400}',
    '{"a": 123456789012345678901234567890}',
    '[{"a": 1}, {"a": 1}]',
    '{"a": 1,}',
    '{"a" : 1, "b"\t: {"a" : 2}}',
    '"just a string"',
    "3",
    "",
]


def _exact(text: str):
    try:
        return ("ok", json.dumps(json.loads(text, object_pairs_hook=_no_duplicates)))
    except (ValueError, KeyError) as exc:
        return ("error", type(exc).__name__)


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise KeyError("duplicate")
    return dict(pairs)


@pytest.mark.parametrize("text", TRICKY)
def test_fast_parse_accepts_and_rejects_exactly_what_the_exact_parser_does(text):
    try:
        got = ("ok", json.dumps(parse_json(text, "line 1")))
    except RulesInputError as exc:
        got = ("error", "KeyError" if "given twice" in str(exc) else "JSONDecodeError")
    expected = _exact(text)
    assert got[0] == expected[0]
    if got[0] == "ok":
        assert got == expected


def _batch_lines(n: int) -> list[str]:
    lines = [json.dumps({"id": i, "drug": drug, "patient": patient}) + "\n" for i, (drug, patient) in enumerate(workload(n, seed=3))]
    lines[5] = '{"id": 5, "drug": "luspatercept", "drug": "imetelstat", "patient": {}}\n'
    lines[CHUNK_LINES + 1] = "not json\n"
    lines[CHUNK_LINES + 2] = "\n"
    lines[-1] = '{"id": "last", "drug": "luspatercept", "patient": {"sEPO": 3}}\n'
    return lines


def test_worker_processes_give_the_one_process_lines_in_order():
    lines = _batch_lines(2 * CHUNK_LINES + 17)
    reference = "".join(result + "\n" for result in evaluate_jsonl(lines))
    assert b"".join(evaluate_jsonl_text(lines, workers=2)).decode() == reference
    assert b"".join(evaluate_jsonl_text(lines, workers=1)).decode() == reference
    results = [json.loads(line) for line in reference.splitlines()]
    assert len(results) == len(lines) - 1  # the blank line gives nothing
    assert "given twice" in results[5]["error"]
    assert results[CHUNK_LINES + 1]["line"] == CHUNK_LINES + 2 and "malformed JSON" in results[CHUNK_LINES + 1]["error"]
    assert results[CHUNK_LINES + 2]["line"] == CHUNK_LINES + 4  # numbering counts the blank line
    assert results[-1]["id"] == "last" and "sEPO" in results[-1]["error"]


def test_the_unvalidated_decision_is_what_validation_would_build():
    for drug, patient in workload(300, seed=5):
        decision = evaluate(drug, PatientFacts.model_validate(patient))
        validated = Decision.model_validate(decision.model_dump())
        assert validated.model_dump_json() == decision.model_dump_json()


# --- the fast path (rules_core/batch.py + encoding.py) against the single-patient path ---------------------------

def _varied_records() -> list[str]:
    """A few hundred varied lines: the eval eligibility cases, the rules vignettes, the benchmark mix, and lines
    the fast path must hand to the exact one (escapes, odd ids, brands, unicode, bad facts)."""
    lines = []
    for path in (ROOT / "eval/cases/eligibility.jsonl", ROOT / "tests/data_rules/vignettes.jsonl"):
        for row in map(json.loads, filter(str.strip, path.read_text(encoding="utf-8").splitlines())):
            if "drug" in row and "patient" in row:
                lines.append(json.dumps({"id": row.get("id"), "drug": row["drug"], "patient": row["patient"]}))
    lines += [json.dumps({"id": i, "drug": d, "patient": p}, separators=(",", ":")) for i, (d, p) in enumerate(workload(300, seed=9))]
    lines += [
        '{"id": "caf\\u00e9", "drug": "Reblozyl", "patient": {"ipss_r": "low"}}',  # an escape: the exact path
        '{"id": "café ✓", "drug": "Procrit", "patient": {"ipss_r": "Very Low", "sf3b1": "WT"}}',
        '{"id": 1.5, "drug": "luspatercept", "patient": {}}',
        '{"id": 1e16, "drug": "luspatercept", "patient": {}}',
        '{"id": true, "drug": "luspatercept", "patient": {}}',
        '{"id": [1, {"a": 2}], "drug": "luspatercept", "patient": {}}',
        '{"id": 123456789012345678901234567890, "drug": "luspatercept", "patient": {}}',
        '{"drug": "imetelstat", "patient": {"rbc_units_last_8_weeks": 4}}',
        '{"id": 7, "drug": "imetelstat", "patient": {"rbc_units_last_8_weeks": 4}, "extra": 1}',
        '{"id": 8, "drug": "imetelstat", "patient": {"rbc_units_last_8_weeks": 4, "rbc_units_last_8_weeks": 5}}',
        '{"id" : 9, "drug" : "lenalidomide", "patient" : {"del5q" : true, "ipss_r" : "low"}}',
        '{"id": 10, "drug": "lenalidomide", "patient": {"del5q": true, "therapies": [{"agent": "Revlimid", "ongoing": true, "weeks": 20, "response": "responding"}]}}',
        '{"id": 11, "drug": "luspatercept", "patient": {"serum_epo": {"value": 1e400, "unit": "U/L"}}}',
        '{"id": 12, "drug": "luspatercept", "patient": {"rbc_units_last_8_weeks": 99999999999999999999999}}',
        '{"id": 13, "drug": "aspirin", "patient": {}}',
        '{"id": 14, "drug": "luspatercept", "patient": []}',
        '{"id": 15, "drug": 3, "patient": {}}',
        '{"id": "x\\"y", "drug": "luspatercept", "patient": {"ipss_r": "low"}}',
        '["a", "list"]',
        "not json",
        "",
    ]
    return [line + "\n" for line in lines]


def test_the_fast_path_gives_the_single_patient_path_lines_byte_for_byte():
    lines = _varied_records()
    assert len(lines) > 400
    reference = "".join(result + "\n" for result in evaluate_jsonl(lines)).encode()
    assert b"".join(evaluate_jsonl_text(lines, workers=1)) == reference
    fast = [line for line in lines if _fast_record(line) is not None]
    assert len(fast) > 400  # the comparison is about the fast path: most lines take it
    assert _fast_record(lines[-21]) is None and _fast_record(lines[-19]) is None  # an escape, a float id: the exact path


def test_the_fast_path_under_another_site_policy_matches_too():
    policy = default_policy().model_copy(update={"transfusion_dependence_min_rbc_units": 3, "esa_adequate_trial_weeks": 8})
    lines = _varied_records()
    reference = "".join(result + "\n" for result in evaluate_jsonl(lines, policy)).encode()
    assert b"".join(evaluate_jsonl_text(lines, policy, workers=1)) == reference


def test_the_encoder_writes_what_pydantic_writes_with_a_decision_id():
    encoder = DecisionEncoder(ruleset_for(None))
    for n, (drug, patient) in enumerate(workload(300, seed=21)):
        decision = evaluate(drug, patient).model_copy(update={"decision_id": f"20261130-000000-abcdef12-{n}"})
        assert encoder.encode(decision, decision.decision_id) == decision.model_dump_json().encode()
        assert encoder.encode(decision) == decision.model_copy(update={"decision_id": None}).model_dump_json().encode()


def test_a_recorded_batch_names_each_decision_and_hands_over_what_a_record_stores():
    lines = _varied_records()
    chunks = list(evaluate_batch(lines, BatchSpec(id_prefix="20261130-120000-0123abcd"), workers=1))
    results = [json.loads(line) for chunk in chunks for line in chunk.output.splitlines()]
    decided = {d.line: d for chunk in chunks for d in chunk.decided}
    made = [r for r in results if "error" not in r]
    assert len(made) == len(decided) > 400
    for result in made:
        record = decided[result["line"]]
        assert result["decision_id"] == record.decision_id == f"20261130-120000-0123abcd-{result['line']}"
        facts = PatientFacts.model_validate(json.loads(lines[result["line"] - 1])["patient"])
        decision = evaluate(result["drug"], facts)
        assert json.loads(record.decision_json) == decision.model_dump(mode="json")  # decision_id null, as a single check stores it
        assert json.loads(record.patient_json) == facts.model_dump(mode="json", exclude_none=True)
        assert json.loads(record.warnings_json) == decision.model_dump(mode="json")["warnings"]
        assert (record.drug, record.decision, record.pathway, record.summary, record.request) == (
            decision.drug, decision.decision, decision.pathway, decision.summary, decision.request)


def test_each_chunk_counts_its_error_lines():
    lines = _batch_lines(2 * CHUNK_LINES + 17)
    chunks = list(evaluate_batch(lines, workers=2))
    counted = [chunk.errors for chunk in chunks]
    assert counted == [sum(b'"error":' in line[:200] for line in chunk.output.splitlines()) for chunk in chunks]
    assert counted == [1, 1, 1]  # line 6 (a key given twice), line 2002 (not JSON), the last line (sEPO)


def test_workers_writing_their_own_lines_keep_input_order(tmp_path):
    lines = _batch_lines(3 * CHUNK_LINES + 17)
    reference = "".join(result + "\n" for result in evaluate_jsonl(lines)).encode()
    for workers in (1, 2, 3):
        path = tmp_path / f"out{workers}.jsonl"
        with path.open("wb") as sink:
            chunks = list(evaluate_batch(lines, BatchSpec(out_fd=sink.fileno()), workers=workers))
        assert [c.output for c in chunks] == [b""] * 4 and sum(c.errors for c in chunks) == 3
        assert path.read_bytes() == reference
