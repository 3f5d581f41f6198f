"""Ingestion: furniture dropped, OCR repaired, spans exact, passages shaped as promised."""

from __future__ import annotations

import re

import pytest

from corpus.cleaning import MappedText, find_furniture_spans, repair_ocr
from corpus.ingest import MANIFEST, load_corpus
from corpus.models import OcrRepair, load_manifest

REVIEW = "000_28884f76a78fdbfe"
ARTICLE = "002_b313ab8f7ec3a988"
_DOCUMENTS = {d.id: d for d in load_manifest(MANIFEST).documents}
FURNITURE = _DOCUMENTS[ARTICLE].cleaning.furniture
OCR_REPAIRS = _DOCUMENTS[REVIEW].cleaning.ocr_repairs


def test_shipped_documents_are_byte_identical_to_what_was_received(corpus):
    from pathlib import Path

    shared = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    if not shared.is_dir():
        pytest.skip("shared/corpus not beside this checkout")
    for doc in corpus.documents:
        assert (shared / f"{doc.id}.txt").read_text(encoding="utf-8") == doc.raw


def test_every_passage_span_slices_back_to_its_original_text(corpus):
    for passage in corpus.passages:
        raw = corpus.document(passage.doc_id).raw
        assert raw[passage.start : passage.end] == passage.text
        assert passage.text == passage.text.strip()
        for sentence in passage.sentences:
            assert passage.start <= sentence.start < sentence.end <= passage.end


def test_sentence_spans_hold_the_words_of_the_cleaned_sentence(corpus):
    """The original span of a sentence, cleaned again, gives the sentence back."""
    for sentence in corpus.sentences:
        raw = corpus.document(sentence.doc_id).raw[sentence.start : sentence.end]
        first_word = re.findall(r"[A-Za-z]{4,}", sentence.normalized)[0]
        last_word = re.findall(r"[A-Za-z]{4,}", sentence.normalized)[-1]
        assert first_word in raw and last_word in raw.replace("-\n", "-"), sentence.id


@pytest.mark.parametrize("block", FURNITURE, ids=lambda b: b.name)
def test_furniture_anchor_exists_once_and_is_never_retrievable(corpus, block):
    raw = corpus.document(ARTICLE).raw
    assert raw.count(block.first_line) == 1
    all_text = " ".join(p.text + " " + p.normalized for p in corpus.passages)
    spans = [(a, b) for f, a, b in find_furniture_spans(raw, FURNITURE) if f == block]
    assert spans, block.name
    a, b = spans[0]
    for passage in corpus.passages_of(ARTICLE):
        assert passage.end <= a or passage.start >= b, f"{passage.id} overlaps {block.name}"
    for line in raw[a:b].splitlines():
        line = line.strip()
        if len(line) > 12:
            assert line not in all_text, line


@pytest.mark.parametrize(
    "phrase",
    ["thyroid storm", "vitamin D", "Prader-Willi", "Serratia", "annular fissures", "Dr.Oracle", "Personalize",
     "Medical Advisory Board", "Under Review", "follow-up question", "Related Questions", "bone marrow transplant"],
)
def test_unrelated_page_text_is_in_no_passage(corpus, phrase):
    assert phrase.lower() not in " ".join(p.normalized.lower() for p in corpus.passages)
    assert phrase.lower() in corpus.document(ARTICLE).raw.lower()


def test_dropped_blocks_are_listed_with_reasons(corpus):
    names = {d.name for d in corpus.dropped}
    assert names == {f.name for f in FURNITURE}
    assert all(d.why for d in corpus.dropped)


@pytest.mark.parametrize("repair", OCR_REPAIRS, ids=lambda r: r.pattern)
def test_each_ocr_repair_fires_on_the_review(corpus, repair):
    raw = corpus.document(REVIEW).raw.replace("\n", " ")
    assert re.search(repair.pattern, raw), f"repair never applies: {repair.pattern}"


@pytest.mark.parametrize("noise", ["/DH", "SF3BI", "SF3B/", "lyear", "IgGl1", "MBDS", "SEPO", "RBC-TIT", "RBC-TTI", "interrupeted", "(i1)", "1.0- 1.75", "placebo.An"])
def test_ocr_noise_is_gone_from_cleaned_text(corpus, noise):
    cleaned = " ".join(p.normalized for p in corpus.passages_of(REVIEW))
    assert noise not in cleaned
    assert noise in corpus.document(REVIEW).raw.replace("\n", " ")


