"""HTML and table rows of stored decisions (the Decisions tab), with no gradio import.

A record is shown as it was decided: who and what it was for, the facts it used, the
verdict with every criterion, warnings and conflicts, and what it rested on (ruleset
version and fingerprint, site-policy values, the documents' hash).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from bot.decision_report import DECISION_LABEL
from bot.eligibility import describe_facts
from bot.records.models import DecisionRecord
from bot.verdict_text import plain
from bot.webapp.decision_html import decision_html
from bot.webapp.escape import text

TABLE_COLUMNS = ("Decision id", "Recorded (UTC)", "Where", "Drug", "Request", "Decision", "Pathway",
                 "Patient ref", "Prescriber", "Reviewer")
CSV_COLUMNS = ("id", "recorded_at", "surface", "drug", "request_type", "decision", "pathway", "summary",
               "patient_ref", "prescriber", "reviewer", "ruleset_id", "ruleset_version", "ruleset_fingerprint",
               "corpus_hash")
SURFACE_WORDS = {"cli": "command line", "batch": "batch", "app_form": "app form", "chat": "chat", "api": "API"}


def table_rows(records: Sequence[DecisionRecord]) -> list[list[str]]:
    """One row per record, newest first, in words (the id stays exact: it is what people quote)."""
    return [
        [
            r.id,
            f"{r.recorded_at:%Y-%m-%d %H:%M}",
            SURFACE_WORDS.get(r.surface, r.surface),
            plain(r.drug),
            r.request_type,
            DECISION_LABEL.get(r.decision, r.decision).capitalize(),
            _pathway_words(r),
            r.patient_ref or "",
            r.prescriber or "",
            r.reviewer or "",
        ]
        for r in records
    ]


def csv_text(records: Sequence[DecisionRecord]) -> str:
    """The records as CSV with a header row (the same columns as `mdsbot decisions list --csv` and more)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in records:
        writer.writerow(_csv_value(getattr(r, c)) for c in CSV_COLUMNS)
    return out.getvalue()


def record_html(record: DecisionRecord) -> str:
    """The record in full: header, facts used, the decision with its criteria, conflicts, what it rested on."""
    decision = {**record.decision_json, "decision_id": record.id}
    facts = describe_facts(record.patient) or ["none"]
    return "".join([
        f'<div class="mds-record" id="record-{text(record.id)}">',
        f'<h3 class="mds-record-title">Decision {text(record.id)}</h3>',
        _header_table(record),
        '<div class="mds-record-facts"><div class="mds-group-title">Patient facts used</div><ul>',
        "".join(f"<li>{text(f)}</li>" for f in facts),
        "</ul></div>",
        _conflicts_html(record.conflicts),
        decision_html(decision),
        _basis_html(record),
        "</div>",
    ])


def _header_table(record: DecisionRecord) -> str:
    rows = [
        ("Recorded", f"{record.recorded_at:%Y-%m-%d %H:%M:%S} UTC"),
        ("Made in", SURFACE_WORDS.get(record.surface, record.surface)),
        ("Drug", plain(record.drug)),
        ("Request", record.request_type),
        ("Decision", DECISION_LABEL.get(record.decision, record.decision).capitalize()),
        ("Pathway", _pathway_words(record) or "none eligible"),
        ("Patient reference", record.patient_ref or "not given"),
        ("Prescriber", record.prescriber or "not given"),
        ("Reviewer", record.reviewer or "not given"),
    ]
    body = "".join(f"<tr><th>{text(k)}</th><td>{text(v)}</td></tr>" for k, v in rows)
    return f'<table class="mds-table mds-record-head">{body}</table>'


def _conflicts_html(conflicts: Sequence[dict[str, Any]]) -> str:
    if not conflicts:
        return ""
    items = "".join(
        f"<li><b>{text(c.get('topic', ''))}</b>: {text(c.get('verdict', ''))}<ul>"
        + "".join(f"<li>{text(p.get('doc_id', ''))}: {text(p.get('stance', ''))} — “{text(p.get('quote', ''))}”</li>"
                  for p in c.get("positions", []))
        + "</ul></li>"
        for c in conflicts
    )
    return f'<div class="mds-conflict"><div class="mds-conflict-title">⚠ Sources disagree</div><ul>{items}</ul></div>'


def _basis_html(record: DecisionRecord) -> str:
    policy = ", ".join(f"{k} = {v}" for k, v in record.policy.items()) or "none"
    rows = [
        ("Ruleset", f"{record.ruleset_id} version {record.ruleset_version}"),
        ("Ruleset fingerprint", record.ruleset_fingerprint),
        ("Site-policy values", policy),
        ("Documents (corpus hash)", record.corpus_hash),
    ]
    body = "".join(f"<tr><th>{text(k)}</th><td>{text(v)}</td></tr>" for k, v in rows)
    return f'<div class="mds-group-title">What this decision rested on</div><table class="mds-table mds-record-basis">{body}</table>'


def _pathway_words(record: DecisionRecord) -> str:
    """The decisive pathway's title in words, from the stored decision (no ids)."""
    from bot.verdict_text import pathway_words
    from rules_core.decision import Decision

    if not record.pathway:
        return ""
    decision = Decision.model_validate(record.decision_json)
    chosen = next((p for p in decision.pathways if p.id == record.pathway), None)
    return pathway_words(chosen) if chosen else record.pathway


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else value
