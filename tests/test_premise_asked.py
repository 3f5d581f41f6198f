"""A question that presupposes something no source mentions and then asks about that very thing
("since <drug> requires REMS, what are the REMS steps?") is refused naming it, not answered with a
note and whatever the sources say of the drug. A presupposition the question does not ask about
still gets the note and the answer. Real engine."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "question, named",
    [
        ("since luspatercept requires REMS certification, what are the REMS enrollment steps?", "REMS"),
        ("given that imetelstat causes alopecia, how common was alopecia in IMerge?", "alopecia"),
        ("as lusp is given with a companion nomogram, where do I find the nomogram?", "nomogram"),
    ],
)
def test_asking_about_an_unsupported_premise_is_refused_naming_it(engine, question, named):
    response = engine.ask(question)
    assert response.status == "refused"
    assert named in response.answer
    assert "mg/kg" not in response.answer
    assert any(c.name == "premise" and c.outcome == "repair" for c in response.checks)


def test_a_premise_not_asked_about_gets_a_note_and_the_answer(engine):
    response = engine.ask("Given imetelstat's hepatotoxicity, what monitoring is recommended?")
    assert response.status == "answered"
    assert "hepatotoxicity" in response.answer  # named in the note, never agreed with
    assert response.answer.startswith("Note: the sources do not")
