"""Table-driven clinical vignettes (tests/data_rules/vignettes.jsonl).

Each line is a patient, a drug and the hand-reasoned expected answer. Clinical
vignettes run in-process; bad-input vignettes run the real CLI in a subprocess.
Coverage tests prove the table drives every criterion and pathway through
every state it can take.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from rules_core import evaluate
from rules_core.ruleset import RULES

REPO = Path(__file__).resolve().parents[1]
VIGNETTES = [
    json.loads(line)
    for line in (REPO / "tests" / "data_rules" / "vignettes.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
# The console script's entry point (what `mdsbot` runs), independent of PATH.
MDSBOT = [sys.executable, "-c", "from bot.cli import main; main()"]
CLINICAL = [v for v in VIGNETTES if v.get("kind") != "bad_input"]
BAD_INPUT = [v for v in VIGNETTES if v.get("kind") == "bad_input"]


def test_vignette_ids_are_unique_and_plentiful():
    ids = [v["id"] for v in VIGNETTES]
    assert len(ids) == len(set(ids))
    assert len(CLINICAL) >= 60


@pytest.mark.parametrize("vignette", CLINICAL, ids=[v["id"] for v in CLINICAL])
def test_clinical_vignette(vignette):
    decision = evaluate(vignette["drug"], vignette["patient"])
    expect = vignette["expect"]
    assert decision.decision == expect["decision"], decision.summary
    if "pathway" in expect:
        assert decision.pathway == expect["pathway"]
    statuses = {c.id: c.status for p in decision.pathways for c in p.criteria}
    for criterion_id, status in expect.get("criteria", {}).items():
        assert statuses[criterion_id] == status, criterion_id
    pathway_status = {p.id: p.status for p in decision.pathways}
    for pathway_id, status in expect.get("pathways", {}).items():
        assert pathway_status[pathway_id] == status, pathway_id
    if "missing" in expect:
        fields = [m.field for m in decision.missing_facts]
        assert sorted(fields) == sorted(expect["missing"])
        assert len(fields) == len(set(fields)), "missing facts must be deduplicated"
    warning_ids = {w.id for w in decision.warnings}
    assert set(expect.get("warnings", [])) <= warning_ids
    assert not set(expect.get("absent_warnings", [])) & warning_ids
    evidence = {c.id: c.evidence for p in decision.pathways for c in p.criteria}
    for criterion_id, fragment in expect.get("evidence", {}).items():
        assert fragment in evidence[criterion_id], (criterion_id, evidence[criterion_id])


def _observed():
    criteria, pathways, decisions = defaultdict(set), defaultdict(set), defaultdict(set)
    for vignette in CLINICAL:
        decision = evaluate(vignette["drug"], vignette["patient"])
        decisions[decision.drug].add(decision.decision)
        for pathway in decision.pathways:
            pathways[pathway.id].add(pathway.status)
            for criterion in pathway.criteria:
                criteria[criterion.id].add(criterion.status)
    return criteria, pathways, decisions


OBSERVED_CRITERIA, OBSERVED_PATHWAYS, OBSERVED_DECISIONS = _observed()
ALL_CRITERIA = [c for rules in RULES.values() for p in rules.pathways for c in p.criteria]


@pytest.mark.parametrize("criterion", ALL_CRITERIA, ids=[c.id for c in ALL_CRITERIA])
def test_vignettes_drive_every_criterion_through_every_state(criterion):
    # A documentation requirement is on file or not: it can never be not_met.
    wanted = {"met", "missing"} if criterion.kind == "documentation" else {"met", "not_met", "missing"}
    assert OBSERVED_CRITERIA[criterion.id] == wanted


@pytest.mark.parametrize("pathway_id", [p.id for r in RULES.values() for p in r.pathways])
def test_vignettes_drive_every_pathway_through_every_state(pathway_id):
    # not_applicable: an initial pathway in a renewal, or the continuation pathway in an initial request.
    assert OBSERVED_PATHWAYS[pathway_id] == {"eligible", "not_eligible", "incomplete", "not_applicable"}


@pytest.mark.parametrize("drug", list(RULES))
def test_vignettes_reach_every_decision_for_every_drug(drug):
    assert OBSERVED_DECISIONS[drug] == {"meets_criteria", "does_not_meet", "insufficient_documentation"}


@pytest.mark.parametrize("vignette", BAD_INPUT, ids=[v["id"] for v in BAD_INPUT])
def test_bad_input_vignette_via_cli(vignette, tmp_path):
    patient_file = tmp_path / "patient.json"
    text = vignette.get("patient_text")
    patient_file.write_text(text if text is not None else json.dumps(vignette["patient"]), encoding="utf-8")
    result = subprocess.run(
        [*MDSBOT, "check", "--drug", vignette["drug"], "--patient", str(patient_file)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    expect = vignette["expect_error"]
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    where = f"{patient_file} " if expect["field"] == "FILE" else f"{expect['field']}: "  # FILE: the file, line and column
    assert lines[0].startswith(f"error: {where}"), lines[0]
    for fragment in expect["contains"]:
        assert fragment in lines[0]
