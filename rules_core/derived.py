"""Facts derived once per patient: risk group, ESA history, normalised units.

Every derived fact is an Outcome so the three-valued logic and the evidence
string travel together into each criterion that uses it.
"""

from __future__ import annotations

from typing import NamedTuple, get_args

from rules_core.criteria import Fact, Outcome, any_outcomes
from rules_core.drugs import ESAS
from rules_core.facts import FIELD_LABELS, Ipss, IpssR, PatientFacts, Therapy
from rules_core.logic import MET, MISSING, NOT_MET

LOWER_RISK_IPSS_R = frozenset({"very_low", "low", "intermediate"})
LOWER_RISK_IPSS = frozenset({"low", "int1"})


def fact(field: str, label: str | None = None) -> Fact:
    return Fact(field, label or FIELD_LABELS[field])


class Facts(NamedTuple):
    patient: PatientFacts
    lower_risk: Outcome
    lower_risk_by_ipss_r: Outcome
    esa_naive: Outcome
    esa_failed: Outcome
    sepo_u_per_l: float | None
    hb_g_per_dl: float | None
    prior_agents: frozenset[str] | None  # None: therapy history not documented
    ongoing: dict[str, tuple[int, Therapy]]  # agent → (index, entry) of its last ongoing entry: a renewal
    esa_responding: Outcome | None  # an ongoing ESA that is working: ESA benefit not lost


_NO_ONGOING: dict[str, tuple[int, Therapy]] = {}


def derive(patient: PatientFacts, adequate_trial_weeks: int) -> Facts:
    """``adequate_trial_weeks``: the site policy's ESA trial length (the sources say 6-8 weeks)."""
    therapies = patient.therapies
    ongoing, esa_responding = _NO_ONGOING, None
    if therapies is None:
        naive = failed = _HISTORY_MISSING
        prior_agents = None
    else:
        trials = [(i, t) for i, t in enumerate(therapies) if t.agent in ESAS]
        naive, failed = _esa_naive(therapies, trials), _esa_failed(trials, adequate_trial_weeks)
        prior_agents = frozenset([t.agent for t in therapies])
        current = [(i, t) for i, t in enumerate(therapies) if t.ongoing] if therapies else None
        if current:
            ongoing = {t.agent: (i, t) for i, t in current}
            esa_responding = _esa_responding(ongoing)
            failed = unless_esa_working(failed, esa_responding)
    return Facts(
        patient=patient,
        lower_risk=lower_risk(patient),
        lower_risk_by_ipss_r=_BY_IPSS_R[patient.ipss_r],
        esa_naive=naive,
        esa_failed=failed,
        sepo_u_per_l=patient.serum_epo.u_per_l if patient.serum_epo else None,
        hb_g_per_dl=patient.hemoglobin.g_per_dl if patient.hemoglobin else None,
        prior_agents=prior_agents,
        ongoing=ongoing,
        esa_responding=esa_responding,
    )


def _esa_responding(ongoing: dict[str, tuple[int, Therapy]]) -> Outcome | None:
    """An ongoing ESA with a response: ESA failure is not met, whatever an earlier trial did.
    An ongoing ESA whose response is not documented may be working: MISSING, asking for it."""
    esas = [(agent, i, t) for agent, (i, t) in ongoing.items() if agent in ESAS]
    for agent, _, therapy in esas:
        if therapy.response == "responding":
            return Outcome(NOT_MET, f"{agent} ongoing and responding → ESA benefit not lost")
    for agent, index, therapy in esas:
        if therapy.response is None:
            return Outcome(
                MISSING, f"{agent} ongoing, response not documented: ESA benefit may not be lost",
                (fact(f"therapies[{index}].response", f"response to {agent}"),),
            )
    return None


def unless_esa_working(result: Outcome, working: Outcome | None) -> Outcome:
    """``result`` (a failure or ineligibility) AND NOT an ongoing ESA working (Kleene): a working ESA
    makes it not met; one of unknown response leaves a met result open (missing)."""
    if working is None or result.status == NOT_MET:
        return result
    if working.status == NOT_MET or result.status == MET:
        return working
    return result


def _risk_outcomes(scale: str, values: frozenset[str], lower: frozenset[str], prefix: str = "") -> dict:
    """Every possible answer precomputed: risk classification is a table lookup."""
    return {
        value: Outcome(MET, f"{prefix}{scale} {value} → lower-risk")
        if value in lower
        else Outcome(NOT_MET, f"{prefix}{scale} {value} → higher-risk")
        for value in values
    }