@pytest.mark.parametrize(
    "repaired",
    ["IDHmut inhibitors", "IDH1/IDH2 mutated", "RS/SF3B1", "SF3B1 mutation status", "TI > 1 year", "IgG1", "R/R) LR-MDS",
     "sEPO categories", "RBC-TI >8 weeks", "(ii) timely", "1.0-1.75 mg/kg", "placebo. An active"],
)
def test_repaired_terms_are_searchable(corpus, repaired):
    cleaned = " ".join(p.normalized for p in corpus.passages_of(REVIEW))
    assert repaired in cleaned


def test_words_broken_across_lines_are_joined(corpus):
    cleaned = " ".join(p.normalized for p in corpus.passages)
    for joined in ["R/R LR-MDS", "ESA-relapsed/refractory", "TD LR-MDS", "luspatercept-failed TD LR-MDS"]:
        assert joined in cleaned
    assert "LR- MDS" not in cleaned and "\n" not in " ".join(p.normalized for p in corpus.passages_of(REVIEW))


def test_reference_markers_are_removed_but_real_numbers_stay(corpus):
    article = {p.id: p.normalized for p in corpus.passages_of(ARTICLE)}
    text = "\n".join(article.values())
    assert "(ESAs). 1, 2" not in text and "(ESAs)." in text
    assert "transfusion-dependent patients. The NCCN" in text
    assert "approximately 14% of patients" in text and "14% of patients 6" not in text
    assert "sEPO ≤500 mU/mL" in text and "mU/mL 1" not in text
    assert "Phase 2" in text and "first 4 cycles" in text


def test_prose_passages_hold_one_to_three_sentences(corpus):
    for passage in corpus.passages:
        if passage.kind == "prose":
            assert 1 <= len(passage.sentences) <= 3, passage.id


def test_a_heading_and_its_bullet_list_are_one_passage_with_the_heading_as_section(corpus):
    docs = [p for p in corpus.passages_of(ARTICLE) if p.section == "Critical Documentation Requirements"]
    assert len(docs) == 1
    passage = docs[0]
    assert passage.kind == "list"
    assert passage.normalized.count("\n• ") == 6
    assert "SF3B1 mutation status" in passage.normalized and "Serum erythropoietin level" in passage.normalized


def test_review_sections_follow_the_manifest(corpus):
    sections = [p.section for p in corpus.passages_of(REVIEW)]
    assert sections[0] == "Survival, anemia and transfusion burden"
    commands = [p for p in corpus.passages_of(REVIEW) if "COMMANDS" in p.normalized and "60.4%" in p.normalized]
    assert commands and commands[0].section == "Luspatercept first-line: COMMANDS"


def test_passage_ids_are_stable_and_unique(corpus):
    ids = [p.id for p in corpus.passages]
    assert len(ids) == len(set(ids))
    assert load_corpus().content_hash == corpus.content_hash
    assert ids[0] == "000-p000" and any(i.startswith("002-p") for i in ids)


def test_only_the_declared_rules_apply():
    """The review declares OCR repairs and no furniture; the article the reverse."""
    assert OCR_REPAIRS and not _DOCUMENTS[REVIEW].cleaning.furniture
    assert FURNITURE and not _DOCUMENTS[ARTICLE].cleaning.ocr_repairs
    assert _DOCUMENTS[ARTICLE].cleaning.remove_reference_markers
    assert not _DOCUMENTS[REVIEW].cleaning.remove_reference_markers


def test_mapped_text_keeps_origin_through_replacements():
    text = MappedText("a /DHmut b")
    cleaned = repair_ocr(text, [OcrRepair(pattern=r"/DH(?=mut)", replacement="IDH", why="test")])
    assert cleaned.text == "a IDHmut b"
    start = cleaned.text.index("IDHmut")
    assert cleaned.source_span(start, start + len("IDHmut")) == (2, 8)


def test_one_quote_finder_maps_quotes_back_to_raw_spans() -> None:
    from corpus.cleaning import QuoteFinder

    raw = "Lower-risk (LR-\nMDS)  patients:  sEPO\t<500 U/L.\nLR-MDS again."
    exact = QuoteFinder(raw)
    assert [raw[a:b] for a, b in exact.spans("LR- MDS)")] == ["LR-\nMDS)"]
    assert exact.spans("LR-MDS") == [(12, 19), (raw.index("LR-MDS again"), raw.index("LR-MDS again") + 6)]
    assert raw.__getitem__(slice(*exact.first("patients: sEPO <500"))) == "patients:  sEPO\t<500"
    assert exact.first("lr-mds") is None
    assert QuoteFinder(raw, ignore_case=True).first("lr-mds") == (12, 19)
