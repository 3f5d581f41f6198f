"""The decision report (bot/decision_report.py ``Report``) as a PDF (fpdf2).

Every page carries the notice that this is decision support; the first page shows it under the
verdict. Text wraps at word boundaries (no ids are printed, so nothing breaks mid-word). DejaVu
Sans when installed, else a core font with ASCII spellings of ≥ ✓ ✗ →.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.decision_report import PATHWAY_WORD, STATUS_SYMBOL, STATUS_WORD, Report

_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
)
_ASCII = {
    "≥": ">=", "≤": "<=", "✓": "[x]", "✗": "[ ]", "→": "->", "–": "-", "—": "-", "•": "*", "‘": "'", "’": "'",
    "“": '"', "”": '"', "…": "...", "☐": "[ ]", "÷": "/",
}
_VERDICT_COLOUR = {"meets_criteria": (22, 120, 60), "does_not_meet": (170, 30, 30), "options": (30, 60, 140)}


def render_pdf(report: Report) -> bytes:
    pdf = _Pdf(report)
    font, text = _pdf_font(pdf)
    pdf.mds_font, pdf.mds_text = font, text
    pdf.add_page()
    w = _Writer(pdf, font, text)
    w.title(report)
    w.table(list(report.header), (45, 135), headings=False)
    if report.options:
        w.heading("Options")
        w.table([("Drug", "Decision", "Why"), *report.options], (30, 35, 115))
    w.heading("Patient facts")
    w.table([("Field", "Value"), *report.patient], (60, 120))
    w.criteria(report)
    w.heading("Missing documentation")
    w.lines([f"☐ {item}" for item in report.missing])
    w.heading("Warnings")
    if report.warnings:
        w.table([("Warning", "Source"), *report.warnings], (90, 90))
    else:
        w.paragraph("None.")
    w.heading("Conflicts between the sources")
    w.lines([f"{topic}: " + "; ".join(positions) for topic, positions in report.conflicts])
    w.heading("Site policy (thresholds the sources do not state)")
    if report.policy:
        w.table(list(report.policy), (90, 90), headings=False)
    else:
        w.paragraph("None.")
    w.heading("Source documents")
    w.lines([f"• {source}" for source in report.sources])
    w.signature(report)
    w.paragraph(f"{report.notice} Generated {report.generated_at} by mdsbot. {' '.join(report.notes)}", size=8, style="I")
    return bytes(pdf.output())


def _pdf_class() -> Any:
    from fpdf import FPDF

    return FPDF


class _Pdf(_pdf_class()):  # type: ignore[misc]
    """A4 with the decision-support notice and the page number at the foot of every page."""

    def __init__(self, report: Report):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report = report
        self.mds_font, self.mds_text = "helvetica", ascii_text
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 15, 15)
        self.set_title(report.title)
        self.set_creator("mdsbot")
        self.set_creation_date(datetime.now(timezone.utc))

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(self.mds_font, "I", 7.5)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, self.mds_text(f"{self.report.notice}  Page {self.page_no()}"), align="C")
        self.set_text_color(0, 0, 0)


class _Writer:
    def __init__(self, pdf: Any, font: str, text: Any):
        self.pdf, self.font, self.text = pdf, font, text

    def title(self, report: Report) -> None:
        pdf = self.pdf
        pdf.set_font(self.font, "B", 16)
        pdf.multi_cell(0, 8, self.text(report.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*_VERDICT_COLOUR.get(report.decision, (150, 95, 0)))
        self.paragraph(report.decision_label, size=13, style="B")
        pdf.set_text_color(0, 0, 0)
        self.paragraph(report.summary)
        pdf.ln(1)
        pdf.set_font(self.font, "B", 10)
        pdf.set_fill_color(255, 247, 214)
        pdf.multi_cell(0, 7, self.text(report.notice), border=1, fill=True, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    def heading(self, title: str, size: float = 13) -> None:
        self.pdf.ln(2)
        self.pdf.set_font(self.font, "B", size)
        self.pdf.multi_cell(0, 7, self.text(title), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font(self.font, "", 9)

    def paragraph(self, body: str, size: float = 9, style: str = "") -> None:
        self.pdf.set_font(self.font, style, size)
        self.pdf.multi_cell(0, 4.8, self.text(body), new_x="LMARGIN", new_y="NEXT")

    def lines(self, items: list[str]) -> None:
        for item in items or ["None."]:
            self.paragraph(item)

    def table(self, rows: list[tuple[str, ...]], widths: tuple[int, ...], headings: bool = True) -> None:
        from fpdf.fonts import FontFace

        self.pdf.set_font(self.font, "", 8.5)
        head = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
        with self.pdf.table(col_widths=widths, text_align="LEFT", first_row_as_headings=headings,
                            headings_style=head, line_height=4.4, padding=1.2) as table:
            for row in rows:
                cells = table.row()
                for value in row:
                    cells.cell(self.text(value))
        self.pdf.ln(2)

    def criteria(self, report: Report) -> None:
        self.heading("Criteria")
        for p in report.pathways:
            self.heading(f"{p.name[:1].upper()}{p.name[1:]}: {PATHWAY_WORD.get(p.status, p.status)}", size=10.5)
            if p.basis:
                self.paragraph(p.basis, size=8.5, style="I")
            if p.blocked_by:
                self.paragraph(f"Not eligible because: {p.blocked_by}", size=8.5, style="B")
            rows = [("Status", "Criterion", "Evidence", "Source")]
            for r in p.rows:
                statement = r.statement + (f"\nRuleset note: {r.note}" if r.note else "")
                rows.append((f"{STATUS_SYMBOL.get(r.status, r.status)} {STATUS_WORD.get(r.status, r.status)}",
                             statement, r.evidence, r.source))
            self.table(rows, (18, 54, 43, 65))

    def signature(self, report: Report) -> None:
        self.heading("Review")
        self.pdf.ln(4)
        for label in report.signature:
            self.paragraph(f"{label}: ________________________________________________")
            self.pdf.ln(4)


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
