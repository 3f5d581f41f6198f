"""The Gradio app: Chat (clinicians), Medical necessity (pharmacists), Sources; named API endpoints.

``build_app(engine)`` makes the Blocks; ``launch(demo, host, port)`` serves it
offline (no analytics, no share link, system fonts only). Per-browser state is a
:class:`ChatSession` in ``gr.State``; API callers get a session id from the
``ask`` endpoint. The engine is passed in, never global.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from bot.webapp import actions, html
from bot.webapp.actions import InputError, Reports, ServiceError
from bot.webapp.lanes import Lanes
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
from bot.webapp.sessions import SessionStore
from bot.webapp.theme import APP_CSS, APP_JS, app_theme

EXAMPLE_QUESTIONS = (
    "Is luspatercept indicated as first-line therapy?",
    "How is ESA failure defined?",
    "What did the phase 3 trial of imetelstat show?",
    "Which patients benefit from lenalidomide?",
    "Can my patient get luspatercept? IPSS-R low, RS 20%, SF3B1 mutated, sEPO 620 U/L, "
    "2 units every 4 weeks, failed 8 weeks of epoetin with iron replete",
    "What is the recommended dose of ivosidenib?",
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
ENGINE = "engine"  # concurrency group of everything that calls the engine (``app_lanes`` at a time)


@dataclass
class ChatSession:
    """One browser session's conversation (made on its first message) and the messages shown for it."""

    conversation: Any = None
    messages: list[dict[str, Any]] = field(default_factory=list)


def build_app(engine: Any) -> gr.Blocks:
    """The whole app around one loaded engine (``engine.conversation()``, ``engine.corpus``)."""
    store = SessionStore(engine.conversation)
    reports = Reports()
    lanes = _lanes(engine)
    with gr.Blocks(title="mdsbot: lower-risk MDS", analytics_enabled=False, fill_width=True) as demo:
        gr.HTML(
            '<div class="mds-header"><h1>mdsbot</h1><span>Lower-risk myelodysplastic syndromes: answers cited '
            "from the source documents, and deterministic medical-necessity checks.</span></div>"
        )
        with gr.Tabs():
            with gr.Tab("Chat", id="chat", elem_id="tab-chat"):
                _chat_tab(engine, lanes)
            with gr.Tab("Medical necessity", id="check", elem_id="tab-check"):
                _check_tab(reports)
            with gr.Tab("Sources", id="sources", elem_id="tab-sources"):
                _sources_tab(engine.corpus)
        _api_endpoints(store, lanes)
    return demo


def _lanes(engine: Any) -> Lanes:
    """Lanes sized by the engine's settings (a BackgroundEngine carries them before the engine loads)."""
    from bot.settings import Settings

    settings = getattr(engine, "settings", None) or Settings()
    return Lanes(settings.app_lanes, settings.turn_timeout_seconds)


def launch(
    demo: gr.Blocks, host: str, port: int, *, block: bool = True, quiet: bool = False, extra_hosts: tuple[str, ...] = ()
) -> Any:
    """Serve offline: no share link, no analytics, no API-doc footer fetches, system fonts;
    only requests naming a host the app is bound to (no DNS rebinding)."""
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    demo.queue(default_concurrency_limit=4)
    only_bound_hosts = Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(host, extra_hosts))
    launched = demo.launch(
        app_kwargs={"middleware": [only_bound_hosts]},  # from the first request on
        server_name=host,
        server_port=port,
        share=False,
        inbrowser=False,
        prevent_thread_lock=True,
        show_error=True,
        quiet=quiet,
        theme=app_theme(),
        css=APP_CSS,
        js=APP_JS,
        footer_links=["api"],
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        enable_monitoring=False,
    )
    # Also outermost, so gradio's CORS layer never echoes a rebinding page's origin on the refusal.
    app = demo.server_app
    app.user_middleware.insert(0, only_bound_hosts)
    app.middleware_stack = app.build_middleware_stack()
    if block:
        demo.block_thread()
    return launched


def allowed_hosts(host: str, extra: tuple[str, ...] = ()) -> list[str]:
    """Host names a request may name: the bound one, loopback names, and the machine's own names when bound to all."""
    import socket

    names = {host, "localhost", "127.0.0.1", "::1", "[::1]", *extra}
    if host in ("0.0.0.0", "::"):
        names |= {socket.gethostname(), socket.getfqdn()}
        try:
            names |= set(socket.gethostbyname_ex(socket.gethostname())[2])
        except OSError:
            pass
    return sorted(names)


# --- Chat -------------------------------------------------------------------------------------


def _engine_status(engine: Any) -> str:
    if getattr(engine, "ready", True):
        return ""
    return '<div class="mds-loading">Loading the embedding model and index… the first answer waits for it.</div>'


