"""The pharmacist's patient form, derived from ``rules_core.PatientFacts`` so it stays in sync.

:func:`field_specs` reads the model's fields and types (choices from Literal
types, units from the nested quantity models, therapy columns from
``Therapy``); the UI renders one widget per spec. :func:`collect_patient`
turns widget values back into a patient dict (reading what people type, "20%" or
"620 U/L", through ``bot.webapp.form_reading``) and :func:`validate_fields`
validates each field on its own, so every message can be shown next to the
field it is about, naming it as the form labels it.

No gradio here: the form logic is tested without a browser.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from bot.webapp.form_reading import FieldProblem, expected_unit, form_message, read_number, read_quantity
from rules_core import KNOWN_AGENTS, PatientFacts, Therapy

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
UNIT_SUFFIX = {"_pct": "%", "age_years": "years"}  # shown after the label: "Ring sideroblasts (%)"


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
    label = info.title or name.replace("_", " ")  # the schema's title (rules_core.facts)
    suffix = next((v for k, v in UNIT_SUFFIX.items() if name.endswith(k) or name == k), "")
    return FieldSpec(
        name=name,
        label=label if info.title else label[:1].upper() + label[1:],
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
class FormReading:
    """The patient JSON read from the widgets, how values were read, and fields that could not be."""

    patient: dict[str, Any]
    notes: dict[str, str]  # field name → "Read as 98 g/L (9.8 g/dL)."
    errors: dict[str, str]  # field name → one line naming the field by its label


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
    return read_form(specs, values, history, therapies).patient


def read_form(
    specs: Sequence[FieldSpec],
    values: Mapping[str, FieldInput],
    history: str = HISTORY_NOT_DOCUMENTED,
    therapies: Sequence[TherapyInput] = (),
) -> FormReading:
    """The patient JSON, a note per value read with a unit, and an error per field that cannot be read."""
    patient: dict[str, Any] = {}
    notes: dict[str, str] = {}
    errors: dict[str, str] = {}
    for spec in specs:
        try:
            if spec.kind == "therapies":
                read = _therapies(history, therapies)
                value, note = read, None
            else:
                value, note = _field_value(spec, values.get(spec.name, FieldInput()))
        except FieldProblem as exc:
            errors[spec.name] = f"{display_label(spec)}: {exc}" if not str(exc).startswith("Therapy ") else str(exc)
            continue
        if value is not None:
            patient[spec.name] = value
        if note:
            notes[spec.name] = note
    return FormReading(patient, notes, errors)


def display_label(spec: FieldSpec) -> str:
    """The label as the form shows it: "Ring sideroblasts (%)"."""
    return f"{spec.label} ({spec.unit_hint})" if spec.unit_hint else spec.label


def _field_value(spec: FieldSpec, given: FieldInput) -> tuple[Any, str | None]:
    value = _blank_to_none(given.value)
    if value is None:
        return None, None
    if spec.kind == "bool":
        return {YES: True, NO: False}.get(value, value), None
    if spec.kind in ("int", "number"):
        return _plain_number(value, expected_unit(spec.name, spec.unit_hint), whole=spec.kind == "int"), None
    if spec.kind == "quantity":
        read = read_quantity(str(value), _blank_to_none(given.unit), spec.units)
        quantity = {"value": read.value} if read.unit is None else {"value": read.value, "unit": read.unit}
        return quantity, read.note
    return value, None


def _plain_number(value: Any, unit: str | None, *, whole: bool) -> Any:
    """A number box's value; numbers from code pass through (7.0 → 7 for whole numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return value
    number = read_number(value, unit, whole=whole).value if isinstance(value, str) else value
    if whole and isinstance(number, float) and number.is_integer():
        return int(number)
    return float(number) if not whole and isinstance(number, int) else number


def _therapies(history: str, rows: Sequence[TherapyInput]) -> list[dict[str, Any]] | None:
    if history == HISTORY_NOT_DOCUMENTED or not history:
        return None
    if history == HISTORY_NONE:
        return []
    listed = []
    for number, row in enumerate(rows, 1):
        if _blank_to_none(row.agent) is None and all(
            _blank_to_none(v) is None for v in (row.weeks, row.response, row.iron_replete, row.ongoing)
        ):
            continue
        agent = _blank_to_none(row.agent)
        therapy: dict[str, Any] = {} if agent is None else {"agent": agent}  # absent: "Therapy n, agent: required"
        if _blank_to_none(row.weeks) is not None:
            try:
                therapy["weeks"] = _plain_number(row.weeks, "weeks", whole=True)
            except FieldProblem as exc:
                raise FieldProblem(f"Therapy {number}, weeks: {exc}") from None
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


# --- validation, field by field ---------------------------------------------------------------


def form_labels() -> dict[str, str]:
    """field name → the label the form shows ("Ring sideroblasts (%)")."""
    return {spec.name: display_label(spec) for spec in field_specs()}


def validate_fields(patient: Mapping[str, Any]) -> dict[str, str]:
    """field name → one-line message naming the field by its label, for each field that does not validate on its own."""
    labels = form_labels()
    errors = {}
    for name, value in patient.items():
        try:
            PatientFacts.model_validate({name: value})
        except ValidationError as exc:
            errors[name] = form_message(exc, labels)
    return errors


def validate_patient(patient: Mapping[str, Any]) -> tuple[PatientFacts | None, dict[str, str], str | None]:
    """(facts, per-field messages, message not tied to one field)."""
    field_errors = validate_fields(patient)
    if field_errors:
        return None, field_errors, None
    try:
        return PatientFacts.model_validate(dict(patient)), {}, None
    except ValidationError as exc:  # a rule across fields
        return None, {}, form_message(exc, form_labels())


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
