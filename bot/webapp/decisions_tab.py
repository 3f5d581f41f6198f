"""The Decisions tab: every stored decision, searchable; one record in full, its report again, CSV export.

``DecisionsTab(recorder, reports, tab)`` builds the tab inside the app's Blocks. The table
is read again whenever the tab is opened, so a decision just made in the chat or the
Medical-necessity tab is there. Filters are checked one by one; a bad one is a line naming it.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import gradio as gr

from bot.decision_report import DECISION_LABEL, RequestDetails
from bot.report_files import ReportFiles, write_report
from bot.records import DecisionRecord, RecordFilter, RecordsError
from bot.records.recorder import DecisionRecorder
from bot.verdict_text import plain
from bot.webapp import html
from bot.webapp.actions import Reports
from bot.webapp.record_html import TABLE_COLUMNS, csv_text, record_html, table_rows
from rules_core import SUPPORTED_DRUGS

ANY_DRUG, ANY_DECISION = "any drug", "any decision"
COLUMN_WIDTHS = ["230px", "140px", "90px", "130px", "80px", "190px", "280px", "130px", "150px", "130px"]
MAX_ROWS = 500  # newest first; narrow the filters to see older ones
INTRO = (
    "Every medical-necessity decision made in the chat, the Medical-necessity tab, the API and the command line, "
    "with what it rested on. Filter, click a row (or type its id) to see it in full and download its report again."
)
PRIVATE = dict(api_visibility="private", queue=False)


class FilterError(ValueError):
    """A filter that cannot be read; the message names it."""


class DecisionsTab:
    def __init__(self, recorder: DecisionRecorder, reports: Reports, tab: gr.Tab):
        self.recorder = recorder
        self.reports = reports
        gr.Markdown(INTRO)
        self._filters()
        self.status = gr.HTML("", elem_id="decisions-status")
        self.table = gr.Dataframe(
            headers=list(TABLE_COLUMNS), value=[], interactive=False, wrap=False, elem_id="decisions-table",
            max_height=420, column_widths=COLUMN_WIDTHS,
        )
        self._record_panel()
        self._wire(tab)

    def _filters(self) -> None:
        with gr.Row(equal_height=True):
            drugs = [(ANY_DRUG, ANY_DRUG)] + [(plain(d), d) for d in SUPPORTED_DRUGS]
            self.drug = gr.Dropdown(drugs, value=ANY_DRUG, label="Drug", elem_id="decisions-drug", min_width=160)
            outcomes = [(ANY_DECISION, ANY_DECISION)] + [(v.capitalize(), k) for k, v in DECISION_LABEL.items()]
            self.decision = gr.Dropdown(outcomes, value=ANY_DECISION, label="Decision", elem_id="decisions-decision",
                                        min_width=160)
            self.since = gr.Textbox(label="From (YYYY-MM-DD)", placeholder="any date", elem_id="decisions-since",
                                    max_lines=1, min_width=130)
            self.until = gr.Textbox(label="To (YYYY-MM-DD, inclusive)", placeholder="any date",
                                    elem_id="decisions-until", max_lines=1, min_width=130)
            self.text = gr.Textbox(label="Patient ref, prescriber, reviewer or id contains", elem_id="decisions-text",
                                   max_lines=1, min_width=200)
        with gr.Row():
            self.search = gr.Button("Search", variant="primary", elem_id="decisions-search")
            self.export = gr.DownloadButton("Export CSV (these rows)", value=None, interactive=False,
                                            elem_id="decisions-csv")

    def _record_panel(self) -> None:
        with gr.Row(equal_height=True):
            self.record_id = gr.Textbox(label="Decision id (or a unique prefix)", elem_id="decisions-id", max_lines=1,
                                        scale=3)
            self.show = gr.Button("Show decision", elem_id="decisions-show", scale=1)
        with gr.Row():
            self.download_md = gr.DownloadButton("Report (Markdown)", value=None, interactive=False,
                                                 elem_id="decisions-report-md")
            self.download_pdf = gr.DownloadButton("Report (PDF)", value=None, interactive=False,
                                                  elem_id="decisions-report-pdf")
        self.view = gr.HTML('<div class="mds-empty">Click a decision in the table to see it in full.</div>',
                            elem_id="decision-record")

    def _wire(self, tab: gr.Tab) -> None:
        filters = [self.drug, self.decision, self.since, self.until, self.text]
        listed = [self.table, self.status, self.export]
        tab.select(self.on_search, filters, listed, **PRIVATE)
        self.search.click(self.on_search, filters, listed, **PRIVATE)
        for box in (self.since, self.until, self.text):
            box.submit(self.on_search, filters, listed, **PRIVATE)
        shown = [self.record_id, self.view, self.download_md, self.download_pdf]
        self.table.select(self.on_select, None, shown, **PRIVATE)
        self.show.click(self.on_show, [self.record_id], shown, **PRIVATE)
        self.record_id.submit(self.on_show, [self.record_id], shown, **PRIVATE)

    # -- handlers ----------------------------------------------------------------------------------

    def on_search(self, drug: str, decision: str, since: str, until: str, text: str) -> tuple[Any, str, Any]:
        try:
            where = record_filter(drug, decision, since, until, text)
            records = self.recorder.list(where)
        except (FilterError, RecordsError) as exc:
            return [], html.error_html(str(exc)), gr.update(value=None, interactive=False)
        note = f" (the newest {MAX_ROWS}; narrow the filters to see older ones)" if len(records) == MAX_ROWS else ""
        status = f'<div class="mds-decisions-count">{len(records)} decision(s){html.text(note)}</div>'
        return table_rows(records), status, gr.update(value=str(self._csv_file(records)), interactive=bool(records))

    def on_select(self, event: gr.SelectData) -> tuple[Any, ...]:
        row = getattr(event, "row_value", None) or []
        return self.on_show(str(row[0]) if row else "")

    def on_show(self, record_id: str | None) -> tuple[Any, ...]:
        wanted = (record_id or "").strip()
        off = gr.update(value=None, interactive=False)
        if not wanted:
            return "", html.error_html("Decision id: type an id, or click a row of the table."), off, off
        try:
            record = self.recorder.get(wanted)
        except RecordsError as exc:
            return wanted, html.error_html(str(exc)), off, off
        if record is None:
            return wanted, html.error_html(f"Decision id: no decision {wanted!r} (or the prefix is not unique)."), off, off
        files = self._report(record)
        return (record.id, record_html(record), gr.update(value=str(files.markdown), interactive=True),
                gr.update(value=str(files.pdf), interactive=True))

    # -- files -------------------------------------------------------------------------------------

    def _report(self, record: DecisionRecord) -> ReportFiles:
        """The report of the stored decision, rebuilt from the record (its time, its facts, its id)."""
        from rules_core import Decision, PatientFacts

        decision = Decision.model_validate(record.decision_json).model_copy(update={"decision_id": record.id})
        folder = Path(tempfile.mkdtemp(dir=self.reports.root))
        details = RequestDetails.of(patient_ref=record.patient_ref, prescriber=record.prescriber,
                                    reviewer=record.reviewer)
        return write_report(decision, PatientFacts.model_validate(record.patient), folder,
                            generated_at=record.recorded_at, details=details)

    def _csv_file(self, records: list[DecisionRecord]) -> Path:
        folder = Path(tempfile.mkdtemp(dir=self.reports.root))
        path = folder / f"decisions-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}.csv"
        path.write_text(csv_text(records), encoding="utf-8")
        return path


def record_filter(drug: str | None, decision: str | None, since: str | None, until: str | None,
                  text: str | None) -> RecordFilter:
    """The tab's filters as a RecordFilter; FilterError names the field that cannot be read."""
    drug = None if drug in (None, "", ANY_DRUG) else drug
    if drug is not None and drug not in SUPPORTED_DRUGS:
        raise FilterError(f"Drug: {drug!r} is not a supported drug; choose one of the list")
    decision = None if decision in (None, "", ANY_DECISION) else decision
    if decision is not None and decision not in DECISION_LABEL:
        raise FilterError(f"Decision: {decision!r} is not allowed; choose one of the list")
    start = _day("From", since)
    end = _day("To", until)
    return RecordFilter(drug=drug, decision=decision, since=start, until=end + timedelta(days=1) if end else None,
                        text=(text or "").strip() or None, limit=MAX_ROWS)


def _day(label: str, value: str | None) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise FilterError(f"{label}: {value!r} is not a date; use YYYY-MM-DD, e.g. 2026-11-30") from None
    return day.replace(tzinfo=timezone.utc)
