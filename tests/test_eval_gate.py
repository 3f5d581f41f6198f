"""The regression gate: comparison rules, and `mdsbot eval` exiting non-zero when something breaks.

The real-engine version of the gate test is in test_eval_e2e.py (slow); here the
rules core is the real one and the engine is a fake.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.gate import compare, load_baseline
from eval.metrics import METRIC_NAMES
from eval.protocols import EvalSetupError
from eval.testing import FakeEngine, FakeRules, refusal, response

CASES_DIR = Path(__file__).resolve().parent.parent / "eval" / "cases"


def overall(**values: float | None) -> dict:
    return {name: {"value": values.get(name), "n": 10} for name in METRIC_NAMES}


BASE = {"placeholder": False, "tolerance": 0.02, "tolerances": {"conversation_pass_rate": 0.1},
        "metrics": {"exact_pass_rate": 0.80, "forbidden_content_rate": 0.05, "conversation_pass_rate": 0.9,
                    "route_accuracy": 0.5}}


def test_higher_is_better_metrics_regress_beyond_tolerance_only() -> None:
    assert compare(overall(exact_pass_rate=0.785), BASE).passed  # within 0.02
    g = compare(overall(exact_pass_rate=0.77), BASE)
    assert not g.passed and [r.metric for r in g.regressions] == ["exact_pass_rate"]
    assert compare(overall(exact_pass_rate=0.95), BASE).rows[METRIC_NAMES.index("exact_pass_rate")].status == "improved"


def test_lower_is_better_metrics_regress_upwards() -> None:
    assert not compare(overall(forbidden_content_rate=0.10), BASE).passed
    assert compare(overall(forbidden_content_rate=0.0), BASE).passed


def test_per_metric_tolerance_and_skips() -> None:
    assert compare(overall(conversation_pass_rate=0.81), BASE).passed  # tolerance 0.1 for this one
    g = compare(overall(route_accuracy=None), BASE)
    row = {r.metric: r for r in g.rows}
    assert row["route_accuracy"].status == "skipped" and row["route_accuracy"].note == "no cases in this run"
    assert row["citation_support"].status == "skipped" and row["citation_support"].note == "not in baseline"


def test_placeholder_or_missing_baseline_is_not_enforced_and_says_so() -> None:
    for baseline in (None, {"placeholder": True, "metrics": {}}):
        g = compare(overall(exact_pass_rate=0.0), baseline)
        assert g.passed and not g.enforced and g.warnings


def test_case_set_change_and_newly_failing_cases_are_reported() -> None:
    g = compare(overall(exact_pass_rate=0.8), {**BASE, "case_set": "aaa", "passed_cases": ["x", "y"]},
                case_set="bbb", passed_ids=["x"])
    assert g.newly_failing == ["y"]
    assert "case set differs" in g.warnings[0]


def test_committed_baseline_is_readable() -> None:
    b = load_baseline()
    assert b is not None and "metrics" in b
    if not b.get("placeholder"):
        assert set(b["metrics"]) == set(METRIC_NAMES)


# --- the command ----------------------------------------------------------------


@pytest.fixture()
def cli():  # noqa: ANN201
    from bot.cli import _load_command_modules, app

    _load_command_modules()
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["eval", *args, "--no-progress"], catch_exceptions=False)


def write_cases(tmp_path: Path) -> Path:
    rows = [
        {"id": "q-ok", "question": "dose?", "kind": "numeric", "expect": "answer", "must_include": ["7.5 mg/kg"]},
        {"id": "q-oos", "question": "weather?", "kind": "out_of_scope", "expect": "refuse"},
        {"id": "v", "drug": "imetelstat", "patient": {}, "expect_decision": "meets_criteria"},
        {"id": "b", "drug": "aspirin", "patient": {}, "expect_error_mentions": "aspirin"},
        {"id": "c", "turns": [{"user": "dose?", "expect": {"status": "answered"}}]},
    ]
    f = tmp_path / "cases.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return f


def test_cli_gate_passes_then_fails_when_the_engine_breaks(tmp_path: Path, cli, monkeypatch) -> None:  # noqa: ANN001
    engine = FakeEngine(answers={"dose?": response(answer="Imetelstat 7.5 mg/kg IV every 4 weeks.")})
    rules = FakeRules({"imetelstat": {"decision": "meets_criteria", "pathway": "imetelstat", "warnings": []}},
                      errors={"aspirin": "drug: unknown drug 'aspirin'"})
    monkeypatch.setattr("eval.runner.load_engine", lambda: engine)
    monkeypatch.setattr("eval.runner.load_rules", lambda: rules)
    cases, baseline, report = write_cases(tmp_path), tmp_path / "baseline.json", tmp_path / "rep"
    args = ("--cases", str(cases), "--baseline", str(baseline), "--report", str(report))

    first = cli(*args, "--update-baseline")
    assert first.exit_code == 0, first.output
    assert "baseline written" in first.output
    written = json.loads(baseline.read_text())
    assert written["placeholder"] is False and written["metrics"]["exact_pass_rate"] == 1.0

    again = cli(*args)
    assert again.exit_code == 0, again.output
    assert "gate passed" in again.output and "exact_pass_rate" in again.output

    engine.answers["dose?"] = refusal()  # the break: everything is refused now
    broken = cli(*args)
    assert broken.exit_code == 1, broken.output
    assert "gate FAILED" in broken.output
    gate = json.loads((report / "report.json").read_text())["gate"]
    assert gate["passed"] is False
    assert {"exact_pass_rate", "false_refusal_rate", "conversation_pass_rate"} <= set(gate["regressions"])
    assert gate["newly_failing_cases"] == ["c", "q-ok"]
    assert (report / "report.html").read_text().count("Gate FAILED") == 1


def test_cli_cannot_run_exits_2_with_one_clear_line(tmp_path: Path, cli, monkeypatch) -> None:  # noqa: ANN001
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "question": "q", "kind": "nonsense", "expect": "answer"}\n')
    r = cli("--cases", str(bad), "--report", str(tmp_path / "rep"))
    assert r.exit_code == 2 and "bad.jsonl:1" in r.output and "Traceback" not in r.output

    def no_engine():  # noqa: ANN202
        raise EvalSetupError("cannot import bot.engine.Engine (test)")

    monkeypatch.setattr("eval.runner.load_engine", no_engine)
    r = cli("--cases", str(write_cases(tmp_path)), "--report", str(tmp_path / "rep"))
    assert r.exit_code == 2 and "cannot import bot.engine.Engine" in r.output


def _real_rules():  # noqa: ANN202
    import rules_core

    if not callable(getattr(rules_core, "evaluate", None)):
        pytest.skip("rules_core.evaluate is not there yet")
    return rules_core


def test_cli_gate_fails_when_a_real_rule_is_broken(tmp_path: Path, cli, monkeypatch) -> None:  # noqa: ANN001
    """Real rules core, real vignettes: an off-by-one at the sEPO 500 boundary must fail the gate."""
    rules_core = _real_rules()
    args = ("--cases", str(CASES_DIR / "eligibility.jsonl"), "--cases", str(CASES_DIR / "bad_inputs.jsonl"),
            "--baseline", str(tmp_path / "baseline.json"), "--report", str(tmp_path / "rep"))
    assert cli(*args, "--update-baseline").exit_code == 0
    assert cli(*args).exit_code == 0

    original = rules_core.evaluate

    def off_by_one(drug, patient):  # noqa: ANN001, ANN202
        epo = (patient or {}).get("serum_epo")
        if isinstance(epo, dict) and epo.get("value") == 500:  # "> 500" silently became ">= 500"
            patient = {**patient, "serum_epo": {**epo, "value": 501}}
        return original(drug, patient)

    monkeypatch.setattr(rules_core, "evaluate", off_by_one)
    broken = cli(*args)
    assert broken.exit_code == 1, broken.output
    gate = json.loads((tmp_path / "rep" / "report.json").read_text())["gate"]
    assert "eligibility_decision_accuracy" in gate["regressions"]
    assert any("sepo-500" in c for c in gate["newly_failing_cases"])
