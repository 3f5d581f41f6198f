"""A rules-core Decision in the chat's words: the verdict, each pathway's status and reason, and what to ask.

Readers see no internal ids: names and reasons come from ``rules_core.plain`` (the ruleset's
plain pathway names, agent ids as words, a documentation check said once), shared with the
Medical necessity tab and the report. The wording avoids the phrases the guard's decision_verdict
rail reads as a verdict ("is not eligible", "does not meet") except in the verdict line itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rules_core import plain as words
from rules_core.decision import CriterionResult, Decision, MissingFact, PathwayResult, SourceQuote

MARK = {"met": "✓", "not_met": "✗", "missing": "?"}
VERDICT = {
    "meets_criteria": "meets the medical-necessity criteria",
    "does_not_meet": "does not meet the medical-necessity criteria",
    "insufficient_documentation": "cannot be decided yet: documentation is missing",
}
Cite = Callable[[SourceQuote], int]


def plain(text: str) -> str:
    """Agent ids inside a text as words ('epoetin_alfa' -> 'epoetin alfa')."""
    return words.plain_text(text)


def pathway_words(pathway: PathwayResult) -> str:
    """The pathway by the ruleset's plain name (rules_core.plain.pathway_name)."""
    return plain(words.pathway_name(pathway))


def verdict_lines(decision: Decision, cite: Cite) -> list[str]:
    """The verdict, then each pathway of this request: the decisive one with every criterion,
    the others with the reason they do not apply to this patient."""
    contested = "".join(f"; contested: {c.verdict}" for c in decision.conflicts)
    renewal = " (renewal)" if decision.request == "renewal" else ""
    chosen = next((p for p in decision.pathways if p.id == decision.pathway), None)
    lines = [f"Verdict: {words.drug_name(decision.drug)}{renewal} {VERDICT[decision.decision]}"
             + (f" (pathway: {pathway_words(chosen)}){contested}." if chosen else ".")]
    for pathway in decision.pathways:
        if pathway.status == "not_applicable":
            continue  # a pathway for the other kind of request (initial vs renewal)
        if chosen is not None and pathway is not chosen:
            lines.append(_pathway_reason(pathway, cite))
            continue
        lines.append(f"Pathway: {pathway_words(pathway)} — {pathway.status.replace('_', ' ')}:")
        lines.extend(criterion_line(c, cite) for c in pathway.criteria)
    return lines


def criterion_line(criterion: CriterionResult, cite: Cite) -> str:
    """'✓ statement — evidence [n]'; a documentation check met says its statement once."""
    mark, n = MARK[criterion.status], cite(criterion.citation)
    evidence = words.shown_evidence(criterion)
    if criterion.kind == "documentation" and criterion.status == "met" or _same(criterion.statement, evidence):
        return f"{mark} {plain(criterion.statement)} [{n}]"
    return f"{mark} {plain(criterion.statement)} — {evidence} [{n}]"


def _pathway_reason(pathway: PathwayResult, cite: Cite) -> str:
    """One line: a pathway other than the decisive one, and what settles it for this patient."""
    head = f"Pathway: {pathway_words(pathway)} — {pathway.status.replace('_', ' ')}"
    blocking = words.blocking_criteria(pathway)
    if blocking:
        return f"{head}, because: {criterion_line(blocking[0], cite)}"
    missing = [c for c in pathway.criteria if c.status == "missing"]
    if missing:
        return f"{head}, not documented: " + "; ".join(_missing_words(c) for c in missing) + "."
    return head + "."


def _missing_words(criterion: CriterionResult) -> str:
    labels = [m.label for m in criterion.missing_facts] or [criterion.statement]
    return ", ".join(plain(label) for label in labels)


def facts_to_ask(decision: Decision) -> list[MissingFact]:
    """The facts the verdict waits on: those of the first pathway, in decision order, that documentation
    could still make eligible. Facts only a later pathway needs are asked once this one is settled."""
    for pathway in decision.pathways:
        if pathway.status != "incomplete":
            continue
        wanted = {m.field: m for c in pathway.criteria if c.status == "missing" for m in c.missing_facts}
        if wanted:
            return list(wanted.values())
    return list(decision.missing_facts)


def ask_text(drug: str, missing: list[MissingFact]) -> str:
    """'To check luspatercept I need: serum erythropoietin level; ...' in the fact labels' words."""
    return f"To check {words.drug_name(drug)} I need: " + "; ".join(plain(m.label) for m in missing) + "."


def _same(statement: str, evidence: str) -> bool:
    def words(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.lower()))

    return words(statement) == words(evidence)