def _chat_tab(engine: Any, lanes: Lanes) -> None:
    state = gr.State(None)
    gr.Markdown(
        "Ask about lower-risk MDS. Answers quote the source documents; click a marker such as "
        "**[1]** to open its passage. Questions the sources do not cover are refused."
    )
    loading = not getattr(engine, "ready", True)
    status = gr.HTML(_engine_status(engine), elem_id="engine-status", visible=loading)
    if loading:  # a BackgroundEngine still loading: say so until it is ready
        timer = gr.Timer(1.0)
        timer.tick(
            lambda: (
                gr.update(value=_engine_status(engine), visible=not engine.ready),
                gr.Timer(active=not engine.ready),
            ),
            None,
            [status, timer],
            api_visibility="private",
            queue=False,
        )
    chatbot = gr.Chatbot(
        label="Conversation",
        elem_id="chatbot",
        height="70vh",
        buttons=[],  # "copy" would copy the message's HTML; "share" goes to Hugging Face
        feedback_options=None,
        placeholder="Ask a question, or click an example below.",
        sanitize_html=True,
        line_breaks=False,
        group_consecutive_messages=False,
    )
    with gr.Row():
        message = gr.Textbox(
            label="Your question",
            placeholder="e.g. How is ESA failure defined?",
            lines=2,
            max_lines=6,
            scale=5,
            elem_id="chat-input",
            submit_btn=False,
        )
        with gr.Column(scale=1, min_width=140):
            send = gr.Button("Ask", variant="primary", elem_id="chat-send")
            new = gr.Button("New conversation", elem_id="chat-new")
    examples = gr.Dataset(
        components=[message],
        samples=[[q] for q in EXAMPLE_QUESTIONS],
        label="Example questions (click to ask)",
        elem_id="chat-examples",
        samples_per_page=len(EXAMPLE_QUESTIONS),
    )
    with gr.Accordion("Last response as JSON", open=False):
        raw = gr.JSON(label="BotResponse", elem_id="chat-json")

    def respond(text: str | None, session: ChatSession | None):
        session = session or ChatSession(conversation=None)
        text = (text or "").strip()
        if not text:
            return session.messages, "", session, gr.skip()
        try:
            if session.conversation is None:  # waits while a BackgroundEngine is still loading
                session.conversation = engine.conversation()
            response = actions.turn(lanes, session.conversation, text)
            body = html.response_html(response, secrets.token_hex(4))
            dumped = response.model_dump(mode="json")
        except ServiceError as exc:  # the index or the time limit: says what is wrong, checks still work
            body = html.error_html(f"The bot could not answer: {exc}")
            dumped = {"error": str(exc)}
        except Exception as exc:  # the message stays; the user sees what failed, in one short line
            body = html.error_html(f"The bot could not answer: {type(exc).__name__}: {html.excerpt(str(exc))}")
            dumped = {"error": html.excerpt(str(exc))}
        session.messages = [
            *session.messages,
            {"role": "user", "content": html.user_markdown(text)},
            {"role": "assistant", "content": body},
        ]
        return session.messages, "", session, dumped

    outputs = [chatbot, message, state, raw]
    common = dict(outputs=outputs, concurrency_id=ENGINE, concurrency_limit=lanes.lanes, api_visibility="private")
    send.click(respond, [message, state], **common)
    message.submit(respond, [message, state], **common)
    examples.click(lambda sample: sample[0], [examples], [message], api_visibility="private", queue=False).then(
        respond, [message, state], **common
    )
    new.click(lambda: ([], "", None, None), None, outputs, api_visibility="private", queue=False)
    chatbot.clear(lambda: None, None, [state], api_visibility="private", queue=False)  # the bin icon: same


# --- Medical necessity ------------------------------------------------------------------------


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


