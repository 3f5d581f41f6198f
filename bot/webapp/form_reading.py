"""What a person types into a form field, read as the patient model's value, and messages in the
form's own words.

A number box takes what people type: "20%", "620 U/L", "9.8 g/dL", "98 g/L", "8 weeks". The value
and its unit are read by the one typed-value reader (``corpus.text.read_typed_value``: the number
parser and the lexicon's units); a unit typed in the text wins over the unit choice, and the app
says how it read it ("Read as 98 g/L (9.8 g/dL)").

Errors name the field as the form labels it ("Ring sideroblasts (%): 150 is out of range 0–100",
"Therapy 1, agent: required"), never a field id. No gradio here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ValidationError

from corpus.text import format_number, read_typed_value
from rules_core import PatientFacts, Therapy, describe_error
from rules_core.errors import format_loc
from rules_core.facts import Hemoglobin, SerumEpo
from rules_core.plain import plain_text

# The unit a plain number box takes, by field (the canonical lexicon unit); a field not listed takes none.
FIELD_UNITS = {"age_years": "years", "rbc_units_last_8_weeks": "units", "weeks": "weeks"}
PERCENT = "%"
_QUANTITY_MODELS = {"serum_epo": SerumEpo, "hemoglobin": Hemoglobin}


class FieldProblem(ValueError):
    """A field's text cannot be read; the message is for the person who typed it (no field id)."""


@dataclass(frozen=True)
class ReadValue:
    value: Any
    unit: str | None = None  # the patient model's unit, for quantities
    note: str | None = None  # how the text was read, when that is not obvious


def expected_unit(name: str, unit_hint: str) -> str | None:
    """The one unit a plain number field accepts typed after the number ("%", "years", "units", "weeks")."""
    return PERCENT if unit_hint == PERCENT else FIELD_UNITS.get(name)


def read_number(text: str, unit: str | None, *, whole: bool = False) -> ReadValue:
    """A plain number field: the number, with its own unit (or none) typed after it."""
    typed = _typed(text, example=f"{'8' if whole else '20'}{' ' + unit if unit and unit != PERCENT else unit or ''}")
    if typed.unit is not None and typed.unit != unit:
        allowed = f"in {unit}" if unit else "as a bare number"
        raise FieldProblem(f"'{text.strip()}' is in {typed.spelled}; give it {allowed}")
    return ReadValue(typed.value)


def read_quantity(text: str, chosen_unit: str | None, units: tuple[str, ...]) -> ReadValue:
    """A quantity field: value and unit; a unit typed in the text wins over the chosen one."""
    typed = _typed(text, example=f"620 {units[0]}" if units else "620")
    if typed.unit is None:
        return ReadValue(typed.value, chosen_unit)
    unit = _model_unit(typed, units)
    if unit is None:
        raise FieldProblem(f"'{text.strip()}': {typed.spelled} is not a unit for this field; use {' or '.join(units)}")
    note = f"Read as {format_number(typed.value)} {unit}"
    if unit == "g/L":
        note += f" ({format_number(round(typed.value / 10, 2))} g/dL)"
    elif unit == "g/dL":
        note += f" ({format_number(round(typed.value * 10, 1))} g/L)"
    elif typed.spelled not in units:
        note += f" (same quantity as {typed.spelled})"
    if chosen_unit and chosen_unit != unit:
        note += f"; the unit typed is used, not the unit chosen ({chosen_unit})"
    elif note == f"Read as {format_number(typed.value)} {unit}":
        return ReadValue(typed.value, unit)  # typed as chosen: nothing to say
    return ReadValue(typed.value, unit, note + ".")


def _typed(text: str, example: str) -> Any:
    typed = read_typed_value(text)
    if typed is None:
        raise FieldProblem(f"cannot read '{text.strip()}' as a number; type it like {example}")
    if typed.cmp is not None:
        raise FieldProblem(f"'{text.strip()}' is a bound; give the measured value, e.g. {example}")
    return typed


def _model_unit(typed: Any, units: tuple[str, ...]) -> str | None:
    """The model's spelling of the typed unit: the same spelling first, else the same quantity."""
    for unit in units:
        if unit.lower() == typed.spelled.lower():
            return unit
    return next((u for u in units if (read_typed_value(f"1 {u}") or typed).unit == typed.unit), None)


# --- messages in the form's words ---------------------------------------------------------------


def field_title(model: type[BaseModel], name: str) -> str:
    info = model.model_fields.get(name)
    return (info.title if info is not None and info.title else name.replace("_", " "))


def form_message(exc: BaseException, labels: dict[str, str]) -> str:
    """One line naming the field as the form labels it; ``labels``: field name → label shown."""
    if not isinstance(exc, ValidationError) or not exc.errors():
        return describe_error(exc)
    error = exc.errors(include_url=False)[0]
    loc = tuple(error["loc"])
    where = _where(loc, labels)
    return f"{where}: {_what(error, loc, describe_error(exc))}"


def _where(loc: tuple[Any, ...], labels: dict[str, str]) -> str:
    if not loc:
        return "Patient"
    label = labels.get(str(loc[0]), field_title(PatientFacts, str(loc[0])))
    if loc[0] == "therapies" and len(loc) >= 3 and isinstance(loc[1], int):
        return f"Therapy {loc[1] + 1}, {field_title(Therapy, str(loc[2])).lower()}"
    if len(loc) >= 2 and loc[-1] == "unit":
        return f"{label}, unit"
    return label


def _what(error: dict[str, Any], loc: tuple[Any, ...], described: str) -> str:
    kind, value = error["type"], error.get("input")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        low, high = value_range(loc)
        if low is not None and high is not None:
            shown = format_number(value) if isinstance(value, (int, float)) else repr(value)
            return f"{shown} is out of range {low}–{high}" + _hint(described)
    # The rules core's own words, without its field path ("ring_sideroblasts_pct: ...").
    path = format_loc(loc)
    tail = described.split(f"{path}: ", 1)[1] if f"{path}: " in described else described
    return plain_text(tail)  # "use one of epoetin alfa, …", not agent ids


def _hint(described: str) -> str:
    """The field's 'implausible' hint the rules core adds after the bound ('; check …')."""
    _, _, rest = described.partition("; must be ")
    _, _, hint = rest.partition("; ")
    return f"; {hint}" if hint else ""


def value_range(loc: tuple[Any, ...]) -> tuple[str | None, str | None]:
    """(lowest, highest) a field at ``loc`` allows, from the model's JSON schema (None: no bound)."""
    name = str(loc[-1] if loc and not isinstance(loc[-1], int) else loc[0])
    model: type[BaseModel] = PatientFacts
    if loc and loc[0] == "therapies":
        model = Therapy
    elif loc and str(loc[0]) in _QUANTITY_MODELS:
        model = _QUANTITY_MODELS[str(loc[0])]
    bounds = _schema_bounds(model).get(name, {})
    low, high = bounds.get("minimum", bounds.get("exclusiveMinimum")), bounds.get("maximum", bounds.get("exclusiveMaximum"))
    return (format_number(low) if low is not None else None, format_number(high) if high is not None else None)


@lru_cache(maxsize=None)
def _schema_bounds(model: type[BaseModel]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name, prop in model.model_json_schema().get("properties", {}).items():
        for variant in [prop, *prop.get("anyOf", [])]:
            found = {k: variant[k] for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum") if k in variant}
            if found:
                out[name] = found
    return out
