"""Matching rules of the harness: substring checks, gold-passage spans, citation support."""

from __future__ import annotations

from eval.matching import (
    CitedSentence,
    CorpusText,
    collapse,
    contains,
    find_terms,
    flatten_text,
    gold_rank,
    is_gold_passage,
    key_terms_in,
    numbers_in,
    sentence_support,
    shipped_corpus,
    split_cited_sentences,
)

DOC = "000_28884f76a78fdbfe"


def test_substring_checks_are_case_insensitive_and_whitespace_tolerant() -> None:
    assert contains("Luspatercept is NOT indicated\nas first-line therapy", "not indicated as first-line")
    assert not contains("anything", "")
    found, missing = find_terms("38% vs 13%", ["38%", "13%", "47.7%"])
    assert found == ["38%", "13%"] and missing == ["47.7%"]


def test_flatten_text_renders_a_decision_in_order() -> None:
    text = flatten_text({"decision": "meets_criteria", "pathway": "x.y", "warnings": ["60.4% vs 34.8%"], "n": 3, "ok": True})
    assert text.splitlines() == ["meets_criteria", "x.y", "60.4% vs 34.8%", "3", "true"]


def test_collapse_joins_hyphenated_line_breaks() -> None:
    assert collapse("R/R LR-\nMDS  to\tmatch") == "r/r lr-mds to match"
    assert collapse("1.0- 1.75 mg/kg") == collapse("1.0-1.75 MG/KG")


def test_locate_maps_back_to_raw_offsets() -> None:
    corpus = shipped_corpus()
    (span,) = corpus.locate("Of the 222 patients enrolled, 202 (91%)")
    raw = corpus.raw[span.doc_id][span.start : span.end]
    assert span.doc_id == DOC
    assert raw == "Of the\n222 patients enrolled, 202 (91%)"  # the line break is inside the quote
    (span,) = corpus.locate("R/R LR-MDS to match mechanism")
    assert corpus.raw[DOC][span.start : span.end] == "R/R LR-\nMDS to match mechanism"


def _passage(doc: str, start: int, end: int, corpus: CorpusText, normalized: str | None = None) -> dict:
    text = corpus.raw[doc][start:end]
    return {"id": "p", "doc_id": doc, "start": start, "end": end, "text": text, "normalized": normalized or text}


def test_gold_passage_by_span_overlap_or_cleaned_text() -> None:
    corpus = shipped_corpus()
    quote = "38% of patients in the luspatercept group achieved transfusion independence"
    spans = corpus.locate(quote)
    s = spans[0]
    overlapping = _passage(DOC, s.start + 10, s.end + 200, corpus)  # partial overlap counts
    assert is_gold_passage(overlapping, quote, spans, corpus)
    elsewhere = _passage(DOC, 0, 100, corpus)
    assert not is_gold_passage(elsewhere, quote, spans, corpus)
    # other authors may copy the OCR-repaired text: containment in the cleaned text also counts
    repaired = "41.3% of cases had an uninterrupted period of TI > 1 year"
    cleaned = {"id": "q", "doc_id": DOC, "start": 0, "end": 50, "text": "x", "normalized": "... " + repaired + " ..."}
    assert is_gold_passage(cleaned, repaired, corpus.locate(repaired), corpus)
    # a short doc id still resolves (the passage's own text decides the document)
    short = dict(overlapping, doc_id="000")
    assert is_gold_passage(short, quote, spans, corpus)
    assert gold_rank([elsewhere, overlapping], quote, corpus) == 2
    assert gold_rank([elsewhere], quote, corpus) is None


def test_numbers_are_normalised_and_identifiers_ignored() -> None:
    assert numbers_in("1.0- 1.75 mg/kg every 3 weeks; SF3B1, IDH2, del(5q), Q3 W, IgG1") == {"1", "1.75", "3"}
    assert numbers_in("150.0 vs 95.1 weeks; p<0.0001; 3\u20134") == {"150", "95.1", "0.0001", "3", "4"}
    assert numbers_in("1,000 units") == {"1000"}


def test_key_terms_map_brands_to_generics() -> None:
    assert key_terms_in("Reblozyl in MEDALIST") == {"luspatercept", "medalist"}
    assert key_terms_in("Rytelo causes thrombocytopenia") == {"imetelstat", "thrombocytopenia"}
    assert "epo" not in key_terms_in("epoetin alfa")


def test_split_cited_sentences() -> None:
    cited, uncited = split_cited_sentences("A is 38% [1]. B is 13% [1][2] and C [3]. Closing remark.")
    assert [(c.text, c.markers) for c in cited] == [("A is 38%", (1,)), ("B is 13%", (1, 2)), ("and C", (3,))]
    assert uncited == ["Closing remark."]


def test_sentence_support_needs_numbers_and_terms_in_the_cited_passage() -> None:
    passages = {1: "Overall, 38% of patients in the luspatercept group ... 13% in the placebo group", 2: "imetelstat 7.5 mg/kg"}
    assert sentence_support(CitedSentence("Reblozyl gave 38% vs 13%", (1,)), passages).supported
    bad_number = sentence_support(CitedSentence("Luspatercept gave 70%", (1,)), passages)
    assert not bad_number.supported and bad_number.missing_numbers == ("70",)
    wrong_drug = sentence_support(CitedSentence("Imetelstat gave 38%", (1,)), passages)
    assert not wrong_drug.supported and wrong_drug.missing_terms == ("imetelstat",)
    assert sentence_support(CitedSentence("Imetelstat gave 38%", (1, 2)), passages).supported  # union of markers
    dangling = sentence_support(CitedSentence("38%", (9,)), passages)
    assert not dangling.supported and dangling.unknown_markers == (9,)
