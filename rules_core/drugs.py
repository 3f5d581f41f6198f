"""Drug and agent names: canonical generics, accepted brands (from drug_names.yaml), normalisation."""

from __future__ import annotations

import re
from importlib import resources
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rules_core.errors import UnknownAgentError, UnknownDrugError

# Drugs with medical-necessity rules, in the order the sources sequence them.
SUPPORTED_DRUGS: tuple[str, ...] = (
    "epoetin_alfa",
    "darbepoetin_alfa",
    "luspatercept",
    "imetelstat",
    "lenalidomide",
    "ivosidenib",
    "enasidenib",
)
HMAS = frozenset({"azacitidine", "decitabine"})
ESAS = frozenset({"epoetin_alfa", "darbepoetin_alfa"})
# Agents a therapy history may name: the supported drugs plus the HMAs.
KNOWN_AGENTS: tuple[str, ...] = (*SUPPORTED_DRUGS, *sorted(HMAS))


def alias_key(name: str) -> str:
    """Case-insensitive key; spaces and hyphens count as underscores."""
    return re.sub(r"[\s\-_]+", "_", name.strip().lower()).strip("_")


class DrugNames(BaseModel):
    """Brand names and other spellings → canonical generic.

    The seam for name sources: the table is data (``drug_names.yaml``), and any
    other source of names (such as a shared lexicon) only has to produce one
    DrugNames; ``agent_aliases`` turns it into the lookup table.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    brands: dict[str, str] = Field(description="Brand, in display spelling → generic.")
    other_names: dict[str, str] = Field(default_factory=dict, description="Other accepted spelling → generic.")

    @field_validator("brands", "other_names")
    @classmethod
    def _known_generics(cls, table: dict[str, str]) -> dict[str, str]:
        unknown = sorted({generic for generic in table.values() if generic not in KNOWN_AGENTS})
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not a known agent; use one of {', '.join(KNOWN_AGENTS)}")
        return table


def load_drug_names(text: str) -> DrugNames:
    """DrugNames from YAML text (pydantic ValidationError if a generic is unknown)."""
    import yaml

    return DrugNames.model_validate(yaml.load(text, Loader=yaml.CSafeLoader))


def agent_aliases(names: DrugNames) -> MappingProxyType:
    """alias_key(name) → generic for every generic, brand and other spelling."""
    return MappingProxyType({
        **{agent: agent for agent in KNOWN_AGENTS},
        **{alias_key(name): generic for name, generic in (*names.brands.items(), *names.other_names.items())},
    })


NAMES = load_drug_names(resources.files("rules_core").joinpath("drug_names.yaml").read_text(encoding="utf-8"))
BRANDS = MappingProxyType(NAMES.brands)  # display spelling of each brand → generic
AGENT_ALIASES = agent_aliases(NAMES)

DRUG_ALIASES = MappingProxyType({k: v for k, v in AGENT_ALIASES.items() if v in SUPPORTED_DRUGS})


def _brand_list(generics: tuple[str, ...]) -> str:
    return ", ".join(brand for brand, generic in BRANDS.items() if generic in generics)


def normalise_drug(name: str) -> str:
    """Generic or brand name → canonical generic; UnknownDrugError otherwise."""
    if not isinstance(name, str):
        raise UnknownDrugError(f"expected a drug name, got {name!r}", field="drug")
    key = name.lower()
    if key in DRUG_ALIASES:  # fast path: canonical or a plain brand
        return DRUG_ALIASES[key]
    key = alias_key(name)
    if key in DRUG_ALIASES:
        return DRUG_ALIASES[key]
    allowed = f"use one of {', '.join(SUPPORTED_DRUGS)} (or a brand: {_brand_list(SUPPORTED_DRUGS)})"
    if key in AGENT_ALIASES:
        generic = AGENT_ALIASES[key]
        raise UnknownDrugError(f"{name!r} ({generic}) has no medical-necessity rules in this ruleset; {allowed}", field="drug")
    raise UnknownDrugError(f"{name!r} is not a supported drug; {allowed}", field="drug")


def normalise_agent(name: str) -> str:
    """Therapy agent (generic or brand) → canonical generic; UnknownAgentError otherwise."""
    if name in AGENT_ALIASES:  # fast path: already canonical
        return AGENT_ALIASES[name]
    key = alias_key(name)
    if key in AGENT_ALIASES:
        return AGENT_ALIASES[key]
    raise UnknownAgentError(
        f"{name!r} is not a known agent; use one of {', '.join(KNOWN_AGENTS)} (or a brand: {_brand_list(KNOWN_AGENTS)})"
    )
