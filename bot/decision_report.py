"""A medical-necessity decision as a report a pharmacist can file and a payer accepts: Markdown and PDF.

Both formats are rendered from one :class:`Report` built from the rules-core Decision(s) and the
patient facts, so they always say the same thing: who and what the request is (patient reference,
prescriber, reviewer, date of review, request type, decision id), the verdict in plain words and the
notice that this is decision support, the patient facts (documented or not, by their labels), every
criterion of every pathway with its status, evidence and cited source quote, why a pathway is not
open, the missing documentation, warnings, conflicts between the sources, the site-policy values,
the ruleset and a signature line. No ids a reader has to decode. The all-drugs report ("check all
drugs") is the same report with a table of the options first.

Used by the web app (downloads) and reusable by the CLI. No heavy imports. The files: bot/report_files.py
(Markdown) and bot/report_pdf.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

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
class CriterionRow:
    status: str  # met | not_met | missing
    statement: str
    evidence: str
    source: str  # "000 Short title: “quote”"
    note: str | None = None


@dataclass(frozen=True)
class PathwaySection:
    name: str  # plain words: "second line after ESA failure or ineligibility"
    basis: str  # the ruleset's title, with its sources
    status: str
    rows: list[CriterionRow]
    blocked_by: str = ""  # why a not-eligible pathway is closed


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
        patient=patient_rows(_patient_dict(patient)),
        pathways=_pathway_sections(d),
        missing=plain.missing_labels(d),
        warnings=_warnings(d),
        sources=_sources(d),
        generated_at=when,
        notes=[DISCLAIMER],
        conflicts=_conflicts(d),
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
        for p in _pathway_sections(d)
    ]
    first = ds[0] if ds else {}
    return Report(
        title="Medical-necessity options: all supported drugs",
        decision="options",
        decision_label=f"{sum(d['decision'] == 'meets_criteria' for d in ds)} of {len(ds)} drugs meet the criteria",
        summary="Every supported drug checked against the same patient facts, in the sources' sequence.",
        header=_request_header(details, when, None, None)[:4] + _ruleset_rows(first),
        patient=patient_rows(_patient_dict(patient)),
        pathways=pathways,
        missing=list(dict.fromkeys(m for d in ds for m in plain.missing_labels(d))),
        warnings=[(f"{plain.drug_name(d['drug'])}: {text}", source) for d in ds for text, source in _warnings(d)],
        sources=_sources(first),
        generated_at=when,
        notes=[DISCLAIMER],
        conflicts=[c for d in ds for c in _conflicts(d)],
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


def _pathway_sections(d: Mapping[str, Any]) -> list[PathwaySection]:
    shorts = short_titles()
    return [
        PathwaySection(
            name=plain.pathway_name(p),
            basis=p.get("title", ""),
            status=p["status"],
            rows=[_criterion_row(c, shorts) for c in p.get("criteria", [])],
            blocked_by=plain.blocking_reason(p) if p["status"] == "not_eligible" else "",
        )
        for p in d.get("pathways", [])
        if p["status"] != "not_applicable"
    ]


def _warnings(d: Mapping[str, Any]) -> list[tuple[str, str]]:
    shorts = short_titles()
    return [
        (plain.plain_text(w["text"]), " / ".join(_source_text(c, shorts) for c in w.get("citations") or [w["citation"]]))
        for w in d.get("warnings", [])
    ]


def _conflicts(d: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    shorts = short_titles()
    return [
        (c["topic"], [f"{_doc_label(p['doc_id'], shorts)} ({p['stance']}): “{p['quote']}”" for p in c.get("positions", [])])
        for c in d.get("conflicts") or []
    ]


def _sources(d: Mapping[str, Any]) -> list[str]:
    titles = document_titles()
    cited = set((d.get("ruleset") or {}).get("sources") or titles)
    return [f"{doc_id.split('_', 1)[0]}: {title}" for doc_id, title in titles.items() if doc_id in cited]


def patient_rows(facts: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every patient field of the rules core, documented or not, by its label, in the model's order."""
    fields, labels = _patient_fields()
    rows = [(labels.get(name, name.replace("_", " ")), format_fact(name, facts.get(name))) for name in fields]
    rows += [(name, format_fact(name, facts[name])) for name in facts if name not in fields]  # never drop input
    return rows


