"""Rules core v2: renewals, documented failures, ESA responders, del(5q), the contested first line, plausibility.

Hypothesis properties (issue 15):
  * a responder's renewal never depends on today's transfusion count;
  * adding a documented failure of drug X never turns X's initial decision into meets;
  * plausibility errors never produce a decision.
The table-driven cases live in tests/data_rules/vignettes.jsonl and eval/cases/eligibility.jsonl.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from test_rules_properties import FIELDS, patients  # tests/ is on sys.path (pytest rootdir insertion)

from rules_core import SUPPORTED_DRUGS, evaluate, evaluate_options, load_policy
from rules_core.drugs import ESAS
from rules_core.inputs import evaluate_jsonl

REPO = Path(__file__).resolve().parents[1]
MDSBOT = [sys.executable, "-c", "from bot.cli import main; main()"]
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
drugs = st.sampled_from(SUPPORTED_DRUGS)


def _without(patient: dict, drug: str) -> list[dict]:
    """The patient's therapies minus any entry for ``drug`` (so the request stays as the test makes it)."""
    from rules_core import normalise_agent

    return [t for t in patient.get("therapies") or [] if normalise_agent(t["agent"]) != drug]


# --- properties ------------------------------------------------------------------------------------


@SETTINGS
@given(patient=patients, drug=drugs, weeks=st.none() | st.integers(0, 520), units=st.lists(st.integers(0, 60), min_size=2,
                                                                                         max_size=4))
def test_a_responders_renewal_never_depends_on_todays_transfusions(patient, drug, weeks, units):
    entry = {"agent": drug, "ongoing": True, "response": "responding", **({} if weeks is None else {"weeks": weeks})}
    renewal = {**patient, "therapies": [*_without(patient, drug), entry]}
    answers = set()
    for count in units:
        decision = evaluate(drug, {**renewal, "rbc_units_last_8_weeks": count})
        answers.add((decision.request, decision.decision, decision.pathway))
    assert answers == {("renewal", "meets_criteria", f"{drug}.continuation")}


failures = st.sampled_from([
    {"response": "lost"},
    {"response": "intolerant"},
    {"response": "none", "weeks": 520, "iron_replete": True},  # past every window, an adequate ESA trial too
])


@SETTINGS
@given(patient=patients, drug=drugs, failure=failures, where=st.integers(0, 3))
def test_a_documented_failure_never_turns_an_initial_request_into_meets(patient, drug, failure, where):
    history = _without(patient, drug)
    failed = {"agent": drug, **failure}
    decision = evaluate(drug, {**patient, "therapies": [*history[:where], failed, *history[where:]]})
    assert decision.request == "initial"
    assert decision.decision != "meets_criteria", decision.summary
    if decision.decision == "does_not_meet":
        kinds = {w.kind for w in decision.warnings}
        assert "alternatives" in kinds  # the sources' next options come with the refusal


IMPLAUSIBLE = {
    "hemoglobin": st.sampled_from([{"value": 0.85, "unit": "g/dL"}, {"value": 95, "unit": "g/dL"},
                                   {"value": 9, "unit": "g/L"}, {"value": 250, "unit": "g/L"}]),
    "serum_epo": st.floats(100_000.5, 1e308).map(lambda v: {"value": v, "unit": "U/L"}),
    "rbc_units_last_8_weeks": st.integers(61, 10**41),
    "age_years": st.integers(0, 17) | st.integers(121, 10**6),
    "therapies": st.integers(521, 10**6).map(lambda w: [{"agent": "luspatercept", "weeks": w, "response": "none"}]),
}


@SETTINGS
@given(patient=patients, drug=drugs, field=st.sampled_from(sorted(IMPLAUSIBLE)), data=st.data())
def test_plausibility_errors_never_produce_a_decision(patient, drug, field, data):
    bad = {**patient, field: data.draw(IMPLAUSIBLE[field])}
    with pytest.raises(ValidationError) as info:
        evaluate(drug, bad)
    assert field in {str(e["loc"][0]) for e in info.value.errors()}
    [line] = list(evaluate_jsonl([json.dumps({"id": 1, "drug": drug, "patient": bad})]))
    result = json.loads(line)
    assert "error" in result and "decision" not in result
    assert field in result["error"]


