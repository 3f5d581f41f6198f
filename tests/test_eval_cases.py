"""The gold cases themselves: counts, coverage, and every gold_quote verbatim in the shipped corpus."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from eval.cases import (
    QUESTION_KINDS,
    BadInputCase,
    CaseFileError,
    ConversationCase,
    QuestionCase,
    VignetteCase,
    case_set_fingerprint,
    load_cases,
    load_file,
)
from eval.matching import collapse, shipped_corpus
from eval.citations import furniture_spans

CASES = load_cases()
QUESTIONS = [c for c in CASES if isinstance(c, QuestionCase)]
VIGNETTES = [c for c in CASES if isinstance(c, VignetteCase) and not isinstance(c, BadInputCase)]
BAD = [c for c in CASES if isinstance(c, BadInputCase)]
CONVERSATIONS = [c for c in CASES if isinstance(c, ConversationCase)]
DOC_000 = "000_28884f76a78fdbfe"
DOC_002 = "002_b313ab8f7ec3a988"


def test_case_counts_meet_the_issue() -> None:
    assert len(QUESTIONS) >= 120
    assert len(VIGNETTES) >= 60
    assert len(BAD) >= 20
    assert len(CONVERSATIONS) >= 10


def test_every_question_kind_is_represented() -> None:
    kinds = Counter(q.kind for q in QUESTIONS)
    assert set(kinds) == set(QUESTION_KINDS)
    assert all(n >= 8 for n in kinds.values()), kinds


@pytest.mark.parametrize("case", [q for q in QUESTIONS if q.gold_quote], ids=lambda c: c.id)
def test_gold_quote_is_verbatim_in_the_corpus(case: QuestionCase) -> None:
    """Whitespace-collapsed, case-insensitive: the quote is a span of a shipped file, outside 002's furniture."""
    corpus = shipped_corpus()
    spans = corpus.locate(case.gold_quote)
    assert spans, f"{case.id}: gold_quote not found in either document: {case.gold_quote!r}"
    furniture = furniture_spans(corpus)
    for span in spans:
        raw = corpus.raw[span.doc_id][span.start : span.end]
        assert collapse(raw) == collapse(case.gold_quote)  # maps back to the exact raw characters
        regions = furniture.get(span.doc_id, [])
        assert not any(span.start < e and s < span.end for s, e in regions), f"{case.id}: quote is page furniture"


def test_furniture_gold_finds_every_region() -> None:
    spans = furniture_spans(shipped_corpus())
    assert spans and all(len(regions) == 2 for regions in spans.values()), spans


def test_gold_quotes_cover_both_documents() -> None:
    corpus = shipped_corpus()
    docs = Counter(corpus.locate(q.gold_quote)[0].doc_id for q in QUESTIONS if q.gold_quote)
    assert docs[DOC_000] >= 60 and docs[DOC_002] >= 30, docs


def test_answerable_questions_have_facts_and_refusals_have_no_gold() -> None:
    for q in QUESTIONS:
        if q.expect == "answer" and q.kind != "eligibility_chat":
            assert q.must_include, q.id
            assert q.gold_quote, q.id
        if q.kind == "out_of_scope":
            assert q.expect == "refuse" and q.gold_quote is None, q.id
        if q.kind == "eligibility_chat":
            assert q.expect_route == "rules", q.id
            assert q.expect_decision or q.expect == "needs_information", q.id


def test_conflict_cases_require_both_positions_on_first_line_luspatercept() -> None:
    first_line = [q for q in QUESTIONS if q.kind == "conflict" and "not indicated as first-line" in q.must_include]
    assert len(first_line) >= 4
    for q in first_line:
        assert "60.4%" in q.must_include, q.id


def test_vignettes_cover_every_drug_pathway_and_decision() -> None:
    from_brand = {"Reblozyl", "Rytelo", "Revlimid", "Procrit", "Retacrit", "Aranesp", "Tibsovo", "Idhifa"}
    drugs = {v.drug for v in VIGNETTES}
    generics = {"luspatercept", "imetelstat", "epoetin_alfa", "darbepoetin_alfa", "lenalidomide", "ivosidenib", "enasidenib"}
    assert generics <= drugs
    assert len(drugs & from_brand) >= 5
    pathways = {v.expect_pathway for v in VIGNETTES if v.expect_pathway}
    assert {
        "luspatercept.second_line",
        "luspatercept.first_line",
        "lenalidomide.transfusion_dependent",
        "lenalidomide.anemic_non_td",
    } <= pathways
    assert {v.expect_decision for v in VIGNETTES} == {"meets_criteria", "does_not_meet", "insufficient_documentation"}
    assert any(v.expect_warning_mentions for v in VIGNETTES)


def test_vignettes_hit_the_exact_boundaries() -> None:
    def has(pred) -> bool:  # noqa: ANN001
        return any(pred(v.patient) for v in VIGNETTES)

    assert has(lambda p: (p.get("serum_epo") or {}).get("value") == 500)
    assert has(lambda p: p.get("rbc_units_last_8_weeks") == 4)
    assert has(lambda p: p.get("rbc_units_last_8_weeks") == 2)
    assert has(lambda p: p.get("ring_sideroblasts_pct") == 15)
    assert has(lambda p: p.get("ring_sideroblasts_pct") == 5)
    assert has(lambda p: p.get("bone_marrow_blasts_pct") == 5)
    assert has(lambda p: any(t.get("weeks") == 6 for t in p.get("therapies") or []))


