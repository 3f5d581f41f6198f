"""Criterion checks: small factories that return ``Facts -> Outcome`` functions.

Comparisons are exact (sEPO 500 is neither > 500 nor < 500) and every
evidence string shows the patient's value, its unit and the threshold.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

from rules_core.criteria import Outcome, all_outcomes, any_outcomes
from rules_core.derived import Facts, fact
from rules_core.facts import FIELD_LABELS
from rules_core.logic import MET, MISSING, NOT_MET

CheckFn = Callable[[Facts], Outcome]

_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
_SIGN = {">": ">", ">=": "≥", "<": "<", "<=": "≤"}
_OPPOSITE = {">": "≤", ">=": "<", "<": "≥", "<=": ">"}


def num(value: float) -> str:
    """620.0 → '620', 499.9 → '499.9', 500.00000000001 stays as is: never rounded past the threshold."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _comparison(op: str, limit: float, unit: str) -> Callable[[str, float], Outcome]:
    """Precomputes the threshold text once; the returned function compares one value."""
    test = _OPS[op]
    when_met = f" {_SIGN[op]} {num(limit)}{unit}"
    when_not = f" {_OPPOSITE[op]} {num(limit)}{unit}"

    def compare(text: str, value: float) -> Outcome:
        if test(value, limit):
            return Outcome(MET, text + when_met)
        return Outcome(NOT_MET, text + when_not)

    return compare


def _not_documented(field: str) -> Outcome:
    return Outcome(MISSING, f"{FIELD_LABELS[field]} not documented", (fact(field),))


_NOT_DOCUMENTED = {field: _not_documented(field) for field in FIELD_LABELS}


def _sepo_text(facts: Facts) -> str:
    epo = facts.patient.serum_epo
    if epo.unit == "U/L":
        return f"serum EPO {num(epo.value)} U/L"
    return f"serum EPO {num(epo.value)} mU/mL (= {num(epo.u_per_l)} U/L)"


def sepo(op: str, limit: float) -> CheckFn:
    compare = _comparison(op, limit, " U/L")

    def check(facts: Facts) -> Outcome:
        if facts.sepo_u_per_l is None:
            return _NOT_DOCUMENTED["serum_epo"]
        return compare(_sepo_text(facts), facts.sepo_u_per_l)

    return check


def rbc_units(op: str, limit: int) -> CheckFn:
    compare = _comparison(op, limit, " units")

    def check(facts: Facts) -> Outcome:
        units = facts.patient.rbc_units_last_8_weeks
        if units is None:
            return _NOT_DOCUMENTED["rbc_units_last_8_weeks"]
        return compare(f"{units} RBC units in 8 weeks", units)

    return check


def blasts(op: str, limit: float) -> CheckFn:
    compare = _comparison(op, limit, "%")

    def check(facts: Facts) -> Outcome:
        value = facts.patient.bone_marrow_blasts_pct
        if value is None:
            return _NOT_DOCUMENTED["bone_marrow_blasts_pct"]
        return compare(f"bone marrow blasts {num(value)}%", value)

    return check


def ring_sideroblasts(op: str, limit: float) -> CheckFn:
    compare = _comparison(op, limit, "%")

    def check(facts: Facts) -> Outcome:
        value = facts.patient.ring_sideroblasts_pct
        if value is None:
            return _NOT_DOCUMENTED["ring_sideroblasts_pct"]
        return compare(f"ring sideroblasts {num(value)}%", value)

    return check


def hemoglobin(op: str, limit_g_per_dl: float) -> CheckFn:
    compare = _comparison(op, limit_g_per_dl, " g/dL")

    def check(facts: Facts) -> Outcome:
        hb = facts.patient.hemoglobin
        if hb is None:
            return _NOT_DOCUMENTED["hemoglobin"]
        text = f"hemoglobin {num(hb.value)} {hb.unit}"
        if hb.unit == "g/L":
            text += f" (= {num(hb.g_per_dl)} g/dL)"
        return compare(text, hb.g_per_dl)

    return check


def mutated(field: str, gene: str) -> CheckFn:
    outcomes = {
        None: _NOT_DOCUMENTED[field],
        "mutated": Outcome(MET, f"{gene} mutated"),
        "wild_type": Outcome(NOT_MET, f"{gene} wild-type"),
    }

    def check(facts: Facts) -> Outcome:
        return outcomes[getattr(facts.patient, field)]

    return check


def del5q(present: bool) -> CheckFn:
    """present=True: del(5q) required; present=False: its absence must be documented."""

    outcomes = {
        None: _NOT_DOCUMENTED["del5q"],
        True: Outcome(MET if present else NOT_MET, "del(5q) present"),
        False: Outcome(NOT_MET if present else MET, "del(5q) absent"),
    }

    def check(facts: Facts) -> Outcome:
        return outcomes[facts.patient.del5q]

    return check


def documented(field: str) -> CheckFn:
    """A documentation requirement: met when on file, otherwise missing (never not_met)."""

    on_file = Outcome(MET, f"{FIELD_LABELS[field]} documented")
    absent = _NOT_DOCUMENTED[field]

    def check(facts: Facts) -> Outcome:
        return absent if getattr(facts.patient, field) is None else on_file

    return check


def lower_risk(facts: Facts) -> Outcome:
    return facts.lower_risk


def lower_risk_by_ipss_r(facts: Facts) -> Outcome:
    return facts.lower_risk_by_ipss_r


def esa_naive(facts: Facts) -> Outcome:
    return facts.esa_naive


def no_prior_esa_failure(facts: Facts) -> Outcome:
    failed = facts.esa_failed
    if failed.status == MET:
        return Outcome(NOT_MET, failed.evidence, ())
    if failed.status == NOT_MET:
        return Outcome(MET, failed.evidence, ())
    return failed


def esa_failed_or_ineligible(facts: Facts) -> Outcome:
    """ESA failed OR sEPO > 500 U/L (ESA-ineligible)."""
    return any_outcomes(facts.esa_failed, _SEPO_OVER_500(facts))


def ring_sideroblast_criterion(facts: Facts) -> Outcome:
    """RS ≥ 15%, or RS ≥ 5% with SF3B1 mutated."""
    return any_outcomes(_RS_15(facts), all_outcomes(_RS_5(facts), _SF3B1_MUTATED(facts)))


_SEPO_OVER_500 = sepo(">", 500)
_RS_15 = ring_sideroblasts(">=", 15)
_RS_5 = ring_sideroblasts(">=", 5)
_SF3B1_MUTATED = mutated("sf3b1", "SF3B1")
