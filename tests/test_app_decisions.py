"""Decisions from the chat and the app are stored, and the Decisions tab finds and shows them.

Real components: the real engine for the chat, a real SQLite store in a temp dir, the
real report writer. The API's recording is in test_app_api.py (gradio_client against the app).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest

import rules_core
from bot.records import RecordsError
from bot.records.recorder import DecisionRecorder
from bot.records.store import open_store
from bot.settings import Settings
from bot.webapp import html
from bot.webapp.actions import Reports
from bot.webapp.decisions_tab import FilterError, record_filter
from bot.webapp.record_html import CSV_COLUMNS, csv_text, record_html, table_rows

FIRST = "Can my patient get Reblozyl? IPSS-R low, RS 20%, SF3B1 mutated"
SECOND = "sEPO 620 U/L, 4 units in 8 weeks, failed 8 weeks of epoetin with iron replete"
PATIENT = {"ipss_r": "low", "ring_sideroblasts_pct": 20, "sf3b1": "mutated", "serum_epo": {"value": 620, "unit": "U/L"},
           "rbc_units_last_8_weeks": 4}


@pytest.fixture
def recorder(tmp_path):
    return DecisionRecorder(Settings(data_dir=tmp_path))


def decide(recorder, drug="luspatercept", patient=PATIENT, surface="app_form", **people):
    facts = rules_core.PatientFacts.model_validate(patient)
    return recorder.stamp(rules_core.evaluate(drug, facts), facts, surface, **people)


# --- chat ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_chat_verdict_is_recorded_and_the_reply_carries_its_id(engine, recorder):
    chat = engine.conversation(recorder.for_surface("chat"))
    asked = chat.send(FIRST)
    assert asked.status == "needs_information" and recorder.list() == []  # a question is not a decision
    reply = chat.send(SECOND)
    assert reply.status == "answered" and reply.decision.decision == "meets_criteria"
    [record] = recorder.list()
    assert reply.decision.decision_id == record.id and record.surface == "chat"
    assert record.patient == rules_core.PatientFacts.model_validate(reply.extracted_facts).model_dump(
        mode="json", exclude_none=True)
    assert record.decision_json["pathway"] == reply.decision.pathway
    shown = html.response_html(reply, "k")
    assert f"Decision id <code>{record.id}</code>" in shown


@pytest.mark.slow
def test_the_chat_asks_only_for_facts_the_verdict_needs_then_decides_without_the_others(engine):
    chat = engine.conversation()
    asked = chat.send(FIRST)
    assert set(asked.missing_facts) == {"rbc_units_last_8_weeks", "therapies", "serum_epo"}
    assert "blast percentage" not in asked.answer and "del(5q)" not in asked.answer  # the first-line facts are not needed yet
    assert "rbc_units" not in asked.answer and "serum_epo" not in asked.answer  # labels, not field ids
    reply = chat.send(SECOND)
    assert reply.decision.decision == "meets_criteria"
    assert "bone_marrow_blasts_pct" not in reply.extracted_facts and "del5q" not in reply.extracted_facts


@pytest.mark.slow
def test_chat_verdicts_name_pathways_in_words_with_the_blocking_reason(engine):
    reply = engine.conversation().send(f"{FIRST}, {SECOND}")
    lines = reply.answer.splitlines()
    for pathway in reply.decision.pathways:
        assert pathway.id not in reply.answer  # no internal ids
    assert lines[0].startswith("Verdict: luspatercept meets the medical-necessity criteria (pathway: second line")
    blocked = [line for line in lines if "not eligible" in line]
    assert blocked and all(", because: ✗ " in line and line.endswith("]") for line in blocked)
    assert "epoetin_alfa" not in reply.answer and "epoetin alfa" in reply.answer
    for line in lines:  # a documentation check says its statement once
        if " — " in line:
            statement, evidence = line[2:].split(" — ", 1)
            assert statement.strip().lower() != evidence.rsplit(" [", 1)[0].strip().lower(), line
    assert all(c.passed for c in reply.checks if c.name in {"citations", "decision_verdict"}), reply.checks


@pytest.mark.slow
def test_a_store_that_cannot_be_written_costs_the_record_not_the_verdict(engine, tmp_path):
    broken = DecisionRecorder(Settings(data_dir=tmp_path, database_url="sqlite:////nonexistent-dir/x/decisions.db"))
    reply = engine.conversation(broken.for_surface("chat")).send(f"{FIRST}, {SECOND}")
    assert reply.decision.decision == "meets_criteria" and reply.decision.decision_id is None
    assert any(n.startswith("This decision was not recorded: decision store") for n in reply.notes)


def test_no_record_setting_decides_without_storing(tmp_path):
    off = DecisionRecorder(Settings(data_dir=tmp_path, record_decisions=False))
    decision = decide(off)
    assert decision.decision == "meets_criteria" and decision.decision_id is None
    assert list(tmp_path.iterdir()) == []  # no store was even made


def test_record_stores_with_the_default_surface_and_cleans_the_people(tmp_path):
    recorder = DecisionRecorder(Settings(data_dir=tmp_path / "made" / "here"), "app_form")
    facts = rules_core.PatientFacts.model_validate(PATIENT)
    record = recorder.record(rules_core.evaluate("luspatercept", facts), facts, patient_ref=" MRN-1 ", reviewer=" ")
    assert (record.surface, record.patient_ref, record.reviewer) == ("app_form", "MRN-1", None)
    assert [r.id for r in recorder.list()] == [record.id]
    with pytest.raises(ValueError, match="^surface: "):
        DecisionRecorder(Settings(data_dir=tmp_path)).record(rules_core.evaluate("luspatercept", facts), facts)


def test_a_data_dir_that_cannot_be_made_is_one_line_and_tried_again(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    recorder = DecisionRecorder(Settings(data_dir=blocker / "data"))
    with pytest.raises(RecordsError, match="^decision store in .*: "):
        decide(recorder)
    recorder.settings = Settings(data_dir=tmp_path / "ok")  # fixed: the next decision is stored
    assert decide(recorder).decision_id is not None


def test_an_unreachable_store_is_one_line(tmp_path):
    broken = DecisionRecorder(Settings(data_dir=tmp_path, database_url="sqlite:////nonexistent-dir/x/decisions.db"))
    with pytest.raises(RecordsError, match=r"^decision store sqlite:////nonexistent-dir/x/decisions.db: ") as info:
        decide(broken)
    assert "\n" not in str(info.value)


# --- the Decisions tab --------------------------------------------------------------------------


def test_filters_find_by_drug_decision_date_and_people(recorder):
    meets = decide(recorder, patient_ref="MRN-001", prescriber="Dr Ada Lovelace")
    denied = decide(recorder, "imetelstat", {"ipss_r": "high"}, surface="chat", reviewer="PharmD Bo")
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")

    def ids(**given):
        where = record_filter(given.get("drug"), given.get("decision"), given.get("since"), given.get("until"),
                              given.get("text"))
        return [r.id for r in recorder.list(where)]

    assert ids() == [denied.decision_id, meets.decision_id]  # newest first
    assert ids(drug="luspatercept") == [meets.decision_id]
    assert ids(decision="does_not_meet") == [denied.decision_id]
    assert ids(text="lovelace") == ids(text="MRN-0") == [meets.decision_id]  # any case, part of the value
    assert ids(text="pharmd") == [denied.decision_id]
    assert ids(text=meets.decision_id[-8:]) == [meets.decision_id]
    assert ids(since=today, until=today) == [denied.decision_id, meets.decision_id]  # "to" takes the whole day
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%d")
    assert ids(since=tomorrow) == [] and ids(until="2020-01-01") == []
    assert ids(text="100%_") == []  # LIKE wildcards are literal


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("aspirin", None, None, None, None), "Drug: 'aspirin' is not a supported drug"),
        ((None, "maybe", None, None, None), "Decision: 'maybe' is not allowed"),
        ((None, None, "30/11/2026", None, None), "From: '30/11/2026' is not a date; use YYYY-MM-DD"),
        ((None, None, None, "2026-02-30", None), "To: '2026-02-30' is not a date"),
    ],
)
def test_a_bad_filter_is_one_line_naming_it(args, message):
    with pytest.raises(FilterError, match=message.replace("(", r"\(")):
        record_filter(*args)


def test_table_rows_and_csv_are_in_words_and_complete(recorder):
    decision = decide(recorder, patient_ref="MRN-9, ward \"B\"", prescriber="Dr X")
    [record] = recorder.list()
    [row] = table_rows([record])
    assert row[0] == decision.decision_id and row[2:6] == ["app form", "luspatercept", "initial", "Meets criteria"]
    assert row[6].startswith("second line after ESA failure") and "." not in row[6].split()[0]
    [parsed] = list(csv.DictReader(io.StringIO(csv_text([record]))))
    assert tuple(parsed) == CSV_COLUMNS
    assert parsed["id"] == decision.decision_id and parsed["patient_ref"] == 'MRN-9, ward "B"'
    assert parsed["ruleset_fingerprint"] == decision.ruleset.fingerprint and parsed["reviewer"] == ""


def test_a_record_in_full_shows_what_it_rested_on(recorder):
    decision = decide(recorder, patient_ref="MRN-5", prescriber="Dr P", reviewer="R V")
    record = recorder.get(decision.decision_id)
    shown = record_html(record)
    for expected in (record.id, "MRN-5", "Dr P", "R V", "Serum EPO: 620 U/L", record.ruleset_fingerprint,
                     record.corpus_hash, record.ruleset_version, "ESA-ineligible"):
        assert html.text(expected) in shown, expected
    for key in record.policy:
        assert html.text(key) in shown
    assert shown.count("mds-crit-met") >= 5  # every criterion of the deciding pathway


def test_the_report_of_a_stored_decision_is_rebuilt_from_the_record(recorder, tmp_path):
    from bot.webapp.decisions_tab import DecisionsTab

    decision = decide(recorder, patient_ref="MRN-77", prescriber="Dr Report")
    record = recorder.get(decision.decision_id)
    tab = DecisionsTab.__new__(DecisionsTab)  # the report method only, without gradio widgets
    tab.reports = Reports(tmp_path)
    files = tab._report(record)
    assert files.pdf.read_bytes().startswith(b"%PDF") and files.pdf.stat().st_size > 2000
    markdown = files.markdown.read_text()
    assert "MEETS CRITERIA" in markdown and record.ruleset_fingerprint in markdown
    assert f"{record.recorded_at:%Y-%m-%d %H:%M}" in markdown  # the decision's own time
    for expected in (record.id, "MRN-77", "Dr Report"):  # the payer header: decision id, patient, prescriber
        assert expected in markdown, expected


def test_the_store_reads_records_from_another_process_at_once(recorder, tmp_path):
    """The app's store and the CLI's fast SQLite path write the same file: the tab sees both."""
    from bot.records import new_record
    from bot.records.fast_sqlite import append

    decide(recorder)
    facts = rules_core.PatientFacts.model_validate(PATIENT)
    cli = new_record(rules_core.evaluate("luspatercept", facts), facts, "cli", "hash")
    assert append(tmp_path / "decisions.sqlite3", cli)
    assert [r.surface for r in recorder.list()] == ["cli", "app_form"]
    assert open_store(None, tmp_path).get(cli.id) is not None


@pytest.mark.slow
@pytest.mark.parametrize("no_record", [False, True], ids=["recorded", "no-record"])
def test_mdsbot_chat_records_its_verdicts_unless_told_not_to(index_dir, engine, tmp_path, no_record):
    import os
    import re
    import subprocess
    import sys
    from pathlib import Path

    database = tmp_path / "team.sqlite3"
    env = {**os.environ, "MDSBOT_DATABASE_URL": f"sqlite:///{database}"}
    command = [str(Path(sys.executable).parent / "mdsbot"), "chat", "--data-dir", str(index_dir)]
    result = subprocess.run(command + (["--no-record"] if no_record else []), input=f"{FIRST}, {SECOND}\nquit\n",
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "meets the medical-necessity criteria" in result.stdout
    stored = DecisionRecorder(Settings(data_dir=tmp_path, database_url=f"sqlite:///{database}")).list()
    if no_record:
        assert stored == [] and "decision id:" not in result.stdout
    else:
        [record] = stored
        assert record.surface == "chat" and re.search(rf"decision id: {record.id}\b", result.stdout)


def test_pathway_words_are_the_rulesets_plain_names():
    from bot.verdict_text import pathway_words

    facts = rules_core.PatientFacts.model_validate(PATIENT)
    for pathway in rules_core.evaluate("luspatercept", facts).pathways:
        assert pathway_words(pathway) == pathway.name and pathway.name
        assert "_" not in pathway_words(pathway) and "(" not in pathway_words(pathway)
