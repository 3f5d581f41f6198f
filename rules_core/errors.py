"""Input errors and the one-line formatter shared by the CLI, chat bot and web app.

Every message names the field and what is allowed, on one line, so a user can
fix the input without reading a traceback.
"""

from __future__ import annotations

import json
import re
import typing
from typing import Any


class RulesInputError(ValueError):
    """Bad input to the rules core; ``field`` is where, ``message`` is what is wrong, ``allowed`` what would do."""

    def __init__(self, message: str, field: str | None = None, allowed: list[str] | None = None) -> None:
        self.message = message
        self.field = field
        self.allowed = allowed
        super().__init__(f"{field}: {message}" if field else message)


class UnknownDrugError(RulesInputError):
    """A drug name that is neither a supported generic nor a known brand."""


class UnknownAgentError(RulesInputError):
    """A therapy agent that the rules core does not know."""


def format_error(exc: BaseException, root: str | None = None) -> str:
    """``error: <field>: <what is wrong and what is allowed>`` on one line.

    ``root`` prefixes field paths of a validation error, e.g. ``patient`` in a
    batch record gives ``patient.serum_epo.unit``.
    """
    return f"error: {describe_error(exc, root)}"


def describe_error(exc: BaseException, root: str | None = None) -> str:
    """The same line without the ``error:`` prefix (for JSON error results)."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        text = _describe_validation_error(exc, root)
    elif isinstance(exc, RulesInputError):
        text = str(exc)
    elif isinstance(exc, json.JSONDecodeError):
        text = f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
    elif isinstance(exc, OSError) and exc.filename is not None:
        text = f"cannot read {str(exc.filename)!r}: {exc.strerror or exc}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return _one_line(text)


def error_parts(exc: BaseException, root: str | None = None) -> dict[str, Any]:
    """The error as data: ``field`` (None when the whole input is wrong), ``message`` (the line without the
    field) and ``allowed`` (the accepted values or fields, None when they are not a list), for --json."""
    from pydantic import ValidationError

    text = describe_error(exc, root)
    if isinstance(exc, ValidationError) and exc.errors(include_url=False):
        first = exc.errors(include_url=False)[0]
        field = format_loc(tuple(first["loc"]), root)
        return {"field": field, "message": text.removeprefix(f"{field}: "), "allowed": _allowed(first, exc.title)}
    if isinstance(exc, RulesInputError):
        field = exc.field
        return {"field": field, "message": text.removeprefix(f"{field}: ") if field else text, "allowed": exc.allowed}
    return {"field": None, "message": text, "allowed": None}


def _allowed(error: dict[str, Any], title: str) -> list[str] | None:
    loc, kind, ctx = tuple(error["loc"]), error["type"], error.get("ctx") or {}
    if kind == "extra_forbidden":
        return _fields_at(title, loc[:-1]) or None
    if kind in ("missing", "literal_error", "enum"):
        return re.findall(r"'([^']*)'", str(ctx.get("expected", ""))) or _choices_at(title, loc) or None
    if kind in _BOUNDS:
        key, sign = _BOUNDS[kind]
        return [f"{sign} {ctx.get(key)}"]
    if kind == "value_error" and isinstance(ctx.get("error"), RulesInputError):
        return ctx["error"].allowed
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def format_loc(loc: tuple[Any, ...], root: str | None = None) -> str:
    """('therapies', 0, 'agent') → 'therapies[0].agent'; () → 'patient'."""
    out = root or ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "patient"


def _describe_validation_error(exc: Any, root: str | None) -> str:
    errors = exc.errors(include_url=False)
    if not errors:
        return str(exc)
    first = _describe_one(errors[0], exc.title, root)
    if len(errors) > 1:
        others = ", ".join(format_loc(tuple(e["loc"]), root) for e in errors[1:4])
        more = "" if len(errors) <= 4 else ", …"
        first += f" (and {len(errors) - 1} more: {others}{more})"
    return first


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_TYPE_WORDS = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "list_type": "a list",
    "model_type": "an object",
    "dict_type": "an object",
    "model_attributes_type": "an object",
}

_OBJECT_EXAMPLES = {
    "serum_epo": 'like {"value": 620, "unit": "U/L"}',
    "hemoglobin": 'like {"value": 9.1, "unit": "g/dL"}',
    "therapies": 'like {"agent": "epoetin_alfa", "weeks": 8, "response": "none", "iron_replete": true}',
}

_BOUNDS = {
    "greater_than_equal": ("ge", "≥"),
    "greater_than": ("gt", ">"),
    "less_than_equal": ("le", "≤"),
    "less_than": ("lt", "<"),
}


def _describe_one(error: dict[str, Any], title: str, root: str | None) -> str:
    loc = tuple(error["loc"])
    where = format_loc(loc, root)
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "extra_forbidden":
        return f"{where}: unknown field{_did_you_mean(title, loc)}; allowed fields: {', '.join(_fields_at(title, loc[:-1]))}"
    if kind == "missing":
        choices = _choices_at(title, loc)
        allowed = f"; use one of {', '.join(choices)}" if choices else ""
        return f"{where}: required{allowed}"
    if kind in ("literal_error", "enum"):
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", ""))) or _choices_at(title, loc)
        return f"{where}: {_short_repr(value)} is not allowed; use one of {', '.join(choices)}"
    if kind in _BOUNDS:
        key, sign = _BOUNDS[kind]
        hint = _implausible_hint(title, loc)
        return f"{where}: {_short_repr(value)} is out of range; must be {sign} {ctx.get(key)}" + (f"; {hint}" if hint else "")
    if kind == "finite_number":
        return f"{where}: {_short_repr(value)} is not allowed; must be a finite number"
    if kind in _TYPE_WORDS:
        example = _OBJECT_EXAMPLES.get(str(loc[0])) if _TYPE_WORDS[kind] == "an object" and loc else None
        hint = f" {example}" if example else ""
        return f"{where}: expected {_TYPE_WORDS[kind]}{hint}, got {_short_repr(value)}"
    if kind == "value_error" and isinstance(ctx.get("error"), RulesInputError):
        return f"{where}: {ctx['error'].message}"
    return f"{where}: {error['msg']}"


def _model_at(title: str, loc: tuple[Any, ...]) -> Any:
    """The rules-core model that owns the fields at ``loc`` (None if unknown)."""
    from rules_core import facts

    model: Any = getattr(facts, title, None)
    for part in loc:
        if model is None or isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        model = _nested_model(field.annotation) if field else None
    return model


def _nested_model(annotation: Any) -> Any:
    from pydantic import BaseModel

    for candidate in (annotation, *typing.get_args(annotation)):
        for inner in (candidate, *typing.get_args(candidate)):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return None


def _implausible_hint(title: str, loc: tuple[Any, ...]) -> str | None:
    """The likely cause of an out-of-range value, as the field declares it (json_schema_extra 'implausible')."""
    model = _model_at(title, loc[:-1])
    field = model.model_fields.get(loc[-1]) if model is not None and loc and isinstance(loc[-1], str) else None
    extra = field.json_schema_extra if field is not None else None
    return extra.get("implausible") if isinstance(extra, dict) else None


def _fields_at(title: str, loc: tuple[Any, ...]) -> list[str]:
    model = _model_at(title, loc)
    return list(model.model_fields) if model is not None else []


def _choices_at(title: str, loc: tuple[Any, ...]) -> list[str]:
    model = _model_at(title, loc[:-1])
    if model is None or not loc or loc[-1] not in model.model_fields:
        return []
    return _literal_values(model.model_fields[loc[-1]].annotation)


def _literal_values(annotation: Any) -> list[str]:
    if typing.get_origin(annotation) is typing.Literal:
        return [str(v) for v in typing.get_args(annotation)]
    for arg in typing.get_args(annotation):
        values = _literal_values(arg)
        if values:
            return values
    return []


def _did_you_mean(title: str, loc: tuple[Any, ...]) -> str:
    import difflib

    if not loc or not isinstance(loc[-1], str):
        return ""
    fields = _fields_at(title, loc[:-1])
    lowered = {f.lower(): f for f in fields}
    key = loc[-1].lower()
    match = lowered.get(key) or next(iter(difflib.get_close_matches(key, list(lowered), n=1, cutoff=0.5)), None)
    if match is None:
        match = next((f for f in fields if key.replace("_", "") in f.replace("_", "")), None)
    return f" (did you mean {lowered.get(match, match)}?)" if match else ""
