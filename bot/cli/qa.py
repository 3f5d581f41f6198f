"""`mdsbot ask`, `mdsbot chat`, `mdsbot ingest`, `mdsbot corpus`.

This module is imported at every start of the CLI (also by `mdsbot check`), so
it imports nothing heavy at module level.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from bot.cli import app

if TYPE_CHECKING:  # pragma: no cover
    from bot.settings import Settings

ChromaUrl = Annotated[
    Optional[str],
    typer.Option("--chroma-url", help="Use a shared `chroma run` server (else MDSBOT_CHROMA_URL, else embedded)."),
]
DataDir = Annotated[Optional[Path], typer.Option("--data-dir", help="Where the embedded index lives (MDSBOT_DATA_DIR).")]


def fail(message: str) -> typer.Exit:
    """One clear line on stderr, exit code 2, never a traceback."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


def load_settings(chroma_url: str | None = None, data_dir: Path | None = None) -> Settings:
    from pydantic import ValidationError

    from bot.settings import Settings

    overrides = {k: v for k, v in {"chroma_url": chroma_url, "data_dir": data_dir}.items() if v is not None}
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(x) for x in error["loc"])
        raise fail(f"MDSBOT_{field.upper()}: {error['msg']}") from None


def _is_knowledge_error(exc: Exception) -> bool:
    """A manifest or conflicts file that does not fit its documents: its message is already one line."""
    from corpus.conflicts import ConflictsError
    from corpus.models import ManifestError

    return isinstance(exc, (ManifestError, ConflictsError))


def load_corpus_or_fail(settings: Settings):
    from corpus.ingest import load_corpus
    from corpus.models import ManifestError

    try:
        return load_corpus(settings.manifest)
    except ManifestError as exc:
        raise fail(str(exc)) from None


def load_engine(settings: Settings, show_progress: bool = True):
    from bot.engine import Engine

    try:
        engine = Engine.from_settings(settings, progress=_progress_bar() if show_progress else None)
    except Exception as exc:  # a server that is down, a data dir we cannot write, a bad URL
        if str(exc).startswith("chroma_url:") or _is_knowledge_error(exc):
            raise fail(str(exc)) from None
        if isinstance(exc, (OSError, ValueError, ConnectionError)) or type(exc).__module__.startswith(("chromadb", "httpx")):
            where = settings.chroma_url or settings.data_dir
            raise fail(f"cannot open the index at {where}: {exc}") from None
        raise
    if engine.encoder_note:
        typer.echo(f"note: {engine.encoder_note}", err=True)
    return engine


