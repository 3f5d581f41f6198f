"""The app's named API endpoints, driven with gradio_client against a running app.

The app runs in this process on a free 127.0.0.1 port around a stand-in engine
whose conversations remember their own turns, so the tests are fast and show
what the app layer must guarantee: each session id gets its own conversation,
also with 10 callers at once. ``test_app_live.py`` repeats the key checks with
the real engine.
"""

from __future__ import annotations

import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.models import BotResponse, Citation
from rules_core import SUPPORTED_DRUGS

from tests.ports import free_port

gradio_client = pytest.importorskip("gradio_client")
pytestmark = [  # gradio's own queue code, not ours
    pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


class RememberingConversation:
    """Answers with every fact line this conversation was told, cited to a fixed passage."""

    def __init__(self):
        self.turns: list[str] = []

    def send(self, text: str) -> BotResponse:
        time.sleep(0.02)
        self.turns.append(text)
        facts = dict(line.split("=", 1) for line in self.turns if "=" in line)
        return BotResponse(
            status="answered",
            route="retrieval",
            answer=f"You told me {len(self.turns)} things. [1]",
            citations=[
                Citation(
                    n=1,
                    doc_id="000_28884f76a78fdbfe",
                    doc_title="Review",
                    section="S",
                    passage_id="000-p000",
                    text="Passage.",
                    start=0,
                    end=8,
                    quote="Passage.",
                )
            ],
            extracted_facts=facts,
        )


class StandInEngine:
    def __init__(self, settings):
        from corpus.ingest import load_corpus

        self.corpus = load_corpus()
        self.settings = settings  # its data dir holds the decisions this app records

    def conversation(self, record=None) -> RememberingConversation:
        return RememberingConversation()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("records")


@pytest.fixture(scope="module")
def app_url(data_dir):
    from bot.settings import Settings
    from bot.webapp import build_app, launch

    demo = build_app(StandInEngine(Settings(data_dir=data_dir)))
    port = free_port()
    launch(demo, "127.0.0.1", port, block=False, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


@pytest.fixture(scope="module")
def client(app_url):
    return gradio_client.Client(app_url, verbose=False)


def test_only_the_named_endpoints_are_public(client):
    api = client.view_api(return_format="dict", print_info=False)
    named = api["named_endpoints"]
    assert set(named) == {"/ask", "/check", "/check_all"}
    assert [p["parameter_name"] for p in named["/ask"]["parameters"]] == ["question", "session_id"]
    assert named["/ask"]["parameters"][1]["parameter_has_default"] is True
    assert [p["parameter_name"] for p in named["/check"]["parameters"]] == [
        "drug", "patient_json", "patient_ref", "prescriber", "reviewer"]
    assert all(p["parameter_has_default"] for p in named["/check"]["parameters"][2:])
    assert [p["parameter_name"] for p in named["/check_all"]["parameters"]] == ["patient_json"]
    assert api["unnamed_endpoints"] == {}


def test_ask_starts_and_continues_a_session(client):
    first = client.predict("ipss_r=low", api_name="/ask")
    assert first["session_id"] and first["status"] == "answered"
    assert first["citations"][0]["n"] == 1
    second = client.predict("serum_epo=620", first["session_id"], api_name="/ask")
    assert second["session_id"] == first["session_id"]
    assert second["extracted_facts"] == {"ipss_r": "low", "serum_epo": "620"}
    fresh = client.predict("sf3b1=mutated", "", api_name="/ask")
    assert fresh["session_id"] != first["session_id"]
    assert fresh["extracted_facts"] == {"sf3b1": "mutated"}


def test_ask_errors_name_the_field(client):
    with pytest.raises(gradio_client.exceptions.AppError, match="session_id: 'no-such-session' is unknown"):
        client.predict("hello", "no-such-session", api_name="/ask")
    with pytest.raises(gradio_client.exceptions.AppError, match="question: required"):
        client.predict("  ", api_name="/ask")


def test_ten_sessions_at_once_keep_their_own_facts(app_url):
    def one_session(i: int) -> tuple[int, dict, dict]:
        c = gradio_client.Client(app_url, verbose=False)
        first = c.predict(f"patient=P{i}", api_name="/ask")
        second = c.predict(f"serum_epo={100 + i}", first["session_id"], api_name="/ask")
        return i, first, second

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(one_session, range(10)))
    assert len({first["session_id"] for _, first, _ in results}) == 10
    for i, first, second in results:
        assert second["session_id"] == first["session_id"]
        assert second["extracted_facts"] == {"patient": f"P{i}", "serum_epo": str(100 + i)}
        assert second["answer"].startswith("You told me 2 things.")


PATIENT = {
    "ipss_r": "low",
    "ring_sideroblasts_pct": 20,
    "sf3b1": "mutated",
    "serum_epo": {"value": 620, "unit": "U/L"},
    "rbc_units_last_8_weeks": 4,
}


def test_check_takes_a_brand_and_patient_json(client):
    decision = client.predict("Reblozyl", json.dumps(PATIENT), api_name="/check")
    assert decision["drug"] == "luspatercept"
    assert decision["decision"] == "meets_criteria"
    assert decision["ruleset"]["id"] and decision["ruleset"]["version"]
    assert all("citation" in c for p in decision["pathways"] for c in p["criteria"])


@pytest.mark.parametrize(
    ("drug", "patient", "message"),
    [
        ("aspirin", "{}", "drug: 'aspirin' is not a supported drug"),
        ("luspatercept", "{", "patient: malformed JSON"),
        ("luspatercept", '{"sEPO": 620}', "sEPO: unknown field (did you mean serum_epo?)"),
        ("luspatercept", '{"hemoglobin": {"value": 95, "unit": "g/dL"}}', "hemoglobin: 95 g/dL is outside 3–20 g/dL"),
        ("luspatercept", '{"ipss_r": "low", "ipss_r": "high"}', "patient: key 'ipss_r' is given twice"),
    ],
)
def test_check_errors_are_one_line_and_name_the_field(client, drug, patient, message):
    with pytest.raises(gradio_client.exceptions.AppError) as info:
        client.predict(drug, patient, api_name="/check")
    assert message in str(info.value)


def test_check_is_recorded_and_returns_its_decision_id(client, data_dir):
    from bot.records.store import open_store

    decision = client.predict("Reblozyl", json.dumps(PATIENT), "MRN-API-7", "Dr Api", api_name="/check")
    record = open_store(None, data_dir).get(decision["decision_id"])
    assert record is not None and record.id == decision["decision_id"]
    assert (record.surface, record.drug, record.decision) == ("api", "luspatercept", "meets_criteria")
    assert (record.patient_ref, record.prescriber, record.reviewer) == ("MRN-API-7", "Dr Api", None)
    assert record.patient["serum_epo"] == PATIENT["serum_epo"] and record.decision_json["pathway"] == decision["pathway"]


def test_a_check_that_fails_is_not_recorded(client, data_dir):
    from bot.records.store import open_store

    before = len(open_store(None, data_dir).list())
    with pytest.raises(gradio_client.exceptions.AppError):
        client.predict("aspirin", json.dumps(PATIENT), api_name="/check")
    assert len(open_store(None, data_dir).list()) == before


def test_check_all_lists_the_options(client):
    decisions = client.predict(json.dumps(PATIENT), api_name="/check_all")
    assert sorted(d["drug"] for d in decisions) == sorted(SUPPORTED_DRUGS)
    assert decisions[0]["drug"] == "luspatercept"


def test_the_page_loads_nothing_from_outside(app_url):
    page = urllib.request.urlopen(app_url, timeout=10).read().decode()
    config = urllib.request.urlopen(app_url + "config", timeout=10).read().decode()
    for text in (page, config):
        assert "fonts.googleapis" not in text
        assert "cdn.jsdelivr" not in text
    assert json.loads(config)["analytics_enabled"] is False


def test_the_theme_uses_system_fonts_only():
    from bot.webapp.theme import app_theme

    theme = app_theme()
    assert theme._stylesheets == [] and theme._font_css == []
    assert "system-ui" in theme.font

