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


def fail(message: str, as_json: bool = False, code: int = USAGE_ERROR, *, field: str | None = None,
         allowed: list[str] | None = None, detail: str | None = None) -> typer.Exit:
    """One line on stderr, exit code 2, never a traceback: ``error: ...``, or with --json one JSON object
    ``{"error": <the same line>, "field", "message", "allowed", "exit_code"}`` (field and allowed may be null;
    ``message`` is the line without the field, ``detail`` when given)."""
    message = message.removeprefix("error: ")
    if as_json:
        if detail is None:
            detail = message.removeprefix(f"{field}: ") if field else message
        error = {"error": message, "field": field, "message": detail, "allowed": allowed, "exit_code": code}
        typer.echo(json.dumps(error, ensure_ascii=False), err=True)
    else:
        typer.echo(terminal_safe(f"error: {message}"), err=True)
    return typer.Exit(code=code)


def fail_on(exc: BaseException, as_json: bool = False, option: str | None = None) -> typer.Exit:
    """:func:`fail` for a rules-core input error (RulesInputError, pydantic ValidationError), its parts as data;
    ``option``: the field named when the error has none (the whole file given to that option is wrong)."""
    from rules_core.errors import describe_error, error_parts

    parts = error_parts(exc)
    return fail(describe_error(exc), as_json, field=parts["field"] or option, allowed=parts["allowed"],
                detail=parts["message"])


def usage_error_json(exc) -> str:
    """A click usage error (bad option value, unknown option, missing argument) as the --json error object."""
    param = getattr(exc, "param", None)
    field = (param.opts[0] if getattr(param, "opts", None) else getattr(param, "name", None)) or getattr(exc, "option_name", None)
    choices = getattr(getattr(param, "type", None), "choices", None)
    message = " ".join(exc.format_message().split())
    error = {"error": message, "field": field, "message": message, "allowed": list(choices) if choices else None,
             "exit_code": exc.exit_code}
    return json.dumps(error, ensure_ascii=False)