def format_fact(name: str, value: Any) -> str:
    if value is None:
        return "not documented"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping) and "value" in value:
        return f"{_number(value['value'])} {value.get('unit', '')}".strip()
    if name == "therapies" and isinstance(value, Sequence) and not isinstance(value, str):
        if not value:
            return "none (no prior therapy documented as given)"
        return "; ".join(f"{i}. {_therapy(t)}" for i, t in enumerate(value, 1))
    if isinstance(value, (int, float)):
        text = _number(value)
        return f"{text}%" if name.endswith("_pct") else text
    return str(value).replace("_", " ")


def _therapy(therapy: Mapping[str, Any]) -> str:
    parts = [plain.drug_name(therapy.get("agent", "?"))]
    if therapy.get("weeks") is not None:
        parts.append(f"{therapy['weeks']} weeks")
    if therapy.get("response") is not None:
        parts.append(f"response {therapy['response']}")
    if therapy.get("iron_replete") is not None:
        parts.append("iron replete" if therapy["iron_replete"] else "not iron replete")
    if therapy.get("ongoing"):
        parts.append("ongoing")
    return ", ".join(parts)


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _criterion_row(c: Mapping[str, Any], shorts: Mapping[str, str]) -> CriterionRow:
    sources = [_source_text(c["citation"], shorts)]
    sources += [_source_text(s, shorts) for s in c.get("supporting_citations", [])]
    return CriterionRow(
        status=c["status"],
        statement=plain.plain_text(c["statement"]),
        evidence=plain.shown_evidence(c),
        source=" / ".join(sources),
        note=_note_with_policy(c),
    )


def _note_with_policy(c: Mapping[str, Any]) -> str | None:
    """The ruleset's note, plus a pointer to the site-policy values (not in the sources) the criterion applies."""
    if c.get("basis") != "site_policy":
        return c.get("note")
    policy = "Applies a site-policy value (see Site policy), not stated in the sources."
    return f"{c['note']} {policy}" if c.get("note") else policy


def _doc_label(doc_id: str, shorts: Mapping[str, str]) -> str:
    return f"{doc_id.split('_', 1)[0]} {shorts.get(doc_id, doc_id)}"


def _source_text(citation: Mapping[str, Any], shorts: Mapping[str, str]) -> str:
    return f"{_doc_label(citation['doc_id'], shorts)}: “{citation['quote']}”"


@lru_cache(maxsize=1)
def _documents() -> tuple[tuple[str, str, str, str | None], ...]:
    """(id, title, short title, stated date) of each shipped document, from the manifest."""
    from corpus.ingest import MANIFEST
    from corpus.models import load_manifest

    return tuple((d.id, d.title, d.short_title, d.stated_date) for d in load_manifest(MANIFEST).documents)


def document_titles() -> dict[str, str]:
    """doc_id → "Title (stated date …)"."""
    return {
        doc_id: f"{title} (stated date {stated})" if stated else f"{title} (no date stated)"
        for doc_id, title, _, stated in _documents()
    }


def short_titles() -> dict[str, str]:
    """doc_id → the short title its manifest entry declares."""
    return {doc_id: short for doc_id, _, short, _ in _documents()}


@lru_cache(maxsize=1)
def _patient_fields() -> tuple[tuple[str, ...], dict[str, str]]:
    from rules_core.facts import PatientFacts

    return tuple(PatientFacts.model_fields), {n: f.title or n for n, f in PatientFacts.model_fields.items()}


def _patient_dict(patient: Any) -> dict[str, Any]:
    """Validated facts (brand names normalised, units canonical) when they validate; else as given."""
    if patient is None or hasattr(patient, "model_dump"):
        return as_dict(patient)
    from pydantic import ValidationError

    from rules_core.facts import PatientFacts

    try:
        return PatientFacts.model_validate(dict(patient)).model_dump(mode="json")
    except ValidationError:
        return dict(patient)


def as_dict(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return dict(value)


def _timestamp(when: datetime | None) -> str:
    when = when or datetime.now(timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
