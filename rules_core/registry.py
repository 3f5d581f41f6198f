"""The registry of criterion checks: the names ruleset.yaml may use, each a factory (rules_core/predicates.py,
rules_core/renewals.py), the pydantic model of its parameters (rules_core/params.py) and the site-policy values
it reads through the derived facts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pydantic import BaseModel

from rules_core.params import (
    AnemiaParams,
    Comparison,
    Del5qParams,
    DocumentedParams,
    EsaResponseParams,
    GeneParams,
    NoParams,
    RingSideroblastParams,
    SepoAboveParams,
)
from rules_core.predicates import (
    CheckFn,
    anemic,
    blasts,
    del5q,
    documented,
    esa_failed_or_ineligible,
    esa_naive,
    esa_response_unlikely,
    hemoglobin,
    lower_risk,
    lower_risk_by_ipss_r,
    mutated,
    no_prior_esa_failure,
    rbc_units,
    ring_sideroblasts,
    ring_sideroblasts_or_sf3b1,
    sepo,
)
from rules_core.renewals import continuation, no_prior_failure


@dataclass(frozen=True, slots=True)
class Predicate:
    """A named check factory, the parameters it takes, and the policy values it reads through the derived facts.

    ``needs_drug``: the factory also takes ``drug`` (a DrugContext: the drug's name and response window).
    """

    factory: Callable[..., CheckFn]
    params: type[BaseModel]
    implicit_policy: tuple[str, ...] = ()
    needs_drug: bool = False


_ESA_FAILURE_POLICY = ("esa_adequate_trial_weeks",)  # ESA failure needs an adequate trial (site policy length)

PREDICATES: Mapping[str, Predicate] = MappingProxyType({
    "lower_risk": Predicate(lower_risk, NoParams),
    "lower_risk_by_ipss_r": Predicate(lower_risk_by_ipss_r, NoParams),
    "esa_naive": Predicate(esa_naive, NoParams),
    "no_prior_esa_failure": Predicate(no_prior_esa_failure, NoParams, _ESA_FAILURE_POLICY),
    "esa_failed_or_ineligible": Predicate(esa_failed_or_ineligible, SepoAboveParams, _ESA_FAILURE_POLICY),
    "ring_sideroblasts_or_sf3b1": Predicate(ring_sideroblasts_or_sf3b1, RingSideroblastParams),
    "sepo": Predicate(sepo, Comparison),
    "rbc_units": Predicate(rbc_units, Comparison),
    "blasts": Predicate(blasts, Comparison),
    "ring_sideroblasts": Predicate(ring_sideroblasts, Comparison),
    "hemoglobin": Predicate(hemoglobin, Comparison),
    "mutated": Predicate(mutated, GeneParams),
    "del5q": Predicate(del5q, Del5qParams),
    "documented": Predicate(documented, DocumentedParams),
    "anemic": Predicate(anemic, AnemiaParams),
    "esa_response_unlikely": Predicate(esa_response_unlikely, EsaResponseParams),
    "continuation": Predicate(continuation, NoParams, needs_drug=True),
    "no_prior_failure": Predicate(no_prior_failure, NoParams, needs_drug=True),
})
