"""The pharmacist's form (bot/webapp/patient_form.py) stays in sync with rules_core.PatientFacts."""

from __future__ import annotations

import re
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


def test_each_bad_field_gets_its_own_message_naming_its_label():
    reading = pf.read_form(
        pf.field_specs(),
        {
            "age_years": pf.FieldInput("7.5"),
            "ring_sideroblasts_pct": pf.FieldInput("150"),
            "hemoglobin": pf.FieldInput("95", "g/dL"),
            "serum_epo": pf.FieldInput("abc", "U/L"),
        },
        pf.HISTORY_LISTED,
        [pf.TherapyInput("aspirin"), pf.TherapyInput("", "8", "none")],
    )
    assert reading.errors == {"serum_epo": "Serum EPO: cannot read 'abc' as a number; type it like 620 U/L"}
    facts, errors, _ = pf.validate_patient(reading.patient)
    assert facts is None
    assert set(errors) == {"age_years", "ring_sideroblasts_pct", "hemoglobin", "therapies"}
    assert errors["age_years"] == "Age (years): expected a whole number, got 7.5"
    assert errors["ring_sideroblasts_pct"] == "Ring sideroblasts (%): 150 is out of range 0–100"
    assert errors["hemoglobin"].startswith("Hemoglobin: 95 g/dL is outside 3–20 g/dL") and "check the unit" in errors["hemoglobin"]
    assert errors["therapies"].startswith("Therapy 1, agent: 'aspirin' is not a known agent")
    facts, errors, _ = pf.validate_patient({"therapies": [{"weeks": 8}]})
    assert errors == {"therapies": "Therapy 1, agent: required"}


@pytest.mark.parametrize(
    ("patient", "message"),
    [
        ({"rbc_units_last_8_weeks": 99}, "RBC units transfused, last 8 weeks: 99 is out of range 0–60; more than 60"),
        ({"therapies": [{"agent": "epoetin_alfa"}, {"agent": "luspatercept", "weeks": 900}]},
         "Therapy 2, weeks: 900 is out of range 0–520; more than 520 weeks"),
        ({"serum_epo": {"value": 620.0}}, "Serum EPO, unit: required; use one of U/L, mU/mL"),
        ({"bone_marrow_blasts_pct": -1.0}, "Bone marrow blasts (%): -1 is out of range 0–100"),
    ],
)
def test_messages_use_the_form_labels_never_field_ids(patient, message):
    _, errors, _ = pf.validate_patient(patient)
    (only,) = errors.values()
    assert only.startswith(message), only
    assert not re.search(r"[a-z]+_[a-z_]+|\[\d\]", only.split(";")[0]), only  # no field ids or paths


@pytest.mark.parametrize(
    ("name", "typed", "unit", "value", "note"),
    [
        ("ring_sideroblasts_pct", "20%", None, 20.0, None),
        ("ring_sideroblasts_pct", "20 percent", None, 20.0, None),
        ("bone_marrow_blasts_pct", "4,5 %", None, 4.5, None),
        ("serum_epo", "620 U/L", "mU/mL", {"value": 620, "unit": "U/L"}, "Read as 620 U/L; the unit typed is used, not the unit chosen (mU/mL)."),
        ("serum_epo", "620 mIU/mL", "U/L", {"value": 620, "unit": "U/L"}, "Read as 620 U/L (same quantity as mIU/mL)."),
        ("serum_epo", "620", "mU/mL", {"value": 620, "unit": "mU/mL"}, None),
        ("serum_epo", "620 U/L", "U/L", {"value": 620, "unit": "U/L"}, None),
        ("hemoglobin", "9.8 g/dL", "g/dL", {"value": 9.8, "unit": "g/dL"}, "Read as 9.8 g/dL (98 g/L)."),
        ("hemoglobin", "98 g/L", "g/dL", {"value": 98, "unit": "g/L"}, "Read as 98 g/L (9.8 g/dL); the unit typed is used, not the unit chosen (g/dL)."),
        ("rbc_units_last_8_weeks", "4 units", None, 4, None),
        ("age_years", "72 years", None, 72, None),
    ],
)
def test_fields_accept_what_people_type(name, typed, unit, value, note):
    reading = pf.read_form(pf.field_specs(), {name: pf.FieldInput(typed, unit)})
    assert reading.errors == {}
    assert reading.patient == {name: value}
    assert reading.notes.get(name) == note
    facts, errors, _ = pf.validate_patient(reading.patient)
    assert errors == {} and facts is not None


@pytest.mark.parametrize(
    ("name", "typed", "unit", "message"),
    [
        ("ring_sideroblasts_pct", "20 U/L", None, "Ring sideroblasts (%): '20 U/L' is in U/L; give it in %"),
        ("serum_epo", "<500", "U/L", "Serum EPO: '<500' is a bound; give the measured value, e.g. 620 U/L"),
        ("hemoglobin", "9 mg", "g/dL", "Hemoglobin: '9 mg': mg is not a unit for this field; use g/dL or g/L"),
        ("rbc_units_last_8_weeks", "4 weeks", None, "RBC units transfused, last 8 weeks: '4 weeks' is in weeks; give it in units"),
        ("bone_marrow_blasts_pct", "3-4%", None, "Bone marrow blasts (%): cannot read '3-4%' as a number"),
    ],
)
def test_a_value_that_cannot_be_read_says_why_by_label(name, typed, unit, message):
    reading = pf.read_form(pf.field_specs(), {name: pf.FieldInput(typed, unit)})
    assert reading.errors[name].startswith(message), reading.errors[name]
    assert name not in reading.patient


def test_therapy_weeks_take_a_unit_and_name_the_row():
    rows = [pf.TherapyInput("Procrit", "8 weeks", "none", "yes"), pf.TherapyInput("Reblozyl", "8 units")]
    reading = pf.read_form(pf.field_specs(), {}, pf.HISTORY_LISTED, rows)
    assert reading.errors == {"therapies": "Therapy 2, weeks: '8 units' is in units; give it in weeks"}
    reading = pf.read_form(pf.field_specs(), {}, pf.HISTORY_LISTED, rows[:1])
    assert reading.patient == {"therapies": [{"agent": "Procrit", "weeks": 8, "response": "none", "iron_replete": True}]}


def test_labels_come_from_the_schema_titles():
    specs = {s.name: s for s in pf.field_specs()}
    for name, info in PatientFacts.model_fields.items():
        assert specs[name].label == info.title
    assert pf.form_labels()["ring_sideroblasts_pct"] == "Ring sideroblasts (%)"


def test_therapy_rows_round_trip():
    therapies = [{"agent": "epoetin_alfa", "weeks": 8, "response": "none", "iron_replete": False}, {"agent": "luspatercept"}]
    history, rows = pf.therapy_rows_from(therapies)
    assert history == pf.HISTORY_LISTED
    assert pf._therapies(history, rows) == therapies
    assert pf.therapy_rows_from(None) == (pf.HISTORY_NOT_DOCUMENTED, [])
    assert pf.therapy_rows_from([]) == (pf.HISTORY_NONE, [])
