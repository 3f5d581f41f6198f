"""The Medical necessity tab: the request (drug, patient reference, prescriber, reviewer), the patient form
(generated from the patient model, bot/webapp/form_widgets.py) or JSON, the decision with its reports,
and "check all drugs".

One screen for a check: the result column stays beside the form on a wide screen (sticky), the
actions stay at the foot of the screen, and after a check the page brings the verdict (or the first
field message) into view. A decision made here is recorded in the decision store (its id shows
with the verdict and in the report). ``CheckTab(reports, recorder)`` builds the tab inside the app's
Blocks and wires its events; each handler is a short method that fills the outputs.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from bot.decision_report import RequestDetails
from bot.webapp import actions, html
from bot.webapp import decision_html as decision_view
from bot.webapp.actions import InputError, Reports
from bot.webapp.form_widgets import PatientForm
from bot.webapp.patient_form import FormReading, drug_choices, validate_patient
from rules_core.plain import plain_text

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
    "documented; values may carry their unit, e.g. 20% or 620 U/L) or paste/upload the patient JSON. "
    "Every criterion cites the source document."
)
PRIVATE = dict(api_visibility="private", concurrency_id="rules", concurrency_limit=4)
# After a check: the first field message if there is one, else the verdict, scrolled into view when it is not.
SHOW_RESULT_JS = """
() => {
  const show = () => {
    const error = [...document.querySelectorAll('.mds-field-error .mds-error')].find(e => e.offsetParent !== null);
    const target = error || document.querySelector('#decision');
    if (!target) return;
    const box = target.getBoundingClientRect();
    if (box.top < -2 || box.top > window.innerHeight - 120) target.scrollIntoView({block: error ? 'center' : 'start'});
  };
  [100, 400, 1000].forEach(ms => setTimeout(show, ms));  // the outputs render a moment after the event ends
}
"""


class CheckTab:
    """The tab's widgets (made in the order they show) and its event handlers."""

    def __init__(self, reports: Reports, recorder: Any = None):
        self.reports, self.recorder = reports, recorder
        gr.Markdown(INTRO)
        with gr.Row(elem_classes=["mds-check"]):
            with gr.Column(scale=5, min_width=340, elem_classes=["mds-check-input"]):
                self._request_input()
                with gr.Tabs():
                    with gr.Tab("Form", id="form", elem_id="check-form-tab"):
                        self._form_input()
                    with gr.Tab("Patient JSON", id="json", elem_id="check-json-tab"):
                        self._json_input()
            with gr.Column(scale=6, min_width=340, elem_classes=["mds-check-result"], elem_id="check-result"):
                self._result_panel()
        self.outputs = [self.result, self.download_md, self.download_pdf, self.decision_json, self.drug_error,
                        self.form_error, self.json_error, *self.form.error.values()]
        self._wire()

    # -- widgets ---------------------------------------------------------------------------------

    def _request_input(self) -> None:
        self.drug = gr.Dropdown(
            drug_choices(), value=None, label="Drug (generic or brand name)", allow_custom_value=True, elem_id="field-drug"
        )
        self.drug_error = gr.HTML("", visible=False, elem_id="field-drug-error", elem_classes=["mds-field-error"])
        with gr.Row(elem_classes=["mds-request-row"]):
            self.patient_ref = gr.Textbox(label="Patient reference (optional)", placeholder="e.g. your MRN or case number",
                                          elem_id="field-patient_ref", max_lines=1, min_width=150)
            self.prescriber = gr.Textbox(label="Prescriber (optional)", elem_id="field-prescriber", max_lines=1,
                                         min_width=150)
            self.reviewer = gr.Textbox(label="Reviewer (optional)", elem_id="field-reviewer", max_lines=1, min_width=150)
        self.people = [self.patient_ref, self.prescriber, self.reviewer]

    def _form_input(self) -> None:
        self.form = PatientForm()
        self.form_error = gr.HTML("", visible=False, elem_classes=["mds-field-error"])
        with gr.Row(elem_classes=["mds-actions"], elem_id="check-form-actions"):
            self.check_form = gr.Button("Check", variant="primary", elem_id="check-form", min_width=60)
            self.options_form = gr.Button("Check all drugs", elem_id="check-all-form", min_width=60)
            self.clear = gr.Button("Clear form", elem_id="clear-form", min_width=60)

    def _json_input(self) -> None:
        self.patient_json = gr.Code(
            value=EXAMPLE_PATIENT, language="json", label="Patient JSON", elem_id="patient-json", lines=14
        )
        self.upload = gr.File(
            label="…or upload a patient .json file", file_types=[".json"], type="filepath", elem_id="patient-upload"
        )
        self.json_error = gr.HTML("", visible=False, elem_id="patient-json-error", elem_classes=["mds-field-error"])
        with gr.Row(elem_classes=["mds-actions"]):
            self.check_json = gr.Button("Check", variant="primary", elem_id="check-json", min_width=60)
            self.options_json = gr.Button("Check all drugs", elem_id="check-all-json", min_width=60)
            self.to_form = gr.Button("Load into form", elem_id="json-to-form", min_width=60)

    def _result_panel(self) -> None:
        self.result = gr.HTML(f'<div class="mds-empty">The decision appears here.<br>{html.text(decision_view.NOTICE)}</div>',
                              elem_id="decision", min_height=120)
        with gr.Row():
            self.download_md = gr.DownloadButton(
                "Download report (Markdown)", value=None, interactive=False, elem_id="download-md", size="md"
            )
            self.download_pdf = gr.DownloadButton(
                "Download report (PDF)", value=None, interactive=False, elem_id="download-pdf", size="md"
            )
        with gr.Accordion("Decision as JSON", open=False):
            self.decision_json = gr.JSON(label="rules_core Decision", elem_id="decision-json")

    def _wire(self) -> None:
        inputs = self.form.inputs()
        show = dict(fn=None, inputs=None, outputs=None, js=SHOW_RESULT_JS)
        self.check_form.click(self.on_check_form, [self.drug, *self.people, *inputs], self.outputs, **PRIVATE).then(**show)
        self.options_form.click(self.on_options_form, [*self.people, *inputs], self.outputs, **PRIVATE).then(**show)
        self.check_json.click(self.on_check_json, [self.drug, *self.people, self.patient_json], self.outputs,
                              **PRIVATE).then(**show)
        self.options_json.click(self.on_options_json, [*self.people, self.patient_json], self.outputs,
                                **PRIVATE).then(**show)
        self.upload.upload(on_upload, [self.upload], [self.patient_json], api_visibility="private")
        self.to_form.click(self.on_to_form, [self.patient_json], [*self.outputs, *inputs], **PRIVATE)
        self.clear.click(lambda: {**self.cleared(), **self.form.fill({})}, None, [*self.outputs, *inputs],
                         api_visibility="private", queue=False)

    # -- what the outputs show ---------------------------------------------------------------------

    def cleared(self, reading: FormReading | None = None) -> dict[Any, Any]:
        out = {c: gr.update(value="", visible=False) for c in (self.drug_error, self.form_error, self.json_error)}
        out.update(self.form.messages_update({}, reading.notes if reading else {}))
        return out

    def no_result(self, out: dict[Any, Any], message: str) -> dict[Any, Any]:
        out[self.result] = html.error_html(message)
        out[self.decision_json] = None
        out[self.download_md] = gr.update(value=None, interactive=False, label="Download report (Markdown)")
        out[self.download_pdf] = gr.update(value=None, interactive=False, label="Download report (PDF)")
        return out

    def show_error(self, out: dict[Any, Any], exc: InputError, where: Any) -> dict[Any, Any]:
        target = self.drug_error if exc.field == "drug" else where
        out[target] = gr.update(value=html.error_html(str(exc)), visible=True)
        return self.no_result(out, f"No decision: {exc}")

    def show_field_errors(self, out: dict[Any, Any], reading: FormReading, errors: dict[str, str],
                          general: str | None, drug: InputError | None = None) -> dict[Any, Any]:
        out.update(self.form.messages_update(errors, reading.notes))
        if general:
            out[self.form_error] = gr.update(value=html.error_html(general), visible=True)
        listed = [str(drug)] if drug else []
        listed += [*errors.values(), *([general] if general else [])]
        out = self.no_result(out, "No decision yet; fix these fields:")
        out[self.result] += "".join(html.error_html(m) for m in listed)
        return out

    def show_decision(self, out: dict[Any, Any], drug_text: str, decision: Any, facts: Any,
                      details: RequestDetails) -> dict[Any, Any]:
        decision, problem = self._recorded(decision, facts, details)
        files = self.reports.write(decision, facts, requested_drug=drug_text, details=details)
        body = decision_view.decision_html(decision.model_dump(mode="json"), notice=True)
        out[self.result] = (html.error_html(problem) if problem else "") + body
        out[self.decision_json] = decision.model_dump(mode="json")
        out[self.download_md] = gr.update(value=str(files.markdown), interactive=True, label="Download report (Markdown)")
        out[self.download_pdf] = gr.update(value=str(files.pdf), interactive=True, label="Download report (PDF)")
        return out

    def _recorded(self, decision: Any, facts: Any, details: RequestDetails) -> tuple[Any, str | None]:
        """The decision with its record id; a store that cannot be written is said, never hides the decision."""
        if self.recorder is None:
            return decision, None
        from bot.records import RecordsError

        try:
            record = self.recorder.record(decision, facts, patient_ref=details.patient_ref,
                                          prescriber=details.prescriber, reviewer=details.reviewer)
        except RecordsError as exc:
            return decision, f"Not recorded: {exc}"
        return decision.model_copy(update={"decision_id": record.id}), None

    def show_options(self, out: dict[Any, Any], decisions: list[Any], facts: Any, details: RequestDetails) -> dict[Any, Any]:
        files = self.reports.write_options(decisions, facts, details=details)
        out[self.result] = decision_view.options_html([d.model_dump(mode="json") for d in decisions])
        out[self.decision_json] = [d.model_dump(mode="json") for d in decisions]
        out[self.download_md] = gr.update(value=str(files.markdown), interactive=True,
                                          label="Download all-drugs report (Markdown)")
        out[self.download_pdf] = gr.update(value=str(files.pdf), interactive=True, label="Download all-drugs report (PDF)")
        return out

    # -- handlers ----------------------------------------------------------------------------------

    def _form_facts(self, values: tuple[Any, ...]) -> tuple[FormReading, Any, dict[str, str], str | None]:
        reading = self.form.read(list(values))
        facts, errors, general = validate_patient(reading.patient)
        errors = {**errors, **reading.errors}
        return reading, (None if errors else facts), errors, general

    def on_check_form(self, drug_text: str | None, *values: Any) -> dict[Any, Any]:
        details, values = _details(values)
        reading, facts, errors, general = self._form_facts(values)
        out = self.cleared(reading)
        drug_problem = _drug_problem(drug_text)
        if drug_problem:
            out[self.drug_error] = gr.update(value=html.error_html(str(drug_problem)), visible=True)
        if errors or general:
            return self.show_field_errors(out, reading, errors, general, drug_problem)
        if drug_problem:
            return self.no_result(out, f"No decision: {drug_problem}")
        decision, facts = actions.check(drug_text, facts.model_dump(exclude_none=True))
        return self.show_decision(out, str(drug_text), decision, facts, details)

    def on_options_form(self, *values: Any) -> dict[Any, Any]:
        details, values = _details(values)
        reading, facts, errors, general = self._form_facts(values)
        out = self.cleared(reading)
        if errors or general:
            return self.show_field_errors(out, reading, errors, general)
        decisions, facts = actions.check_all(facts.model_dump(exclude_none=True))
        return self.show_options(out, decisions, facts, details)

    def on_check_json(self, drug_text: str | None, *values: Any) -> dict[Any, Any]:
        details, (text,) = _details(values)
        out = self.cleared()
        drug_problem = _drug_problem(drug_text)
        if drug_problem:
            return self.show_error(out, drug_problem, self.json_error)
        try:
            decision, facts = actions.check(drug_text, actions.parse_patient_json(text))
        except InputError as exc:
            return self.show_error(out, exc, self.json_error)
        return self.show_decision(out, str(drug_text), decision, facts, details)

    def on_options_json(self, *values: Any) -> dict[Any, Any]:
        details, (text,) = _details(values)
        out = self.cleared()
        try:
            decisions, facts = actions.check_all(actions.parse_patient_json(text))
        except InputError as exc:
            return self.show_error(out, exc, self.json_error)
        return self.show_options(out, decisions, facts, details)

    def on_to_form(self, text: str | None) -> dict[Any, Any]:
        out = self.cleared()
        try:
            facts = actions.validated_patient(actions.parse_patient_json(text))
        except InputError as exc:
            out[self.json_error] = gr.update(value=html.error_html(str(exc)), visible=True)
            return out
        out.update(self.form.fill(facts.model_dump(mode="json")))
        return out


def _details(values: tuple[Any, ...]) -> tuple[RequestDetails, tuple[Any, ...]]:
    """The three request fields (patient reference, prescriber, reviewer) that lead the inputs, and the rest."""
    patient_ref, prescriber, reviewer, *rest = values
    return RequestDetails.of(patient_ref=patient_ref, prescriber=prescriber, reviewer=reviewer), tuple(rest)


def on_upload(path: str | None) -> Any:
    if not path:
        return gr.skip()
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def _drug_problem(drug_text: str | None) -> InputError | None:
    """The drug field's message, by its label and with drug names in words ("Drug: 'aspirin' is not …")."""
    try:
        actions.canonical_drug(drug_text)
    except InputError as exc:
        return InputError("Drug: " + plain_text(str(exc).removeprefix("drug: ")), exc.field)
    return None
