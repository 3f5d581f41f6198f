"""`mdsbot ingest [PATH...]` and `mdsbot corpus [list | show ID | remove ID_OR_PATH]`.

Imported at every start of the CLI: nothing heavy at module level.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from bot.cli import app
from bot.cli.qa import ChromaUrl, DataDir, _progress_bar, load_corpus_or_fail, load_settings
from bot.cli.terminal import fail, terminal_safe

if TYPE_CHECKING:  # pragma: no cover
    from bot.settings import Settings
    from corpus.ingest import Corpus

KIND_HELP = "What the document is: label, policy, guideline, review, article (default: article, or as before)."


@app.command()
def ingest(
    paths: Annotated[Optional[list[Path]], typer.Argument(metavar="PATH", help="PDF, HTML, Markdown or text files to add or update.")] = None,
    title: Annotated[Optional[str], typer.Option("--title", metavar="title", help="Title (default: read from the file).")] = None,
    date: Annotated[Optional[str], typer.Option("--date", metavar="date", help="Date the document states, YYYY-MM-DD.")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", metavar="kind", help=KIND_HELP)] = None,
    force: Annotated[bool, typer.Option("--force", metavar="", help="Re-embed every document even if the index is current.")] = False,
    chroma_url: ChromaUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Add or update documents (PATH...), then bring the index up to date: only new or changed documents
    are embedded. Without PATH: (re)build the index; nothing happens when it is current (unless --force).

    With --force a damaged embedded index is moved aside (``chroma.damaged-<time>``) and built from nothing.
    """
    from corpus.encoder import ensure_encoder

    settings = load_settings(chroma_url, data_dir)
    if paths:
        _add_files(settings, paths, title, date, kind)
    elif title or date or kind:
        raise fail("--title/--date/--kind: only with a PATH to add")
    corpus = load_corpus_or_fail(settings)
    report = build_index(settings, corpus, force)
    encoder_note = ensure_encoder(settings.data_dir, force=force)
    where = settings.chroma_url or settings.data_dir
    state = "built" if report.rebuilt else "already current (nothing embedded)"
    typer.echo(
        f"index {state}: {report.passages} passages, {report.sentences} sentences at {where} "
        f"in {report.seconds:.1f}s (content hash {corpus.content_hash})"
    )
    if report.rebuilt:
        embedded = ", ".join(report.documents_embedded) or "none"
        removed = f"; vectors removed: {', '.join(report.documents_removed)}" if report.documents_removed else ""
        typer.echo(f"embedded {report.embedded} texts of {len(report.documents_embedded)} document(s): {embedded}{removed}")
    lexical = report.lexical
    if lexical is not None:
        typer.echo(
            "lexical state: " + ("current (loaded)" if lexical.loaded else
            f"{lexical.analysed_documents} documents analysed, {lexical.reused_documents} reused, BM25 indexed")
            + f" in {lexical.seconds:.1f}s"
        )
    typer.echo(f"note: {encoder_note}" if encoder_note else "query encoder: onnxruntime (ONNX export current)")


def _add_files(settings: Settings, paths: list[Path], title: str | None, date: str | None, kind: str | None) -> None:
    from corpus.extract import ExtractionError, extract
    from corpus.library import LibraryError, add, overrides

    if title and len(paths) > 1:
        raise fail("--title: names one document; give one PATH with it")
    try:
        stated = overrides(title, date, kind)
    except LibraryError as exc:
        raise fail(str(exc)) from None
    shipped = shipped_ids(settings)
    for path in paths:
        source = path.expanduser().resolve()
        if not source.is_file():
            raise fail(f"PATH: no such file {path}")
        try:
            result = add(settings.added_documents, extract(source), str(source), stated, shipped)
        except (ExtractionError, LibraryError) as exc:
            raise fail(str(exc)) from None
        for warning in result.warnings:
            typer.echo(terminal_safe(f"warning: {path.name}: {warning}"), err=True)
        info = result.document.info
        state = "added or updated" if result.changed else "unchanged"
        typer.echo(terminal_safe(f"{state}: {info.id}  {info.kind}  {info.title}  (from {source})"))


def shipped_ids(settings: Settings) -> set[str]:
    from corpus.ingest import MANIFEST
    from corpus.models import ManifestError, load_manifest

    try:
        return {doc.id for doc in load_manifest(settings.manifest or MANIFEST).documents}
    except ManifestError as exc:
        raise fail(str(exc)) from None


def build_index(settings: Settings, corpus: Corpus, force: bool):
    """Open and bring up to date; a damaged embedded store is moved aside with --force."""
    from corpus.store import IndexDamaged, IndexReadOnly, move_aside

    try:
        return _build(settings, corpus, force)
    except IndexDamaged as exc:
        if not force or settings.chroma_url:
            raise fail(str(exc)) from None
        moved = move_aside(settings.data_dir)
        typer.echo(f"the index was damaged; moved it aside to {moved} and building a new one", err=True)
        return _build(settings, corpus, force)
    except (IndexReadOnly, ValueError) as exc:
        raise fail(str(exc)) from None
    except Exception as exc:  # a server that is down
        if type(exc).__module__.startswith(("chromadb", "httpx")) or isinstance(exc, (OSError, ConnectionError)):
            where = settings.chroma_url or settings.data_dir
            raise fail(f"cannot open the index at {where}: {' '.join(str(exc).split())}") from None
        raise


