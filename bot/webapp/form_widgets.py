"""The patient form's widgets: one per ``rules_core.PatientFacts`` field (from ``patient_form.field_specs``),
each with a message line under it, and the therapy history as one block per therapy.

Labels are the schema's titles ("Ring sideroblasts (%)"); a therapy is "Therapy 1" with its own
"Agent", "Weeks", ... so a message such as "Therapy 1, agent: required" points at what the form shows.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from bot.webapp import html
from bot.webapp.patient_form import (
    HISTORY_CHOICES,
    HISTORY_NOT_DOCUMENTED,
    NOT_DOCUMENTED,
    THERAPY_ROWS,
    FieldInput,
    FieldSpec,
    FormReading,
    TherapyInput,
    display_label,
    field_specs,
    grouped_specs,
    read_form,
    therapy_columns,
    therapy_rows_from,
)
from rules_core import Therapy

_PLACEHOLDER = {"%": "e.g. 20 or 20%", "years": "e.g. 72"}
_CHOICE_WORDS = {"int1": "intermediate-1", "int2": "intermediate-2"}  # IPSS categories as printed


def choice_label(value: str) -> str:
    return _CHOICE_WORDS.get(value, value.replace("_", " "))


class PatientForm:
    """Widgets for every PatientFacts field, each with its own message line (errors, and how a value was read)."""

    def __init__(self) -> None:
        self.specs: list[FieldSpec] = field_specs()
        self.value: dict[str, gr.components.Component] = {}
        self.unit: dict[str, gr.components.Component] = {}
        self.error: dict[str, gr.HTML] = {}
        self.history: gr.Radio | None = None
        self.rows: list[dict[str, gr.components.Component]] = []
        for title, specs in grouped_specs():
            with gr.Group(elem_classes=["mds-form-group"]):
                gr.HTML(f'<div class="mds-group-title">{html.text(title)}</div>')
                for spec in specs:
                    self._field(spec)

    def _field(self, spec: FieldSpec) -> None:
        elem = f"field-{spec.name}"
        label = display_label(spec)
        if spec.kind in ("choice", "bool"):
            choices = [(NOT_DOCUMENTED, NOT_DOCUMENTED)] + [(choice_label(c), c) for c in spec.choices]
            self.value[spec.name] = gr.Radio(choices, value=NOT_DOCUMENTED, label=label, info=_info(spec), elem_id=elem)
        elif spec.kind in ("int", "number"):
            self.value[spec.name] = _number_box(label, elem, placeholder=_PLACEHOLDER.get(spec.unit_hint, "e.g. 4"))
        elif spec.kind == "quantity":
            with gr.Row(equal_height=True):
                example = f"e.g. {'620' if spec.units[0].endswith('L') and 'U' in spec.units[0] else '9.8'} {spec.units[0]}"
                self.value[spec.name] = _number_box(label, elem, placeholder=example, scale=3, min_width=160)
                self.unit[spec.name] = gr.Radio(
                    list(spec.units), value=spec.units[0], label="Unit (a unit typed in the value wins)",
                    elem_id=f"{elem}-unit", scale=2, min_width=150,
                )
        elif spec.kind == "therapies":
            self._therapies(spec, elem)
        self.error[spec.name] = gr.HTML("", visible=False, elem_id=f"{elem}-error", elem_classes=["mds-field-error"])

    def _therapies(self, spec: FieldSpec, elem: str) -> None:
        self.history = gr.Radio(list(HISTORY_CHOICES), value=HISTORY_NOT_DOCUMENTED, label=spec.label, elem_id=elem)
        columns = {c.name: c for c in therapy_columns()}
        for i in range(THERAPY_ROWS):
            row: dict[str, gr.components.Component] = {}
            with gr.Group(elem_classes=["mds-therapy"], elem_id=f"therapy-{i}"):
                gr.HTML(f'<div class="mds-therapy-title">Therapy {i + 1}</div>')
                with gr.Row(elem_classes=["mds-therapy-row"]):
                    row["agent"] = gr.Dropdown(
                        [("", "")] + _agent_choices(columns["agent"].choices), value="", label=_column_label("agent"),
                        allow_custom_value=True, elem_id=f"therapy-{i}-agent", scale=3, min_width=240,
                    )
                    row["weeks"] = gr.Textbox(label=_column_label("weeks"), value="", placeholder="e.g. 8",
                                              elem_id=f"therapy-{i}-weeks", max_lines=1, min_width=120)
                with gr.Row(elem_classes=["mds-therapy-row"]):
                    for name, col in columns.items():
                        if name in row:
                            continue
                        row[name] = gr.Dropdown([NOT_DOCUMENTED, *col.choices], value=NOT_DOCUMENTED,
                                                label=_column_label(name), elem_id=f"therapy-{i}-{name}", min_width=200)
            self.rows.append({name: row[name] for name in columns})  # the Therapy model's order

    # the flat list of inputs, and reading it back
    def inputs(self) -> list[gr.components.Component]:
        out: list[gr.components.Component] = []
        for spec in self.specs:
            if spec.kind == "therapies":
                out.append(self.history)
                for row in self.rows:
                    out.extend(row.values())
            else:
                out.append(self.value[spec.name])
                if spec.name in self.unit:
                    out.append(self.unit[spec.name])
        return out

    def read(self, values: list[Any]) -> FormReading:
        it = iter(values)
        fields: dict[str, FieldInput] = {}
        history, therapies = HISTORY_NOT_DOCUMENTED, []
        for spec in self.specs:
            if spec.kind == "therapies":
                history = next(it)
                for row in self.rows:
                    therapies.append(TherapyInput(**{name: next(it) for name in row}))
            else:
                value = next(it)
                unit = next(it) if spec.name in self.unit else None
                fields[spec.name] = FieldInput(value, unit)
        return read_form(self.specs, fields, history, therapies)

    def messages_update(self, errors: dict[str, str], notes: dict[str, str] | None = None) -> dict[Any, Any]:
        """Each field's line: its error, else how its value was read, else hidden."""
        notes = notes or {}
        out = {}
        for name, component in self.error.items():
            if name in errors:
                out[component] = gr.update(value=html.error_html(errors[name]), visible=True)
            elif name in notes:
                out[component] = gr.update(value=f'<div class="mds-field-note">{html.text(notes[name])}</div>', visible=True)
            else:
                out[component] = gr.update(value="", visible=False)
        return out

    def fill(self, patient: dict[str, Any]) -> dict[Any, Any]:
        """Widget updates that show ``patient`` in the form (used by "Load JSON into form")."""
        updates: dict[Any, Any] = {}
        for spec in self.specs:
            value = patient.get(spec.name)
            if spec.kind == "therapies":
                history, rows = therapy_rows_from(value)
                updates[self.history] = history
                for i, row in enumerate(self.rows):
                    given = rows[i] if i < len(rows) else TherapyInput()
                    for name, component in row.items():
                        cell = getattr(given, name)
                        empty = "" if name in ("agent", "weeks") else NOT_DOCUMENTED
                        updates[component] = empty if cell is None else _number_text(cell)
            elif spec.kind == "quantity":
                updates[self.value[spec.name]] = "" if value is None else _number_text(value.get("value"))
                updates[self.unit[spec.name]] = spec.units[0] if value is None else value.get("unit", spec.units[0])
            elif spec.kind == "bool":
                updates[self.value[spec.name]] = NOT_DOCUMENTED if value is None else ("yes" if value else "no")
            elif spec.kind == "choice":
                updates[self.value[spec.name]] = NOT_DOCUMENTED if value is None else value
            else:
                updates[self.value[spec.name]] = "" if value is None else _number_text(value)
        return updates


def _info(spec: FieldSpec) -> str | None:
    """The schema's description as help, when it says more than the label."""
    return spec.help if spec.help and spec.help.rstrip(".").lower() != spec.label.lower() else None


def _column_label(name: str) -> str:
    info = Therapy.model_fields[name]
    return info.title or name.replace("_", " ")


def _number_text(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _number_box(label: str, elem_id: str, placeholder: str = "", **layout: Any) -> gr.Textbox:
    """A text box, not gr.Number: blank must mean "not documented", and people type units ("20%", "620 U/L")."""
    hint = f"not documented; {placeholder}" if placeholder else "not documented"
    return gr.Textbox(label=label, value="", placeholder=hint, elem_id=elem_id, max_lines=1, **layout)


def _agent_choices(agents: tuple[str, ...]) -> list[tuple[str, str]]:
    from rules_core.drugs import BRANDS

    out = []
    for agent in agents:
        brands = [b for b, g in BRANDS.items() if g == agent]
        out.append((f"{agent.replace('_', ' ')} ({', '.join(brands)})" if brands else agent.replace("_", " "), agent))
    return out
