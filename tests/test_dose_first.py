"""A dose question in any wording ('titration range', 'dose range', 'what dose ... for <population>') opens with the
sentence stating that drug's dose, even when the population it names pulls in sentences that only name the drug
(bot/qa/direct.py _dose_first). Real engine, real retrieval."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("question", [
    "luspatercept dose range in MDS-RS?",
    "what dose of lusp for RS+ patients with SF3B1?",
    "how is Reblozyl titrated in ring-sideroblast MDS?",
])
def test_a_dose_question_about_a_population_opens_with_the_dose(engine, question):
    shown = engine.conversation().send(question)
    assert shown.status == "answered" and shown.answer.startswith("Luspatercept was used at the escalating doses of 1.0-1.75")
    assert "7.5 mg/kg" not in shown.answer


def test_an_answer_already_opening_with_the_dose_is_unchanged(engine):
    shown = engine.conversation().send("imetelstat dose in IMerge?")
    assert shown.status == "answered" and "7.5 mg/kg" in shown.answer.split("[1]")[0]