def _check_tab(reports: Reports) -> None:
    gr.Markdown(
        "Check whether a drug meets the medical-necessity criteria of the ruleset. Fill the form (blank = not "
        "documented) or paste/upload the patient JSON. Every criterion cites the source document."
    )
    with gr.Row():
        with gr.Column(scale=5, elem_classes=["mds-check-input"]):
            drug = gr.Dropdown(
                drug_choices(),
                value=None,
                label="Drug (generic or brand name)",
                allow_custom_value=True,
                elem_id="field-drug",
            )
            drug_error = gr.HTML("", visible=False, elem_id="field-drug-error", elem_classes=["mds-field-error"])
            with gr.Tabs():
                with gr.Tab("Form", id="form", elem_id="check-form-tab"):
                    form = PatientForm()
                    form_error = gr.HTML("", visible=False, elem_classes=["mds-field-error"])
                    with gr.Row():
                        check_form = gr.Button("Check", variant="primary", elem_id="check-form")
                        options_form = gr.Button("Check all drugs", elem_id="check-all-form")
                        clear = gr.Button("Clear form", elem_id="clear-form")
                with gr.Tab("Patient JSON", id="json", elem_id="check-json-tab"):
                    patient_json = gr.Code(
                        value=EXAMPLE_PATIENT, language="json", label="Patient JSON", elem_id="patient-json", lines=14
                    )
                    upload = gr.File(
                        label="…or upload a patient .json file", file_types=[".json"], type="filepath", elem_id="patient-upload"
                    )
                    json_error = gr.HTML("", visible=False, elem_id="patient-json-error", elem_classes=["mds-field-error"])
                    with gr.Row():
                        check_json = gr.Button("Check", variant="primary", elem_id="check-json")
                        options_json = gr.Button("Check all drugs", elem_id="check-all-json")
                        to_form = gr.Button("Load into form", elem_id="json-to-form")
        with gr.Column(scale=6, elem_classes=["mds-check-result"]):
            with gr.Row():
                download_md = gr.DownloadButton(
                    "Download report (Markdown)", value=None, interactive=False, elem_id="download-md", size="md"
                )
                download_pdf = gr.DownloadButton(
                    "Download report (PDF)", value=None, interactive=False, elem_id="download-pdf", size="md"
                )
            result = gr.HTML(
                '<div class="mds-empty">The decision appears here.</div>', elem_id="decision", min_height=120
            )
            with gr.Accordion("Decision as JSON", open=False):
                decision_json = gr.JSON(label="rules_core Decision", elem_id="decision-json")

    fixed = [result, download_md, download_pdf, decision_json, drug_error, form_error, json_error]
    outputs = fixed + list(form.error.values())

    def cleared() -> dict[Any, Any]:
        out = {c: gr.update(value="", visible=False) for c in (drug_error, form_error, json_error)}
        out.update(form.errors_update({}))
        return out

    def no_downloads() -> dict[Any, Any]:
        return {
            download_md: gr.update(value=None, interactive=False),
            download_pdf: gr.update(value=None, interactive=False),
        }

    def show_error(out: dict[Any, Any], exc: InputError, where: Any) -> dict[Any, Any]:
        target = drug_error if exc.field == "drug" else where
        out[target] = gr.update(value=html.error_html(str(exc)), visible=True)
        out[result] = html.error_html("Fix the highlighted input to get a decision.")
        out[decision_json] = None
        out.update(no_downloads())
        return out

    def show_decision(out: dict[Any, Any], drug_text: str, decision: Any, facts: Any) -> dict[Any, Any]:
        files = reports.write(decision, facts, requested_drug=drug_text)
        out[result] = html.decision_html(decision.model_dump(mode="json"))
        out[decision_json] = decision.model_dump(mode="json")
        out[download_md] = gr.update(value=str(files.markdown), interactive=True)
        out[download_pdf] = gr.update(value=str(files.pdf), interactive=True)
        return out

    def show_options(out: dict[Any, Any], decisions: list[Any]) -> dict[Any, Any]:
        out[result] = html.options_html([d.model_dump(mode="json") for d in decisions])
        out[decision_json] = [d.model_dump(mode="json") for d in decisions]
        out.update(no_downloads())
        return out

    def on_check_form(drug_text: str | None, *values: Any) -> dict[Any, Any]:
        out = cleared()
        patient = form.read(list(values))
        facts, field_errors, general = validate_patient(patient)
        drug_problem = _drug_problem(drug_text)
        if drug_problem:
            out = show_error(out, drug_problem, drug_error)
        if field_errors or general:
            out.update(form.errors_update(field_errors))
            if general:
                out[form_error] = gr.update(value=html.error_html(general), visible=True)
            out[result] = html.error_html("Fix the highlighted fields to get a decision.")
            out.update(no_downloads())
            out[decision_json] = None
            return out
        if drug_problem:
            return out
        decision, facts = actions.check(drug_text, facts.model_dump(exclude_none=True))
        return show_decision(out, str(drug_text), decision, facts)

    def on_options_form(*values: Any) -> dict[Any, Any]:
        out = cleared()
        patient = form.read(list(values))
        facts, field_errors, general = validate_patient(patient)
        if field_errors or general:
            out.update(form.errors_update(field_errors))
            if general:
                out[form_error] = gr.update(value=html.error_html(general), visible=True)
            out[result] = html.error_html("Fix the highlighted fields to list the options.")
            out.update(no_downloads())
            out[decision_json] = None
            return out
        decisions, _ = actions.check_all(facts.model_dump(exclude_none=True))
        return show_options(out, decisions)

    def on_check_json(drug_text: str | None, text: str | None) -> dict[Any, Any]:
        out = cleared()
        try:
            decision, facts = actions.check(drug_text, actions.parse_patient_json(text))
        except InputError as exc:
            return show_error(out, exc, json_error)
        return show_decision(out, str(drug_text), decision, facts)

    def on_options_json(text: str | None) -> dict[Any, Any]:
        out = cleared()
        try:
            decisions, _ = actions.check_all(actions.parse_patient_json(text))
        except InputError as exc:
            return show_error(out, exc, json_error)
        return show_options(out, decisions)

    def on_upload(path: str | None) -> Any:
        if not path:
            return gr.skip()
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def on_to_form(text: str | None) -> dict[Any, Any]:
        out = cleared()
        try:
            patient = actions.parse_patient_json(text)
            facts = actions.validated_patient(patient)
        except InputError as exc:
            out[json_error] = gr.update(value=html.error_html(str(exc)), visible=True)
            return out
        out.update(form.fill(facts.model_dump(mode="json")))
        return out

    form_inputs = form.inputs()
    private = dict(api_visibility="private", concurrency_id="rules", concurrency_limit=4)
    check_form.click(on_check_form, [drug, *form_inputs], outputs, **private)
    options_form.click(on_options_form, form_inputs, outputs, **private)
    check_json.click(on_check_json, [drug, patient_json], outputs, **private)
    options_json.click(on_options_json, [patient_json], outputs, **private)
    upload.upload(on_upload, [upload], [patient_json], api_visibility="private")
    to_form.click(on_to_form, [patient_json], [*outputs, *form_inputs], **private)
    clear.click(
        lambda: {**cleared(), **form.fill({})}, None, [*outputs, *form_inputs], api_visibility="private", queue=False
    )


