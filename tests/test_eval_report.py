"""report.json / report.html: complete, self-contained, escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

from eval.harness import evaluate
from eval.runner import Runner
from eval.testing import FakeEngine, FakeRules, response

CASES = [
    {"id": "good", "question": "ok?", "kind": "fact", "expect": "answer", "must_include": ["fine"]},
    {"id": "bad-<script>", "question": "xss?", "kind": "adversarial", "expect": "refuse", "must_not_include": ["<b>"]},
    {"id": "vig", "drug": "luspatercept", "patient": {}, "expect_decision": "does_not_meet"},
]


def run(tmp_path: Path) -> tuple[dict, str]:
    f = tmp_path / "cases.jsonl"
    f.write_text("\n".join(json.dumps(c) for c in CASES) + "\n")
    engine = FakeEngine(answers={
        "ok?": response(answer="All fine."),
        "xss?": response(answer="<b>bold</b> <script>alert(1)</script> [1]",
                         citations=[{"n": 1, "doc_id": "000_28884f76a78fdbfe", "doc_title": "t", "section": "Intro",
                                     "passage_id": "p-1", "text": "<img src=x onerror=alert(1)>", "start": 0, "end": 40}]),
    })
    rules = FakeRules({"luspatercept": {"decision": "meets_criteria", "pathway": "luspatercept.second_line", "warnings": []}})
    out = evaluate([f], baseline_path=tmp_path / "none.json", report_dir=tmp_path / "rep", runner=Runner(engine, rules),
                   progress=False)
    assert out.json_path and out.html_path
    return json.loads(out.json_path.read_text()), out.html_path.read_text()


def test_report_json_has_summary_gate_latency_and_every_case(tmp_path: Path) -> None:
    report, _ = run(tmp_path)
    assert report["schema"] == "mdsbot-eval-report/1"
    assert {"counts", "overall", "by_kind", "by_drug"} <= set(report["summary"])
    assert report["gate"]["enforced"] is False and "no baseline" in report["gate"]["warnings"][0]
    assert report["failures"] == ["bad-<script>", "vig"]
    assert [c["id"] for c in report["cases"]] == ["bad-<script>", "good", "vig"]  # sorted by type, then id
    assert report["run"]["case_files"] == ["cases.jsonl"]


def test_report_html_is_self_contained(tmp_path: Path) -> None:
    _, html = run(tmp_path)
    assert html.startswith("<!DOCTYPE html>")
    assert "<svg" in html and "<style>" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and "<script" not in html.replace("&lt;script", "")
    assert "@import" not in html and "url(" not in html


def test_report_html_shows_failing_cases_with_expectations_and_citations(tmp_path: Path) -> None:
    _, html = run(tmp_path)
    assert "Failing cases (2)" in html
    assert "bad-&lt;script&gt;" in html  # escaped, never live markup
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the citation text, escaped
    assert "forbidden content" in html and "status: expected" in html
    assert "decision: expected &#x27;does_not_meet&#x27;" in html
    assert "must_not_include" in html  # what was expected
    for kind in ("adversarial", "eligibility", "fact"):
        assert f">{kind}</text>" in html  # a bar per kind
