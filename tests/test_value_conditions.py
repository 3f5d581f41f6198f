"""A value the question gives a measurement ('what if sEPO is 800?') is read against the sources' conditions on it
(bot/qa/conditions.py): the sentences whose condition holds there answer, one whose condition fails is not offered as
applying, and a follow-up 'dose of that?' is about the drug the answer gave for that value. Real lexicon; the
conversation tests use the real engine and retrieval."""

from __future__ import annotations

import pytest

from bot.followup import Topic, read_turn
from bot.qa.conditions import condition_holds, given_values
from corpus.lexicon import load_lexicon


def test_a_plain_value_is_given_a_threshold_is_not():
    assert given_values("and if her serum EPO were 650 U/L?") == {"csepo": 650.0}
    assert given_values("Hb 7.5 and sEPO of 120: what then?") == {"chb": 7.5, "csepo": 120.0}
    assert given_values("is sEPO >500 a reason to skip ESAs?") == {}


@pytest.mark.parametrize(("text", "value", "holds"), [
    ("Alternative second-line: Imetelstat (Category 1, preferred) if sEPO >500 mU/mL", 650.0, True),
    ("First-line: ESAs (epoetin alfa or darbepoetin alfa) if sEPO ≤500 mU/mL", 650.0, False),
    ("First-line: ESAs (epoetin alfa or darbepoetin alfa) if sEPO ≤500 mU/mL", 90.0, True),
    ("selecting patients with serum EPO levels < 200U/L and Hb >9 g/dL", 650.0, False),
    ("Patients with sEPO 800 and Hb <8 g/dL", 650.0, None),  # the threshold is Hb's, not sEPO's
    ("Serum erythropoietin level", 650.0, None),
])
def test_a_condition_on_the_measurement_holds_or_fails_at_the_value(text, value, holds):
    assert condition_holds(text, {"csepo": value}) is holds


def test_that_after_an_answer_giving_a_drug_for_a_value_is_that_drug():
    lexicon = load_lexicon()
    topic = Topic(subjects=(("class", "esa"),), question="and with sEPO 900?", answered=(("drug", "imetelstat"),))
    reading = read_turn("how is that one dosed?", topic, lexicon, dose_question=True)
    assert reading.subject == ("drug", "imetelstat") and reading.query.endswith("(imetelstat)")
    assert read_turn("how is that one dosed?", topic.model_copy(update={"answered": ()}), lexicon, True).subject == ("class", "esa")


@pytest.mark.slow
def test_a_value_above_the_esa_cutoff_is_answered_with_what_applies_there_then_its_dose(engine):
    conversation = engine.conversation()
    conversation.send("who gets an ESA first line?")
    shown = conversation.send("and if the serum EPO is 650?")
    assert shown.status == "answered" and "Imetelstat" in shown.answer
    dose = conversation.send("how is that given - what dose?")
    assert dose.status == "answered" and "7.5 mg/kg" in dose.answer and "1.75 mg/kg" not in dose.answer


@pytest.mark.slow
def test_what_did_a_trial_test_is_answered_and_it_is_its_drug(engine):
    conversation = engine.conversation()
    assert conversation.send("which drug was evaluated in IMerge").status == "answered"
    dose = conversation.send("and the dose it used?")
    assert dose.status == "answered" and "7.5 mg/kg" in dose.answer


def test_the_treatment_of_a_sentence_is_the_drug_it_doses_not_one_it_excludes():
    from bot.qa.conditions import _treatments

    text = ("In IMerge phase 3 (R/R to ESA or ESA-ineligible with EPO >500 mU/mL; non-del(5q); no prior lenalidomide "
            "or HMAs), imetelstat 7.5 mg/kg IV every 4 weeks significantly increased RBC-TI rates versus placebo.")
    assert _treatments(text) == ["imetelstat"]
    assert _treatments("3. Alternative second-line: Imetelstat (Category 1, preferred) if sEPO >500 mU/mL") == ["imetelstat"]
