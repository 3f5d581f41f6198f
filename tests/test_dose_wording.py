"""Dose questions read by meaning, whatever the unit, frequency or titration wording (lexicon `dose` and
`doseadjust` names, shorthand 'tiw'/'qw'), and 'EPO' before a dose wording is the drug, not the serum level.
A dose the sources do not state for the drug asked is answered 'the sources do not state', never with another
drug's dose; a dose they do state is answered. Real engine, real retrieval."""

from __future__ import annotations

import pytest

from corpus.lexicon import load_lexicon
from corpus.vocabulary import concepts_in

# Every dose the sources state (luspatercept, imetelstat): none may answer a question about another drug.
_OTHER_DRUGS_DOSES = ("mg/kg",)


def _concepts(text: str) -> set[str]:
    return {c.key for c in concepts_in(load_lexicon().expand_shorthand(text))}


@pytest.mark.parametrize("text", [
    "EPO 40,000 U weekly", "epo 150 units/kg three times a week", "epo dosing?", "Epo-alpha dose", "epo iu/kg tiw",
])
def test_epo_before_a_dose_wording_names_epoetin(text):
    assert {"cepoetin", "cdose"} <= _concepts(text)


@pytest.mark.parametrize("text", ["EPO 620 U/L", "serum EPO of 180 mU/mL", "failed EPO, sEPO 150", "epo 200 units/L"])
def test_epo_as_a_serum_level_or_a_past_treatment_is_no_epoetin_dose(text):
    assert not {"cepoetin", "cdose"} <= _concepts(text)


@pytest.mark.parametrize(("text", "concept"), [
    ("darbe 2x weekly?", "cdose"), ("how many U/kg", "cdose"), ("lusp qwk?", "cdose"), ("upper limit when up-titrating", "cdose"),
    ("imetelstat dose mods?", "cdoseadjust"), ("withhold it until platelets recover?", "cdoseadjust"),
    ("reduce lusp to what?", "cdoseadjust"), ("restart imetelstat at which level?", "cdoseadjust"),
])
def test_unit_frequency_and_change_wordings_are_dose_wordings(text, concept):
    assert concept in _concepts(text)


@pytest.mark.slow
@pytest.mark.parametrize(("question", "drug"), [
    ("darbepoetin mcg q2w?", "darbepoetin alfa"),
    ("how many IU/kg of epoetin 3x weekly", "epoetin alfa"),
    ("epo 40k units qw ok for lr-mds?", "epoetin alfa"),
    ("EPO dosing thrice weekly in low-risk MDS?", "epoetin alfa"),
    ("epo-alpha starting dose for the COMMANDS comparator arm?", "epoetin alfa"),
])
def test_an_unstated_dose_is_said_so_without_another_drugs_dose(engine, question, drug):
    shown = engine.conversation().send(question)
    assert shown.status == "refused"
    assert shown.answer.startswith(f"The source documents do not state a dose or schedule for {drug}")
    assert not any(dose in shown.answer for dose in _OTHER_DRUGS_DOSES)


@pytest.mark.slow
@pytest.mark.parametrize("question", [
    "imetelstat dose reduction to what after grade 4 neutropenia?",
    "resume imetelstat at what dose after a hold?",
    "dose reduction of luspatercept for hypertension?",
    "lusp dose reduction for grade 3 thrombocytopenia?",
])
def test_an_unstated_dose_change_is_said_so(engine, question):
    shown = engine.conversation().send(question)
    assert shown.status == "refused" and shown.answer.startswith("The source documents do not state the dose adjustment")
    assert "What they do say:" in shown.answer  # what they state about the drug, cited


@pytest.mark.slow
@pytest.mark.parametrize(("question", "dose"), [
    ("max lusp dose?", "1.75 mg/kg"),
    ("top dose of reblozyl after titration", "1.75 mg/kg"),
    ("what's the ceiling when titrating luspatercept up?", "1.75 mg/kg"),
    ("lusp starting dose?", "1.0"),
    ("imetelstat dose in IMerge", "7.5 mg/kg"),
    ("imetelstat schedule q4w?", "7.5 mg/kg"),
])
def test_a_stated_dose_in_any_wording_is_answered(engine, question, dose):
    shown = engine.conversation().send(question)
    assert shown.status == "answered" and dose in shown.answer


@pytest.mark.slow
def test_a_dose_change_without_a_situation_is_still_answered(engine):
    shown = engine.conversation().send("how do you reduce the lusp dose?")
    assert shown.status == "answered" and "decreased dose" in shown.answer