def _build(settings: Settings, corpus: Corpus, force: bool):
    """Open and (re)build; a store Chroma cannot read, at open or while checking it, is IndexDamaged."""
    from bot.engine import open_index, open_lexical
    from bot.guard.corpus_facts import corpus_facts
    from corpus.learned import corpus_lexicon
    from corpus.store import IndexDamaged, IndexReadOnly

    index = open_index(settings, corpus)
    try:
        report = index.ensure(force=force, progress=_progress_bar())
        report.lexical = open_lexical(settings, corpus, index.read_only).report  # BM25 and terms, per changed document
        if not index.read_only:  # the guard's per-document facts, so the first start reads them
            corpus_facts(corpus, corpus_lexicon(corpus), settings.data_dir / "guard")
        return report
    except IndexReadOnly:
        raise
    except Exception as exc:
        if settings.chroma_url or not type(exc).__module__.startswith("chromadb"):
            raise
        raise IndexDamaged(settings.data_dir / "chroma", exc) from exc


corpus_app = typer.Typer(help="The documents: list them; `show ID`, `remove ID_OR_PATH`.", no_args_is_help=False)
app.add_typer(corpus_app, name="corpus")


@corpus_app.callback(invoke_without_command=True)
def corpus_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", metavar="", help="Print JSON (errors too).")] = False,
    data_dir: DataDir = None,
) -> None:
    """List every document: id, title, kind, date, passages, where it came from."""
    if ctx.invoked_subcommand is not None:
        return
    settings = load_settings(data_dir=data_dir, as_json=as_json)
    rows = document_rows(settings, load_corpus_or_fail(settings, as_json))
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        flag = "  (hidden)" if row["hidden"] else ""
        typer.echo(terminal_safe(
            f"{row['id']}  {row['origin']}  {row['kind']}  {row['passages']} passages  date: {row['date'] or 'none stated'}{flag}"
        ))
        typer.echo(terminal_safe(f"  {row['title']}\n  source: {row['source']}"))
        if row["dropped_blocks"]:
            typer.echo(f"  dropped: {', '.join(row['dropped_blocks'])}")


def document_rows(settings: Settings, corpus: Corpus) -> list[dict]:
    """One row per document, shipped (hidden ones too, marked) then added."""
    from corpus.ingest import MANIFEST
    from corpus.models import load_manifest

    manifest_path = (settings.manifest or MANIFEST).resolve()
    hidden = [d for d in load_manifest(manifest_path).documents if d.id in corpus.hidden]
    rows = []
    for info in [*(doc.info for doc in corpus.documents), *hidden]:
        added = corpus.added.get(info.id)
        rows.append({
            "id": info.id,
            "title": info.title,
            "kind": info.kind,
            "date": info.stated_date,
            "passages": len(corpus.passages_of(info.id)),
            "source": added.source if added else str(manifest_path.parent / info.file),
            "origin": "added" if added else "shipped",
            "hidden": info.id in corpus.hidden,
            "dropped_blocks": [d.name for d in corpus.dropped if d.doc_id == info.id],
            "caveats": info.caveats,
        })
    return rows


@corpus_app.command("show")
def corpus_show(
    doc_id: Annotated[str, typer.Argument(metavar="ID", help="A document id (see `mdsbot corpus`).")],
    data_dir: DataDir = None,
) -> None:
    """Print a document's cleaned text, passage by passage, with each passage's span in the stored text."""
    settings = load_settings(data_dir=data_dir)
    corpus = load_corpus_or_fail(settings)
    try:
        doc = corpus.document(doc_id)
    except KeyError:
        raise fail(f"ID: no document {doc_id!r}; one of {', '.join(d.id for d in corpus.documents)}") from None
    typer.echo(terminal_safe(f"{doc.id}: {doc.info.title} ({doc.info.kind}, {doc.info.stated_date or 'no date stated'})"))
    for passage in corpus.passages_of(doc.id):
        typer.echo(terminal_safe(f"\n--- {passage.id}  [{passage.start}:{passage.end}]  {passage.section}\n{passage.normalized}"))


@corpus_app.command("remove")
def corpus_remove(
    id_or_path: Annotated[str, typer.Argument(metavar="ID_OR_PATH", help="An added document's id, or the path it was added from.")],
    chroma_url: ChromaUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Remove an added document and its vectors (shipped documents are hidden instead: MDSBOT_HIDDEN_DOCUMENTS)."""
    from corpus.library import LibraryError, remove

    settings = load_settings(chroma_url, data_dir)
    try:
        removed = remove(settings.added_documents, id_or_path, shipped_ids(settings))
    except LibraryError as exc:
        raise fail(str(exc)) from None
    report = build_index(settings, load_corpus_or_fail(settings), force=False)
    _forget_local_state(settings, removed.info.id)
    gone = "its vectors deleted" if removed.info.id in report.documents_removed else "it had no vectors"
    typer.echo(terminal_safe(f"removed: {removed.info.id}  {removed.info.title}; {gone}"))


def _forget_local_state(settings: Settings, doc_id: str) -> None:
    """The removed document's stored terms and guard facts (its vectors went with the index update)."""
    from bot.guard import corpus_facts
    from corpus import lexical

    lexical.forget_document(settings.data_dir / "lexical", doc_id)
    corpus_facts.forget_document(settings.data_dir / "guard", doc_id)
