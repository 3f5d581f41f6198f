"""The Medical necessity tab: the patient form (generated from the patient model), the JSON box,
the decision with its reports, and "check all drugs".

``CheckTab(reports)`` builds the tab inside the app's Blocks and wires its events; each
handler is a short method that fills the outputs from ``bot.webapp.actions``.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from bot.webapp import actions, html
from bot.webapp.actions import InputError, Reports
from bot.webapp.patient_form import (
    HISTORY_CHOICES,
    HISTORY_NOT_DOCUMENTED,
    NOT_DOCUMENTED,
    THERAPY_ROWS,
    FieldInput,
    FieldSpec,
    TherapyInput,
    collect_patient,
    drug_choices,
    field_specs,
    grouped_specs,
    therapy_columns,
    therapy_rows_from,
    validate_patient,
)

EXAMPLE_PATIENT = """{
  "ipss_r": "low",
  "ring_sideroblasts_pct": 20,
  "sf3b1": "mutated",
  "serum_epo": {"value": 620, "unit": "U/L"},
  "hemoglobin": {"value": 8.1, "unit": "g/dL"},
  "rbc_units_last_8_weeks": 4,
  "therapies": [{"agent": "epoetin_alfa", "weeks": 8, "response": "none", "iron_replete": true}]
}"""
INTRO = (
    "Check whether a drug meets the medical-necessity criteria of the ruleset. Fill the form (blank = not "
    "documented) or paste/upload the patient JSON. Every criterion cites the source document."
)
PRIVATE = dict(api_visibility="private", concurrency_id="rules", concurrency_limit=4)


class CheckTab:
    """The tab's widgets (made in the order they show) and its event handlers."""

    def __init__(self, reports: Reports):
        self.reports = reports
        gr.Markdown(INTRO)
        with gr.Row():
            with gr.Column(scale=5, elem_classes=["mds-check-input"]):
                self._drug_input()
                with gr.Tabs():
                    with gr.Tab("Form", id="form", elem_id="check-form-tab"):
                        self._form_input()
                    with gr.Tab("Patient JSON", id="json", elem_id="check-json-tab"):
                        self._json_input()
            with gr.Column(scale=6, elem_classes=["mds-check-result"]):
                self._result_panel()
        self.outputs = [self.result, self.download_md, self.download_pdf, self.decision_json, self.drug_error,
                        self.form_error, self.json_error, *self.form.error.values()]
        self._wire()

    # -- widgets ---------------------------------------------------------------------------------

    def _drug_input(self) -> None:
        self.drug = gr.Dropdown(
            drug_choices(), value=None, label="Drug (generic or brand name)", allow_custom_value=True, elem_id="field-drug"
        )
        self.drug_error = gr.HTML("", visible=False, elem_id="field-drug-error", elem_classes=["mds-field-error"])

    def _form_input(self) -> None:
        self.form = PatientForm()
        self.form_error = gr.HTML("", visible=False, elem_classes=["mds-field-error"])
        with gr.Row():
            self.check_form = gr.Button("Check", variant="primary", elem_id="check-form")
            self.options_form = gr.Button("Check all drugs", elem_id="check-all-form")
            self.clear = gr.Button("Clear form", elem_id="clear-form")

    def _json_input(self) -> None:
        self.patient_json = gr.Code(
            value=EXAMPLE_PATIENT, language="json", label="Patient JSON", elem_id="patient-json", lines=14
        )
        self.upload = gr.File(
            label="…or upload a patient .json file", file_types=[".json"], type="filepath", elem_id="patient-upload"
        )
        self.json_error = gr.HTML("", visible=False, elem_id="patient-json-error", elem_classes=["mds-field-error"])
        with gr.Row():
            self.check_json = gr.Button("Check", variant="primary", elem_id="check-json")
            self.options_json = gr.Button("Check all drugs", elem_id="check-all-json")
            self.to_form = gr.Button("Load into form", elem_id="json-to-form")

    def _result_panel(self) -> None:
        with gr.Row():
            self.download_md = gr.DownloadButton(
                "Download report (Markdown)", value=None, interactive=False, elem_id="download-md", size="md"
            )
            self.download_pdf = gr.DownloadButton(
                "Download report (PDF)", value=None, interactive=False, elem_id="download-pdf", size="md"
            )
        self.result = gr.HTML('<div class="mds-empty">The decision appears here.</div>', elem_id="decision", min_height=120)
        with gr.Accordion("Decision as JSON", open=False):
            self.decision_json = gr.JSON(label="rules_core Decision", elem_id="decision-json")

    def _wire(self) -> None:
        inputs = self.form.inputs()
        self.check_form.click(self.on_check_form, [self.drug, *inputs], self.outputs, **PRIVATE)
        self.options_form.click(self.on_options_form, inputs, self.outputs, **PRIVATE)
        self.check_json.click(self.on_check_json, [self.drug, self.patient_json], self.outputs, **PRIVATE)
        self.options_json.click(self.on_options_json, [self.patient_json], self.outputs, **PRIVATE)
        self.upload.upload(on_upload, [self.upload], [self.patient_json], api_visibility="private")
        self.to_form.click(self.on_to_form, [self.patient_json], [*self.outputs, *inputs], **PRIVATE)
        self.clear.click(lambda: {**self.cleared(), **self.form.fill({})}, None, [*self.outputs, *inputs],
                         api_visibility="private", queue=False)

    # -- what the outputs show ---------------------------------------------------------------------

    def cleared(self) -> dict[Any, Any]:
        out = {c: gr.update(value="", visible=False) for c in (self.drug_error, self.form_error, self.json_error)}
        out.update(self.form.errors_update({}))
        return out

    def no_result(self, out: dict[Any, Any], message: str) -> dict[Any, Any]:
        out[self.result] = html.error_html(message)
        out[self.decision_json] = None
        out[self.download_md] = gr.update(value=None, interactive=False)
        out[self.download_pdf] = gr.update(value=None, interactive=False)
        return out

    def show_error(self, out: dict[Any, Any], exc: InputError, where: Any) -> dict[Any, Any]:
        target = self.drug_error if exc.field == "drug" else where
        out[target] = gr.update(value=html.error_html(str(exc)), visible=True)
        return self.no_result(out, "Fix the highlighted input to get a decision.")

    def show_field_errors(self, out: dict[Any, Any], field_errors: dict[str, str], general: str | None,
                          message: str) -> dict[Any, Any]:
        out.update(self.form.errors_update(field_errors))
        if general:
            out[self.form_error] = gr.update(value=html.error_html(general), visible=True)
        return self.no_result(out, message)

    def show_decision(self, out: dict[Any, Any], drug_text: str, decision: Any, facts: Any) -> dict[Any, Any]:
        files = self.reports.write(decision, facts, requested_drug=drug_text)
        out[self.result] = html.decision_html(decision.model_dump(mode="json"))
        out[self.decision_json] = decision.model_dump(mode="json")
        out[self.download_md] = gr.update(value=str(files.markdown), interactive=True)
        out[self.download_pdf] = gr.update(value=str(files.pdf), interactive=True)
        return out

    def show_options(self, out: dict[Any, Any], decisions: list[Any]) -> dict[Any, Any]:
        out[self.result] = html.options_html([d.model_dump(mode="json") for d in decisions])
        out[self.decision_json] = [d.model_dump(mode="json") for d in decisions]
        out[self.download_md] = gr.update(value=None, interactive=False)
        out[self.download_pdf] = gr.update(value=None, interactive=False)
        return out

    # -- handlers ----------------------------------------------------------------------------------

    def on_check_form(self, drug_text: str | None, *values: Any) -> dict[Any, Any]:
        out = self.cleared()
        facts, field_errors, general = validate_patient(self.form.read(list(values)))
        drug_problem = _drug_problem(drug_text)
        if drug_problem:
            out = self.show_error(out, drug_problem, self.drug_error)
        if field_errors or general:
            return self.show_field_errors(out, field_errors, general, "Fix the highlighted fields to get a decision.")
        if drug_problem:
            return out
        decision, facts = actions.check(drug_text, facts.model_dump(exclude_none=True))
        return self.show_decision(out, str(drug_text), decision, facts)

    def on_options_form(self, *values: Any) -> dict[Any, Any]:
        out = self.cleared()
        facts, field_errors, general = validate_patient(self.form.read(list(values)))
        if field_errors or general:
            return self.show_field_errors(out, field_errors, general, "Fix the highlighted fields to list the options.")
        decisions, _ = actions.check_all(facts.model_dump(exclude_none=True))
        return self.show_options(out, decisions)

    def on_check_json(self, drug_text: str | None, text: str | None) -> dict[Any, Any]:
        out = self.cleared()
        try:
            decision, facts = actions.check(drug_text, actions.parse_patient_json(text))
        except InputError as exc:
            return self.show_error(out, exc, self.json_error)
        return self.show_decision(out, str(drug_text), decision, facts)

    def on_options_json(self, text: str | None) -> dict[Any, Any]:
        out = self.cleared()
        try:
            decisions, _ = actions.check_all(actions.parse_patient_json(text))
        except InputError as exc:
            return self.show_error(out, exc, self.json_error)
        return self.show_options(out, decisions)

    def on_to_form(self, text: str | None) -> dict[Any, Any]:
        out = self.cleared()
        try:
            facts = actions.validated_patient(actions.parse_patient_json(text))
        except InputError as exc:
            out[self.json_error] = gr.update(value=html.error_html(str(exc)), visible=True)
            return out
        out.update(self.form.fill(facts.model_dump(mode="json")))
        return out


