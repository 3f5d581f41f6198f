"""What reaches the terminal: no control characters from data, errors as JSON under --json."""

from __future__ import annotations

import json
import re

import typer

USAGE_ERROR = 2
# C0 controls except tab and newline, DEL, C1 controls: ESC[2J in a JSON key must not clear a screen.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """Text with control characters shown as U+FFFD instead of acted on by the terminal."""
    return _CONTROL.sub("\ufffd", text)


def fail(message: str, as_json: bool = False, code: int = USAGE_ERROR) -> typer.Exit:
    """One line on stderr (``error: ...``, or ``{"error": ...}`` with --json), exit code 2, never a traceback."""
    message = message.removeprefix("error: ")
    if as_json:
        typer.echo(json.dumps({"error": message, "exit_code": code}, ensure_ascii=False), err=True)
    else:
        typer.echo(terminal_safe(f"error: {message}"), err=True)
    return typer.Exit(code=code)