# --- plausibility and duplicate keys on every surface ---------------------------------------------------


@pytest.mark.parametrize(("patient", "expected"), [
    ({"hemoglobin": {"value": 0.85, "unit": "g/dL"}}, "error: hemoglobin: 0.85 g/dL is outside 3–20 g/dL; likely a unit slip"),
    ({"serum_epo": {"value": 1e308, "unit": "U/L"}}, "error: serum_epo.value: 1e+308 is out of range; must be ≤ 100000"),
    ({"rbc_units_last_8_weeks": 10**41}, "more than 60 units in 8 weeks"),
    ({"therapies": [{"agent": "luspatercept", "weeks": 100000}]}, "error: therapies[0].weeks: 100000 is out of range"),
    ({"age_years": 12}, "error: age_years: 12 is out of range; must be ≥ 18"),
])
def test_cli_rejects_implausible_values_in_one_line(tmp_path, patient, expected):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(patient), encoding="utf-8")
    result = subprocess.run([*MDSBOT, "check", "--drug", "luspatercept", "--patient", str(path), "--no-record"],
                            capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert expected in line


def test_duplicate_keys_are_an_error_in_batch_and_web_input():
    from bot.webapp.actions import InputError, parse_patient_json

    [line] = list(evaluate_jsonl(['{"id": 1, "drug": "luspatercept", "patient": {"ipss_r": "low", "ipss_r": "high"}}']))
    assert json.loads(line)["error"] == "line 1: key 'ipss_r' is given twice; give each field once"
    with pytest.raises(InputError) as info:
        parse_patient_json('{"serum_epo": {"value": 620, "unit": "U/L", "value": 62}}')
    assert str(info.value) == "patient: key 'value' is given twice; give each field once"


# --- renewals ------------------------------------------------------------------------------------------


LUSP_RENEWAL = {"ipss_r": "low", "rbc_units_last_8_weeks": 0,
                "therapies": [{"agent": "Reblozyl", "ongoing": True, "weeks": 8, "response": "none"}]}


def test_a_renewal_inside_the_window_names_the_week_of_reassessment():
    decision = evaluate("luspatercept", LUSP_RENEWAL)
    assert (decision.request, decision.decision, decision.pathway) == ("renewal", "meets_criteria",
                                                                      "luspatercept.continuation")
    assert {p.id: p.status for p in decision.pathways}["luspatercept.second_line"] == "not_applicable"
    [reassess] = [w for w in decision.warnings if w.kind == "reassessment"]
    assert "reassess at week 12" in reassess.text


def test_a_window_the_sources_do_not_give_is_site_policy(tmp_path):
    patient = {"ipss_r": "low", "therapies": [{"agent": "imetelstat", "ongoing": True, "weeks": 12, "response": "none"}]}
    shipped = evaluate("imetelstat", patient)
    [criterion] = shipped.pathways[-1].criteria
    assert shipped.decision == "meets_criteria"
    assert criterion.basis == "site_policy" and criterion.policy_keys == ("imetelstat_response_window_weeks",)
    policy_file = tmp_path / "site.yaml"
    policy_file.write_text("imetelstat_response_window_weeks: 12\n", encoding="utf-8")
    strict = evaluate("imetelstat", patient, load_policy(policy_file))
    assert strict.decision == "does_not_meet" and strict.policy.imetelstat_response_window_weeks == 12
    assert strict.ruleset.fingerprint != shipped.ruleset.fingerprint


def test_an_esa_responder_keeps_the_esa_and_is_not_esa_ineligible():
    patient = {"ipss_r": "low", "serum_epo": {"value": 650, "unit": "U/L"}, "rbc_units_last_8_weeks": 4,
               "ring_sideroblasts_pct": 20, "sf3b1": "mutated", "del5q": False, "idh1": "mutated",
               "hemoglobin": {"value": 11.2, "unit": "g/dL"},
               "therapies": [{"agent": "Procrit", "ongoing": True, "weeks": 30, "response": "responding"}]}
    decisions = {d.drug: d for d in evaluate_options(patient)}
    assert decisions["epoetin_alfa"].decision == "meets_criteria" and decisions["epoetin_alfa"].request == "renewal"
    for drug in ("luspatercept", "imetelstat", "ivosidenib"):
        assert decisions[drug].decision == "does_not_meet", drug


def test_del5q_ranks_lenalidomide_first_and_warns_on_luspatercept_and_esas():
    patient = {"ipss_r": "low", "del5q": True, "rbc_units_last_8_weeks": 4, "ring_sideroblasts_pct": 20,
               "sf3b1": "mutated", "serum_epo": {"value": 150, "unit": "U/L"}, "therapies": []}
    ranked = evaluate_options(patient)
    assert ranked[0].drug == "lenalidomide"
    for decision in ranked:
        if decision.drug == "luspatercept" or decision.drug in ESAS:
            assert "alternative_preferred" in {w.kind for w in decision.warnings}, decision.drug
    assert evaluate_options({**patient, "del5q": False})[0].drug != "lenalidomide"


# --- the contested first line -----------------------------------------------------------------------------

FIRST_LINE = {"ipss_r": "low", "serum_epo": {"value": 250, "unit": "U/L"}, "rbc_units_last_8_weeks": 3,
              "bone_marrow_blasts_pct": 2, "del5q": False, "ring_sideroblasts_pct": 0, "sf3b1": "wild_type",
              "therapies": []}
CONFLICTS = yaml.safe_load((REPO / "corpus" / "conflicts.yaml").read_text(encoding="utf-8"))


def test_a_contested_pathway_carries_every_position_from_the_conflicts_file():
    decision = evaluate("luspatercept", FIRST_LINE)
    [entry] = [c for c in CONFLICTS if (c.get("rules") or {}).get("pathway") == decision.pathway]
    [conflict] = decision.conflicts
    assert conflict.topic == entry["topic"]
    assert [(p.doc_id, p.quote, p.stance) for p in conflict.positions] == [
        (p["doc_id"], p["quote"], p["stance"]) for p in entry["positions"]]
    assert conflict.verdict == "meets per the review (COMMANDS); the medical-necessity article says not indicated first-line"
    assert conflict.verdict in decision.summary
    second_line = evaluate("luspatercept", {**FIRST_LINE, "ring_sideroblasts_pct": 20, "sf3b1": "mutated",
                                            "serum_epo": {"value": 620, "unit": "U/L"}})
    assert second_line.pathway == "luspatercept.second_line" and second_line.conflicts == []


def test_conflict_positions_are_verbatim_in_their_documents():
    for entry in CONFLICTS:
        for position in entry["positions"]:
            text = " ".join((REPO / "corpus" / "documents" / f"{position['doc_id']}.txt").read_text(encoding="utf-8").split())
            assert position["quote"] in text


def test_cli_headline_and_options_say_the_pathway_is_contested(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(FIRST_LINE), encoding="utf-8")
    check = subprocess.run([*MDSBOT, "check", "--drug", "luspatercept", "--patient", str(path), "--no-record"],
                           capture_output=True, text=True, cwd=REPO, timeout=60)
    headline = check.stdout.splitlines()[0]
    assert headline == ("luspatercept: MEETS CRITERIA via luspatercept.first_line; contested: meets per the review "
                        "(COMMANDS); the medical-necessity article says not indicated first-line")
    options = subprocess.run([*MDSBOT, "options", "--patient", str(path)], capture_output=True, text=True, cwd=REPO,
                             timeout=60)
    assert "the medical-necessity article says not indicated first-line" in options.stdout


def test_first_line_needs_a_low_probability_of_esa_response():
    likely = evaluate("luspatercept", {**FIRST_LINE, "serum_epo": {"value": 150, "unit": "U/L"}})
    assert likely.decision == "does_not_meet"
    burden = evaluate("luspatercept", {**FIRST_LINE, "serum_epo": {"value": 150, "unit": "U/L"}, "rbc_units_last_8_weeks": 4})
    assert burden.pathway == "luspatercept.first_line"


def test_the_patient_schema_describes_every_field_with_its_meaning():
    from rules_core import PatientFacts, Therapy

    for model in (PatientFacts, Therapy):
        for name, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{name}"
    assert "renewal" in Therapy.model_fields["ongoing"].description
    assert set(FIELDS) == set(PatientFacts.model_fields)
