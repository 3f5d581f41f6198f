"""Assumptions are settled against the real rules core: harmless ones stand, deciding ones are asked."""

from __future__ import annotations

from bot.conversation import _verdict_of
from bot.eligibility import extract_facts
from bot.eligibility.assumptions import settle_assumptions

PATIENT = "IPSS-R low, RS 20%, SF3B1 mutated, 2 units every 4 weeks, no del(5q), Hb 8.5 g/dL"


def settle(text: str):
    extracted = extract_facts(text)
    return extracted, settle_assumptions(extracted.assumptions, extracted.facts, _verdict_of(extracted.drug))


def test_a_bound_across_a_threshold_is_asked():
    extracted, (facts, notes, pending) = settle(f"Can she get darbepoetin alfa? {PATIENT}, sEPO >100, no prior therapy")
    assert [a.field for a in pending] == ["serum_epo"] and "serum_epo" not in facts
    assert "sEPO >100" in pending[0].question and notes == []


def test_a_bound_on_one_side_of_every_threshold_stands_as_a_note():
    _, (facts, notes, pending) = settle(f"Can she get luspatercept? {PATIENT}, sEPO >500, no prior therapy")
    assert pending == [] and facts["serum_epo"] == {"value": 500.1, "unit": "U/L"}
    assert any("cannot change the verdict" in note for note in notes)


def test_an_unnamed_esa_that_cannot_change_the_verdict_stands():
    _, (facts, notes, pending) = settle(f"Can she get luspatercept? {PATIENT}, sEPO 620 U/L, failed ESA x 12 weeks")
    assert pending == []
    assert facts["therapies"] == [{"agent": "epoetin_alfa", "weeks": 12, "response": "none"}]
    assert notes == ["ESA not named: assumed epoetin alfa. (It cannot change the verdict.)"]


def test_each_alternative_is_evaluated():
    calls = []

    def verdict(facts):
        calls.append(facts["therapies"][0]["agent"])
        return facts["therapies"][0]["agent"]  # a verdict that depends on the agent

    extracted = extract_facts("failed ESA")
    facts, notes, pending = settle_assumptions(extracted.assumptions, extracted.facts, verdict)
    assert calls == ["epoetin_alfa", "darbepoetin_alfa"] and len(pending) == 1 and "therapies" not in facts
