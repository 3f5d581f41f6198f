"""The pharmacist's form (bot/webapp/patient_form.py) stays in sync with rules_core.PatientFacts."""

from __future__ import annotations

import typing

import pytest

from bot.webapp import patient_form as pf
from rules_core import SUPPORTED_DRUGS, PatientFacts, Therapy


def test_every_patient_field_has_a_widget_in_model_order():
    specs = pf.field_specs()
    assert [s.name for s in specs] == list(PatientFacts.model_fields)
    grouped = [s.name for _, members in pf.grouped_specs() for s in members]
    assert sorted(grouped) == sorted(PatientFacts.model_fields)


def test_choices_and_units_come_from_the_model():
    specs = {s.name: s for s in pf.field_specs()}
    for name, spec in specs.items():
        annotation = PatientFacts.model_fields[name].annotation
        if spec.kind == "choice":
            literal = next(a for a in typing.get_args(annotation) if typing.get_origin(a) is typing.Literal)
            assert spec.choices == typing.get_args(literal)
    assert specs["serum_epo"].units == ("U/L", "mU/mL")
    assert specs["hemoglobin"].units == ("g/dL", "g/L")
    assert specs["del5q"].kind == "bool"
    assert specs["age_years"].kind == "int"
    assert specs["bone_marrow_blasts_pct"].kind == "number" and specs["bone_marrow_blasts_pct"].unit_hint == "%"
    assert specs["therapies"].kind == "therapies"


def test_therapy_columns_follow_the_therapy_model():
    columns = pf.therapy_columns()
    assert [c.name for c in columns] == list(Therapy.model_fields)
    assert "azacitidine" in columns[0].choices  # history may name agents without rules


def test_an_unknown_field_type_fails_loudly():
    with pytest.raises(TypeError, match="no form widget"):
        pf._classify(dict[str, int])


def test_drug_choices_cover_supported_drugs_with_brands():
    choices = pf.drug_choices()
    assert [value for _, value in choices] == list(SUPPORTED_DRUGS)
    assert ("luspatercept (Reblozyl)", "luspatercept") in choices


def collect(history=pf.HISTORY_NOT_DOCUMENTED, therapies=(), **values):
    fields = {k: v if isinstance(v, pf.FieldInput) else pf.FieldInput(v) for k, v in values.items()}
    return pf.collect_patient(pf.field_specs(), fields, history, therapies)


def test_blank_means_not_documented():
    assert collect() == {}
    assert collect(age_years="", ipss_r=pf.NOT_DOCUMENTED, serum_epo=pf.FieldInput("  ", "U/L")) == {}


def test_widget_values_become_patient_json():
    patient = collect(
        age_years="72",
        ipss_r="low",
        del5q="no",
        ring_sideroblasts_pct="20",
        serum_epo=pf.FieldInput("620", "mU/mL"),
        rbc_units_last_8_weeks=4.0,
        history=pf.HISTORY_LISTED,
        therapies=[pf.TherapyInput("Procrit", "8", "none", "yes"), pf.TherapyInput("", "", pf.NOT_DOCUMENTED, pf.NOT_DOCUMENTED)],
    )
    assert patient == {
        "age_years": 72,
        "ipss_r": "low",
        "del5q": False,
        "ring_sideroblasts_pct": 20.0,
        "serum_epo": {"value": 620.0, "unit": "mU/mL"},
        "rbc_units_last_8_weeks": 4,
        "therapies": [{"agent": "Procrit", "weeks": 8, "response": "none", "iron_replete": True}],
    }
    facts, errors, general = pf.validate_patient(patient)
    assert errors == {} and general is None
    assert facts.therapies[0].agent == "epoetin_alfa"


def test_history_none_and_not_documented_differ():
    assert collect(history=pf.HISTORY_NONE) == {"therapies": []}
    assert collect(history=pf.HISTORY_NOT_DOCUMENTED, therapies=[pf.TherapyInput("Procrit")]) == {}


def test_each_bad_field_gets_its_own_message_naming_it():
    patient = collect(
        age_years="7.5",
        ring_sideroblasts_pct="120",
        hemoglobin=pf.FieldInput("95", "g/dL"),
        serum_epo=pf.FieldInput("abc", "U/L"),
        history=pf.HISTORY_LISTED,
        therapies=[pf.TherapyInput("aspirin")],
    )
    facts, errors, _ = pf.validate_patient(patient)
    assert facts is None
    assert set(errors) == {"age_years", "ring_sideroblasts_pct", "hemoglobin", "serum_epo", "therapies"}
    assert errors["age_years"].startswith("age_years: expected a whole number")
    assert errors["ring_sideroblasts_pct"] == "ring_sideroblasts_pct: 120.0 is out of range; must be ≤ 100.0"
    assert "check the unit" in errors["hemoglobin"]
    assert errors["serum_epo"].startswith("serum_epo.value: expected a number")
    assert errors["therapies"].startswith("therapies[0].agent: 'aspirin' is not a known agent")


def test_a_quantity_without_a_unit_asks_for_one():
    _, errors, _ = pf.validate_patient({"serum_epo": {"value": 620.0}})
    assert errors["serum_epo"].startswith("serum_epo.unit: required; use one of U/L, mU/mL")


def test_therapy_rows_round_trip():
    therapies = [{"agent": "epoetin_alfa", "weeks": 8, "response": "none", "iron_replete": False}, {"agent": "luspatercept"}]
    history, rows = pf.therapy_rows_from(therapies)
    assert history == pf.HISTORY_LISTED
    assert pf._therapies(history, rows) == therapies
    assert pf.therapy_rows_from(None) == (pf.HISTORY_NOT_DOCUMENTED, [])
    assert pf.therapy_rows_from([]) == (pf.HISTORY_NONE, [])
