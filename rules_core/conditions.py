"""Warning conditions: small factories that return ``Facts -> fields | None`` functions.

A condition answers "does this warning apply?": None when it does not, else
the values its text template needs (e.g. ``{"sepo": "250"}``). The texts and
thresholds are data in ruleset.yaml; ``CONDITIONS`` names what it may use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pydantic import BaseModel, Field, field_validator

from rules_core.derived import Facts, drug_trial_failed
from rules_core.drugs import KNOWN_AGENTS
from rules_core.logic import MET, NOT_MET
from rules_core.params import NoParams, Params
from rules_core.predicates import num
from rules_core.renewals import DrugContext

Fields = dict[str, str]
ConditionFn = Callable[[Facts], Fields | None]
_APPLIES: Fields = {}


def always() -> ConditionFn:
    return lambda facts: _APPLIES


def del5q_present() -> ConditionFn:
    return lambda facts: _APPLIES if facts.patient.del5q else None


def therapy_history_undocumented() -> ConditionFn:
    return lambda facts: _APPLIES if facts.prior_agents is None else None


def prior_agents(agents: list[str]) -> ConditionFn:
    """Any of ``agents`` in the therapy history → {"given": the ones given, sorted}."""
    wanted = frozenset(agents)

    def condition(facts: Facts) -> Fields | None:
        if facts.prior_agents is None:
            return None
        given = sorted(facts.prior_agents & wanted)
        return {"given": ", ".join(given)} if given else None

    return condition


def sepo_at_least(limit: float) -> ConditionFn:
    def condition(facts: Facts) -> Fields | None:
        value = facts.sepo_u_per_l
        return None if value is None or value < limit else {"sepo": num(value)}

    return condition


def rbc_units_at_least(limit: int) -> ConditionFn:
    def condition(facts: Facts) -> Fields | None:
        units = facts.patient.rbc_units_last_8_weeks
        return None if units is None or units < limit else {"units": str(units)}

    return condition


def drug_failed(drug: DrugContext) -> ConditionFn:
    """A trial of this drug (past or ongoing) documented as failed → {"failure": the evidence}."""
    name, window = drug.drug, drug.window_weeks

    def condition(facts: Facts) -> Fields | None:
        if facts.prior_agents is None or name not in facts.prior_agents:  # fast path: never given
            return None
        for i, therapy in enumerate(facts.patient.therapies):
            if therapy.agent == name:
                outcome = drug_trial_failed(i, therapy, window)
                if outcome.status == MET:
                    return {"failure": outcome.evidence}
        return None

    return condition


def response_pending(drug: DrugContext) -> ConditionFn:
    """Renewal with no response yet, inside the window → {"weeks", "reassess_week"}."""
    name, window = drug.drug, drug.window_weeks

    def condition(facts: Facts) -> Fields | None:
        index, entry = facts.ongoing.get(name, (None, None))
        if entry is None or entry.response != "none":
            return None
        if drug_trial_failed(index, entry, window).status != NOT_MET:
            return None
        return {"weeks": "?" if entry.weeks is None else str(entry.weeks), "reassess_week": str(max(window, entry.weeks or 0))}

    return condition


# --- the registry --------------------------------------------------------------------------------


class AgentsParams(Params):
    agents: list[str] = Field(min_length=1, description="Therapy agents (canonical generics).")

    @field_validator("agents")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = [a for a in value if a not in KNOWN_AGENTS]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not a known agent; use one of {', '.join(KNOWN_AGENTS)}")
        return value


class SepoLimit(Params):
    limit: float = Field(ge=0, allow_inf_nan=False, description="Serum EPO, U/L.")


class UnitsLimit(Params):
    limit: int = Field(ge=0, description="RBC units in the last 8 weeks.")


@dataclass(frozen=True, slots=True)
class Condition:
    """A named condition factory, its parameters and the template fields it fills."""

    factory: Callable[..., ConditionFn]
    params: type[BaseModel]
    fields: tuple[str, ...] = ()
    needs_drug: bool = False  # the factory also takes ``drug`` (a DrugContext)


CONDITIONS: Mapping[str, Condition] = MappingProxyType({
    "always": Condition(always, NoParams),
    "del5q_present": Condition(del5q_present, NoParams),
    "therapy_history_undocumented": Condition(therapy_history_undocumented, NoParams),
    "prior_agents": Condition(prior_agents, AgentsParams, ("given",)),
    "sepo_at_least": Condition(sepo_at_least, SepoLimit, ("sepo",)),
    "rbc_units_at_least": Condition(rbc_units_at_least, UnitsLimit, ("units",)),
    "drug_failed": Condition(drug_failed, NoParams, ("failure",), needs_drug=True),
    "response_pending": Condition(response_pending, NoParams, ("weeks", "reassess_week"), needs_drug=True),
})
