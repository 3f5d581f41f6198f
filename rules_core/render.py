"""Plain-text rendering of decisions for a pharmacist (CLI; reusable by the chat bot)."""

from __future__ import annotations

from types import MappingProxyType

from rules_core.decision import CriterionResult, Decision, PathwayResult, SourceQuote
from rules_core.policy import SitePolicy, policy_text

MARK = MappingProxyType({"met": "✓", "not_met": "✗", "missing": "?"})
DECISION_MARK = MappingProxyType({"meets_criteria": "✓", "does_not_meet": "✗", "insufficient_documentation": "?"})
PATHWAY_LABEL = MappingProxyType({"eligible": "eligible", "not_eligible": "not eligible", "incomplete": "incomplete",
                                  "not_applicable": "not applicable"})


def contested(decision: Decision) -> str:
    """'; contested: meets per <source> (<basis>); <other source> says <stance>' when the sources disagree on the deciding pathway, else ''."""
    return "".join(f"; contested: {c.verdict}" for c in decision.conflicts)


def headline(decision: Decision) -> str:
    """The decision on one line (a renewal says so; a contested pathway shows both sides)."""
    kind = " (renewal)" if decision.request == "renewal" else ""
    if decision.decision == "meets_criteria":
        return f"{decision.drug}{kind}: MEETS CRITERIA via {decision.pathway}{contested(decision)}"
    kind = " (renewal)" if decision.request == "renewal" else ""
    if decision.decision == "does_not_meet":
        return f"{decision.drug}{kind}: DOES NOT MEET CRITERIA (no pathway eligible)"
    fields = ", ".join(m.field for m in decision.missing_facts)
    return f"{decision.drug}{kind}: INSUFFICIENT DOCUMENTATION (supply: {fields})"


def _cite(citation: SourceQuote) -> str:
    return f'{citation.doc_id} "{citation.quote}"'


def _policy_values(policy: SitePolicy, keys) -> str:
    return ", ".join(f"{key} = {policy_text(policy, key)}" for key in keys)


def _criterion_lines(c: CriterionResult, policy: SitePolicy) -> list[str]:
    lines = [f"  {MARK[c.status]} {c.statement}", f"      evidence: {c.evidence}", f"      source: {_cite(c.citation)}"]
    lines += [f"      also: {_cite(s)}" for s in c.supporting_citations]
    if c.note:
        lines.append(f"      note: {c.note}")
    if c.basis == "site_policy":
        lines.append(f"      site policy (not in the sources): {_policy_values(policy, c.policy_keys)}")
    return lines


def _pathway_lines(p: PathwayResult, policy: SitePolicy) -> list[str]:
    lines = [f"[{PATHWAY_LABEL[p.status]}] {p.name or p.id} ({p.id}): {p.title}"]
    for c in p.criteria:
        lines += _criterion_lines(c, policy)
    return lines


def render_decision(decision: Decision) -> str:
    policy = decision.policy
    lines = [
        headline(decision),
        f"ruleset {decision.ruleset.id} {decision.ruleset.version} ({decision.ruleset.fingerprint})",
        f"site policy: {_policy_values(policy, type(policy).model_fields)}",
    ]
    if decision.decision_id:
        lines.append(f"decision id: {decision.decision_id}")
    for pathway in decision.pathways:
        lines += ["", *_pathway_lines(pathway, policy)]
    for conflict in decision.conflicts:
        lines += ["", f"Sources disagree ({conflict.topic}):"]
        lines += [f'  - {p.doc_id} ({p.stance}): "{p.quote}"' for p in conflict.positions]
    if decision.missing_documentation:
        lines += ["", "Missing documentation:", *(f"  - {m}" for m in decision.missing_documentation)]
    if decision.warnings:
        lines += ["", "Warnings:"]
        for w in decision.warnings:
            lines.append(f"  ! {w.text}")
            lines += [f"      source: {_cite(c)}" for c in w.citations]
    return "\n".join(lines)


def _reason(decision: Decision) -> str:
    if decision.decision == "meets_criteria":
        return f"meets criteria ({decision.pathway}){contested(decision)}"
    if decision.decision == "insufficient_documentation":
        return "insufficient documentation; supply " + ", ".join(m.field for m in decision.missing_facts)
    failed = [
        f"{p.id.split('.', 1)[1]}: {next(c.evidence for c in p.criteria if c.status == 'not_met')}"
        for p in decision.pathways
        if p.status == "not_eligible"
    ]
    return "does not meet; " + " | ".join(failed)


def render_options(decisions: list[Decision]) -> str:
    width = max(len(d.drug) for d in decisions)
    lines = ["Options in the sources' sequence (ESAs lead only when they meet criteria):"]
    for d in decisions:
        lines.append(f"  {DECISION_MARK[d.decision]} {d.drug:<{width}}  {_reason(d)}")
        if d.decision != "does_not_meet":
            lines += [f"      ! {w.text}" for w in d.warnings]
    missing = list(dict.fromkeys(m for d in decisions for m in d.missing_documentation))
    if missing:
        lines += ["", "Missing documentation (any option):", *(f"  - {m}" for m in missing)]
    return "\n".join(lines)
