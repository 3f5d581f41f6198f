"""API sessions (bot/webapp/sessions.py) and the app's actions (bot/webapp/actions.py)."""

from __future__ import annotations

import itertools
import threading

import pytest

from bot.models import BotResponse
from bot.webapp import actions
from bot.webapp.sessions import SessionStore, UnknownSession


class EchoConversation:
    def __init__(self):
        self.turns: list[str] = []

    def send(self, text: str) -> BotResponse:
        self.turns.append(text)
        return BotResponse(status="answered", route="retrieval", answer=" | ".join(self.turns))


def test_new_session_then_continue():
    store = SessionStore(EchoConversation)
    sid, first = store.open("")
    assert sid and len(store) == 1
    again_id, again = store.open(sid)
    assert again_id == sid and again is first
    other_id, other = store.open(None)
    assert other_id != sid and other is not first


def test_unknown_session_is_an_error_not_a_new_conversation():
    store = SessionStore(EchoConversation)
    with pytest.raises(UnknownSession, match="omit session_id to start a new conversation"):
        store.open("made-up")


def test_least_recently_used_sessions_are_dropped():
    store = SessionStore(EchoConversation, max_sessions=2)
    a, _ = store.open("")
    b, _ = store.open("")
    store.open(a)  # a is now the most recent
    store.open("")
    assert len(store) == 2
    store.open(a)
    with pytest.raises(UnknownSession):
        store.open(b)


def test_ids_are_unique_across_threads():
    store = SessionStore(EchoConversation)
    ids: list[str] = []
    lock = threading.Lock()

    def work():
        for _ in range(50):
            sid, _ = store.open("")
            with lock:
                ids.append(sid)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 400 == len(store)


def test_ask_keeps_each_sessions_turns_apart():
    store = SessionStore(EchoConversation)
    a = actions.ask(store, "one", "")
    b = actions.ask(store, "two", "")
    a2 = actions.ask(store, "three", a["session_id"])
    assert a2["answer"] == "one | three"
    assert actions.ask(store, "four", b["session_id"])["answer"] == "two | four"
    assert set(a2) >= set(BotResponse.model_fields) | {"session_id"}


@pytest.mark.parametrize("question", ["", "   ", None])
def test_ask_needs_a_question(question):
    with pytest.raises(actions.InputError, match="question: required"):
        actions.ask(SessionStore(EchoConversation), question)


def test_ask_with_unknown_session_names_the_field():
    with pytest.raises(actions.InputError, match="session_id: 'nope' is unknown"):
        actions.ask(SessionStore(EchoConversation), "hi", "nope")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "patient: no patient JSON given"),
        ("{", "patient: malformed JSON at column 2"),  # the rules core's reader, as in `mdsbot check`
        ('{"ipss_r": "low", "ipss_r": "high"}', "patient: key 'ipss_r' is given twice"),
        ("[1]", "patient: expected a JSON object of patient fields, got list"),
    ],
)
def test_patient_json_errors_are_one_line(text, message):
    with pytest.raises(actions.InputError) as info:
        actions.parse_patient_json(text)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_check_accepts_brand_names_and_reports_field_errors():
    decision, facts = actions.check("Reblozyl", {"ipss_r": "low"})
    assert decision.drug == "luspatercept" and facts.ipss_r == "low"
    with pytest.raises(actions.InputError) as info:
        actions.check("aspirin", {})
    assert info.value.field == "drug" and "not a supported drug" in str(info.value)
    with pytest.raises(actions.InputError) as info:
        actions.check("luspatercept", {"sEPO": 600})
    assert info.value.field == "sEPO" and "unknown field" in str(info.value)
    with pytest.raises(actions.InputError, match="drug: required"):
        actions.check(" ", {})


def test_check_all_lists_every_drug():
    decisions, _ = actions.check_all({"ipss_r": "low"})
    from rules_core import SUPPORTED_DRUGS

    assert sorted(d.drug for d in decisions) == sorted(SUPPORTED_DRUGS)


def test_reports_go_to_separate_folders(tmp_path):
    reports = actions.Reports(root=tmp_path)
    decision, facts = actions.check("luspatercept", {"ipss_r": "low"})
    first = reports.write(decision, facts)
    second = reports.write(decision, facts)
    assert first.markdown.parent != second.markdown.parent
    assert all(p.is_file() for p in itertools.chain((first.markdown, first.pdf), (second.markdown, second.pdf)))