def _progress_bar():
    """A tqdm bar on stderr, opened on the first embedding batch (so a current index shows nothing)."""
    from tqdm import tqdm

    state: dict[str, tqdm] = {}

    def update(done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = tqdm(total=total, desc="embedding passages", unit="text", file=sys.stderr)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


@app.command()
def ask(
    question: Annotated[Optional[str], typer.Argument(help="A question about lower-risk MDS.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    batch: Annotated[
        Optional[Path], typer.Option("--batch", help="JSONL file of {\"id\", \"question\"}; one result per line.")
    ] = None,
    chroma_url: ChromaUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Answer a question from the source documents, with citations, or refuse."""
    if (question is None) == (batch is None):
        raise fail("give either a QUESTION or --batch FILE.jsonl")
    rows = _read_batch(batch) if batch is not None else None
    settings = load_settings(chroma_url, data_dir)
    engine = load_engine(settings)
    if rows is None:
        response = engine.ask(question)
        _emit(response, as_json)
        return
    engine.prefetch([row["question"] for _, row in rows if isinstance(row, dict)])  # one batched encoding
    for line_no, row in rows:
        if isinstance(row, str):
            typer.echo(json.dumps({"id": None, "line": line_no, "error": row}))
            continue
        response = engine.ask(row["question"])
        if as_json:
            typer.echo(json.dumps({"id": row.get("id"), **response.model_dump(mode="json")}, ensure_ascii=False))
        else:
            typer.echo(f"## {row.get('id')}: {row['question']}")
            _emit(response, False)


def _read_batch(path: Path) -> list[tuple[int, dict | str]]:
    """Parsed lines; a bad line becomes its error message so the rest still run."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise fail(f"--batch: cannot read {path}: {exc.strerror}") from None
    rows: list[tuple[int, dict | str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append((number, f"line {number}: not JSON ({exc.msg})"))
            continue
        if not isinstance(row, dict) or not isinstance(row.get("question"), str) or not row["question"].strip():
            rows.append((number, f"line {number}: question: a non-empty string is required"))
            continue
        rows.append((number, row))
    return rows


def _emit(response, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(response.model_dump(mode="json"), ensure_ascii=False))
        return
    from bot.cli.display import render_text

    typer.echo(render_text(response))


@app.command()
def chat(chroma_url: ChromaUrl = None, data_dir: DataDir = None) -> None:
    """A conversation in the terminal (facts you give are remembered; 'new' starts over, 'quit' ends)."""
    from bot.cli.display import render_text

    engine = load_engine(load_settings(chroma_url, data_dir))
    conversation = engine.conversation()
    typer.echo("mdsbot: ask about lower-risk MDS, or whether a drug is medically necessary. 'new' resets, 'quit' ends.")
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            return
        if text.lower() in {"quit", "exit", ":q"}:
            return
        if text.lower() in {"new", "reset"}:
            conversation = engine.conversation()
            typer.echo("mdsbot> New conversation.")
            continue
        if text:
            typer.echo("mdsbot> " + render_text(conversation.send(text)).replace("\n", "\n       "))


@app.command()
def ingest(
    force: Annotated[bool, typer.Option("--force", help="Re-embed even if the index is current.")] = False,
    chroma_url: ChromaUrl = None,
    data_dir: DataDir = None,
) -> None:
    """(Re)build the index; does nothing when its content hash is current (unless --force)."""
    from corpus.encoder import ensure_encoder
    from corpus.index import VectorIndex, load_embeddings, make_client

    settings = load_settings(chroma_url, data_dir)
    corpus = load_corpus_or_fail(settings)
    try:
        client = make_client(settings.data_dir, settings.chroma_url)
    except ValueError as exc:
        raise fail(str(exc)) from None
    index = VectorIndex(client, load_embeddings(), corpus, settings.collection)
    report = index.ensure(force=force, progress=_progress_bar())
    encoder_note = ensure_encoder(settings.data_dir, force=force)
    where = settings.chroma_url or settings.data_dir
    state = "built" if report.rebuilt else "already current (nothing embedded)"
    typer.echo(
        f"index {state}: {report.passages} passages, {report.sentences} sentences at {where} "
        f"in {report.seconds:.1f}s (content hash {corpus.content_hash})"
    )
    typer.echo(f"note: {encoder_note}" if encoder_note else "query encoder: onnxruntime (ONNX export current)")


@app.command("corpus")
def corpus_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the source documents with their passage counts and caveats."""
    corpus = load_corpus_or_fail(load_settings())
    rows = []
    for doc in corpus.documents:
        rows.append(
            {
                "doc_id": doc.id,
                "title": doc.info.title,
                "kind": doc.info.kind,
                "stated_date": doc.info.stated_date,
                "passages": len(corpus.passages_of(doc.id)),
                "dropped_blocks": [d.name for d in corpus.dropped if d.doc_id == doc.id],
                "caveats": doc.info.caveats,
            }
        )
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        typer.echo(f"{row['doc_id']}  {row['passages']} passages  {row['kind']}  date: {row['stated_date'] or 'none stated'}")
        typer.echo(f"  {row['title']}")
        if row["dropped_blocks"]:
            typer.echo(f"  dropped: {', '.join(row['dropped_blocks'])}")
