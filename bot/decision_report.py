"""A medical-necessity decision as a report a pharmacist can file and a payer accepts: Markdown and PDF.

Both formats are rendered from one :class:`Report` built from the rules-core Decision(s) and the
patient facts, so they always say the same thing: who and what the request is (patient reference,
prescriber, reviewer, date of review, request type, decision id), the verdict in plain words and the
notice that this is decision support, the patient facts (documented or not, by their labels), every
criterion of every pathway with its status, evidence and cited source quote, why a pathway is not
open, the missing documentation, warnings, conflicts between the sources, the site-policy values,
the ruleset and a signature line. No ids a reader has to decode. The all-drugs report ("check all
drugs") is the same report with a table of the options first.

Used by the web app (downloads) and reusable by the CLI. No heavy imports. The parts read from a
decision: bot/report_sections.py; the patient facts: bot/report_facts.py. The files:
bot/report_files.py (Markdown) and bot/report_pdf.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from bot.report_facts import as_dict, report_patient_rows
from bot.report_sections import PathwaySection, conflict_rows, pathway_sections, source_rows, warning_rows
from rules_core import plain

DECISION_LABEL = {
    "meets_criteria": "MEETS CRITERIA",
    "does_not_meet": "DOES NOT MEET CRITERIA",
    "insufficient_documentation": "INSUFFICIENT DOCUMENTATION",
}
STATUS_SYMBOL = {"met": "✓", "not_met": "✗", "missing": "?"}
STATUS_WORD = {"met": "met", "not_met": "not met", "missing": "missing"}
PATHWAY_WORD = {"eligible": "eligible", "not_eligible": "not eligible", "incomplete": "incomplete"}
REQUEST_WORD = {"initial": "Initial request", "renewal": "Renewal (continuation of an ongoing therapy)"}
NOTICE = "Decision support, not a substitute for clinical judgement."
DISCLAIMER = (
    "Applies the ruleset's criteria, each quoted from the shipped source documents, to the documented "
    "patient facts. It supports, and does not replace, clinical and pharmacy judgement."
)
SIGNATURE = ("Reviewed by (name, signature)", "Date")
NOT_GIVEN = "not given"


@dataclass(frozen=True)
class RequestDetails:
    """Who and what the request is about; all optional (the form's "Request" fields)."""

    patient_ref: str | None = None
    prescriber: str | None = None
    reviewer: str | None = None

    @classmethod
    def of(cls, **values: Any) -> RequestDetails:
        return cls(**{k: (str(v).strip() or None) if v is not None else None for k, v in values.items()})


@dataclass(frozen=True)
class Report:
    title: str
    decision: str
    decision_label: str
    summary: str
    header: list[tuple[str, str]]
    patient: list[tuple[str, str]]
    pathways: list[PathwaySection]
    missing: list[str]
    warnings: list[tuple[str, str]]  # (text, source)
    sources: list[str]
    generated_at: str
    notes: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, list[str]]] = field(default_factory=list)  # (topic, "document (stance): “quote”")
    policy: list[tuple[str, str]] = field(default_factory=list)  # (plain label, value with unit)
    options: list[tuple[str, str, str]] = field(default_factory=list)  # all-drugs report: (drug, decision, why)
    notice: str = NOTICE
    signature: tuple[str, ...] = SIGNATURE


# --- building ---------------------------------------------------------------------------------


def build_report(
    decision: Any,
    patient: Any,
    *,
    requested_drug: str | None = None,
    generated_at: datetime | None = None,
    details: RequestDetails | None = None,
) -> Report:
    """Decision (model or dict) + patient facts (model or dict) → the report's content."""
    d = as_dict(decision)
    when = _timestamp(generated_at)
    drug = plain.drug_name(d["drug"])
    asked = f" (requested as “{requested_drug}”)" if requested_drug and requested_drug not in (d["drug"], drug) else ""
    chosen = plain.chosen_pathway(d)
    header = _request_header(details, when, d.get("request", "initial"), d.get("decision_id"))
    header += [
        ("Drug", drug + asked),
        ("Decision", DECISION_LABEL.get(d["decision"], d["decision"])),
        ("Pathway", plain.pathway_name(chosen) if chosen is not None else "none eligible"),
    ]
    header += _ruleset_rows(d)
    return Report(
        title=f"Medical-necessity decision: {drug}",
        decision=d["decision"],
        decision_label=DECISION_LABEL.get(d["decision"], d["decision"]),
        summary=" ".join([plain.verdict_sentence(d), *(plain.reasons(d) if d["decision"] != "meets_criteria" else [])]),
        header=header,
        patient=report_patient_rows(patient),
        pathways=pathway_sections(d),
        missing=plain.missing_labels(d),
        warnings=warning_rows(d),
        sources=source_rows(d),
        generated_at=when,
        notes=[DISCLAIMER],
        conflicts=conflict_rows(d),
        policy=plain.policy_rows(d.get("policy") or {}),
    )


def build_options_report(
    decisions: Sequence[Any], patient: Any, *, generated_at: datetime | None = None, details: RequestDetails | None = None
) -> Report:
    """"Check all drugs" as one report: the options table, then each drug's pathways and criteria."""
    ds = [as_dict(d) for d in decisions]
    when = _timestamp(generated_at)
    pathways = [
        PathwaySection(f"{plain.drug_name(d['drug'])}: {p.name}", p.basis, p.status, p.rows, p.blocked_by)
        for d in ds
        for p in pathway_sections(d)
    ]
    first = ds[0] if ds else {}
    return Report(
        title="Medical-necessity options: all supported drugs",
        decision="options",
        decision_label=f"{sum(d['decision'] == 'meets_criteria' for d in ds)} of {len(ds)} drugs meet the criteria",
        summary="Every supported drug checked against the same patient facts, in the sources' sequence.",
        header=_request_header(details, when, None, None)[:4] + _ruleset_rows(first),
        patient=report_patient_rows(patient),
        pathways=pathways,
        missing=list(dict.fromkeys(m for d in ds for m in plain.missing_labels(d))),
        warnings=[(f"{plain.drug_name(d['drug'])}: {text}", source) for d in ds for text, source in warning_rows(d)],
        sources=source_rows(first),
        generated_at=when,
        notes=[DISCLAIMER],
        conflicts=[c for d in ds for c in conflict_rows(d)],
        policy=plain.policy_rows(first.get("policy") or {}),
        options=[(plain.drug_name(d["drug"]), DECISION_LABEL.get(d["decision"], d["decision"]).lower(),
                  plain.options_reason(d)) for d in ds],
    )


def _request_header(details: RequestDetails | None, when: str, request: str | None, decision_id: str | None) -> list[tuple[str, str]]:
    details = details or RequestDetails()
    rows = [
        ("Patient reference", details.patient_ref or NOT_GIVEN),
        ("Prescriber", details.prescriber or NOT_GIVEN),
        ("Reviewer", details.reviewer or NOT_GIVEN),
        ("Date of review", when),
    ]
    if request is not None:
        rows.append(("Request type", REQUEST_WORD.get(request, request)))
        rows.append(("Decision id", decision_id or "not recorded"))
    return rows


def _ruleset_rows(d: Mapping[str, Any]) -> list[tuple[str, str]]:
    ruleset = d.get("ruleset") or {}
    return [
        ("Ruleset", f"{ruleset.get('id', '?')} version {ruleset.get('version', '?')}"),
        ("Ruleset fingerprint", str(ruleset.get("fingerprint", "?"))),
    ]


def _timestamp(when: datetime | None) -> str:
    when = when or datetime.now(timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
