"""`mdsbot ask`, `mdsbot chat` (`mdsbot ingest` and `mdsbot corpus`: bot/cli/documents.py).

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
from bot.cli.terminal import fail, terminal_safe

if TYPE_CHECKING:  # pragma: no cover
    from bot.settings import Settings

ChromaUrl = Annotated[
    Optional[str],
    typer.Option("--chroma-url", metavar="url", help="Use a shared `chroma run` server (else MDSBOT_CHROMA_URL, else embedded)."),
]
DataDir = Annotated[Optional[Path], typer.Option("--data-dir", metavar="folder", help="Where the embedded index lives (MDSBOT_DATA_DIR).")]


def load_settings(chroma_url: str | None = None, data_dir: Path | None = None, as_json: bool = False) -> Settings:
    from pydantic import ValidationError

    from bot.settings import Settings

    overrides = {k: v for k, v in {"chroma_url": chroma_url, "data_dir": data_dir}.items() if v is not None}
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(x) for x in error["loc"])
        raise fail(f"MDSBOT_{field.upper()}: {error['msg']}", as_json) from None


def _is_knowledge_error(exc: Exception) -> bool:
    """A manifest or conflicts file that does not fit its documents: its message is already one line."""
    from corpus.conflicts import ConflictsError
    from corpus.models import ManifestError

    return isinstance(exc, (ManifestError, ConflictsError))


def load_corpus_or_fail(settings: Settings, as_json: bool = False):
    from bot.engine import load_settings_corpus
    from corpus.models import ManifestError

    try:
        return load_settings_corpus(settings)
    except ManifestError as exc:
        raise fail(str(exc), as_json, field="MDSBOT_MANIFEST") from None


def load_engine(settings: Settings, show_progress: bool = True, as_json: bool = False):
    from bot.engine import Engine
    from corpus.store import IndexDamaged, IndexReadOnly

    try:
        engine = Engine.from_settings(settings, progress=_progress_bar() if show_progress else None)
    except Exception as exc:  # a server that is down, a damaged or read-only index, a bad URL
        if str(exc).startswith("chroma_url:") or _is_knowledge_error(exc) or isinstance(exc, (IndexDamaged, IndexReadOnly)):
            raise fail(str(exc), as_json) from None
        if isinstance(exc, (OSError, ValueError, ConnectionError)) or type(exc).__module__.startswith(("chromadb", "httpx")):
            where = settings.chroma_url or settings.data_dir
            raise fail(f"cannot open the index at {where}: {' '.join(str(exc).split())}", as_json) from None
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
    question: Annotated[Optional[str], typer.Argument(metavar="question", help="A question about lower-risk MDS.")] = None,
    as_json: Annotated[bool, typer.Option("--json", metavar="", help="Print JSON instead of text (errors too).")] = False,
    batch: Annotated[
        Optional[Path],
        typer.Option("--batch", metavar="file.jsonl", help="JSONL file of {\"id\", \"question\"}; one result or error line per line; "
                     "exit 1 if any line failed."),
    ] = None,
    resume: Annotated[
        Optional[Path],
        typer.Option("--resume", metavar="out.jsonl", help="With --batch: append JSON results to OUT, skipping ids already answered there."),
    ] = None,
    chroma_url: ChromaUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Answer a question from the source documents, with citations, or refuse."""
    if (question is None) == (batch is None):
        raise fail("give either a QUESTION or --batch FILE.jsonl", as_json)
    if resume is not None and batch is None:
        raise fail("--resume: only with --batch FILE.jsonl", as_json)
    stream = _open_batch(batch, as_json) if batch is not None else None
    settings = load_settings(chroma_url, data_dir, as_json)
    engine = load_engine(settings, as_json=as_json)
    if stream is None:
        _emit(engine.ask(question), as_json)
        return
    raise typer.Exit(_ask_batch(engine, stream, as_json, resume))


def _open_batch(path: Path, as_json: bool):
    try:
        return open(path, "rb")  # noqa: SIM115  (closed by _ask_batch)
    except OSError as exc:
        raise fail(f"--batch: cannot read {path}: {exc.strerror}", as_json) from None


def _ask_batch(engine, stream, as_json: bool, resume: Path | None) -> int:
    from bot.cli.ask_batch import answered_ids, run_batch

    with stream:
        if resume is None:
            return run_batch(engine, stream, sys.stdout, as_json=as_json, skip=set())
        skip = answered_ids(resume)
        with open(resume, "a", encoding="utf-8") as out:
            return run_batch(engine, stream, out, as_json=True, skip=skip)


def _emit(response, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(response.model_dump(mode="json"), ensure_ascii=False))
        return
    from bot.cli.display import render_text

    typer.echo(terminal_safe(render_text(response)))


@app.command()
def chat(
    chroma_url: ChromaUrl = None,
    data_dir: DataDir = None,
    no_record: Annotated[bool, typer.Option("--no-record", metavar="", help="Do not store the verdicts of this chat.")] = False,
) -> None:
    """A conversation in the terminal (facts you give are remembered; 'new' starts over, 'quit' ends).
    Each medical-necessity verdict is stored (mdsbot decisions list) unless --no-record is given."""
    from bot.cli.display import render_text
    from bot.records.recorder import DecisionRecorder

    settings = load_settings(chroma_url, data_dir)
    engine = load_engine(settings)
    record = None if no_record else DecisionRecorder(settings).for_surface("chat")
    conversation = engine.conversation(record)
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
            conversation = engine.conversation(record)
            typer.echo("mdsbot> New conversation.")
            continue
        if text:
            typer.echo("mdsbot> " + terminal_safe(render_text(conversation.send(text))).replace("\n", "\n       "))
