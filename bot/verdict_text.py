"""A rules-core Decision in the chat's words: the verdict, each pathway's status and reason, and what to ask.

Readers see no internal ids: pathways are named by their title (without the trailing
source note), drugs by their lexicon label. The wording avoids the phrases the guard's
decision_verdict rail reads as a verdict ("is not eligible", "does not meet") except in
the verdict line itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from corpus.lexicon import load_lexicon
from rules_core import SUPPORTED_DRUGS
from rules_core.decision import CriterionResult, Decision, MissingFact, PathwayResult, SourceQuote

MARK = {"met": "✓", "not_met": "✗", "missing": "?"}
VERDICT = {
    "meets_criteria": "meets the medical-necessity criteria",
    "does_not_meet": "does not meet the medical-necessity criteria",
    "insufficient_documentation": "cannot be decided yet: documentation is missing",
}
_SOURCE_NOTE = re.compile(r"\s*\([^()]*\)\s*$")  # a trailing "(document: trial)" note: where it comes from
Cite = Callable[[SourceQuote], int]


def plain(text: str) -> str:
    """Drug ids written as their names ('epoetin_alfa' -> 'epoetin alfa')."""
    lexicon = load_lexicon()
    for drug in SUPPORTED_DRUGS:
        if "_" in drug:
            text = re.sub(rf"\b{re.escape(drug)}\b", lexicon.label(drug), text)
    return text


def pathway_words(pathway: PathwayResult) -> str:
    """The pathway in words: the ruleset's plain ``name`` where the pathway has one, else its title
    without the source note, else its id's last part."""
    named = getattr(pathway, "name", "") or ""
    if named.strip():
        return plain(named.strip())
    words = _SOURCE_NOTE.sub("", pathway.title or "").strip()
    if not words:
        words = pathway.id.rsplit(".", 1)[-1].replace("_", " ")
    return plain(words[:1].lower() + words[1:] if not words[:2].isupper() else words)


def verdict_lines(decision: Decision, cite: Cite) -> list[str]:
    """The verdict, then each pathway of this request: the decisive one with every criterion,
    the others with the reason they do not apply to this patient."""
    contested = "".join(f"; contested: {c.verdict}" for c in decision.conflicts)
    renewal = " (renewal)" if decision.request == "renewal" else ""
    chosen = next((p for p in decision.pathways if p.id == decision.pathway), None)
    lines = [f"Verdict: {plain(decision.drug)}{renewal} {VERDICT[decision.decision]}"
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
    if criterion.kind == "documentation" and criterion.status == "met" or _same(criterion.statement, criterion.evidence):
        return f"{mark} {plain(criterion.statement)} [{n}]"
    return f"{mark} {plain(criterion.statement)} — {plain(criterion.evidence)} [{n}]"


def _pathway_reason(pathway: PathwayResult, cite: Cite) -> str:
    """One line: a pathway other than the decisive one, and what settles it for this patient."""
    head = f"Pathway: {pathway_words(pathway)} — {pathway.status.replace('_', ' ')}"
    blocking = [c for c in pathway.criteria if c.status == "not_met"]
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
    return f"To check {plain(drug)} I need: " + "; ".join(plain(m.label) for m in missing) + "."


def _same(statement: str, evidence: str) -> bool:
    def words(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.lower()))

    return words(statement) == words(evidence)
