"""Renewals and documented failures: the checks that read a drug's own therapy history.

Each factory takes ``drug`` (a DrugContext: the drug's name and its response-assessment window,
from ruleset.yaml or site policy). A renewal is decided by the ongoing entry for the drug; an
initial request is refused after a documented failure of the same drug (docs/rules.md, Renewals).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rules_core.criteria import Outcome, any_outcomes
from rules_core.derived import Facts, drug_trial_failed
from rules_core.logic import MET, NOT_MET

CheckFn = Callable[[Facts], Outcome]


@dataclass(frozen=True, slots=True)
class DrugContext:
    """The drug a rule belongs to and its response-assessment window (from the ruleset or site policy)."""

    drug: str
    window_weeks: int


def continuation(drug: DrugContext) -> CheckFn:
    """Renewal: the ongoing entry's response decides (responding, or no response yet inside the window)."""
    name, window = drug.drug, drug.window_weeks

    def check(facts: Facts) -> Outcome:
        index, entry = facts.ongoing[name]
        failed = drug_trial_failed(index, entry, window)
        if failed.status == MET:
            return Outcome(NOT_MET, f"{failed.evidence}: continuation not supported")
        if failed.status == NOT_MET:
            return Outcome(MET, f"{name} ongoing; {failed.evidence} → continue")
        return failed

    return check


def no_prior_failure(drug: DrugContext) -> CheckFn:
    """Initial request: no past trial of the same drug documented as failed."""
    name, window = drug.drug, drug.window_weeks
    no_entry = Outcome(MET, f"no past {name} in the therapy history")
    undocumented = Outcome(MET, f"therapy history not documented: no documented failure of {name}")

    def check(facts: Facts) -> Outcome:
        if facts.prior_agents is None:
            return undocumented
        if name not in facts.prior_agents:
            return no_entry
        therapies = facts.patient.therapies
        trials = [drug_trial_failed(i, t, window) for i, t in enumerate(therapies) if t.agent == name and not t.ongoing]
        if not trials:
            return no_entry
        failed = any_outcomes(*trials)
        if failed.status == MET:
            return Outcome(NOT_MET, failed.evidence)
        return Outcome(MET, failed.evidence) if failed.status == NOT_MET else failed

    return check
