"""A pasted patient note ("Patient note: 70M LR-MDS, RS 20%") is about one patient: its values are the
patient's, never figures the question claims of the sources (no premise note about them)."""

from __future__ import annotations

import pytest

from bot.eligibility.routing import mentions_a_patient


@pytest.mark.parametrize("text", ["Patient note: 70M LR-MDS, RS 20%.", "case: 68 F, TD, sEPO 300", "pt summary - Hb 8.1"])
def test_a_pasted_note_or_an_age_and_sex_names_a_patient(text):
    assert mentions_a_patient(text)


@pytest.mark.parametrize("text", ["TI at 24m in MEDALIST", "after 6m of therapy", "approved in 2020 FDA label"])
def test_months_and_years_are_not_an_age_and_sex(text):
    assert not mentions_a_patient(text)


def test_a_notes_values_get_no_premise_note(engine):
    response = engine.ask("Patient note: 72F LR-MDS, RS 20%. Q: what RBC-TI rate did MEDALIST report?")
    assert "do not report 20%" not in response.answer
