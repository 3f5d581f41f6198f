"""Batch input and output for `ask --batch` and `check --batch`: one output line per input line.

Whatever a line holds (invalid UTF-8, a BOM, a 5000-digit number, nesting a
thousand deep, a megabyte of text), it gets exactly one output line: its result
or a one-line JSON error ``{"id", "line", "error"}``. Blank lines are not
records and get none. The exit code says whether any line failed
(:data:`EXIT_LINE_FAILED`). Speed work on the batch loops stays out of here.
"""

from __future__ import annotations

import codecs
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

EXIT_OK = 0
EXIT_LINE_FAILED = 1  # some line got an error result; every line still got its output line
MAX_LINE_BYTES = 1_000_000
MAX_DEPTH = 64  # deeper JSON is not a record of ours (and would exhaust the parser's recursion)


@dataclass(frozen=True)
class BatchLine:
    number: int
    text: str | None = None
    error: str | None = None  # why the line could not be read; then ``text`` is None


def read_lines(stream: Iterable[bytes]) -> Iterator[BatchLine]:
    """Non-blank lines, decoded one by one: a bad byte costs its own line only."""
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        if len(raw) > MAX_LINE_BYTES:
            yield BatchLine(number, error=f"line {number}: {len(raw)} bytes long; at most {MAX_LINE_BYTES} per line")
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield BatchLine(number, error=f"line {number}: not UTF-8 text (bad byte at column {exc.start + 1})")
            continue
        if text.strip():
            yield BatchLine(number, text=text)


def decoded_lines(stream: Iterable[bytes]) -> Iterator[str]:
    """Every line as text, blank ones included (numbering stays exact); an unreadable one as
    ``rules_core.inputs.UnreadableLine`` carrying why (for check --batch's chunked evaluation)."""
    from rules_core.inputs import UnreadableLine

    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        if len(raw) > MAX_LINE_BYTES:
            yield UnreadableLine(f"{len(raw)} bytes long; at most {MAX_LINE_BYTES} per line")
            continue
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield UnreadableLine(f"not UTF-8 text (bad byte at column {exc.start + 1})")


def json_depth_error(text: str) -> str | None:
    """A message when brackets nest deeper than MAX_DEPTH (counted outside strings, before parsing)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return f"JSON nested deeper than {MAX_DEPTH} levels"
        elif char in "]}":
            depth -= 1
    return None


def loads(text: str) -> Any:
    """``json.loads`` whose every failure is a ValueError with a one-line, user-facing message."""
    too_deep = json_depth_error(text)
    if too_deep:
        raise ValueError(too_deep)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    except (ValueError, RecursionError):  # a number too long to convert: name the limit, not sys internals
        raise ValueError(f"a number has more than {sys.get_int_max_str_digits()} digits") from None


def error_record(number: int, message: str, record_id: Any = None) -> str:
    record = {"id": _plain_id(record_id), "line": number, "error": message}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _plain_id(record_id: Any) -> Any:
    """An id echoed back: strings and small numbers as given, anything else as a short text."""
    if record_id is None or isinstance(record_id, (str, bool)) or (isinstance(record_id, int) and abs(record_id) < 10**15):
        return record_id if not isinstance(record_id, str) else record_id[:200]
    return None


@dataclass
class LineWriter:
    """Writes result lines to ``out`` and counts failures; a reader that went away (``| head``) ends quietly."""

    out: IO[str]
    flush: bool = True  # each line visible at once (a slow batch can be watched and resumed)
    failed: int = 0
    written: int = 0
    closed: bool = field(default=False)

    def write(self, line: str, *, failed: bool = False) -> None:
        self.failed += failed
        if self.closed:
            return
        try:
            self.out.write(line + "\n")
            if self.flush:
                self.out.flush()
            self.written += 1
        except BrokenPipeError:
            self.closed = True
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    @property
    def exit_code(self) -> int:
        return EXIT_LINE_FAILED if self.failed else EXIT_OK
