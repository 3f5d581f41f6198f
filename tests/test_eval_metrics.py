"""Metric arithmetic on a hand-built scenario with in-test fakes (not a model of mdsbot)."""

from __future__ import annotations

import pytest

from eval.cases import BadInputCase, ConversationCase, QuestionCase, VignetteCase
from eval.matching import shipped_corpus
from eval.metrics import METRIC_NAMES, latency_summary, percentile, summarise
from eval.runner import run_cases
from eval.testing import FakeEngine, FakeHit, FakePassage, FakeRetriever, FakeRules, refusal, response

G1 = "38% of patients in the luspatercept group achieved transfusion independence for more than 8 weeks"
G2 = "imetelstat 7.5 mg/kg IV every 4 weeks significantly increased RBC-TI rates versus placebo"
G5 = "very low: 8.8 years"


def passage_for(quote: str, pid: str, pad: int = 20) -> FakePassage:
    corpus = shipped_corpus()
    span = corpus.locate(quote)[0]
    start, end = max(0, span.start - pad), span.end + pad
    text = corpus.raw[span.doc_id][start:end]
    return FakePassage(pid, span.doc_id, "s", start, end, text, " ".join(text.split()))


def citation(n: int, p: FakePassage) -> dict:
    return {"n": n, "doc_id": p.doc_id, "doc_title": "t", "section": p.section, "passage_id": p.id,
            "text": p.normalized, "start": p.start, "end": p.end}


P1, P2, P5 = passage_for(G1, "p1"), passage_for(G2, "p2"), passage_for(G5, "p5")
OTHER = passage_for("Anemia and transfusion dependence represent the dominant clinical problem", "px")


def q(id: str, kind: str, expect: str, question: str, **kw) -> QuestionCase:
    return QuestionCase(id=id, kind=kind, expect=expect, question=question, **kw)


CASES = [
    q("q1", "fact", "answer", "MEDALIST?", must_include=["38%", "13%"], must_not_include=["70%"], gold_quote=G1,
      expect_route="retrieval"),
    q("q2", "numeric", "answer", "imetelstat dose?", must_include=["7.5 mg/kg", "every 4 weeks"], gold_quote=G2),
    q("q3", "out_of_scope", "refuse", "transplant?", expect_route="refusal"),
    q("q4", "adversarial", "refuse", "enasidenib dose?", must_not_include=["100 mg"]),
    q("q5", "fact", "answer", "survival very low?", must_include=["8.8 years"], gold_quote=G5, expect_route="retrieval"),
    q("q6", "eligibility_chat", "answer", "lusp for my patient?", expect_route="rules", expect_decision="meets_criteria"),
    VignetteCase(id="v1", drug="luspatercept", patient={}, expect_decision="meets_criteria",
                 expect_pathway="luspatercept.second_line", expect_warning_mentions=["60.4%"]),
    VignetteCase(id="v2", drug="imetelstat", patient={}, expect_decision="does_not_meet"),
    VignetteCase(id="v3", drug="epoetin_alfa", patient={}, expect_decision="meets_criteria"),
    BadInputCase(id="b1", drug="aspirin", patient={}, expect_error_mentions="aspirin"),
    BadInputCase(id="b2", drug="luspatercept", patient={"sEPO": 1}, expect_error_mentions=["sEPO"]),
    ConversationCase(id="c1", turns=[{"user": "hi", "expect": {"status": "refused"}},
                                     {"user": "MEDALIST?", "expect": {"status": "answered", "must_include": ["38%"]}}]),
    ConversationCase(id="c2", turns=[{"user": "lusp for my patient?", "expect": {"decision": "does_not_meet"}}]),
]


def make_engine() -> FakeEngine:
    return FakeEngine(
        answers={
            "MEDALIST?": response(answer="38% vs 13% of patients reached TI. [1]", citations=[citation(1, P1)]),
            "imetelstat dose?": response(answer="Imetelstat 7.5 mg/kg IV. [1]", citations=[citation(1, P2)]),
            "transplant?": refusal(),
            "enasidenib dose?": response(answer="Use 100 mg of enasidenib. [1]", citations=[citation(1, P2)]),
            "survival very low?": refusal(),
            "lusp for my patient?": response(route="rules", answer="Luspatercept: meets criteria.",
                                             decision={"drug": "luspatercept", "decision": "meets_criteria"}),
        },
        retriever=FakeRetriever({
            "MEDALIST?": [FakeHit(OTHER, 0.9), FakeHit(P1, 0.8)],
            "imetelstat dose?": [FakeHit(P2, 0.9), FakeHit(OTHER, 0.1)],
            "survival very low?": [],
        }),
    )


def make_rules() -> FakeRules:
    return FakeRules(
        decisions={
            "luspatercept": {"decision": "meets_criteria", "pathway": "luspatercept.second_line",
                             "warnings": ["002 says not first-line; 000 reports COMMANDS 60.4% vs 34.8%"]},
            "imetelstat": {"decision": "meets_criteria", "pathway": "imetelstat", "warnings": []},
            "epoetin_alfa": {"decision": "meets_criteria", "pathway": "epoetin_alfa", "warnings": []},
        },
        errors={"aspirin": "drug: unknown drug 'aspirin'; allowed: luspatercept, imetelstat, ..."},
    )


@pytest.fixture(scope="module")
def results() -> list[dict]:
    return run_cases(CASES, make_engine(), make_rules(), progress=False)


