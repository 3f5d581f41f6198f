"""The Sources tab's upload, without a browser: a real engine in its own data dir, the tab's own
handler, and a chat opened before the upload that answers from the uploaded page after it."""

from __future__ import annotations

import gradio as gr
import pytest

from bot.engine import Engine
from bot.settings import Settings
from bot.webapp.loading import LiveEngine
from bot.webapp.sources_tab import SourcesTab
from corpus.library import document_id
from tests.made_documents import COOKIE_TEXT, POLICY_FACT, write_html

QUESTION = "When is eltrombopag covered for lower-risk MDS?"


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> LiveEngine:
    return LiveEngine(Engine.from_settings(Settings(data_dir=tmp_path_factory.mktemp("upload-data"))))


def test_an_upload_is_answered_from_in_an_open_chat(live, tmp_path):
    chat = live.conversation()
    assert chat.send(QUESTION).status == "refused"
    with gr.Blocks():
        tab = SourcesTab(live)
    steps: list[float] = []
    page = write_html(tmp_path / "eltrombopag-policy.html")
    status, choice, _, view, cleaning = tab.add(str(page), "policy", "", progress=lambda share, desc=None: steps.append(share))
    doc_id = document_id("upload:eltrombopag-policy.html")
    assert f"Added <code>{doc_id}</code>" in status
    assert steps == sorted(steps) and steps[-1] == 1.0 and len(steps) > 3  # the bar moves while embedding
    assert tab.labels()[choice["value"]] == doc_id and choice["value"] in choice["choices"]
    assert "Eltrombopag is covered for adults" in view and "cookies" not in view
    assert "Dropped page furniture" in cleaning and COOKIE_TEXT in cleaning
    response = chat.send(QUESTION)
    assert response.status == "answered" and POLICY_FACT in response.answer
    assert response.citations[0].doc_id == doc_id and response.citations[0].doc_kind == "policy"


def test_a_bad_upload_is_one_line_and_changes_nothing(live, tmp_path):
    with gr.Blocks():
        tab = SourcesTab(live)
    before = live.corpus
    (tmp_path / "notes.docx").write_bytes(b"PK")
    status, *rest = tab.add(str(tmp_path / "notes.docx"), "policy", "", progress=lambda *a, **k: None)
    assert "unknown file type &#39;.docx&#39;" in status and live.corpus is before
    status, *rest = tab.add(None, "policy", "", progress=lambda *a, **k: None)
    assert "Choose a file" in status
