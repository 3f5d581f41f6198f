"""The Sources tab: every document (shipped and added) passage by passage, how its text was
cleaned (collapsed), and an upload that adds a document; the chat answers from it at once.

``add_upload`` does the work without gradio (tests call it directly); :class:`SourcesTab`
lays out the components.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from bot.webapp import sources_html
from bot.webapp.actions import InputError
from bot.webapp.html import error_html, text
from bot.webapp.loading import LiveEngine

ALL_SECTIONS = "All sections"
UPLOAD_TYPES = [".pdf", ".html", ".htm", ".md", ".markdown", ".txt"]
Progress = Callable[[float, str], None]


def add_upload(live: LiveEngine, path: Path, kind: str | None, title: str | None, progress: Progress) -> Any:
    """Read, store and embed an uploaded file, then serve an engine that answers from it.
    Bad input is an InputError of one line; returns the AddedDocument."""
    from bot.engine import Engine
    from bot.settings import Settings
    from corpus.extract import ExtractionError, extract
    from corpus.ingest import MANIFEST
    from corpus.library import LibraryError, add, overrides
    from corpus.models import load_manifest

    settings = live.settings or Settings()
    progress(0.02, f"reading {path.name}")
    try:
        stated = overrides(title=(title or "").strip() or None, kind=kind or None)
        shipped = {d.id for d in load_manifest(settings.manifest or MANIFEST).documents}
        result = add(settings.added_documents, extract(path), f"upload:{path.name}", stated, shipped)
    except (ExtractionError, LibraryError) as exc:
        raise InputError(str(exc)) from None
    progress(0.1, "embedding the new passages")
    engine = Engine.from_settings(settings, progress=lambda done, total: progress(0.1 + 0.8 * done / max(total, 1), "embedding"))
    live.replace(engine)
    progress(1.0, "ready")
    return result.document


class SourcesTab:
    def __init__(self, live: LiveEngine):
        self.live = live
        self._adding = threading.Lock()  # one upload at a time: each rewrites the added-documents manifest
        labels = self.labels()
        first = next(iter(labels))
        gr.Markdown(
            "The source documents, passage by passage, as the bot retrieves and cites them: cleaned text and "
            "its exact character span in the stored text. Documents you add are shown the same way."
        )
        with gr.Row():
            self.choice = gr.Radio(list(labels), value=first, label="Document", elem_id="source-doc", scale=3)
            self.section = gr.Dropdown(
                self.section_names(first), value=ALL_SECTIONS, label="Section", elem_id="source-section", scale=2
            )
        self.view = gr.HTML(self.render(first, ALL_SECTIONS), elem_id="source-view")
        with gr.Accordion("How this text was cleaned", open=False, elem_id="source-cleaning-accordion"):
            self.cleaning = gr.HTML(self.render_cleaning(first), elem_id="source-cleaning")
        self._upload_controls()
        self._wire()

    # -- documents ---------------------------------------------------------------------------

    def labels(self) -> dict[str, str]:
        """Radio label -> document id (a short title, made unique with the id when two share one)."""
        docs = self.live.corpus.documents
        titles = [d.info.short_title for d in docs]
        return {(t if titles.count(t) == 1 else f"{t} ({d.id})"): d.id for t, d in zip(titles, docs)}

    def section_names(self, label: str) -> list[str]:
        doc_id = self.labels().get(label)
        return [ALL_SECTIONS, *dict.fromkeys(p.section for p in self.live.corpus.passages_of(doc_id or ""))]

    def render(self, label: str, wanted: str | None) -> str:
        corpus = self.live.corpus
        doc_id = self.labels().get(label)
        if doc_id is None:
            return error_html(f"No document {label!r}; choose another.")
        passages = corpus.passages_of(doc_id)
        if wanted and wanted != ALL_SECTIONS:
            passages = [p for p in passages if p.section == wanted]
        added = corpus.added.get(doc_id)
        return sources_html.document_html(corpus.document(doc_id), passages, source=added.source if added else None)

    def render_cleaning(self, label: str) -> str:
        corpus = self.live.corpus
        doc_id = self.labels().get(label)
        if doc_id is None:
            return ""
        added = corpus.added.get(doc_id)
        dropped = [b for b in corpus.dropped if b.doc_id == doc_id]
        return sources_html.cleaning_html(corpus.document(doc_id), dropped, added.extraction if added else None)

    # -- upload ------------------------------------------------------------------------------

    def _upload_controls(self) -> None:
        with gr.Accordion("Add a document", open=False, elem_id="source-add-accordion"):
            gr.Markdown("A PDF with a text layer, a saved web page (.html), Markdown or plain text. "
                        "The chat answers from it once it is added; `mdsbot corpus remove ID` removes it.")
            with gr.Row():
                self.upload = gr.File(label="File", file_types=UPLOAD_TYPES, type="filepath", elem_id="source-upload", scale=3)
                with gr.Column(scale=2):
                    self.kind = gr.Dropdown(
                        ["article", "label", "policy", "guideline", "review"], value="article", label="Kind",
                        elem_id="source-kind",
                    )
                    self.title = gr.Textbox(label="Title (optional: read from the file)", elem_id="source-title")
                    self.add_button = gr.Button("Add document", variant="primary", elem_id="source-add")
            self.status = gr.HTML("", elem_id="source-add-status")

    def add(self, file: str | None, kind: str | None, title: str | None, progress=gr.Progress()) -> tuple:  # noqa: B008
        if not file:
            return (error_html("Choose a file to add first."), gr.skip(), gr.skip(), gr.skip(), gr.skip())
        with self._adding:
            try:
                record = add_upload(self.live, Path(file), kind, title, lambda share, what: progress(share, desc=what))
            except InputError as exc:
                return (error_html(str(exc)), gr.skip(), gr.skip(), gr.skip(), gr.skip())
        label = next(k for k, v in self.labels().items() if v == record.info.id)
        warnings = "".join(f"<div>{text(w)}</div>" for w in record.extraction.warnings)
        status = (f'<div class="mds-doc-meta">Added <code>{text(record.info.id)}</code>: '
                  f"{len(self.live.corpus.passages_of(record.info.id))} passages; the chat answers from it now.</div>{warnings}")
        return (
            status,
            gr.update(choices=list(self.labels()), value=label),
            gr.update(choices=self.section_names(label), value=ALL_SECTIONS),
            self.render(label, ALL_SECTIONS),
            self.render_cleaning(label),
        )

    def _wire(self) -> None:
        quiet = dict(api_visibility="private", queue=False)
        self.choice.input(
            lambda label: (gr.update(choices=self.section_names(label), value=ALL_SECTIONS),
                           self.render(label, ALL_SECTIONS), self.render_cleaning(label)),
            [self.choice], [self.section, self.view, self.cleaning], **quiet,
        )
        self.section.input(self.render, [self.choice, self.section], [self.view], **quiet)
        self.add_button.click(
            self.add, [self.upload, self.kind, self.title],
            [self.status, self.choice, self.section, self.view, self.cleaning],
            api_visibility="private", concurrency_id="sources-add", concurrency_limit=1,
        )