def test_bad_inputs_cover_every_class() -> None:
    ids = " ".join(b.id for b in BAD)
    for cls in ("unknown-field", "unit", "range", "unknown-drug", "unknown-agent", "type", "enum"):
        assert f"-{cls}" in ids, cls


def test_conversations_have_several_turns() -> None:
    assert all(len(c.turns) >= 2 for c in CONVERSATIONS)
    assert sum(1 for c in CONVERSATIONS if any(t.expect.decision for t in c.turns)) >= 5


def test_case_type_is_detected_by_fields_not_file_name(tmp_path: Path) -> None:
    odd = tmp_path / "conversations.jsonl"  # a misleading name
    rows = [
        {"id": "q", "question": "What is imetelstat?", "kind": "fact", "expect": "answer"},
        {"id": "v", "drug": "imetelstat", "patient": {}, "expect_decision": "insufficient_documentation"},
        {"id": "b", "drug": "imetelstat", "patient": {"x": 1}, "expect_error_mentions": "x"},
        {"id": "c", "turns": [{"user": "hi", "expect": {"status": "refuse"}}]},
        {"id": "q2", "question": "x", "kind": "fact", "expect": "answer", "extra_field_from_elsewhere": 1},
    ]
    odd.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    cases = load_file(odd)
    assert [c.case_type for c in cases] == ["question", "vignette", "bad_input", "conversation", "question"]
    assert cases[2].expect_error_mentions == ["x"]
    assert cases[3].turns[0].expect.status == "refused"  # "refuse" accepted as an alias
    assert cases[0].source == "conversations.jsonl:1"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"id": "x", "foo": 1}', "cannot tell the case type"),
        ('{"id": "x", "question": "q", "kind": "trivia", "expect": "answer"}', "field 'kind'"),
        ('{"id": "x", "question": "q", "kind": "fact"}', "field 'expect'"),
        ('{"id": "x", "drug": "d", "patient": {}}', "field 'expect_decision'"),
        ('{"id": "x", "turns": []}', "field 'turns'"),
    ],
)
def test_bad_case_lines_are_named(tmp_path: Path, line: str, message: str) -> None:
    f = tmp_path / "cases.jsonl"
    f.write_text(line + "\n")
    with pytest.raises(CaseFileError, match="cases.jsonl:1") as err:
        load_file(f)
    assert message in str(err.value)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    row = json.dumps({"id": "same", "question": "q", "kind": "fact", "expect": "answer"})
    a.write_text(row + "\n")
    b.write_text(row + "\n")
    with pytest.raises(CaseFileError, match="duplicate case id 'same'"):
        load_cases([a, b])


def test_fingerprint_is_stable_and_content_sensitive() -> None:
    assert case_set_fingerprint(CASES) == case_set_fingerprint(list(reversed(CASES)))
    assert case_set_fingerprint(CASES) != case_set_fingerprint(CASES[1:])


def test_a_citation_or_answer_in_page_furniture_is_a_leak() -> None:
    from eval.citations import citation_report, furniture_gold

    corpus = shipped_corpus()
    furniture = furniture_spans(corpus)
    doc_id, regions = next(iter(furniture.items()))
    start, end = regions[-1]
    phrase = furniture_gold().phrases[0]
    leaking = {"answer": f"{phrase} [1]", "citations": [{"n": 1, "doc_id": doc_id, "start": start, "end": end}]}
    leaks = citation_report(leaking, corpus, furniture)["furniture_leaks"]
    assert len(leaks) == 2, leaks
    clean = {"answer": "Nothing here [1]", "citations": [{"n": 1, "doc_id": doc_id, "start": 0, "end": 10}]}
    assert citation_report(clean, corpus, furniture)["furniture_leaks"] == []


def test_a_verdict_line_is_supported_by_its_quote_with_the_site_policy_threshold_exempt() -> None:
    """Rules-route answers: the marked line is the claim (headings above it are not), and a site-policy
    threshold is the site's own; any other number the quote lacks still counts against support."""
    from eval.citations import citation_report

    corpus = shipped_corpus()
    quote = {"n": 1, "doc_id": "x", "start": 0, "end": 0, "quote": "Anemia represents the dominant clinical problem"}
    answer = "Verdict: lenalidomide meets.\nPathway: anemic — eligible:\n✓ Anemia: hemoglobin < 10 g/dL — hemoglobin 9 g/dL [1]"
    decision = {"policy": {"anemia_hemoglobin_below_g_per_dl": 10.0}}
    summary = {"answer": answer, "citations": [quote], "route": "rules", "decision": decision}
    assert citation_report(summary, corpus, {})["supported"] == 1
    other = {**summary, "decision": {"policy": {"anemia_hemoglobin_below_g_per_dl": 9.5}}}
    assert citation_report(other, corpus, {})["supported"] == 0  # 10 is then nobody's number
    prose = {**summary, "route": "retrieval"}
    assert citation_report(prose, corpus, {})["supported"] == 0  # outside a verdict, every number needs its source
