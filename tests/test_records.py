"""Decision records on a real SQLite file and a real PostgreSQL server: the same tests for both."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.records import SQLITE_FILE, RecordFilter, new_record
from bot.records.fast_sqlite import HEAD_REVISION, append
from bot.records.store import DecisionStore, RecordsError, open_store
from rules_core import as_patient, evaluate, load_policy
from tests.postgres import postgres_server

ROOT = Path(__file__).resolve().parent.parent
MDSBOT = [sys.executable, "-c", "from bot.cli import main; main()"]
SECOND_LINE = {"ipss_r": "low", "ring_sideroblasts_pct": 20, "sf3b1": "mutated",
               "serum_epo": {"value": 650, "unit": "U/L"}, "therapies": []}
# Transfusion dependence is site policy (>= 2 units in 8 weeks by default): 2 units meets today,
# not under a policy of 3; 4 units meets under both; the undocumented patient stays insufficient.
AT_THRESHOLD = {**SECOND_LINE, "rbc_units_last_8_weeks": 2}
WELL_ABOVE = {**SECOND_LINE, "rbc_units_last_8_weeks": 4}
UNDOCUMENTED = {"ipss_r": "low"}


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> DecisionStore:
    if request.param == "sqlite":
        return open_store(None, tmp_path / "data")
    url = request.getfixturevalue("postgres_url")
    store = DecisionStore(url)
    with store.engine.begin() as connection:  # each test starts from an empty table
        connection.exec_driver_sql("DELETE FROM decisions")
    return store


def record(store: DecisionStore, drug: str, facts: dict, **people):
    patient = as_patient(facts)
    return store.add(new_record(evaluate(drug, patient), patient, "cli", "test-corpus", **people))


def test_a_record_keeps_what_the_decision_rested_on(store):
    made = record(store, "Reblozyl", WELL_ABOVE, reviewer="RPh Lee", patient_ref="MRN-1")
    stored = store.get(made.id)
    assert stored == made
    assert (stored.drug, stored.decision, stored.pathway) == ("luspatercept", "meets_criteria", "luspatercept.second_line")
    assert stored.policy["transfusion_dependence_min_rbc_units"] == 2
    assert stored.ruleset_fingerprint == evaluate("luspatercept", WELL_ABOVE).ruleset.fingerprint
    assert stored.patient["rbc_units_last_8_weeks"] == 4 and stored.request_type == "initial"
    assert stored.decision_json["summary"] == stored.summary and stored.reviewer == "RPh Lee"


def test_list_filters_newest_first_and_prefix_lookup(store):
    first = record(store, "luspatercept", WELL_ABOVE)
    second = record(store, "imetelstat", UNDOCUMENTED)
    assert [r.id for r in store.list()] == [second.id, first.id]
    assert [r.id for r in store.list(RecordFilter(drug="luspatercept"))] == [first.id]
    assert [r.id for r in store.list(RecordFilter(decision="insufficient_documentation"))] == [second.id]
    assert store.list(RecordFilter(since=datetime.now(timezone.utc) + timedelta(minutes=1))) == []
    assert store.get(first.id[:-3]) == first and store.get("no-such-id") is None


def test_recheck_lists_exactly_the_decisions_a_new_policy_changes(store, tmp_path):
    changed = record(store, "luspatercept", AT_THRESHOLD)
    record(store, "luspatercept", WELL_ABOVE)
    record(store, "imetelstat", UNDOCUMENTED)
    assert store.recheck() == []  # today's rules decide every record as it was decided
    stricter = tmp_path / "policy.yaml"
    stricter.write_text("transfusion_dependence_min_rbc_units: 3\n", encoding="utf-8")
    changes = store.recheck(policy=load_policy(stricter))
    assert [c.id for c in changes] == [changed.id]
    assert (changes[0].old_decision, changes[0].new_decision) == ("meets_criteria", "does_not_meet")
    assert changes[0].old_fingerprint != changes[0].new_fingerprint


def test_the_fast_sqlite_path_writes_what_the_store_reads(tmp_path):
    store = open_store(None, tmp_path)
    patient = as_patient(WELL_ABOVE)
    made = new_record(evaluate("luspatercept", patient), patient, "cli", "test-corpus", prescriber="Dr A")
    assert append(tmp_path / SQLITE_FILE, made)
    assert store.get(made.id) == made
    assert not append(tmp_path / "missing.sqlite3", made)  # no store yet: the full store creates it


def test_the_fast_path_knows_the_latest_migration():
    versions = (ROOT / "bot" / "records" / "migrations" / "versions").glob("*.py")
    revisions = {line.split("=")[1].strip().strip('"') for path in versions
                 for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("revision =")}
    downs = {line.split("=")[1].strip().strip('"') for path in (ROOT / "bot/records/migrations/versions").glob("*.py")
             for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("down_revision =")}
    assert revisions - downs == {HEAD_REVISION}


def test_an_unreachable_database_is_one_line():
    with pytest.raises(RecordsError) as error:
        DecisionStore("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    message = str(error.value)
    assert "\n" not in message and "secret" not in message and "127.0.0.1" in message


def cli(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*MDSBOT, *args], capture_output=True, text=True, cwd=ROOT, timeout=120, input=stdin,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", **env})


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_cli_check_records_and_decisions_recheck_finds_the_change(backend, tmp_path, request):
    env = {"MDSBOT_DATA_DIR": str(tmp_path / "data")}
    if backend == "postgresql":
        env["MDSBOT_DATABASE_URL"] = request.getfixturevalue("postgres_url")
        DecisionStore(env["MDSBOT_DATABASE_URL"]).engine.dispose()
        cli(env, "decisions", "list")  # creates the schema
        with DecisionStore(env["MDSBOT_DATABASE_URL"]).engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM decisions")
    ids = []
    for facts in (AT_THRESHOLD, WELL_ABOVE, AT_THRESHOLD):
        out = cli(env, "check", "--drug", "luspatercept", "--patient", "-", "--json", "--reviewer", "RPh Q",
                  stdin=json.dumps(facts))
        assert out.returncode == 0, out.stderr
        ids.append(json.loads(out.stdout)["decision_id"])
    assert cli(env, "check", "--drug", "luspatercept", "--patient", "-", "--no-record",
               stdin=json.dumps(WELL_ABOVE)).returncode == 0
    listed = json.loads(cli(env, "decisions", "list", "--json").stdout)
    assert [r["id"] for r in listed] == ids[::-1]  # the --no-record check left nothing
    shown = cli(env, "decisions", "show", ids[0])
    assert f"decision {ids[0]}" in shown.stdout and "reviewer: RPh Q" in shown.stdout and "MEETS CRITERIA" in shown.stdout
    policy = tmp_path / "policy.yaml"
    policy.write_text("transfusion_dependence_min_rbc_units: 3\n", encoding="utf-8")
    changes = json.loads(cli(env, "decisions", "recheck", "--policy", str(policy), "--json").stdout)
    assert sorted(c["id"] for c in changes) == sorted([ids[0], ids[2]])
    csv_lines = cli(env, "decisions", "list", "--csv").stdout.splitlines()
    assert csv_lines[0].startswith("id,recorded_at,surface,drug") and len(csv_lines) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["decisions", "list", "--decision", "maybe"], "--decision: 'maybe' is not allowed; use one of meets_criteria"),
        (["decisions", "list", "--since", "last week"], "--since: 'last week' is not a date"),
        (["decisions", "list", "--drug", "aspirin"], "'aspirin' is not a supported drug"),
        (["decisions", "show", "nope"], "no decision with id 'nope'"),
    ],
)
def test_decisions_bad_input_is_one_line(args, message, tmp_path):
    out = cli({"MDSBOT_DATA_DIR": str(tmp_path)}, *args)
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_check_batch_records_every_decision_in_bulk(backend, tmp_path, request):
    env = {"MDSBOT_DATA_DIR": str(tmp_path / "data")}
    if backend == "postgresql":
        env["MDSBOT_DATABASE_URL"] = request.getfixturevalue("postgres_url")
        cli(env, "decisions", "list")  # creates the schema
        with DecisionStore(env["MDSBOT_DATABASE_URL"]).engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM decisions")
    lines = [{"id": "a", "drug": "luspatercept", "patient": AT_THRESHOLD}, {"id": "b", "drug": "aspirin", "patient": {}},
             {"id": "c", "drug": "Reblozyl", "patient": WELL_ABOVE}]
    out = cli(env, "check", "--batch", "-", "--json", "--prescriber", "Dr P", stdin="\n".join(map(json.dumps, lines)))
    assert out.returncode == 1, out.stderr  # line 2 is an error line; the others are decided and stored
    results = [json.loads(line) for line in out.stdout.splitlines()]
    ids = [results[0]["decision_id"], results[2]["decision_id"]]
    assert ids[0].endswith("-1") and ids[1].endswith("-3") and "decision_id" not in results[1]
    listed = json.loads(cli(env, "decisions", "list", "--json").stdout)
    assert sorted(r["id"] for r in listed) == sorted(ids)
    assert {(r["surface"], r["prescriber"]) for r in listed} == {("batch", "Dr P")}
    shown = json.loads(cli(env, "decisions", "show", ids[1], "--json").stdout)
    assert shown["decision_json"] == {k: v for k, v in results[2].items() if k not in ("id", "line")} | {"decision_id": None}
    assert shown["patient"] == as_patient(WELL_ABOVE).model_dump(mode="json", exclude_none=True)
    policy = tmp_path / "policy.yaml"  # the batch's records recheck like any other
    policy.write_text("transfusion_dependence_min_rbc_units: 3\n", encoding="utf-8")
    changes = json.loads(cli(env, "decisions", "recheck", "--policy", str(policy), "--json").stdout)
    assert [c["id"] for c in changes] == [ids[0]]
