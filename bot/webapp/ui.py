"""The Gradio app: Chat (clinicians), Medical necessity (pharmacists, bot/webapp/check_tab.py), Decisions
(stored decisions, bot/webapp/decisions_tab.py), Sources; named API endpoints.

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

from bot.records.recorder import DecisionRecorder
from bot.webapp import actions, html
from bot.webapp.actions import InputError, Reports, ServiceError
from bot.webapp.check_tab import CheckTab
from bot.webapp.decisions_tab import DecisionsTab
from bot.webapp.lanes import Lanes
from bot.webapp.loading import LiveEngine
from bot.webapp.sessions import SessionStore
from bot.webapp.sources_tab import SourcesTab
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
ENGINE = "engine"  # concurrency group of everything that calls the engine (``app_lanes`` at a time)


@dataclass
class ChatSession:
    """One browser session's conversation (made on its first message) and the messages shown for it."""

    conversation: Any = None
    messages: list[dict[str, Any]] = field(default_factory=list)


def build_app(engine: Any) -> gr.Blocks:
    """The whole app around one loaded engine (``engine.conversation()``, ``engine.corpus``)."""
    engine = engine if isinstance(engine, LiveEngine) else LiveEngine(engine)  # replaced when a document is added
    recorder = _recorder(engine)
    store = SessionStore(lambda: engine.conversation(recorder.for_surface("api")))
    reports = Reports()
    lanes = _lanes(engine)
    with gr.Blocks(title="mdsbot: lower-risk MDS", analytics_enabled=False, fill_width=True) as demo:
        gr.HTML(
            '<div class="mds-header"><h1>mdsbot</h1><span>Lower-risk myelodysplastic syndromes: answers cited '
            "from the source documents, and deterministic medical-necessity checks.</span></div>"
        )
        with gr.Tabs():
            with gr.Tab("Chat", id="chat", elem_id="tab-chat"):
                _chat_tab(engine, lanes, recorder)
            with gr.Tab("Medical necessity", id="check", elem_id="tab-check"):
                CheckTab(reports, DecisionRecorder(recorder.settings, "app_form") if recorder.enabled else None)
            with gr.Tab("Decisions", id="decisions", elem_id="tab-decisions") as decisions_tab:
                DecisionsTab(recorder, reports, decisions_tab)
            with gr.Tab("Sources", id="sources", elem_id="tab-sources"):
                SourcesTab(engine)
        _api_endpoints(store, lanes, recorder)
    return demo


def _settings(engine: Any) -> Any:
    """The engine's settings (a BackgroundEngine carries them before the engine loads)."""
    from bot.settings import Settings

    return getattr(engine, "settings", None) or Settings()


def _lanes(engine: Any) -> Lanes:
    settings = _settings(engine)
    return Lanes(settings.app_lanes, settings.turn_timeout_seconds)


def _recorder(engine: Any) -> DecisionRecorder:
    """One decision recorder for the app's chat, API and Decisions tab (the store opens on first use)."""
    return DecisionRecorder(_settings(engine))


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


def _chat_tab(engine: Any, lanes: Lanes, recorder: Any) -> None:
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
    with gr.Row(elem_id="chat-input-row"):
        message = gr.Textbox(  # one line that grows: Enter sends, Shift+Enter starts a new line (gradio's rule)
            label="Your question",
            placeholder="e.g. How is ESA failure defined?",
            lines=1,
            max_lines=6,
            scale=5,
            elem_id="chat-input",
            submit_btn=False,
        )
        with gr.Column(scale=1, min_width=140, elem_id="chat-buttons"):
            send = gr.Button("Ask", variant="primary", elem_id="chat-send")
            new = gr.Button("New conversation", elem_id="chat-new")
    gr.HTML('<div class="mds-hint"><kbd>Enter</kbd> sends · <kbd>Shift</kbd>+<kbd>Enter</kbd> starts a new line</div>',
            elem_id="chat-hint")
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
                session.conversation = engine.conversation(recorder.for_surface("chat"))
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


# --- API --------------------------------------------------------------------------------------


def _api_endpoints(store: SessionStore, lanes: Lanes, recorder: Any) -> None:
    def ask(question: str, session_id: str = "") -> dict:
        """Ask a question. Omit session_id to start a conversation; pass the returned session_id to continue it.
        Returns the BotResponse as JSON plus session_id."""
        try:
            return actions.ask(store, question, session_id, lanes=lanes)
        except (InputError, ServiceError) as exc:
            raise gr.Error(str(exc)) from exc

    def check(drug: str, patient_json: str, patient_ref: str = "", prescriber: str = "", reviewer: str = "") -> dict:
        """Medical necessity of one drug (generic or brand) for the patient facts (JSON object text); optional
        patient reference, prescriber and reviewer are stored with it. Returns the rules_core Decision as JSON,
        with decision_id (null when the app does not record, MDSBOT_RECORD_DECISIONS=false)."""
        people = {"patient_ref": patient_ref, "prescriber": prescriber, "reviewer": reviewer}
        try:
            decision, facts = actions.check(drug, actions.parse_patient_json(patient_json))
            decision = actions.record(recorder, decision, facts, "api", people)
        except (InputError, ServiceError) as exc:
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
