"""A decision in plain words for the people who read it: drug and pathway names, why a pathway
is not open, the verdict as a sentence. No ids ("luspatercept.second_line", "epoetin_alfa").

Shared by the readable renderer, the web app and the PDF report. Works on a ``Decision`` or its
JSON (``model_dump(mode="json")``), so every view says the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

VERDICT_WORDS = {
    "meets_criteria": "meets the medical-necessity criteria",
    "does_not_meet": "does not meet the medical-necessity criteria",
    "insufficient_documentation": "cannot be decided: documentation is missing",
}


def get(item: Any, key: str, default: Any = None) -> Any:
    """A field of a model, a dataclass or its JSON dict."""
    if isinstance(item, Mapping):
        return item.get(key, default)
    return getattr(item, key, default)


def drug_name(drug: str) -> str:
    """'epoetin_alfa' → 'epoetin alfa'."""
    return str(drug).replace("_", " ")


@lru_cache(maxsize=1)
def _agent_ids() -> re.Pattern[str]:
    from rules_core import KNOWN_AGENTS, SUPPORTED_DRUGS

    ids = sorted({a for a in (*KNOWN_AGENTS, *SUPPORTED_DRUGS) if "_" in a}, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(map(re.escape, ids)) + r")\b") if ids else re.compile(r"(?!)")


def plain_text(text: str) -> str:
    """Agent ids inside a rules-core sentence as words ('prior ESA: epoetin_alfa' → '… epoetin alfa')."""
    return _agent_ids().sub(lambda m: drug_name(m.group(1)), str(text))


def pathway_name(pathway: Any) -> str:
    """The ruleset's plain name of a pathway (its title, then its id, for data without one)."""
    return str(get(pathway, "name") or get(pathway, "title") or get(pathway, "id", ""))


def chosen_pathway(decision: Any) -> Any:
    chosen = get(decision, "pathway")
    return next((p for p in get(decision, "pathways", []) if get(p, "id") == chosen), None)


def blocking_criteria(pathway: Any) -> list[Any]:
    """The criteria that close a not-eligible pathway."""
    return [c for c in get(pathway, "criteria", []) if get(c, "status") == "not_met"]


def criterion_reason(criterion: Any) -> str:
    """'Serum EPO < 500 U/L: not met (serum EPO 620 U/L ≥ 500 U/L)'."""
    evidence = shown_evidence(criterion)
    return f"{plain_text(get(criterion, 'statement'))}: not met" + (f" ({evidence})" if evidence else "")


def blocking_reason(pathway: Any) -> str:
    """Why a not-eligible pathway is closed, in the criteria's own words; '' when it is not closed."""
    return "; ".join(criterion_reason(c) for c in blocking_criteria(pathway))


def shown_evidence(criterion: Any) -> str:
    """The evidence as a reader needs it: a documentation check says only whether the fact is on file
    (its statement already names the fact: no "X documented — X documented")."""
    status = get(criterion, "status")
    if get(criterion, "kind") == "documentation":
        return {"met": "on file", "missing": "not on file"}.get(status, plain_text(get(criterion, "evidence", "")))
    return plain_text(get(criterion, "evidence", ""))


def missing_labels(decision: Any) -> list[str]:
    """What to supply, as labels ('serum erythropoietin level'), never field paths."""
    facts = get(decision, "missing_facts") or []
    return list(dict.fromkeys(str(get(f, "label") or get(f, "field")) for f in facts))


def reasons(decision: Any) -> list[str]:
    """Why the verdict is what it is, one line per applicable pathway or missing fact."""
    verdict = get(decision, "decision")
    if verdict == "meets_criteria":
        pathway = chosen_pathway(decision)
        return [f"Eligible: {pathway_name(pathway)}." if pathway is not None else "Eligible."]
    if verdict == "insufficient_documentation":
        return [f"Provide: {', '.join(missing_labels(decision))}."]
    return [
        f"{pathway_name(p)[:1].upper()}{pathway_name(p)[1:]}: {blocking_reason(p)}."
        for p in get(decision, "pathways", [])
        if get(p, "status") == "not_eligible"
    ]


def verdict_sentence(decision: Any) -> str:
    """'Luspatercept meets the medical-necessity criteria (second line after ESA failure or ineligibility).'"""
    drug = drug_name(get(decision, "drug"))
    verdict = get(decision, "decision")
    sentence = f"{drug[:1].upper()}{drug[1:]} {VERDICT_WORDS.get(verdict, verdict)}"
    pathway = chosen_pathway(decision)
    if pathway is not None:
        sentence += f" ({pathway_name(pathway)})"
    contested = "; ".join(plain_text(get(c, "verdict")) for c in get(decision, "conflicts") or [])
    return sentence + (f"; the sources disagree: {contested}" if contested else "") + "."


def options_reason(decision: Any) -> str:
    """Short plain words for a drug in "check all drugs": the pathway, what closes each pathway (the
    patient's values against the threshold), or what is missing."""
    if get(decision, "decision") != "does_not_meet":
        return " ".join(reasons(decision))
    closed = [p for p in get(decision, "pathways", []) if get(p, "status") == "not_eligible"]
    return " ".join(
        f"{pathway_name(p)[:1].upper()}{pathway_name(p)[1:]}: not met, "
        + "; ".join(shown_evidence(c) for c in blocking_criteria(p)) + "."
        for p in closed
    )


def policy_rows(policy: Mapping[str, Any] | Any) -> list[tuple[str, str]]:
    """(plain label, value with unit) for each site-policy value a decision applied."""
    from rules_core.policy import SitePolicy

    values = policy.model_dump() if hasattr(policy, "model_dump") else dict(policy or {})
    rows = []
    for key, value in values.items():
        info = SitePolicy.model_fields.get(key)
        extra = info.json_schema_extra if info is not None and isinstance(info.json_schema_extra, dict) else {}
        shown = str(int(value)) if float(value).is_integer() else f"{float(value):g}"
        label = info.title if info is not None and info.title else key.replace("_", " ")
        rows.append((label, f"{shown} {extra.get('unit', '')}".strip()))
    return rows
