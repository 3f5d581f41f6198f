"""The public API others build on: names, normalisation, errors, ordering, JSON shape, isolation."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

import rules_core
from rules_core import (
    DRUG_ALIASES,
    RULESET,
    SUPPORTED_DRUGS,
    Decision,
    PatientFacts,
    Therapy,
    UnknownDrugError,
    evaluate,
    evaluate_options,
    format_error,
    normalise_drug,
    pathway_ids,
)

REPO = Path(__file__).resolve().parents[1]

PUBLIC = [
    "PatientFacts", "Therapy", "Decision", "evaluate", "evaluate_options", "normalise_drug", "SUPPORTED_DRUGS",
    "DRUG_ALIASES", "RULESET", "format_error", "all_citations", "pathway_ids", "Tri", "all_of", "any_of",
]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_is_exported(name):
    assert name in rules_core.__all__ and hasattr(rules_core, name)


def test_supported_drugs_are_canonical_generics():
    assert SUPPORTED_DRUGS == (
        "epoetin_alfa", "darbepoetin_alfa", "luspatercept", "imetelstat", "lenalidomide", "ivosidenib", "enasidenib",
    )
    assert set(DRUG_ALIASES.values()) == set(SUPPORTED_DRUGS)


@pytest.mark.parametrize(
    "name,canonical",
    [
        ("Reblozyl", "luspatercept"), ("REBLOZYL", "luspatercept"), ("luspatercept-aamt", "luspatercept"),
        ("Rytelo", "imetelstat"), ("Revlimid", "lenalidomide"), ("Procrit", "epoetin_alfa"), ("Epogen", "epoetin_alfa"),
        ("Retacrit", "epoetin_alfa"), ("Epoetin alfa", "epoetin_alfa"), ("epoetin-alfa", "epoetin_alfa"),
        ("Aranesp", "darbepoetin_alfa"), (" Darbepoetin  Alfa ", "darbepoetin_alfa"), ("Tibsovo", "ivosidenib"),
        ("Idhifa", "enasidenib"),
    ],
)
def test_normalise_drug_accepts_brands_and_spellings(name, canonical):
    assert normalise_drug(name) == canonical


@pytest.mark.parametrize("name", ["aspirin", "Vidaza", "azacitidine", "", "epoetin"])
def test_normalise_drug_rejects_with_one_line_listing_allowed(name):
    with pytest.raises(UnknownDrugError) as info:
        normalise_drug(name)
    assert isinstance(info.value, ValueError)
    message = format_error(info.value)
    assert message.startswith("error: drug: ") and "\n" not in message
    assert all(drug in message for drug in SUPPORTED_DRUGS) and "Reblozyl" in message


def test_pathway_ids_in_decision_order():
    assert pathway_ids("Reblozyl") == ["luspatercept.second_line", "luspatercept.first_line", "luspatercept.continuation"]
    assert pathway_ids("lenalidomide") == ["lenalidomide.transfusion_dependent", "lenalidomide.anemic_non_td",
                                           "lenalidomide.continuation"]
    assert pathway_ids("Aranesp") == ["darbepoetin_alfa.first_line", "darbepoetin_alfa.continuation"]
    with pytest.raises(UnknownDrugError):
        pathway_ids("aspirin")


def test_therapy_agents_are_normalised():
    patient = PatientFacts.model_validate(
        {"therapies": [{"agent": "Procrit"}, {"agent": "Vidaza"}, {"agent": "DACOGEN"}, {"agent": "Epoetin alfa"}]}
    )
    assert [t.agent for t in patient.therapies] == ["epoetin_alfa", "azacitidine", "decitabine", "epoetin_alfa"]
    assert Therapy(agent="Reblozyl").agent == "luspatercept"


def test_enumerated_values_accept_common_spellings():
    patient = PatientFacts.model_validate(
        {"ipss_r": "Very Low", "ipss": "Int-1", "sf3b1": "Wild-type", "idh1": "MUTATED",
         "serum_epo": {"value": 80, "unit": "mIU/mL"}, "hemoglobin": {"value": 95, "unit": "g/l"},
         "therapies": [{"agent": "epoetin_alfa", "response": "Lost"}]}
    )
    assert (patient.ipss_r, patient.ipss, patient.sf3b1, patient.idh1) == ("very_low", "int1", "wild_type", "mutated")
    assert (patient.serum_epo.unit, patient.hemoglobin.unit) == ("mU/mL", "g/L")
    assert patient.therapies[0].response == "lost"


@pytest.mark.parametrize(
    "patient,line",
    [
        ({"sEPO": 620}, "error: sEPO: unknown field (did you mean serum_epo?)"),
        ({"serum_epo": {"value": 1, "unit": "ng/mL"}}, "error: serum_epo.unit: 'ng/mL' is not allowed; use one of U/L, mU/mL"),
        ({"rbc_units_last_8_weeks": 2.5}, "error: rbc_units_last_8_weeks: expected a whole number, got 2.5"),
        ({"rbc_units_last_8_weeks": True}, "error: rbc_units_last_8_weeks: expected a whole number, got True"),
        ({"serum_epo": {"value": "620", "unit": "U/L"}}, "error: serum_epo.value: expected a number, got '620'"),
        ({"bone_marrow_blasts_pct": 101}, "error: bone_marrow_blasts_pct: 101 is out of range; must be ≤ 100"),
        ({"therapies": [{"weeks": 3}]}, "error: therapies[0].agent: required"),
    ],
)
def test_format_error_names_field_and_allowed_values(patient, line):
    with pytest.raises(ValidationError) as info:
        evaluate("luspatercept", patient)
    assert format_error(info.value).startswith(line)


def test_format_error_counts_further_errors_on_the_same_line():
    with pytest.raises(ValidationError) as info:
        PatientFacts.model_validate({"ipss_r": "x", "ipss": "y", "del5q": "z"})
    message = format_error(info.value)
    assert "\n" not in message and message.endswith("(and 2 more: ipss, del5q)")


def test_format_error_never_raises_on_foreign_exceptions():
    assert format_error(KeyError("x")) == "error: KeyError: 'x'"
    assert format_error(FileNotFoundError(2, "No such file or directory", "p.json")) == (
        "error: cannot read 'p.json': No such file or directory"
    )


def test_evaluate_accepts_model_or_dict_and_returns_the_documented_shape():
    facts = {"ipss_r": "low", "serum_epo": {"value": 150, "unit": "U/L"}, "therapies": [],
             "hemoglobin": {"value": 9.2, "unit": "g/dL"}}
    from_dict = evaluate("Procrit", facts)
    from_model = evaluate("epoetin_alfa", PatientFacts.model_validate(facts))
    assert from_dict == from_model
    data = json.loads(from_dict.model_dump_json())
    assert {"drug", "decision", "pathway", "pathways", "missing_documentation", "warnings", "ruleset"} <= set(data)
    assert data["drug"] == "epoetin_alfa" and data["pathway"] == "epoetin_alfa.first_line"
    criterion = data["pathways"][0]["criteria"][0]
    assert {"id", "statement", "status", "evidence", "citation"} <= set(criterion)
    assert set(criterion["citation"]) == {"doc_id", "quote"}
    assert data["ruleset"]["id"] == RULESET.id and data["ruleset"]["version"] == RULESET.version


def test_decision_round_trips_through_its_schema():
    decision = evaluate("imetelstat", {"ipss": "int1", "serum_epo": {"value": 900, "unit": "U/L"}, "therapies": [{"agent": "Revlimid"}]})
    assert Decision.model_validate_json(decision.model_dump_json()) == decision


def test_missing_documentation_names_field_and_label():
    decision = evaluate("luspatercept", {"ipss_r": "low", "ring_sideroblasts_pct": 20, "sf3b1": "mutated",
                                         "rbc_units_last_8_weeks": 4, "therapies": [], "bone_marrow_blasts_pct": 2,
                                         "del5q": False})
    assert decision.decision == "insufficient_documentation"
    assert decision.missing_documentation == ["serum_epo (serum erythropoietin level)"]
    assert [(m.field, m.label) for m in decision.missing_facts] == [("serum_epo", "serum erythropoietin level")]


def test_missing_documentation_is_empty_once_decided():
    met = evaluate("epoetin_alfa", {"ipss_r": "low", "serum_epo": {"value": 150, "unit": "U/L"}, "therapies": [],
             "hemoglobin": {"value": 9.2, "unit": "g/dL"}})
    not_met = evaluate("epoetin_alfa", {"ipss_r": "high"})
    assert met.missing_documentation == [] and not_met.missing_documentation == []
    # ...even though a not_eligible pathway may still have undocumented criteria.
    assert any(c.status == "missing" for c in not_met.pathways[0].criteria)


ESA_CANDIDATE = {"ipss_r": "low", "serum_epo": {"value": 150, "unit": "U/L"}, "rbc_units_last_8_weeks": 0,
                 "hemoglobin": {"value": 9.2, "unit": "g/dL"},
                 "therapies": [], "del5q": False, "idh1": "wild_type", "idh2": "wild_type"}


def test_options_lead_with_esas_when_they_meet_criteria():
    drugs = [d.drug for d in evaluate_options(ESA_CANDIDATE)]
    assert drugs == ["epoetin_alfa", "darbepoetin_alfa", "luspatercept", "imetelstat", "lenalidomide", "ivosidenib", "enasidenib"]


def test_options_move_ineligible_esas_after_the_second_line():
    after_failure = dict(ESA_CANDIDATE, serum_epo={"value": 700, "unit": "U/L"})
    decisions = evaluate_options(after_failure)
    assert [d.drug for d in decisions] == [
        "luspatercept", "imetelstat", "lenalidomide", "ivosidenib", "enasidenib", "epoetin_alfa", "darbepoetin_alfa",
    ]
    assert all(d.decision == "does_not_meet" for d in decisions if d.drug.endswith("_alfa"))


def test_options_equal_single_evaluations():
    for decision in evaluate_options(ESA_CANDIDATE):
        assert decision == evaluate(decision.drug, ESA_CANDIDATE)


FORBIDDEN = ("bot", "corpus", "torch", "chromadb", "langchain", "gradio", "numpy", "sentence_transformers")
# The one corpus module the rules core may use: the lexicon loader (re, yaml, pydantic only), with its
# entries and entity finder, so drug names and brands come from the same data file everywhere.
ALLOWED = ("corpus.lexicon", "corpus.lexicon_entries", "corpus.entity_finder")


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.module or ""


def test_rules_core_source_imports_nothing_forbidden():
    for path in [*(REPO / "rules_core").glob("*.py"), *(REPO / name.replace(".", "/") for name in ALLOWED)]:
        path = path if path.suffix == ".py" else path.with_suffix(".py")
        for name in _imports(path):
            assert name in ALLOWED or name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_importing_and_running_rules_core_loads_nothing_forbidden():
    code = (
        "import sys, rules_core;"
        "rules_core.evaluate_options({'ipss_r': 'low'});"
        f"print(sorted({{m.split('.')[0] for m in sys.modules if m not in {ALLOWED!r} and m != 'corpus'}} & set({FORBIDDEN!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_package_docstring_example_runs():
    import doctest

    assert doctest.testmod(rules_core).failed == 0


@pytest.mark.parametrize(
    "value,shown",
    [(620, "serum EPO 620 U/L > 500 U/L"), (500.00000000001, "serum EPO 500.00000000001 U/L > 500 U/L"),
     (499.99999999999, "serum EPO 499.99999999999 U/L ≤ 500 U/L"), (499.9, "serum EPO 499.9 U/L ≤ 500 U/L")],
)
def test_evidence_never_rounds_across_a_threshold(value, shown):
    decision = evaluate("imetelstat", {"serum_epo": {"value": value, "unit": "U/L"}, "therapies": []})
    criterion = next(c for c in decision.pathways[0].criteria if c.id.endswith("esa_failed_or_ineligible"))
    assert shown in criterion.evidence