def on_upload(path: str | None) -> Any:
    if not path:
        return gr.skip()
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def _drug_problem(drug_text: str | None) -> InputError | None:
    try:
        actions.canonical_drug(drug_text)
    except InputError as exc:
        return exc
    return None


class PatientForm:
    """Widgets for every PatientFacts field (from ``field_specs``), each with its own message line."""

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
        label = f"{spec.label} ({spec.unit_hint})" if spec.unit_hint else spec.label
        if spec.kind in ("choice", "bool"):
            choices = [(NOT_DOCUMENTED, NOT_DOCUMENTED)] + [(c.replace("_", " "), c) for c in spec.choices]
            self.value[spec.name] = gr.Radio(choices, value=NOT_DOCUMENTED, label=label, elem_id=elem)
        elif spec.kind in ("int", "number"):
            self.value[spec.name] = _number_box(label, elem)
        elif spec.kind == "quantity":
            with gr.Row(equal_height=True):
                self.value[spec.name] = _number_box(label, elem, scale=3)
                self.unit[spec.name] = gr.Radio(
                    list(spec.units), value=spec.units[0], label="Unit", elem_id=f"{elem}-unit", scale=2, min_width=150
                )
        elif spec.kind == "therapies":
            self._therapies(spec, elem)
        self.error[spec.name] = gr.HTML("", visible=False, elem_id=f"{elem}-error", elem_classes=["mds-field-error"])

    def _therapies(self, spec: FieldSpec, elem: str) -> None:
        self.history = gr.Radio(list(HISTORY_CHOICES), value=HISTORY_NOT_DOCUMENTED, label=spec.label, elem_id=elem)
        columns = therapy_columns()
        for i in range(THERAPY_ROWS):
            row: dict[str, gr.components.Component] = {}
            with gr.Row(elem_classes=["mds-therapy-row"]):
                for col in columns:
                    cell_id = f"therapy-{i}-{col.name}"
                    label = f"{i + 1}. {col.name.replace('_', ' ')}"
                    if col.name == "agent":
                        row[col.name] = gr.Dropdown(
                            [("", "")] + _agent_choices(col.choices),
                            value="",
                            label=label,
                            allow_custom_value=True,
                            elem_id=cell_id,
                            scale=2,
                            min_width=150,
                        )
                    elif col.kind in ("choice", "bool"):
                        row[col.name] = gr.Dropdown(
                            [NOT_DOCUMENTED, *col.choices],
                            value=NOT_DOCUMENTED,
                            label=label,
                            elem_id=cell_id,
                            min_width=110,
                        )
                    else:
                        row[col.name] = _number_box(label, cell_id, min_width=80)
            self.rows.append(row)

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

    def read(self, values: list[Any]) -> dict[str, Any]:
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
        return collect_patient(self.specs, fields, history, therapies)

    def errors_update(self, errors: dict[str, str]) -> dict[Any, Any]:
        return {
            component: gr.update(
                value=html.error_html(errors[name]) if name in errors else "", visible=name in errors
            )
            for name, component in self.error.items()
        }

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


def _number_text(value: Any) -> Any:
    return f"{value:g}" if isinstance(value, float) else (str(value) if isinstance(value, int) and not isinstance(value, bool) else value)


def _number_box(label: str, elem_id: str, **layout: Any) -> gr.Textbox:
    """A text box, not gr.Number: a number box shows 0 when empty, and blank must mean "not documented"."""
    return gr.Textbox(label=label, value="", placeholder="not documented", elem_id=elem_id, max_lines=1, **layout)


def _agent_choices(agents: tuple[str, ...]) -> list[tuple[str, str]]:
    from rules_core.drugs import BRANDS

    out = []
    for agent in agents:
        brands = [b for b, g in BRANDS.items() if g == agent]
        out.append((f"{agent.replace('_', ' ')} ({', '.join(brands)})" if brands else agent.replace("_", " "), agent))
    return out
