"""The fact_extraction case type: loader, scorer, per-field metrics, and the shipped labelled set."""

from __future__ import annotations

import json

from eval.cases import CASES_DIR, FactCase, load_file, parse_case
from eval.fact_scoring import FACT_FIELDS, score_fields
from eval.metrics import METRIC_NAMES, compute_metrics
from eval.runner import run_fact_extraction

FACTS_FILE = CASES_DIR / "facts.jsonl"


def test_a_facts_line_loads_as_a_fact_case_keeping_its_extra_fields():
    case = parse_case({"id": "f1", "text": "Hb 8 g/dL", "expect": {"hemoglobin": {"value": 8}}, "absent": [],
                       "ask": [], "category": "plain", "split": "dev", "note": ""})
    assert isinstance(case, FactCase) and case.case_type == "fact_extraction" and case.category == "plain"


def test_scoring_counts_true_false_positives_and_misses():
    labels = {"expect": {"hemoglobin": {"value": 8.1, "unit": "g/dL"}, "age_years": 70},
              "absent": ["therapies"], "ask": ["serum_epo"]}
    facts = {"hemoglobin": {"value": 81, "unit": "g/L"}, "age_years": 71, "serum_epo": {"value": 1, "unit": "U/L"}}
    scores, failures = score_fields(labels, facts)
    assert scores == {"hemoglobin": {"tp": 1, "fp": 0, "fn": 0}, "age_years": {"tp": 0, "fp": 1, "fn": 1},
                      "therapies": {"tp": 0, "fp": 0, "fn": 0}, "serum_epo": {"tp": 0, "fp": 1, "fn": 0}}
    assert len(failures) == 2


def test_therapies_match_by_agent_set_and_the_keys_the_label_gives():
    label = {"expect": {"therapies": [{"agent": "lenalidomide", "response": "none"}]}}
    ok = [{"agent": "lenalidomide", "response": "none", "weeks": 16}]
    assert score_fields(label, {"therapies": ok})[0]["therapies"]["tp"] == 1
    extra = ok + [{"agent": "azacitidine"}]
    assert score_fields(label, {"therapies": extra})[0]["therapies"] == {"tp": 0, "fp": 1, "fn": 1}


def test_runner_and_metrics_report_precision_and_recall_per_field():
    case = parse_case({"id": "f2", "text": "sEPO 620 U/L last year, now 150", "expect": {"serum_epo": {"value": 150}},
                       "absent": [], "ask": ["hemoglobin"]})
    result = run_fact_extraction(case)
    assert result["passed"] and result["fields"]["serum_epo"] == {"tp": 1, "fp": 0, "fn": 0}
    metrics = compute_metrics([result])
    assert metrics["extraction_precision.serum_epo"] == {"value": 1.0, "n": 1}
    assert metrics["extraction_recall"] == {"value": 1.0, "n": 1}
    assert all(f"extraction_{kind}.{field}" in METRIC_NAMES for field in FACT_FIELDS for kind in ("precision", "recall"))


def test_the_shipped_labelled_set_is_large_and_labels_known_fields():
    cases = load_file(FACTS_FILE)
    assert len(cases) >= 250
    for case in cases:
        assert set(case.expect) | set(case.absent) | set(case.ask) <= set(FACT_FIELDS), case.id


def test_the_shipped_set_is_the_heldout_file_so_the_gate_covers_every_label():
    heldout = (CASES_DIR.parent / "heldout" / "facts.jsonl").read_text(encoding="utf-8")
    assert FACTS_FILE.read_text(encoding="utf-8") == heldout
    assert {json.loads(line)["split"] for line in heldout.splitlines()} == {"dev", "sealed"}