def _drug_problem(drug_text: str | None) -> InputError | None:
    try:
        actions.canonical_drug(drug_text)
    except InputError as exc:
        return exc
    return None


# --- Sources ----------------------------------------------------------------------------------


def _sources_tab(corpus: Any) -> None:
    docs = {d.info.short_title: d for d in corpus.documents}
    first = next(iter(docs))

    def section_names(title: str) -> list[str]:
        return ["All sections", *dict.fromkeys(p.section for p in corpus.passages_of(docs[title].id))]

    def sections_of(title: str) -> Any:
        return gr.update(choices=section_names(title), value="All sections")

    def render(title: str, wanted: str | None) -> str:
        doc = docs[title]
        passages = corpus.passages_of(doc.id)
        if wanted and wanted != "All sections":
            passages = [p for p in passages if p.section == wanted]
        dropped = [b for b in corpus.dropped if b.doc_id == doc.id]
        # The repairs this document declares, which are the ones corpus.ingest applied to it.
        return html.document_html(doc, passages, dropped, doc.info.cleaning.ocr_repairs)

    gr.Markdown(
        "The source documents, passage by passage, as the bot retrieves and cites them: cleaned text, "
        "its exact character span in the shipped file, OCR repairs, and the page furniture that was dropped."
    )
    with gr.Row():
        choice = gr.Radio(list(docs), value=first, label="Document", elem_id="source-doc", scale=3)
        section = gr.Dropdown(
            section_names(first), value="All sections", label="Section", elem_id="source-section", scale=2
        )
    view = gr.HTML(render(first, "All sections"), elem_id="source-view")

    choice.change(sections_of, [choice], [section], api_visibility="private", queue=False).then(
        render, [choice, section], [view], api_visibility="private", queue=False
    )
    section.input(render, [choice, section], [view], api_visibility="private", queue=False)


# --- API --------------------------------------------------------------------------------------


def _api_endpoints(store: SessionStore, lanes: Lanes) -> None:
    def ask(question: str, session_id: str = "") -> dict:
        """Ask a question. Omit session_id to start a conversation; pass the returned session_id to continue it.
        Returns the BotResponse as JSON plus session_id."""
        try:
            return actions.ask(store, question, session_id, lanes=lanes)
        except (InputError, ServiceError) as exc:
            raise gr.Error(str(exc)) from exc

    def check(drug: str, patient_json: str) -> dict:
        """Medical necessity of one drug (generic or brand) for the patient facts (JSON object text).
        Returns the rules_core Decision as JSON."""
        try:
            decision, _ = actions.check(drug, actions.parse_patient_json(patient_json))
        except InputError as exc:
            raise gr.Error(str(exc)) from exc
        return decision.model_dump(mode="json")

    def check_all(patient_json: str) -> list:
        """Every supported drug for the patient facts (JSON object text), in the sources' sequence."""
        try:
            decisions, _ = actions.check_all(actions.parse_patient_json(patient_json))
        except InputError as exc:
            raise gr.Error(str(exc)) from exc
        return [d.model_dump(mode="json") for d in decisions]

    gr.api(ask, api_name="ask", concurrency_id=ENGINE, concurrency_limit=lanes.lanes)
    gr.api(check, api_name="check", concurrency_id="rules", concurrency_limit=4)
    gr.api(check_all, api_name="check_all", concurrency_id="rules", concurrency_limit=4)
