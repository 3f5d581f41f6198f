"""`mdsbot ask --batch`: every question line gets one result line, even when the index server goes away.

A line the index cannot answer because its server is unreachable is retried
with doubling waits (``batch_retries``, ``batch_backoff_seconds``); when that
fails, it and every remaining line get an error line naming the cause, so a
later ``--resume OUT`` asks only what is missing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

from bot.cli.batchio import BatchLine, LineWriter, error_record, loads, read_lines
from bot.cli.terminal import terminal_safe

Row = tuple[BatchLine, "dict[str, Any] | None", "str | None"]
PREFETCH_LINES = 64  # questions encoded per batched call; lines are still answered and written one by one


class ServerLost(RuntimeError):
    """The index server stayed unreachable through every retry."""


def is_connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is a dropped or refused connection to the index server."""
    import httpx

    seen: BaseException | None = exc
    for _ in range(10):  # a short chain: IndexUnavailable -> chromadb error -> httpx error
        if seen is None:
            return False
        if isinstance(seen, (httpx.TransportError, ConnectionError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def answered_ids(out: Path) -> set[str]:
    """Ids (as JSON text) that already have a result, not an error, in a previous run's output."""
    done: set[str] = set()
    if not out.exists():
        return done
    with open(out, "rb") as stream:
        for line in read_lines(stream):
            try:
                row = loads(line.text or "")
            except ValueError:
                continue  # a line cut short when the last run stopped
            if isinstance(row, dict) and row.get("id") is not None and "error" not in row:
                done.add(json.dumps(row["id"]))
    return done


def parse_row(line: BatchLine) -> tuple[dict[str, Any] | None, str | None]:
    """(row, None) for a usable question line, else (None, one-line error)."""
    if line.error:
        return None, line.error
    try:
        row = loads(line.text or "")
    except ValueError as exc:
        return None, f"line {line.number}: {exc}"
    if not isinstance(row, dict) or not isinstance(row.get("question"), str) or not row["question"].strip():
        return None, f"line {line.number}: question: a non-empty string is required"
    return row, None


def ask_with_retry(engine: Any, question: str) -> Any:
    settings = engine.settings
    for attempt in range(settings.batch_retries + 1):
        try:
            return engine.ask(question)
        except Exception as exc:
            if not is_connection_lost(exc):
                raise
            if attempt == settings.batch_retries:
                where = settings.chroma_url or settings.data_dir
                raise ServerLost(f"the index server at {where} is unreachable (after {attempt} retries)") from exc
            time.sleep(settings.batch_backoff_seconds * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def run_batch(engine: Any, stream: IO[bytes], out: IO[str], *, as_json: bool, skip: set[str]) -> int:
    """Answer each line of ``stream`` into ``out``; the exit code (bot/cli/batchio.py)."""
    writer = LineWriter(out)
    lost: str | None = None
    for line, row, error in _prefetched(engine, _rows(stream), skip):
        if row is not None and json.dumps(row.get("id")) in skip:
            continue
        if error is None and lost is not None:
            error = f"line {line.number}: not asked: {lost}"
        if error is None:
            try:
                _write_answer(writer, row, ask_with_retry(engine, row["question"]), as_json)
                continue
            except ServerLost as exc:
                lost = str(exc)
                error = f"line {line.number}: {lost}"
            except Exception as exc:  # noqa: BLE001  (one line's failure is that line's result)
                error = f"line {line.number}: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
        record = error_record(line.number, error, row.get("id") if row else None)
        writer.write(record if as_json else terminal_safe(f"## line {line.number}: error: {error}"), failed=True)
    return writer.exit_code


def _prefetched(engine: Any, rows: Iterator[Row], skip: set[str]) -> Iterator[Row]:
    """The rows unchanged, read PREFETCH_LINES at a time, each chunk's questions encoded in one call first
    (the per-line answers then find their query vectors ready)."""
    while chunk := list(islice(rows, PREFETCH_LINES)):
        questions = [r["question"] for _, r, e in chunk if r is not None and e is None and json.dumps(r.get("id")) not in skip]
        try:
            engine.prefetch(questions)
        except Exception:  # noqa: BLE001  (a lost server is met, retried and reported line by line)
            pass
        yield from chunk


def _rows(stream: IO[bytes]) -> Iterator[Row]:
    for line in read_lines(stream):
        row, error = parse_row(line)
        yield line, row, error


def _write_answer(writer: LineWriter, row: dict[str, Any], response: Any, as_json: bool) -> None:
    if as_json:
        writer.write(json.dumps({"id": row.get("id"), **response.model_dump(mode="json")}, ensure_ascii=False))
        return
    from bot.cli.display import render_text

    writer.write(terminal_safe(f"## {row.get('id')}: {row['question'][:200]}\n{render_text(response)}"))
