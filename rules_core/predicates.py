"""Criterion checks: small factories that return ``Facts -> Outcome`` functions.

``rules_core.registry.PREDICATES`` names them for ruleset.yaml. The thresholds
themselves are data, never here.

Comparisons are exact (sEPO 500 is neither > 500 nor < 500) and every
evidence string shows the patient's value, its unit and the threshold.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

from rules_core.criteria import Outcome, all_outcomes, any_outcomes
from rules_core.derived import Facts, fact, unless_esa_working
from rules_core.facts import FIELD_LABELS, MAX_RBC_UNITS
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


def _memo() -> dict:
    """A bounded per-check memo of outcomes by lab value and unit: lab values repeat (they are reported rounded)."""
    return {}


_MAX_MEMO = 1024


def sepo(op: str, limit: float) -> CheckFn:
    compare = _comparison(op, limit, " U/L")
    seen = _memo()

    def check(facts: Facts) -> Outcome:
        epo = facts.patient.serum_epo
        if epo is None:
            return _NOT_DOCUMENTED["serum_epo"]
        key = (epo.value, epo.unit)
        found = seen.get(key)
        if found is None:
            found = compare(_sepo_text(facts), facts.sepo_u_per_l)
            if len(seen) < _MAX_MEMO:
                seen[key] = found
        return found

    return check


def rbc_units(op: str, limit: int) -> CheckFn:
    compare = _comparison(op, limit, " units")
    # Every answer precomputed: the patient model bounds the count (0..MAX_RBC_UNITS), so a check is a lookup.
    table = (*(compare(f"{units} RBC units in 8 weeks", units) for units in range(MAX_RBC_UNITS + 1)),)

    def check(facts: Facts) -> Outcome:
        units = facts.patient.rbc_units_last_8_weeks
        if units is None:
            return _NOT_DOCUMENTED["rbc_units_last_8_weeks"]
        return table[units]

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


def hemoglobin(op: str, limit: float) -> CheckFn:
    compare = _comparison(op, limit, " g/dL")
    seen = _memo()

    def check(facts: Facts) -> Outcome:
        hb = facts.patient.hemoglobin
        if hb is None:
            return _NOT_DOCUMENTED["hemoglobin"]
        key = (hb.value, hb.unit)
        found = seen.get(key)
        if found is None:
            text = f"hemoglobin {num(hb.value)} {hb.unit}"
            if hb.unit == "g/L":
                text += f" (= {num(hb.g_per_dl)} g/dL)"
            found = compare(text, hb.g_per_dl)
            if len(seen) < _MAX_MEMO:
                seen[key] = found
        return found

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


def lower_risk() -> CheckFn:
    return _lower_risk


def _lower_risk(facts: Facts) -> Outcome:
    return facts.lower_risk


def lower_risk_by_ipss_r() -> CheckFn:
    return _lower_risk_by_ipss_r


def _lower_risk_by_ipss_r(facts: Facts) -> Outcome:
    return facts.lower_risk_by_ipss_r


def esa_naive() -> CheckFn:
    return _esa_naive


def _esa_naive(facts: Facts) -> Outcome:
    return facts.esa_naive


def no_prior_esa_failure() -> CheckFn:
    return _no_prior_esa_failure


def _no_prior_esa_failure(facts: Facts) -> Outcome:
    failed = facts.esa_failed
    if failed.status == MET:
        return Outcome(NOT_MET, failed.evidence, ())
    if failed.status == NOT_MET:
        return Outcome(MET, failed.evidence, ())
    return failed


def esa_failed_or_ineligible(sepo_above: float) -> CheckFn:
    """ESA failed OR serum EPO above ``sepo_above`` U/L (ESA-ineligible), unless an ongoing ESA is working."""
    ineligible = sepo(">", sepo_above)

    def check(facts: Facts) -> Outcome:
        # A working ESA: benefit not lost, neither failure nor ineligibility applies (facts.esa_failed has it already).
        return unless_esa_working(any_outcomes(facts.esa_failed, ineligible(facts)), facts.esa_responding)

    return check


def anemic(hb_below: float) -> CheckFn:
    """Documented transfusion need (any RBC units in 8 weeks) OR hemoglobin below ``hb_below`` g/dL."""
    transfused, low_hb = rbc_units(">=", 1), hemoglobin("<", hb_below)

    def check(facts: Facts) -> Outcome:
        need = transfused(facts)
        return need if need.status == MET else any_outcomes(need, low_hb(facts))  # Kleene OR, short-circuited

    return check


def esa_response_unlikely(sepo_at_least: float, units_at_least: int) -> CheckFn:
    """The review's predictors of ESA response reversed: sEPO ≥ limit OR a high transfusion burden."""
    high_sepo, high_burden = sepo(">=", sepo_at_least), rbc_units(">=", units_at_least)

    def check(facts: Facts) -> Outcome:
        return any_outcomes(high_sepo(facts), high_burden(facts))

    return check


def ring_sideroblasts_or_sf3b1(at_least: float, with_sf3b1_at_least: float) -> CheckFn:
    """RS ≥ ``at_least`` %, or RS ≥ ``with_sf3b1_at_least`` % with SF3B1 mutated."""
    rs_high, rs_low, sf3b1 = ring_sideroblasts(">=", at_least), ring_sideroblasts(">=", with_sf3b1_at_least), mutated("sf3b1", "SF3B1")

    def check(facts: Facts) -> Outcome:
        return any_outcomes(rs_high(facts), all_outcomes(rs_low(facts), sf3b1(facts)))

    return check
