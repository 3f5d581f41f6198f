"""The API endpoints against the real engine (MiniLM + Chroma), served on a free 127.0.0.1 port."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

gradio_client = pytest.importorskip("gradio_client")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@pytest.fixture(scope="module")
def app_url(engine):
    from bot.webapp import build_app, launch

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = build_app(engine)
    launch(demo, "127.0.0.1", port, block=False, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


def test_ask_returns_a_cited_answer(app_url):
    client = gradio_client.Client(app_url, verbose=False)
    result = client.predict("What did the IMerge trial show for imetelstat?", api_name="/ask")
    assert result["status"] == "answered" and result["route"] == "retrieval"
    assert result["citations"]
    for c in result["citations"]:
        assert f"[{c['n']}]" in result["answer"]
        assert c["quote"] and c["doc_title"] and c["section"]


def test_ten_sessions_at_once_each_get_their_own_patient_back(app_url):
    def one_session(i: int):
        client = gradio_client.Client(app_url, verbose=False)
        first = client.predict(
            f"Can my patient get Reblozyl? IPSS-R low, RS {15 + i}%, SF3B1 mutated, sEPO {600 + i} U/L", api_name="/ask"
        )
        second = client.predict(f"{2 + i} units in 8 weeks", first["session_id"], api_name="/ask")
        return i, first, second

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(one_session, range(10)))
    assert len({first["session_id"] for _, first, _ in results}) == 10
    for i, first, second in results:
        assert first["route"] == "rules" and first["status"] == "needs_information"
        facts = second["extracted_facts"]
        assert facts["serum_epo"]["value"] == 600 + i
        assert facts["ring_sideroblasts_pct"] == 15 + i
        assert facts["rbc_units_last_8_weeks"] == 2 + i
        assert second["decision"]["drug"] == "luspatercept"


def test_ask_verdicts_are_recorded_as_api_decisions(app_url, engine):
    from bot.records.store import open_store

    client = gradio_client.Client(app_url, verbose=False)
    result = client.predict("Can my patient get Reblozyl? IPSS-R low, RS 20%, SF3B1 mutated, sEPO 620 U/L, "
                            "4 units in 8 weeks", api_name="/ask")
    assert result["status"] == "answered" and result["decision"]["decision"] == "meets_criteria"
    record = open_store(None, engine.settings.data_dir).get(result["decision"]["decision_id"])
    assert record is not None and record.surface == "api" and record.drug == "luspatercept"
    assert record.patient == result["extracted_facts"]
