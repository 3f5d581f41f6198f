"""Deterministic, auditable medical-necessity rules for lower-risk MDS.

Pure Python + pydantic (+ PyYAML for the data files): no ML, vector or web
library, nothing from ``bot``, and from ``corpus`` only the shared drug lexicon. The rules are data
(``ruleset.yaml``), the thresholds the sources do not state are site policy
(``policy.yaml``), and every criterion and warning cites a verbatim quote of a
shipped source document.

    >>> from rules_core import evaluate
    >>> evaluate("luspatercept", {"ipss_r": "low"}).decision
    'insufficient_documentation'
"""

from rules_core.decision import (
    CriterionResult,
    Decision,
    MissingFact,
    PathwayResult,
    RulesetInfo,
    SourceQuote,
    WarningItem,
)
from rules_core.drugs import AGENT_ALIASES, DRUG_ALIASES, KNOWN_AGENTS, SUPPORTED_DRUGS, normalise_agent, normalise_drug
from rules_core.errors import (
    RulesInputError,
    UnknownAgentError,
    UnknownDrugError,
    describe_error,
    format_error,
)
from rules_core.evaluator import RuleCitation, all_citations, as_patient, evaluate, evaluate_options, pathway_ids
from rules_core.facts import FIELD_LABELS, Hemoglobin, PatientFacts, SerumEpo, Therapy
from rules_core.loader import RulesetError, load_ruleset
from rules_core.logic import MET, MISSING, NOT_MET, Tri, all_of, any_of, negate
from rules_core.policy import PolicyError, SitePolicy, load_policy
from rules_core.ruleset import RULESET

__all__ = [
    "AGENT_ALIASES",
    "SourceQuote",
    "CriterionResult",
    "DRUG_ALIASES",
    "Decision",
    "FIELD_LABELS",
    "Hemoglobin",
    "KNOWN_AGENTS",
    "MET",
    "MISSING",
    "MissingFact",
    "NOT_MET",
    "PathwayResult",
    "PatientFacts",
    "PolicyError",
    "RULESET",
    "RuleCitation",
    "RulesInputError",
    "RulesetError",
    "RulesetInfo",
    "SUPPORTED_DRUGS",
    "SerumEpo",
    "SitePolicy",
    "Therapy",
    "Tri",
    "UnknownAgentError",
    "UnknownDrugError",
    "WarningItem",
    "all_citations",
    "all_of",
    "any_of",
    "as_patient",
    "describe_error",
    "evaluate",
    "evaluate_options",
    "format_error",
    "load_policy",
    "load_ruleset",
    "negate",
    "normalise_agent",
    "normalise_drug",
    "pathway_ids",
]