_BY_IPSS_R = {
    None: Outcome(MISSING, "IPSS-R not documented", (fact("ipss_r"),)),
    **_risk_outcomes("IPSS-R", frozenset(get_args(IpssR)), LOWER_RISK_IPSS_R),
}
_BY_IPSS = {
    None: Outcome(
        MISSING,
        "neither IPSS-R nor IPSS documented",
        (fact("ipss_r", "IPSS-R risk category (IPSS if IPSS-R is unavailable)"),),
    ),
    **_risk_outcomes("IPSS", frozenset(get_args(Ipss)), LOWER_RISK_IPSS, prefix="IPSS-R not documented; "),
}


def lower_risk(patient: PatientFacts) -> Outcome:
    """IPSS-R decides; IPSS only when IPSS-R is not documented."""
    if patient.ipss_r is not None:
        return _BY_IPSS_R[patient.ipss_r]
    return _BY_IPSS[patient.ipss]


_HISTORY_MISSING = Outcome(MISSING, "therapy history not documented", (fact("therapies"),))
_NO_PRIOR_THERAPY = Outcome(MET, "no prior therapy")
_NO_ESA_IN_HISTORY = Outcome(MET, "no ESA in therapy history")
_NEVER_FAILED = Outcome(NOT_MET, "ESA-naive, no ESA failure")


def _esa_naive(therapies: list[Therapy], trials: list[tuple[int, Therapy]]) -> Outcome:
    if trials:
        return Outcome(NOT_MET, "prior ESA: " + ", ".join(t.agent for _, t in trials))
    return _NO_ESA_IN_HISTORY if therapies else _NO_PRIOR_THERAPY


def _esa_failed(trials: list[tuple[int, Therapy]], adequate_weeks: int) -> Outcome:
    """Failed if any ESA trial failed (Kleene OR over trials); no ESA trial → not failed."""
    if not trials:
        return _NEVER_FAILED
    return any_outcomes(*(esa_trial_failed(i, t, adequate_weeks) for i, t in trials))


def esa_trial_failed(index: int, trial: Therapy, adequate_weeks: int) -> Outcome:
    name, weeks, response = trial.agent, trial.weeks, trial.response
    if response in ("lost", "intolerant"):
        return Outcome(MET, f"{name}: {'response lost' if response == 'lost' else 'intolerant'} → ESA failure")
    if response == "responding":
        return Outcome(NOT_MET, f"{name}: responding → no ESA failure")
    if response is None:
        return Outcome(
            MISSING,
            f"{name}: response not documented",
            (fact(f"therapies[{index}].response", f"response to {name}"),),
        )
    # response == "none": a failure only after an adequate trial.
    if weeks is not None and weeks < adequate_weeks:
        return Outcome(NOT_MET, f"{name}: no response after {weeks} weeks < {adequate_weeks} → inadequate trial, not a failure")
    if trial.iron_replete is False:
        return Outcome(NOT_MET, f"{name}: no response without iron repletion → inadequate trial, not a failure")
    missing = []
    if weeks is None:
        missing.append(fact(f"therapies[{index}].weeks", f"weeks of the {name} trial"))
    if trial.iron_replete is None:
        missing.append(fact(f"therapies[{index}].iron_replete", f"iron repletion during the {name} trial"))
    if missing:
        return Outcome(MISSING, f"{name}: no response, but trial adequacy (weeks, iron repletion) undocumented", tuple(missing))
    return Outcome(MET, f"{name}: no response after {weeks} weeks with iron repletion → ESA failure")


def trial_failed(index: int, trial: Therapy, window_weeks: int) -> Outcome:
    """Did this trial of a non-ESA drug fail? met: failed; not_met: responding or still inside the window."""
    name, weeks, response = trial.agent, trial.weeks, trial.response
    if response in ("lost", "intolerant"):
        return Outcome(MET, f"{name}: {'response lost' if response == 'lost' else 'intolerant'} → failure")
    if response == "responding":
        return Outcome(NOT_MET, f"{name}: responding")
    if response is None:
        return Outcome(MISSING, f"{name}: response not documented",
                       (fact(f"therapies[{index}].response", f"response to {name}"),))
    if weeks is None:
        return Outcome(MISSING, f"{name}: no response, weeks on {name} not documented",
                       (fact(f"therapies[{index}].weeks", f"weeks on {name}"),))
    if weeks >= window_weeks:
        return Outcome(MET, f"{name}: no response after {weeks} weeks ≥ {window_weeks} → failure")
    return Outcome(NOT_MET, f"{name}: no response yet after {weeks} weeks < {window_weeks} (reassess at week {window_weeks})")


def drug_trial_failed(index: int, trial: Therapy, window_weeks: int) -> Outcome:
    """ESAs need iron repletion for an adequate trial; other drugs only the window."""
    if trial.agent in ESAS:
        return esa_trial_failed(index, trial, window_weeks)
    return trial_failed(index, trial, window_weeks)