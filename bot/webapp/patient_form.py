"""The pharmacist's patient form, derived from ``rules_core.PatientFacts`` so it stays in sync.

:func:`field_specs` reads the model's fields and types (choices from Literal
types, units from the nested quantity models, therapy columns from
``Therapy``); the UI renders one widget per spec. :func:`collect_patient`
turns widget values back into a patient dict and :func:`validate_fields`
validates each field on its own, so every message can be shown next to the
field it is about (the message text is the rules core's ``describe_error``).

No gradio here: the form logic is tested without a browser.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from rules_core import FIELD_LABELS, KNOWN_AGENTS, PatientFacts, Therapy, describe_error

Kind = Literal["choice", "bool", "int", "number", "quantity", "therapies"]

NOT_DOCUMENTED = "not documented"
YES, NO = "yes", "no"
HISTORY_NOT_DOCUMENTED = "not documented"
HISTORY_NONE = "none: no prior therapy"
HISTORY_LISTED = "as listed below"
HISTORY_CHOICES = (HISTORY_NOT_DOCUMENTED, HISTORY_NONE, HISTORY_LISTED)
THERAPY_ROWS = 4

# How the form groups the fields; a field the model gains later lands in "Other".
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Patient and risk", ("age_years", "ipss_r", "ipss", "bone_marrow_blasts_pct")),
    ("Marrow morphology, mutations, karyotype", ("ring_sideroblasts_pct", "sf3b1", "idh1", "idh2", "del5q")),
    ("Labs and transfusions", ("serum_epo", "hemoglobin", "rbc_units_last_8_weeks")),
    ("Prior anemia therapy", ("therapies",)),
)
UNIT_SUFFIX = {"_pct": "%", "age_years": "years", "rbc_units_last_8_weeks": "units / 8 weeks"}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: Kind
    choices: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    unit_hint: str = ""
    help: str = ""


@dataclass(frozen=True)
class TherapyColumn:
    name: str
    kind: Kind
    choices: tuple[str, ...] = ()


def field_specs() -> list[FieldSpec]:
    """One spec per PatientFacts field, in the model's order."""
    return [_spec(name, info) for name, info in PatientFacts.model_fields.items()]


def grouped_specs() -> list[tuple[str, list[FieldSpec]]]:
    specs = {s.name: s for s in field_specs()}
    groups = []
    for title, names in GROUPS:
        members = [specs.pop(n) for n in names if n in specs]
        if members:
            groups.append((title, members))
    if specs:
        groups.append(("Other", list(specs.values())))
    return groups


def therapy_columns() -> list[TherapyColumn]:
    """The columns of one therapy row, from the Therapy model (agent is a choice of known agents)."""
    out = []
    for name, info in Therapy.model_fields.items():
        if name == "agent":
            out.append(TherapyColumn(name, "choice", tuple(KNOWN_AGENTS)))
            continue
        kind, choices, _ = _classify(info.annotation)
        out.append(TherapyColumn(name, kind, choices))
    return out


def _spec(name: str, info: Any) -> FieldSpec:
    kind, choices, units = _classify(info.annotation)
    label = FIELD_LABELS.get(name, name.replace("_", " "))
    suffix = next((v for k, v in UNIT_SUFFIX.items() if name.endswith(k) or name == k), "")
    return FieldSpec(
        name=name,
        label=label[:1].upper() + label[1:],
        kind=kind,
        choices=choices,
        units=units,
        unit_hint=suffix,
        help=info.description or "",
    )


def _classify(annotation: Any) -> tuple[Kind, tuple[str, ...], tuple[str, ...]]:
    inner = _strip_optional(annotation)
    origin = typing.get_origin(inner)
    if origin is Literal:
        return "choice", tuple(str(v) for v in typing.get_args(inner)), ()
    if inner is bool:
        return "bool", (YES, NO), ()
    if inner is int:
        return "int", (), ()
    if inner is float or _annotated_base(inner) is float:
        return "number", (), ()
    if isinstance(inner, type) and issubclass(inner, BaseModel) and {"value", "unit"} <= set(inner.model_fields):
        units = tuple(str(u) for u in typing.get_args(_strip_optional(inner.model_fields["unit"].annotation)))
        return "quantity", (), units
    if origin is list and _strip_optional(typing.get_args(inner)[0]) is Therapy:
        return "therapies", (), ()
    raise TypeError(f"no form widget for a field of type {annotation!r}; extend bot.webapp.patient_form")


def _strip_optional(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, getattr(__import__("types"), "UnionType", None)) and len(args) == 1:
        return args[0]
    return annotation


def _annotated_base(annotation: Any) -> Any:
    if typing.get_origin(annotation) is typing.Annotated:
        return typing.get_args(annotation)[0]
    return None


# --- widget values -> patient dict ------------------------------------------------------------


@dataclass(frozen=True)
class FieldInput:
    """What the widgets of one field hold: value, and unit for quantities."""

    value: Any = None
    unit: Any = None


