"""A medical-necessity decision as a report a pharmacist can file: Markdown and PDF.

Both formats are rendered from one :class:`Report` built from the rules-core
Decision and the patient facts, so they always say the same thing: the patient
facts (documented or not), every criterion of every pathway with its status,
evidence and cited source quote, the missing-documentation checklist, the
warnings, the ruleset id/version/fingerprint and the time it was made.

Used by the web app (downloads) and reusable by the CLI. No heavy imports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

DECISION_LABEL = {
    "meets_criteria": "MEETS CRITERIA",
    "does_not_meet": "DOES NOT MEET CRITERIA",
    "insufficient_documentation": "INSUFFICIENT DOCUMENTATION",
}
STATUS_SYMBOL = {"met": "✓", "not_met": "✗", "missing": "?"}
STATUS_WORD = {"met": "met", "not_met": "not met", "missing": "missing"}
PATHWAY_WORD = {"eligible": "eligible", "not_eligible": "not eligible", "incomplete": "incomplete"}
DISCLAIMER = (
    "Applies the ruleset's criteria, each quoted from the shipped source documents, to the documented "
    "patient facts. It supports, and does not replace, clinical and pharmacy judgement."
)

# Candidate Unicode fonts for the PDF (≥, ✓, ✗, →). Without one, the PDF falls back to
# a core font and ASCII spellings of those symbols.
_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
)
_ASCII = {
    "≥": ">=",
    "≤": "<=",
    "✓": "[x]",
    "✗": "[ ]",
    "→": "->",
    "–": "-",
    "—": "-",
    "•": "*",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "☐": "[ ]",
}


@dataclass(frozen=True)
class CriterionRow:
    status: str  # met | not_met | missing
    criterion_id: str
    statement: str
    evidence: str
    source: str  # "000 (Title): “quote”"
    note: str | None = None


@dataclass(frozen=True)
class PathwaySection:
    id: str
    title: str
    status: str
    rows: list[CriterionRow]


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


# --- building ---------------------------------------------------------------------------------


def build_report(
    decision: Any,
    patient: Any,
    *,
    requested_drug: str | None = None,
    generated_at: datetime | None = None,
) -> Report:
    """Decision (model or dict) + patient facts (model or dict) → the report's content."""
    d = _as_dict(decision)
    facts = _patient_dict(patient)
    when = _timestamp(generated_at)
    titles = document_titles()
    shorts = short_titles()
    drug = d["drug"]
    drug_text = drug if not requested_drug or requested_drug == drug else f"{drug} (requested as “{requested_drug}”)"
    ruleset = d.get("ruleset") or {}
    pathway_titles = {p["id"]: p.get("title", "") for p in d.get("pathways", [])}
    chosen = d.get("pathway")
    header = [
        ("Drug", drug_text),
        ("Decision", DECISION_LABEL.get(d["decision"], d["decision"])),
        ("Pathway", f"{chosen} — {pathway_titles.get(chosen, '')}" if chosen else "none eligible"),
        ("Ruleset", f"{ruleset.get('id', '?')} version {ruleset.get('version', '?')}"),
        ("Ruleset fingerprint", str(ruleset.get("fingerprint", "?"))),
        ("Site policy", ", ".join(f"{k} = {v:g}" for k, v in (d.get("policy") or {}).items()) or "—"),
        ("Generated", when),
    ]
    pathways = [
        PathwaySection(
            id=p["id"],
            title=p.get("title", ""),
            status=p["status"],
            rows=[_criterion_row(c, shorts) for c in p.get("criteria", [])],
        )
        for p in d.get("pathways", [])
    ]
    warnings = [(w["text"], " / ".join(_source_text(c, shorts) for c in w.get("citations") or [w["citation"]])) for w in d.get("warnings", [])]
    cited = set(ruleset.get("sources") or titles)
    sources = [f"{doc_id}: {title}" for doc_id, title in titles.items() if doc_id in cited]
    return Report(
        title=f"Medical-necessity decision: {drug}",
        decision=d["decision"],
        decision_label=DECISION_LABEL.get(d["decision"], d["decision"]),
        summary=d.get("summary", ""),
        header=header,
        patient=patient_rows(facts),
        pathways=pathways,
        missing=list(d.get("missing_documentation", [])),
        warnings=warnings,
        sources=sources,
        generated_at=when,
        notes=[DISCLAIMER],
    )


