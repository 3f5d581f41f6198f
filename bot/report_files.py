"""A decision report as files: Markdown rendered here, the PDF by bot/report_pdf.py, both written
side by side under one stem. The report's content is built once, in bot/decision_report.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.decision_report import (
    PATHWAY_WORD, STATUS_SYMBOL, STATUS_WORD, Report, RequestDetails, build_options_report, build_report,
)
from bot.report_facts import as_dict


# --- Markdown ---------------------------------------------------------------------------------


def render_markdown(report: Report) -> str:
    lines = [f"# {report.title}", "", f"**{report.decision_label}** — {markdown_cell(report.summary)}", "", f"> {report.notice}", ""]
    lines += ["| | |", "|---|---|", *(f"| {markdown_cell(k)} | {markdown_cell(v)} |" for k, v in report.header)]
    if report.options:
        lines += ["", "## Options", "", "| Drug | Decision | Why |", "|---|---|---|"]
        lines += [f"| {markdown_cell(a)} | {markdown_cell(b)} | {markdown_cell(c)} |" for a, b, c in report.options]
    lines += ["", "## Patient facts", "", "| Field | Value |", "|---|---|"]
    lines += [f"| {markdown_cell(k)} | {markdown_cell(v)} |" for k, v in report.patient]
    lines += ["", "## Criteria"]
    for p in report.pathways:
        lines += ["", f"### {markdown_cell(p.name)}: {PATHWAY_WORD.get(p.status, p.status)}", "", markdown_cell(p.basis), ""]
        if p.blocked_by:
            lines += [f"Not eligible because: {markdown_cell(p.blocked_by)}", ""]
        lines += ["| Status | Criterion | Evidence | Source |", "|---|---|---|---|"]
        for r in p.rows:
            statement = markdown_cell(r.statement) + (f"<br>*Ruleset note: {markdown_cell(r.note)}*" if r.note else "")
            status = f"{STATUS_SYMBOL.get(r.status, r.status)} {STATUS_WORD.get(r.status, r.status)}"
            lines.append(f"| {status} | {statement} | {markdown_cell(r.evidence)} | {markdown_cell(r.source)} |")
    lines += ["", "## Missing documentation", "", *([f"- [ ] {markdown_cell(m)}" for m in report.missing] or ["None."])]
    lines += ["", "## Warnings", ""]
    lines += [f"- {markdown_cell(text)} — Source: {markdown_cell(source)}" for text, source in report.warnings] or ["None."]
    lines += ["", "## Conflicts between the sources", ""]
    lines += [f"- {markdown_cell(topic)}: " + "; ".join(markdown_cell(p) for p in positions) for topic, positions in report.conflicts] or ["None."]
    lines += ["", "## Site policy (thresholds the sources do not state)", ""]
    lines += [f"- {markdown_cell(k)}: {markdown_cell(v)}" for k, v in report.policy] or ["None."]
    lines += ["", "## Source documents", "", *(f"- {markdown_cell(s)}" for s in report.sources)]
    lines += ["", "## Review", "", *(f"{label}: ______________________________" for label in report.signature)]
    lines += ["", "---", "", f"{report.notice} Generated {report.generated_at} by mdsbot. {' '.join(report.notes)}", ""]
    return "\n".join(lines)


def markdown_cell(text: str) -> str:
    """Safe inside a Markdown table cell: no pipes, no line breaks."""
    return " ".join(str(text).split()).replace("|", "\\|")


# --- files ------------------------------------------------------------------------------------


def render_pdf(report: Report) -> bytes:
    from bot.report_pdf import render_pdf as render

    return render(report)


@dataclass(frozen=True)
class ReportFiles:
    markdown: Path
    pdf: Path


def report_stem(decision: Any, generated_at: datetime | None = None) -> str:
    d = as_dict(decision)
    when = (generated_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return f"mdsbot-decision-{d['drug']}-{when:%Y%m%dT%H%M%SZ}"


def write_report(
    decision: Any,
    patient: Any,
    directory: Path,
    *,
    requested_drug: str | None = None,
    generated_at: datetime | None = None,
    details: RequestDetails | None = None,
) -> ReportFiles:
    """Write ``<stem>.md`` and ``<stem>.pdf`` into ``directory`` (created if needed)."""
    when = generated_at or datetime.now(timezone.utc)
    report = build_report(decision, patient, requested_drug=requested_drug, generated_at=when, details=details)
    return _write(report, Path(directory), report_stem(decision, when))


def write_options_report(
    decisions: Sequence[Any], patient: Any, directory: Path, *, generated_at: datetime | None = None,
    details: RequestDetails | None = None,
) -> ReportFiles:
    """The all-drugs report as ``mdsbot-options-<time>.md`` and ``.pdf``."""
    when = (generated_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    report = build_options_report(decisions, patient, generated_at=when, details=details)
    return _write(report, Path(directory), f"mdsbot-options-{when:%Y%m%dT%H%M%SZ}")


def _write(report: Report, directory: Path, stem: str) -> ReportFiles:
    directory.mkdir(parents=True, exist_ok=True)
    markdown, pdf = directory / f"{stem}.md", directory / f"{stem}.pdf"
    markdown.write_text(render_markdown(report), encoding="utf-8")
    pdf.write_bytes(render_pdf(report))
    return ReportFiles(markdown, pdf)