@dataclass(frozen=True)
class TherapyInput:
    agent: Any = None
    weeks: Any = None
    response: Any = None
    iron_replete: Any = None
    ongoing: Any = None  # yes: the patient is on it now (a request for it is a renewal)


def collect_patient(
    specs: Sequence[FieldSpec],
    values: Mapping[str, FieldInput],
    history: str = HISTORY_NOT_DOCUMENTED,
    therapies: Sequence[TherapyInput] = (),
) -> dict[str, Any]:
    """Widget values → the patient JSON the rules core takes. Blank = not documented (absent)."""
    patient: dict[str, Any] = {}
    for spec in specs:
        if spec.kind == "therapies":
            listed = _therapies(history, therapies)
            if listed is not None:
                patient[spec.name] = listed
            continue
        value = _field_value(spec, values.get(spec.name, FieldInput()))
        if value is not None:
            patient[spec.name] = value
    return patient


def _field_value(spec: FieldSpec, given: FieldInput) -> Any:
    value = _blank_to_none(given.value)
    if value is None:
        return None
    if spec.kind == "bool":
        return {YES: True, NO: False}.get(value, value)
    if spec.kind == "int":
        return _whole(value)
    if spec.kind == "quantity":
        quantity = {"value": _number(value)}
        unit = _blank_to_none(given.unit)
        if unit is not None:
            quantity["unit"] = unit
        return quantity
    if spec.kind == "number":
        return _number(value)
    return value


def _therapies(history: str, rows: Sequence[TherapyInput]) -> list[dict[str, Any]] | None:
    if history == HISTORY_NOT_DOCUMENTED or not history:
        return None
    if history == HISTORY_NONE:
        return []
    listed = []
    for row in rows:
        if _blank_to_none(row.agent) is None and all(
            _blank_to_none(v) is None for v in (row.weeks, row.response, row.iron_replete, row.ongoing)
        ):
            continue
        therapy: dict[str, Any] = {"agent": _blank_to_none(row.agent)}
        if _blank_to_none(row.weeks) is not None:
            therapy["weeks"] = _whole(row.weeks)
        if _blank_to_none(row.response) is not None:
            therapy["response"] = row.response
        if _blank_to_none(row.iron_replete) is not None:
            therapy["iron_replete"] = {YES: True, NO: False}.get(row.iron_replete, row.iron_replete)
        if _blank_to_none(row.ongoing) is not None:
            therapy["ongoing"] = {YES: True, NO: False}.get(row.ongoing, row.ongoing)
        listed.append(therapy)
    return listed


def _blank_to_none(value: Any) -> Any:
    if value is None or value == NOT_DOCUMENTED:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _whole(value: Any) -> Any:
    """7.0 → 7 (number boxes give floats); 7.5 stays and fails validation with a clear message."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return _whole(float(value.strip()))
        except ValueError:
            return value.strip()
    return value


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return value.strip()
    return value


# --- validation, field by field ---------------------------------------------------------------


def validate_fields(patient: Mapping[str, Any]) -> dict[str, str]:
    """field name → one-line message, for each field that does not validate on its own."""
    errors = {}
    for name, value in patient.items():
        try:
            PatientFacts.model_validate({name: value})
        except ValidationError as exc:
            errors[name] = describe_error(exc)
    return errors


def validate_patient(patient: Mapping[str, Any]) -> tuple[PatientFacts | None, dict[str, str], str | None]:
    """(facts, per-field messages, message not tied to one field)."""
    field_errors = validate_fields(patient)
    if field_errors:
        return None, field_errors, None
    try:
        return PatientFacts.model_validate(dict(patient)), {}, None
    except ValidationError as exc:  # a rule across fields
        return None, {}, describe_error(exc)


def therapy_rows_from(therapies: Sequence[Mapping[str, Any]] | None) -> tuple[str, list[TherapyInput]]:
    """The other way: a patient's therapy list → (history choice, rows) to fill the form."""
    if therapies is None:
        return HISTORY_NOT_DOCUMENTED, []
    if not therapies:
        return HISTORY_NONE, []
    rows = []
    for t in therapies:
        iron, ongoing = t.get("iron_replete"), t.get("ongoing")
        rows.append(
            TherapyInput(
                agent=t.get("agent"),
                weeks=t.get("weeks"),
                response=t.get("response"),
                iron_replete=None if iron is None else (YES if iron else NO),
                ongoing=None if ongoing is None else (YES if ongoing else NO),
            )
        )
    return HISTORY_LISTED, rows


# --- the drug -----------------------------------------------------------------------------------


def drug_choices() -> list[tuple[str, str]]:
    """(label, value) per supported drug: "generic (Brand)" → "generic"."""
    from rules_core import SUPPORTED_DRUGS
    from rules_core.drugs import BRANDS

    out = []
    for generic in SUPPORTED_DRUGS:
        brands = [brand for brand, g in BRANDS.items() if g == generic]
        name = generic.replace("_", " ")
        out.append((f"{name} ({', '.join(brands)})" if brands else name, generic))
    return out
