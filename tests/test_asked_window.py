"""A figure asked over a time window ('week 1-EOT', 'weeks 1-24') opens with the sentence counting over that window
(bot/qa/windows.py, lexicon window_ends); a sibling figure of the same trial over another window is not offered as the
answer (a known conflict may still quote it as a position, after). Real engine, real retrieval."""

from __future__ import annotations

import pytest

from bot.qa.windows import over_another_window, windows_in


@pytest.mark.parametrize(("text", "windows"), [
    ("RBC-TI >12 weeks (week 1-EOT) occurred in 76.4%", {("1", "eot")}),
    ("rbc-ti over wk1-EOT?", {("1", "eot")}),
    ("from week 1 to end of treatment", {("1", "eot")}),
    ("during weeks 1–24", {("1", "24")}),
    ("RBC-TI >12 weeks, lusp q3 weeks", set()),  # a duration and a schedule are no window
])
def test_windows_are_read_however_written(text, windows):
    assert windows_in(text) == windows


def test_a_sentence_over_another_window_is_a_sibling_and_one_over_none_is_not():
    asked = {("1", "eot")}
    assert over_another_window("primary endpoint during weeks 1-24 (60.4% vs 34.8%)", asked)
    assert not over_another_window("RBC-TI >12 weeks (week 1-EOT) occurred in 76.4% vs 55.8%", asked)
    assert not over_another_window("luspatercept improved anemia", asked)


def _opening(answer: str) -> str:
    return answer.split("[1]")[0]


@pytest.mark.slow
@pytest.mark.parametrize("question", [
    "COMMANDS: share with RBC-TI over 12 wks from wk 1 through end of treatment, lusp vs epoetin alfa?",
    "commands durable TI >12 weeks across week 1-EOT, luspatercept arm vs EPO arm",
])
def test_the_window_asked_opens_the_answer(engine, question):
    reply = engine.conversation().send(question)
    assert reply.status == "answered"
    assert "76.4%" in _opening(reply.answer) and "60.4%" not in _opening(reply.answer)


@pytest.mark.slow
def test_the_other_window_asked_opens_with_its_own_figure(engine):
    """'durability' draws the week 1-EOT sentence, but the window asked is the primary endpoint's."""
    reply = engine.conversation().send("COMMANDS durability: RBC-TI >12 weeks over weeks 1-24, lusp vs epo?")
    assert reply.status == "answered"
    assert "60.4%" in _opening(reply.answer) and "76.4%" not in reply.answer
