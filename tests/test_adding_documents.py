"""Users add, update and remove documents (real MiniLM, real embedded Chroma, the real CLI).

One data dir for the module: a label PDF, a payer-policy web page and a Markdown file are
added with `mdsbot ingest`; the engine answers from them with citations into their stored
text; a changed file re-embeds only itself; a removed one is refused again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine import Engine, load_settings_corpus
from bot.settings import Settings
from corpus.library import document_id
from tests.made_documents import (
    COOKIE_TEXT,
    FOOTER_TEXT,
    LABEL_DOSE,
    MARKDOWN_FACT,
    NAV_TEXT,
    POLICY_FACT,
    RELATED,
    write_html,
    write_markdown,
    write_pdf,
)

BIN = Path(sys.executable).parent
DOSE_QUESTION = "What is the recommended initial dose of romiplostim?"
POLICY_QUESTION = "When is eltrombopag covered for lower-risk MDS?"
SHIPPED = "000_28884f76a78fdbfe"


def mdsbot(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "MDSBOT_DATA_DIR": str(data_dir), **env}
    return subprocess.run([str(BIN / "mdsbot"), *args], capture_output=True, text=True, env=environment, timeout=300)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("made-documents")
    return {
        "pdf": write_pdf(folder / "romiplostim-label.pdf"),
        "html": write_html(folder / "eltrombopag-policy.html"),
        "md": write_markdown(folder / "sotatercept-pilot.md"),
    }


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, files) -> Path:
    """The shipped documents indexed, then the three files added with `mdsbot ingest PATH`."""
    data = tmp_path_factory.mktemp("added-data")
    assert mdsbot(data, "ingest").returncode == 0
    label = mdsbot(data, "ingest", str(files["pdf"]), "--kind", "label", "--date", "2030-01-15")
    assert label.returncode == 0, label.stderr
    assert "page(s) 2 of 3 have no text layer" in label.stderr  # the empty page, by number
    assert f"of 1 document(s): {document_id(str(files['pdf']))}\n" in label.stdout  # the others are not re-embedded
    others = mdsbot(data, "ingest", str(files["html"]), str(files["md"]), "--kind", "policy")
    assert others.returncode == 0, others.stderr
    assert "of 2 document(s)" in others.stdout and SHIPPED not in others.stdout.split("document(s)")[1]
    return data


@pytest.fixture(scope="module")
def engine(data_dir) -> Engine:
    return Engine.from_settings(Settings(data_dir=data_dir))


def _ids(files) -> dict[str, str]:
    return {kind: document_id(str(path)) for kind, path in files.items()}


def test_corpus_lists_every_document_with_its_source(data_dir, files):
    result = mdsbot(data_dir, "corpus", "--json")
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    ids = _ids(files)
    assert set(rows) == {SHIPPED, "002_b313ab8f7ec3a988", *ids.values()}
    label = rows[ids["pdf"]]
    assert (label["kind"], label["date"], label["source"], label["origin"]) == ("label", "2030-01-15", str(files["pdf"]), "added")
    assert label["passages"] >= 3 and rows[ids["html"]]["kind"] == "policy"
    assert rows[SHIPPED]["origin"] == "shipped" and rows[SHIPPED]["source"].endswith(f"{SHIPPED}.txt")


def test_spans_point_into_the_stored_cleaned_text(engine, data_dir, files):
    for doc_id in _ids(files).values():
        stored = (data_dir / "documents" / f"{doc_id}.txt").read_text(encoding="utf-8")
        passages = engine.corpus.passages_of(doc_id)
        assert passages
        for p in passages:
            assert stored[p.start : p.end] == p.text
            for s in p.sentences:
                assert " ".join(stored[s.start : s.end].split()).lstrip("- ") == s.normalized.lstrip("- ")


def test_furniture_is_never_retrievable(engine, files):
    doc_id = _ids(files)["html"]
    text = " ".join(f"{p.section} {p.normalized}" for p in engine.corpus.passages_of(doc_id))
    assert POLICY_FACT in text
    for furniture in [COOKIE_TEXT, *NAV_TEXT, FOOTER_TEXT, *RELATED, "Related Questions"]:
        assert furniture not in text, furniture
    hits = engine.retriever.retrieve("Is eltrombopag safe while travelling abroad?", k=10).hits
    assert all("travelling" not in h.passage.normalized for h in hits)


@pytest.mark.parametrize(
    ("question", "kind", "fact"),
    [(DOSE_QUESTION, "pdf", LABEL_DOSE), (POLICY_QUESTION, "html", POLICY_FACT),
     ("What dose of sotatercept was given in the pilot cohort?", "md", MARKDOWN_FACT)],
)
def test_answers_from_an_added_document_are_cited_into_its_stored_text(engine, data_dir, files, question, kind, fact):
    response = engine.ask(question)
    doc_id = _ids(files)[kind]
    assert response.status == "answered", response.answer
    assert fact in response.answer
    assert all(check.passed for check in response.checks), [c for c in response.checks if not c.passed]
    citation = next(c for c in response.citations if c.doc_id == doc_id)
    info = engine.corpus.document(doc_id).info
    assert (citation.doc_title, citation.doc_kind, citation.doc_date) == (info.title, info.kind, info.stated_date)
    stored = (data_dir / "documents" / f"{doc_id}.txt").read_text(encoding="utf-8")
    assert " ".join(stored[citation.quote_start : citation.quote_end].split()) == citation.quote


def test_a_changed_document_is_the_only_one_re_embedded(data_dir, files, engine):
    write_markdown(files["md"], extra="\n## Safety\n\nNo patient stopped sotatercept because of hypertension.\n")
    result = mdsbot(data_dir, "ingest", str(files["md"]))
    assert result.returncode == 0, result.stderr
    doc_id = _ids(files)["md"]
    corpus = load_settings_corpus(Settings(data_dir=data_dir))
    texts = len(corpus.passages_of(doc_id)) + sum(len(p.sentences) for p in corpus.passages_of(doc_id))
    assert f"embedded {texts} texts of 1 document(s): {doc_id}" in result.stdout
    again = mdsbot(data_dir, "ingest", str(files["md"]))
    assert "unchanged" in again.stdout and "already current (nothing embedded)" in again.stdout


def test_shipped_documents_cannot_be_removed_and_bad_input_is_one_line(data_dir, tmp_path):
    cases = [
        (("corpus", "remove", SHIPPED), f"MDSBOT_HIDDEN_DOCUMENTS={SHIPPED}"),
        (("corpus", "remove", "no-such-doc"), "ID_OR_PATH: no added document 'no-such-doc'"),
        (("corpus", "show", "no-such-doc"), "ID: no document 'no-such-doc'"),
        (("ingest", str(tmp_path / "missing.pdf")), "PATH: no such file"),
        (("ingest", str(tmp_path), "--kind", "leaflet"), "--kind: 'leaflet' is not one of label, policy, guideline, review, article"),
    ]
    for args, fragment in cases:
        result = mdsbot(data_dir, *args)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert result.returncode == 2 and len(lines) == 1 and fragment in lines[0], (args, result.stderr)
    assert (Path(__file__).parents[1] / "corpus" / "documents" / f"{SHIPPED}.txt").exists()


def test_hiding_a_shipped_document(data_dir):
    """Hidden: left out of the corpus and of the conflicts quoting it. The ruleset quotes both shipped
    documents, so through the settings hiding one is refused, in one line saying why."""
    from corpus.conflicts import load_conflicts
    from corpus.ingest import load_corpus

    corpus = load_corpus(None, data_dir / "documents", [SHIPPED])
    assert SHIPPED not in {d.id for d in corpus.documents} and corpus.passages and corpus.hidden == {SHIPPED}
    assert all(SHIPPED not in {p.doc_id for p in c.positions} for c in load_conflicts(corpus))
    for hidden, fragment in [(SHIPPED, "is quoted by the medical-necessity ruleset"), ("nope", "'nope' is not a shipped document")]:
        result = mdsbot(data_dir, "corpus", MDSBOT_HIDDEN_DOCUMENTS=hidden)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert result.returncode == 2 and len(lines) == 1 and "MDSBOT_HIDDEN_DOCUMENTS: " in lines[0] and fragment in lines[0]


def test_corpus_show_prints_passage_boundaries(data_dir, files):
    doc_id = _ids(files)["pdf"]
    shown = mdsbot(data_dir, "corpus", "show", doc_id)
    assert shown.returncode == 0 and f"--- {doc_id}-p000  [" in shown.stdout and LABEL_DOSE in shown.stdout


def test_after_removal_the_same_question_is_refused(data_dir, files, engine):
    assert engine.ask(DOSE_QUESTION).status == "answered"
    removed = mdsbot(data_dir, "corpus", "remove", str(files["pdf"]))
    assert removed.returncode == 0 and "its vectors deleted" in removed.stdout, removed.stderr
    assert not (data_dir / "documents" / f"{_ids(files)['pdf']}.txt").exists()
    fresh = Engine.from_settings(Settings(data_dir=data_dir))
    assert not fresh.build.rebuilt  # the removal already brought the index up to date
    response = fresh.ask(DOSE_QUESTION)
    assert response.status == "refused" and not response.citations
