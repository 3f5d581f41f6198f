"""`check --batch` at scale: the orjson fast parse, worker processes and the unvalidated Decision fast path
give exactly what the one-process, exact-parser path gives."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from rules_core import Decision, PatientFacts, evaluate
from rules_core.batch import CHUNK_LINES, evaluate_jsonl_text
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
