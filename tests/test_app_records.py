"""Decisions made in the app's Medical necessity tab are recorded (bot/records/recorder.py): a real
SQLite store in the data dir, read back through the store the `mdsbot decisions` commands use."""

from __future__ import annotations

import pytest

from bot.records import RecordsError
from bot.records.recorder import DecisionRecorder
from bot.records.store import open_store
from bot.settings import Settings
from rules_core import PatientFacts, evaluate

PATIENT = PatientFacts.model_validate({
    "ipss_r": "low", "ring_sideroblasts_pct": 20, "sf3b1": "mutated", "serum_epo": {"value": 620, "unit": "U/L"},
    "rbc_units_last_8_weeks": 4,
    "therapies": [{"agent": "epoetin_alfa", "weeks": 8, "response": "none", "iron_replete": True}],
})


def test_an_app_decision_is_stored_with_who_and_what(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    recorder = DecisionRecorder(settings, "app_form")
    decision = evaluate("luspatercept", PATIENT)
    record = recorder.record(decision, PATIENT, patient_ref=" MRN-0042 ", prescriber="Dr A", reviewer="")
    second = recorder.record(evaluate("imetelstat", PATIENT), PATIENT)
    stored = open_store(None, settings.data_dir).get(record.id)
    assert stored is not None and stored.id == record.id != second.id
    assert (stored.surface, stored.drug, stored.decision, stored.pathway) == (
        "app_form", "luspatercept", "meets_criteria", "luspatercept.second_line")
    assert (stored.patient_ref, stored.prescriber, stored.reviewer) == ("MRN-0042", "Dr A", None)
    assert stored.ruleset_fingerprint == decision.ruleset.fingerprint
    assert stored.patient == PATIENT.model_dump(mode="json", exclude_none=True)
    assert [r.id for r in open_store(None, settings.data_dir).list()] == [second.id, record.id]


def test_a_store_that_cannot_be_opened_is_one_line_and_retried(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    recorder = DecisionRecorder(Settings(data_dir=blocker / "data"), "app_form")
    with pytest.raises(RecordsError, match="decision store in .*: "):
        recorder.record(evaluate("luspatercept", PATIENT), PATIENT)
    recorder.settings = Settings(data_dir=tmp_path / "ok")  # fixed: the next decision is recorded
    assert recorder.record(evaluate("luspatercept", PATIENT), PATIENT).surface == "app_form"
