"""Kleene three-valued logic and the outcome combinators built on it."""

from __future__ import annotations

import itertools

import pytest

from rules_core import MET, MISSING, NOT_MET, all_of, any_of, negate
from rules_core.criteria import Outcome, all_outcomes, any_outcomes
from rules_core.decision import MissingFact
from rules_core.logic import TRI_VALUES, from_bool

# Kleene's strong logic: met=1, missing=½, not_met=0; AND = min, OR = max, NOT = 1 - x.
RANK = {NOT_MET: 0, MISSING: 1, MET: 2}


@pytest.mark.parametrize("a,b", list(itertools.product(TRI_VALUES, repeat=2)))
def test_and_or_are_min_and_max(a, b):
    assert RANK[all_of([a, b])] == min(RANK[a], RANK[b])
    assert RANK[any_of([a, b])] == max(RANK[a], RANK[b])


@pytest.mark.parametrize("values", list(itertools.product(TRI_VALUES, repeat=3)))
def test_de_morgan(values):
    assert negate(all_of(values)) == any_of(negate(v) for v in values)


def test_identities():
    assert all_of([]) == MET and any_of([]) == NOT_MET
    assert [negate(v) for v in (MET, NOT_MET, MISSING)] == [NOT_MET, MET, MISSING]
    assert [from_bool(v) for v in (True, False, None)] == [MET, NOT_MET, MISSING]


SERUM = MissingFact("serum_epo", "serum erythropoietin level")
UNITS = MissingFact("rbc_units_last_8_weeks", "RBC units")


def test_all_outcomes_reports_the_failing_part_only():
    out = all_outcomes(Outcome(MET, "a"), Outcome(NOT_MET, "b"), Outcome(MISSING, "c", (SERUM,)))
    assert out == Outcome(NOT_MET, "b", ())


def test_missing_outcomes_collect_their_facts_once():
    out = all_outcomes(Outcome(MISSING, "a", (SERUM,)), Outcome(MET, "b"), Outcome(MISSING, "c", (SERUM, UNITS)))
    assert out.status == MISSING and out.missing == (SERUM, UNITS)
    out = any_outcomes(Outcome(NOT_MET, "a"), Outcome(MISSING, "b", (UNITS,)))
    assert out.status == MISSING and out.missing == (UNITS,)


def test_any_outcomes_met_part_is_the_evidence():
    out = any_outcomes(Outcome(MISSING, "unknown", (SERUM,)), Outcome(MET, "serum EPO 620 U/L > 500 U/L"))
    assert out == Outcome(MET, "serum EPO 620 U/L > 500 U/L")
    out = any_outcomes(Outcome(NOT_MET, "x"), Outcome(NOT_MET, "y"))
    assert out == Outcome(NOT_MET, "x; y", ())
