"""The first-line luspatercept disagreement (corpus/conflicts.yaml) shows the medical-necessity source's own stance:
second-line only after ESA failure or ineligibility, ESAs preferred first; and the other source's first-line data."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("question", [
    "can Reblozyl be given frontline to an ESA-naive transfusion dependent patient?",
    "is luspatercept ok upfront before any ESA in TD LR-MDS?",
])
def test_a_first_line_question_shows_the_second_line_stance_and_the_first_line_data(engine, question):
    response = engine.ask(question)
    assert response.status == "answered"
    assert "second-line therapy only" in response.answer
    assert "60.4%" in response.answer  # the other side: the first-line trial's result
    assert {c.topic for c in response.conflicts} >= {"first-line luspatercept"}