def value(summary: dict, name: str) -> float | None:
    return summary["overall"][name]["value"]


def test_every_metric_is_computed_with_its_denominator(results: list[dict]) -> None:
    s = summarise(results)
    assert list(s["overall"]) == list(METRIC_NAMES)
    expected = {
        "retrieval_recall_at_1": (1 / 3, 3),
        "retrieval_recall_at_5": (2 / 3, 3),
        "retrieval_mrr": ((0.5 + 1 + 0) / 3, 3),
        "fact_recall": ((1 + 0.5 + 0) / 3, 3),
        "exact_pass_rate": (3 / 6, 6),
        "forbidden_content_rate": (1 / 2, 2),
        "citation_support": (3 / 4, 4),  # q1, q2 and c1's second turn supported; q4 cites a passage without 100 mg
        "furniture_leak_rate": (0.0, 9),
        "refusal_precision": (1 / 2, 2),
        "refusal_recall": (1 / 2, 2),
        "false_refusal_rate": (1 / 4, 4),
        "route_accuracy": (3 / 4, 4),
        "chat_decision_accuracy": (1 / 2, 2),
        "eligibility_decision_accuracy": (2 / 3, 3),
        "eligibility_pathway_accuracy": (1.0, 1),
        "warning_mention_recall": (1.0, 1),
        "bad_input_handling_rate": (1 / 2, 2),
        "conversation_pass_rate": (1 / 2, 2),
        "conversation_turn_pass_rate": (2 / 3, 3),
        "overall_pass_rate": (7 / 13, 13),
    }
    for name, (v, n) in expected.items():
        assert s["overall"][name]["n"] == n, name
        assert s["overall"][name]["value"] == pytest.approx(v, abs=1e-6), name


def test_citation_support_details(results: list[dict]) -> None:
    by_id = {r["id"]: r for r in results}
    assert by_id["q1"]["citation_support"]["supported"] == 1
    bad = by_id["q4"]["citation_support"]["unsupported"][0]
    assert bad["missing_numbers"] == ["100"] and bad["missing_terms"] == ["enasidenib"]
    # c1 turn 2 repeats q1's answer (supported); the rules answer has no markers, so no cited sentence
    assert by_id["q6"]["citation_support"]["sentences"] == 0


def test_case_records_say_what_failed(results: list[dict]) -> None:
    by_id = {r["id"]: r for r in results}
    assert by_id["q1"]["passed"] and by_id["q1"]["retrieval"]["rank"] == 2
    assert by_id["q2"]["failures"] == ["missing: 'every 4 weeks'"]
    assert by_id["q4"]["failures"] == ["status: expected 'refused', got 'answered'", "forbidden content: '100 mg'"]
    assert by_id["q5"]["retrieval"]["rank"] is None
    assert by_id["v2"]["failures"] == ["decision: expected 'does_not_meet', got 'meets_criteria'"]
    assert by_id["b1"]["passed"] and by_id["b1"]["actual"]["raised"] == "FakeRulesError"
    assert by_id["b2"]["failures"] == ["bad input was accepted (decision 'meets_criteria')"]
    assert by_id["c2"]["failures"] == ["turn 1: decision: expected 'does_not_meet', got 'meets_criteria'"]


def test_metrics_per_kind_only_list_what_applies(results: list[dict]) -> None:
    by_kind = summarise(results)["by_kind"]
    assert list(by_kind) == sorted(by_kind)
    fact = by_kind["fact"]
    assert fact["cases"] == 2 and fact["passed"] == 1
    assert fact["metrics"]["exact_pass_rate"]["value"] == 0.5
    assert fact["metrics"]["retrieval_recall_at_5"] == {"value": 0.5, "n": 2}
    assert "eligibility_decision_accuracy" not in fact["metrics"]
    assert by_kind["eligibility"]["metrics"]["eligibility_decision_accuracy"]["n"] == 3
    assert by_kind["conversation"]["metrics"]["conversation_pass_rate"]["value"] == 0.5
    by_drug = summarise(results)["by_drug"]
    assert set(by_drug) == {"aspirin", "epoetin_alfa", "imetelstat", "luspatercept"}


def test_two_runs_give_identical_numbers() -> None:
    a = summarise(run_cases(CASES, make_engine(), make_rules(), progress=False))
    b = summarise(run_cases(list(reversed(CASES)), make_engine(), make_rules(), progress=False))
    assert a == b  # order of cases does not matter either


def test_engine_errors_are_recorded_not_raised() -> None:
    class Boom(FakeEngine):
        def ask(self, question: str):  # noqa: ANN201
            raise RuntimeError("index missing\nsecond line")

    (r,) = run_cases([CASES[0]], Boom(), make_rules(), progress=False)
    assert not r["passed"] and r["error"] == "RuntimeError: index missing"
    assert summarise([r])["overall"]["exact_pass_rate"]["value"] == 0.0


def test_latency_is_per_route_and_kept_out_of_the_metrics(results: list[dict]) -> None:
    lat = latency_summary(results)
    assert set(lat) == {"refusal", "retrieval", "rules", "rules_core", "search"}
    assert lat["rules_core"]["n"] == 4  # three vignettes + the bad input that raised a validation error
    assert "latency" not in str(summarise(results)["overall"])


def test_percentile_is_nearest_rank() -> None:
    xs = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(xs, 50) == 3.0
    assert percentile(xs, 95) == 5.0
    assert percentile([], 50) is None