def patient_rows(facts: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every patient field of the rules core, documented or not, in the model's order."""
    fields, labels = _patient_fields()
    rows = []
    for name in fields:
        label = labels.get(name, name.replace("_", " "))
        rows.append((f"{name} ({label})", format_fact(name, facts.get(name))))
    for name in facts:
        if name not in fields:  # never silently drop what was supplied
            rows.append((name, format_fact(name, facts[name])))
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
    return str(value)


def _therapy(therapy: Mapping[str, Any]) -> str:
    parts = [str(therapy.get("agent", "?"))]
    if therapy.get("weeks") is not None:
        parts.append(f"{therapy['weeks']} weeks")
    if therapy.get("response") is not None:
        parts.append(f"response {therapy['response']}")
    if therapy.get("iron_replete") is not None:
        parts.append("iron replete" if therapy["iron_replete"] else "not iron replete")
    return ", ".join(parts)


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _criterion_row(c: Mapping[str, Any], shorts: Mapping[str, str]) -> CriterionRow:
    sources = [_source_text(c["citation"], shorts)]
    sources += [_source_text(s, shorts) for s in c.get("supporting_citations", [])]
    return CriterionRow(
        status=c["status"],
        criterion_id=c["id"],
        statement=c["statement"],
        evidence=c.get("evidence", ""),
        source=" / ".join(sources),
        note=_note_with_policy(c),
    )


def _note_with_policy(c: Mapping[str, Any]) -> str | None:
    """The ruleset's note, plus which site-policy values (not in the sources) the criterion applies."""
    if c.get("basis") != "site_policy":
        return c.get("note")
    policy = f"Site policy, not in the sources: {', '.join(c.get('policy_keys', []))}."
    return f"{c['note']} {policy}" if c.get("note") else policy


def _source_text(citation: Mapping[str, Any], shorts: Mapping[str, str]) -> str:
    doc_id = citation["doc_id"]
    number = doc_id.split("_", 1)[0]
    return f"{number} {shorts.get(doc_id, doc_id)}: “{citation['quote']}”"


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
    from rules_core.facts import FIELD_LABELS, PatientFacts

    return tuple(PatientFacts.model_fields), dict(FIELD_LABELS)


def _patient_dict(patient: Any) -> dict[str, Any]:
    """Validated facts (brand names normalised, units canonical) when they validate; else as given."""
    if patient is None or hasattr(patient, "model_dump"):
        return _as_dict(patient)
    from pydantic import ValidationError

    from rules_core.facts import PatientFacts

    try:
        return PatientFacts.model_validate(dict(patient)).model_dump(mode="json")
    except ValidationError:
        return dict(patient)


def _as_dict(value: Any) -> dict[str, Any]:
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


# --- Markdown ---------------------------------------------------------------------------------


def render_markdown(report: Report) -> str:
    lines = [f"# {report.title}", "", f"**{report.decision_label}** — {_md(report.summary)}", ""]
    lines += ["| | |", "|---|---|"]
    lines += [f"| {_md(k)} | {_md(v)} |" for k, v in report.header]
    lines += ["", "## Patient facts", "", "| Field | Value |", "|---|---|"]
    lines += [f"| {_md(k)} | {_md(v)} |" for k, v in report.patient]
    lines += ["", "## Criteria"]
    for p in report.pathways:
        lines += ["", f"### {_md(p.id)}: {PATHWAY_WORD.get(p.status, p.status)}", "", _md(p.title), ""]
        lines += ["| Status | Criterion | Evidence | Source |", "|---|---|---|---|"]
        for r in p.rows:
            statement = f"{_md(r.statement)}<br>`{r.criterion_id}`"
            if r.note:
                statement += f"<br>*Ruleset note: {_md(r.note)}*"
            status = f"{STATUS_SYMBOL.get(r.status, r.status)} {STATUS_WORD.get(r.status, r.status)}"
            lines.append(f"| {status} | {statement} | {_md(r.evidence)} | {_md(r.source)} |")
    lines += ["", "## Missing documentation", ""]
    lines += [f"- [ ] {_md(m)}" for m in report.missing] or ["None."]
    lines += ["", "## Warnings", ""]
    lines += [f"- {_md(text)} — Source: {_md(source)}" for text, source in report.warnings] or ["None."]
    lines += ["", "## Source documents", ""]
    lines += [f"- {_md(s)}" for s in report.sources]
    lines += ["", "---", "", f"Generated {report.generated_at} by mdsbot. {' '.join(report.notes)}", ""]
    return "\n".join(lines)


def _md(text: str) -> str:
    """Safe inside a Markdown table cell: no pipes, no line breaks."""
    return " ".join(str(text).split()).replace("|", "\\|")


# --- PDF --------------------------------------------------------------------------------------


def render_pdf(report: Report) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(15, 15, 15)
    font, text = _pdf_font(pdf)
    pdf.set_title(report.title)
    pdf.set_creator("mdsbot")
    pdf.set_creation_date(datetime.now(timezone.utc))
    pdf.add_page()

    def heading(title: str, size: float = 13) -> None:
        pdf.ln(2)
        pdf.set_font(font, "B", size)
        pdf.multi_cell(0, 7, text(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font, "", 9)

    def paragraph(body: str, size: float = 9, style: str = "") -> None:
        pdf.set_font(font, style, size)
        pdf.multi_cell(0, 4.8, text(body), new_x="LMARGIN", new_y="NEXT")

    def table(rows: list[tuple[str, ...]], widths: tuple[int, ...], headings: bool = True) -> None:
        pdf.set_font(font, "", 8.5)
        head = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
        with pdf.table(
            col_widths=widths,
            text_align="LEFT",
            first_row_as_headings=headings,
            headings_style=head,
            line_height=4.4,
            padding=1.2,
        ) as t:
            for row in rows:
                cells = t.row()
                for value in row:
                    cells.cell(text(value))
        pdf.ln(2)

    pdf.set_font(font, "B", 16)
    pdf.multi_cell(0, 8, text(report.title), new_x="LMARGIN", new_y="NEXT")
    color = {"meets_criteria": (22, 120, 60), "does_not_meet": (170, 30, 30)}.get(report.decision, (150, 95, 0))
    pdf.set_text_color(*color)
    paragraph(report.decision_label, size=13, style="B")
    pdf.set_text_color(0, 0, 0)
    paragraph(report.summary)
    pdf.ln(1)
    table(list(report.header), (35, 145), headings=False)

    heading("Patient facts")
    table([("Field", "Value"), *report.patient], (75, 105))

    heading("Criteria")
    for p in report.pathways:
        heading(f"{p.id}: {PATHWAY_WORD.get(p.status, p.status)}", size=10.5)
        paragraph(p.title, size=8.5, style="I")
        rows = [("Status", "Criterion", "Evidence", "Source")]
        for r in p.rows:
            statement = f"{r.statement}\n[{r.criterion_id}]" + (f"\nRuleset note: {r.note}" if r.note else "")
            status = f"{STATUS_SYMBOL.get(r.status, r.status)} {STATUS_WORD.get(r.status, r.status)}"
            rows.append((status, statement, r.evidence, r.source))
        table(rows, (18, 54, 43, 65))

    heading("Missing documentation")
    if report.missing:
        for item in report.missing:
            paragraph(f"☐ {item}")
    else:
        paragraph("None.")

    heading("Warnings")
    if report.warnings:
        table([("Warning", "Source"), *report.warnings], (90, 90))
    else:
        paragraph("None.")

    heading("Source documents")
    for source in report.sources:
        paragraph(f"• {source}")
    pdf.ln(3)
    paragraph(f"Generated {report.generated_at} by mdsbot. {' '.join(report.notes)}", size=8, style="I")
    return bytes(pdf.output())


def _pdf_font(pdf: Any) -> tuple[str, Any]:
    """A Unicode TTF family if one is installed, else Helvetica with ASCII spellings."""
    regular, bold, italic = find_unicode_font()
    if regular is not None:
        pdf.add_font("mdsbot", "", str(regular))
        pdf.add_font("mdsbot", "B", str(bold or regular))
        pdf.add_font("mdsbot", "I", str(italic or regular))
        return "mdsbot", lambda s: str(s)
    return "helvetica", ascii_text


def find_unicode_font() -> tuple[Path | None, Path | None, Path | None]:
    """(regular, bold, italic) DejaVu Sans files, searched in the usual places."""
    candidates = list(_FONT_DIRS)
    try:  # matplotlib ships DejaVu Sans when it is installed
        import importlib.util

        spec = importlib.util.find_spec("matplotlib")
        if spec and spec.origin:
            candidates.append(Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf")
    except (ImportError, ValueError):  # pragma: no cover
        pass
    for directory in candidates:
        regular = directory / "DejaVuSans.ttf"
        if regular.is_file():
            bold = directory / "DejaVuSans-Bold.ttf"
            italic = directory / "DejaVuSans-Oblique.ttf"
            return regular, bold if bold.is_file() else None, italic if italic.is_file() else None
    return None, None, None


def ascii_text(value: str) -> str:
    out = str(value)
    for char, spelling in _ASCII.items():
        out = out.replace(char, spelling)
    return out.encode("latin-1", "replace").decode("latin-1")


# --- files ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFiles:
    markdown: Path
    pdf: Path


def report_stem(decision: Any, generated_at: datetime | None = None) -> str:
    d = _as_dict(decision)
    when = (generated_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return f"mdsbot-decision-{d['drug']}-{when:%Y%m%dT%H%M%SZ}"


def write_report(
    decision: Any,
    patient: Any,
    directory: Path,
    *,
    requested_drug: str | None = None,
    generated_at: datetime | None = None,
) -> ReportFiles:
    """Write ``<stem>.md`` and ``<stem>.pdf`` into ``directory`` (created if needed)."""
    when = generated_at or datetime.now(timezone.utc)
    report = build_report(decision, patient, requested_drug=requested_drug, generated_at=when)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stem = report_stem(decision, when)
    markdown = directory / f"{stem}.md"
    pdf = directory / f"{stem}.pdf"
    markdown.write_text(render_markdown(report), encoding="utf-8")
    pdf.write_bytes(render_pdf(report))
    return ReportFiles(markdown, pdf)
