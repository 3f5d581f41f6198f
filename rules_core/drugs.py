"""Drug and agent names: canonical generics, accepted brands (from the lexicon), normalisation."""

from __future__ import annotations

from types import MappingProxyType

from corpus.lexicon import alias_key, load_lexicon
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
_LEXICON = load_lexicon()
HMAS = frozenset(_LEXICON.members("hma"))
ESAS = frozenset(_LEXICON.members("esa"))
# Agents a therapy history may name: the supported drugs plus the other drugs the lexicon knows.
KNOWN_AGENTS: tuple[str, ...] = (*SUPPORTED_DRUGS, *sorted(d.id for d in _LEXICON.drugs if d.id not in SUPPORTED_DRUGS))

# Display spelling of each brand → generic (shown in error messages), from the lexicon.
BRANDS = MappingProxyType(_LEXICON.brands)

AGENT_ALIASES = MappingProxyType({**{agent: agent for agent in KNOWN_AGENTS}, **_LEXICON.aliases})
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
    names = [*SUPPORTED_DRUGS, *_brand_list(SUPPORTED_DRUGS).split(", ")]
    if key in AGENT_ALIASES:
        generic = AGENT_ALIASES[key]
        raise UnknownDrugError(f"{name!r} ({generic}) has no medical-necessity rules in this ruleset; {allowed}",
                               field="drug", allowed=names)
    raise UnknownDrugError(f"{name!r} is not a supported drug; {allowed}", field="drug", allowed=names)


def normalise_agent(name: str) -> str:
    """Therapy agent (generic or brand) → canonical generic; UnknownAgentError otherwise."""
    if name in AGENT_ALIASES:  # fast path: already canonical
        return AGENT_ALIASES[name]
    key = alias_key(name)
    if key in AGENT_ALIASES:
        return AGENT_ALIASES[key]
    raise UnknownAgentError(
        f"{name!r} is not a known agent; use one of {', '.join(KNOWN_AGENTS)} (or a brand: {_brand_list(KNOWN_AGENTS)})",
        allowed=[*KNOWN_AGENTS, *_brand_list(KNOWN_AGENTS).split(", ")],
    )
