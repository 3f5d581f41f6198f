"""Issue #12 item 3: a transfusion count over a window other than the criteria's last 8 weeks is an
assumption, not a fact. The reader leaves the field unfilled and offers the even-rate share with every
count the last 8 weeks could hold; the chat asks for the count when the verdict turns on it and shows
the share as a note when it cannot. Wordings here are not the eval's ("4 units in 2 months")."""

from __future__ import annotations

import pytest

from bot.conversation import _verdict_of
from bot.eligibility import extract_facts
from bot.eligibility.assumptions import settle_assumptions

UNITS = "rbc_units_last_8_weeks"


@pytest.mark.parametrize(
    "text, assumed, most, note",
    [
        ("Got 6 units over the last 3 months.", 4, 6, "1 month counted as 4 weeks"),
        ("pRBC 5 u in the past 2 mo", 5, 5, "1 month counted as 4 weeks"),
        ("Transfused 3 units in 10 weeks.", 2, 3, "2.4 units per 8 weeks, recorded as 2"),
        ("12 units over 16 weeks", 6, 12, "= 6 units per 8 weeks"),
        ("7 units in 16 weeks", 3, 7, "3.5 units per 8 weeks, recorded as 3"),
        ("received two units on each of 3 occasions over the last twelve weeks", 4, 6, "= 4 units per 8 weeks"),
        ("4 units within the previous 70 days", 3, 4, "= 3.2 units per 8 weeks, recorded as 3"),
    ],
)
def test_a_count_over_a_longer_window_is_an_assumption_not_a_fact(text, assumed, most, note):
    extracted = extract_facts(text)
    assert UNITS not in extracted.facts  # the fact-extraction level leaves it to be asked
    [assumption] = extracted.assumptions
    assert assumption.field == UNITS and assumption.assumed == assumed
    assert sorted([assumption.assumed, *assumption.alternatives]) == list(range(most + 1))
    assert note in assumption.note and assumption.read in assumption.question
    assert extracted.assumed_facts()[UNITS] == assumed


@pytest.mark.parametrize(
    "text, units",
    [
        ("Transfused 4 units over the last 56 days.", 4),  # exactly 8 weeks
        ("3 units in the past 8 wks", 3),
        ("2 units every 4 weeks", 4),  # a rate, not a window
        ("1 unit a month", 2),
        ("Had 5 units in 2022, none over the last 3 months.", 0),  # no units over a longer window: none in the 8
    ],
)
def test_an_eight_week_count_a_rate_or_none_over_a_longer_window_stays_a_fact(text, units):
    extracted = extract_facts(text)
    assert extracted.facts[UNITS] == units and extracted.assumptions == []


@pytest.mark.parametrize("text", ["Received 5 units over the past 6 weeks.", "3 u pRBC in the last 3 wks"])
def test_a_shorter_window_is_still_asked(text):
    extracted = extract_facts(text)
    assert UNITS not in extracted.facts and extracted.assumptions == []


DECIDING = ("Is he eligible for imetelstat? Darbepoetin x 12 weeks with loss of response, IPSS-R intermediate, "
            "non-del(5q), had 4 units over the past 2 months")
NOT_DECIDING = ("Can he get epoetin alfa? IPSS-R low, sEPO 900 U/L, ESA-naive, Hb 8.1 g/dL, "
                "transfused 6 units in the last 3 months")


def test_settling_asks_when_the_window_share_decides_and_notes_it_when_not():
    for text, asked in ((DECIDING, True), (NOT_DECIDING, False)):
        extracted = extract_facts(text)
        facts, notes, pending = settle_assumptions(extracted.assumptions, extracted.facts, _verdict_of(extracted.drug))
        assert [a.field for a in pending] == ([UNITS] if asked else [])
        assert (UNITS in facts) is not asked
        assert any("cannot change the verdict" in n for n in notes) is not asked


def test_the_chat_asks_for_the_last_eight_weeks_when_the_verdict_depends_on_them(engine):
    chat = engine.conversation()
    reply = chat.send(DECIDING)
    assert reply.status == "needs_information" and reply.missing_facts == [UNITS]
    assert "4 units over the past 2 months" in reply.answer  # what was read is shown back
    assert UNITS not in reply.extracted_facts
    settled = chat.send("3 units in the last 8 weeks")
    assert settled.status == "answered" and settled.extracted_facts[UNITS] == 3


def test_the_chat_gives_the_verdict_with_a_note_when_the_window_share_cannot_change_it(engine):
    reply = engine.conversation().send(NOT_DECIDING)
    assert reply.status == "answered" and reply.decision is not None
    assert reply.extracted_facts[UNITS] == 4
    assert any("6 units in the last 3 months" in n and "cannot change the verdict" in n for n in reply.notes)
