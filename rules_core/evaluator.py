"""Evaluation: patient facts + a drug's rules → an auditable Decision."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from rules_core.criteria import DrugRules, Fact, Outcome, Pathway
from rules_core.decision import Decision, MissingFact, PathwayResult, WarningItem
from rules_core.derived import Facts
from rules_core.drugs import ESAS, SUPPORTED_DRUGS, normalise_drug
from rules_core.facts import PatientFacts
from rules_core.logic import MET, MISSING, NOT_MET, all_of
from rules_core.policy import SitePolicy
from rules_core.ruleset import DEFAULT, RULES, Ruleset, load_ruleset

_PATHWAY_STATUS = {MET: "eligible", NOT_MET: "not_eligible", MISSING: "incomplete"}


def as_patient(patient: PatientFacts | Mapping[str, Any]) -> PatientFacts:
    """Validate a dict (raises pydantic ValidationError; see errors.format_error)."""
    if isinstance(patient, PatientFacts):
        return patient
    return PatientFacts.model_validate(patient)


def ruleset_for(policy: SitePolicy | None) -> Ruleset:
    """The shipped rules under ``policy`` (None: the shipped defaults)."""
    return DEFAULT if policy is None else load_ruleset(policy)


def evaluate(drug: str, patient: PatientFacts | Mapping[str, Any], policy: SitePolicy | None = None) -> Decision:
    """Is ``drug`` (generic or brand) medically necessary for this patient (under this site policy)?"""
    ruleset = ruleset_for(policy)
    rules = ruleset.rules[normalise_drug(drug)]
    return decide(rules, ruleset.derive(as_patient(patient)), ruleset)


def evaluate_options(patient: PatientFacts | Mapping[str, Any], policy: SitePolicy | None = None) -> list[Decision]:
    """Every supported drug, in the sources' sequence; ESAs lead only when they meet criteria."""
    ruleset = ruleset_for(policy)
    facts = ruleset.derive(as_patient(patient))
    decisions = [decide(ruleset.rules[drug], facts, ruleset) for drug in SUPPORTED_DRUGS]
    leading = [d for d in decisions if d.drug not in ESAS or d.decision == "meets_criteria"]
    trailing = [d for d in decisions if d.drug in ESAS and d.decision != "meets_criteria"]
    ranked = leading + trailing
    # The sources' preferences for this patient (ruleset options_first, e.g. lenalidomide in del(5q)).
    first = [drug for condition, drug in ruleset.options_first if condition(facts) is not None]
    return sorted(ranked, key=lambda d: first.index(d.drug) if d.drug in first else len(first))


def pathway_ids(drug: str) -> list[str]:
    """Pathway ids of a drug (generic or brand), in decision order."""
    return [pathway.id for pathway in RULES[normalise_drug(drug)].pathways]


@dataclass(frozen=True, slots=True)
class RuleCitation:
    """One cited rule, for the chat guard: which rule, which document, which words."""

    rule_id: str
    kind: str  # "criterion" | "warning"
    doc_id: str
    quote: str
    role: str  # "primary" | "supporting"


def all_citations() -> list[RuleCitation]:
    """Every citation of every criterion and warning of every drug."""
    out: list[RuleCitation] = []
    for rules in RULES.values():
        for pathway in rules.pathways:
            for c in pathway.criteria:
                out.append(RuleCitation(c.id, "criterion", c.citation.doc_id, c.citation.quote, "primary"))
                out.extend(RuleCitation(c.id, "criterion", s.doc_id, s.quote, "supporting") for s in c.supporting)
        for w in rules.warnings:
            out.extend(
                RuleCitation(w.id, "warning", cit.doc_id, cit.quote, "primary" if i == 0 else "supporting")
                for i, cit in enumerate(w.citations)
            )
    return out


# --- decision --------------------------------------------------------------------------------

class DecisionParts(NamedTuple):
    """A decision's fields (the names of Decision's), before any model is built: what a batch serialises."""

    drug: str
    decision: str
    pathway: str | None
    request: str
    summary: str
    pathways: list[PathwayResult]
    missing_documentation: list[str]
    missing_facts: list[MissingFact]
    warnings: list[WarningItem]
    conflicts: list


def decide(rules: DrugRules, facts: Facts, ruleset: Ruleset = DEFAULT) -> Decision:
    # Built from the compiled ruleset's typed parts: validating them again per decision was
    # a third of a batch's time (tests/test_rules_batch.py compares with a validated Decision).
    return Decision.model_construct(**decide_parts(rules, facts)._asdict(), ruleset=ruleset.info, policy=ruleset.policy)


def decide_parts(rules: DrugRules, facts: Facts) -> DecisionParts:
    request = "renewal" if rules.drug in facts.ongoing else "initial"
    evaluated = [
        _evaluate_pathway(pathway, facts) if pathway.request == request else (pathway.not_applicable, ())
        for pathway in rules.pathways
    ]
    results = [result for result, _ in evaluated]
    chosen = next((r.id for r in results if r.status == "eligible"), None)
    conflicts = [note for pathway, note in rules.conflicts if pathway == chosen] if rules.conflicts else []
    if chosen is not None:
        verdict, missing = "meets_criteria", []
    elif any(r.status == "incomplete" for r in results):
        verdict = "insufficient_documentation"
        missing = _missing_facts(outcomes for result, outcomes in evaluated if result.status == "incomplete")
    else:
        verdict, missing = "does_not_meet", []
    summary = _summary(rules.drug, verdict, chosen, missing, conflicts)
    return DecisionParts(rules.drug, verdict, chosen, request, summary, results, [str(m) for m in missing], missing,
                         _warnings(rules, facts, request), conflicts)


def _evaluate_pathway(pathway: Pathway, facts: Facts) -> tuple[PathwayResult, list[Outcome]]:
    outcomes = [c.check(facts) for c in pathway.criteria]
    status = _PATHWAY_STATUS[all_of([o.status for o in outcomes])]
    criteria = [c.result(o) for c, o in zip(pathway.criteria, outcomes)]  # ~15 per decision, mostly reused
    return PathwayResult(pathway.id, pathway.title, status, criteria, pathway.line_of_therapy, pathway.request,
                         pathway.name), outcomes


def _missing_facts(pathway_outcomes) -> list[MissingFact]:
    """Facts that would settle the incomplete pathways, deduplicated, in criterion order."""
    seen: dict[str, Fact] = {}
    for outcomes in pathway_outcomes:
        for outcome in outcomes:
            if outcome.status == MISSING:
                for fact in outcome.missing:
                    seen.setdefault(fact.field, fact)
    return list(seen.values())


def _warnings(rules: DrugRules, facts: Facts, request: str) -> list[WarningItem]:
    items = []
    for rule in rules.renewal_warnings if request == "renewal" else rules.initial_warnings:
        text = rule.when(facts)
        if text is not None:
            items.append(WarningItem(rule.id, text, rule.citations[0], rule.citations, rule.kind))
    return items


def _summary(drug: str, verdict: str, pathway: str | None, missing: list[MissingFact], conflicts: list) -> str:
    if conflicts:  # the sources disagree on this pathway: the verdict says so, from conflicts.yaml
        return f"{drug} {'; '.join(c.verdict for c in conflicts)} ({pathway})."
    if verdict == "meets_criteria":
        return f"{drug} meets the medical-necessity criteria ({pathway})."
    if verdict == "does_not_meet":
        return f"{drug} does not meet the medical-necessity criteria on any pathway."
    return f"{drug}: insufficient documentation; supply {', '.join(m.field for m in missing)}."
