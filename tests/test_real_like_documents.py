"""Documents laid out like real ones (tests/real_like.py, tests/data/real_like/), end to end through the
real CLI, the real MiniLM, the real embedded Chroma and the guard: ingest -> ask -> guard -> citation span
into the stored cleaned text; then removal. One data dir and one engine for the module.

A label PDF for a drug the lexicon does not know (running header and footer on every page, numbered
sections, a dose table, a boxed warning, hyphenated line ends), a payer policy page (navigation,
breadcrumbs, cookie banner, nested criteria, an HCPCS table, related policies, footer) and a pharmacist
journal article in Markdown (affiliations, citation markers, a figure, a references list).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.settings import Settings
from corpus.learned import learned_drugs
from corpus.library import document_id
from tests.real_like import ARTICLE_MD, BOXED, FOOTER, HEADER, MAX_DOSE, POLICY_HTML, STARTING_DOSE, write_label_pdf

BIN = Path(sys.executable).parent
RESULTS = "A pharmacist-managed ESA dosing protocol shortened the time to hemoglobin response"


def mdsbot(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "MDSBOT_DATA_DIR": str(data_dir)}
    return subprocess.run([str(BIN / "mdsbot"), *args], capture_output=True, text=True, env=environment, timeout=600)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("real-like")
    return {"label": write_label_pdf(folder / "lumtriva-label.pdf"), "policy": POLICY_HTML, "article": ARTICLE_MD}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, files) -> Path:
    data = tmp_path_factory.mktemp("real-like-data")
    added = mdsbot(data, "ingest", *(str(p) for p in files.values()))
    assert added.returncode == 0, added.stderr
    return data


@pytest.fixture(scope="module")
def engine(data_dir) -> Engine:
    return Engine.from_settings(Settings(data_dir=data_dir))


@pytest.fixture(scope="module")
def ids(files) -> dict[str, str]:
    return {kind: document_id(str(Path(path).resolve())) for kind, path in files.items()}


def _stored(data_dir: Path, doc_id: str) -> str:
    return (data_dir / "documents" / f"{doc_id}.txt").read_text(encoding="utf-8")


def _added(data_dir: Path, doc_id: str) -> dict:
    rows = json.loads((data_dir / "documents" / "manifest.json").read_text())["documents"]
    return next(row for row in rows if row["info"]["id"] == doc_id)


def test_label_pdf_page_furniture_headings_hyphens_and_table(engine, data_dir, ids):
    doc_id = ids["label"]
    stored = _stored(data_dir, doc_id)
    assert HEADER not in stored and "Reference ID" not in stored and "Page 2 of" not in stored
    dropped = _added(data_dir, doc_id)["extraction"]["dropped"]
    assert HEADER in dropped and FOOTER.format(page=1, pages=3).replace("  ", " ") in dropped  # listed once each
    assert "Discontinue LUMTRIVA if ALT" in stored and "Limitations of use" in stored  # typesetters' hyphens mended
    assert "dose-dependent" in stored and "dosedependent" not in stored  # a compound's own hyphen kept
    assert "occurred in 6% of patients receiving LUMTRIVA" in stored  # a paragraph over a page break stays whole
    assert "See full prescribing information" not in stored and "(2.1)" not in stored  # pointers, not statements
    rows = [p for p in engine.corpus.passages_of(doc_id) if "Platelet count: Above 400" in p.normalized]
    assert rows and rows[0].kind == "list"
    assert "• Platelet count: Above 400 x 10^9/L; Dose adjustment: Stop LUMTRIVA" in rows[0].normalized
    sections = {p.section for p in engine.corpus.passages_of(doc_id)}
    assert {"2.1 Recommended Dosage", "2.3 Discontinuation", "WARNING: HEPATOTOXICITY", "6 ADVERSE REACTIONS"} <= sections
    assert not any("Reference ID" in s or "TEST FIXTURE" in s for s in sections)


def test_policy_page_furniture_nested_criteria_and_code_table(engine, data_dir, ids):
    doc_id = ids["policy"]
    stored = _stored(data_dir, doc_id)
    for furniture in ["cookies", "Skip to main content", "Members", "Log in", "Related policies",
                      "Iron Replacement Therapy", "All rights reserved", "Print", "Share", "Email this page"]:
        assert furniture not in stored, furniture
    dropped = _added(data_dir, doc_id)["extraction"]["dropped"]
    assert {"Related policies", "Iron Replacement Therapy", "Accept All Cookies"} <= set(dropped)
    assert not any(line.startswith("The diagnosis is lower-risk MDS") for line in dropped)  # nested lists are kept
    assert "- HCPCS code: Q5106; Description: Injection, epoetin alfa-epbx" in stored
    criteria = next(p for p in engine.corpus.passages_of(doc_id) if "pretreatment hemoglobin" in p.normalized)
    lines = criteria.normalized.split("\n")
    assert lines[0] == "Coverage for initial therapy requires all of the following:"
    assert lines[2].startswith("2. The diagnosis") and lines[3].startswith("• IPSS-R very low") and lines[5].startswith("3. ")


def test_article_references_markers_and_figure(engine, data_dir, ids):
    doc_id = ids["article"]
    stored = _stored(data_dir, doc_id)
    assert "doi:10.5555/ebj" not in stored and "## References" not in stored  # the bibliography is not content
    assert "Doe J, Roe R" in " ".join(_added(data_dir, doc_id)["extraction"]["dropped"])
    assert "[1,2]" not in stored and "<sup>" not in stored and "*Figure" not in stored
    assert "Figure 1. Cumulative incidence of hemoglobin response" in stored
    assert all(p.section != "Figure 1" for p in engine.corpus.passages_of(doc_id))  # alt text is no heading


def test_a_drug_introduced_by_a_document_is_learned_from_it_and_from_nothing_else(engine, ids):
    learned = learned_drugs(engine.corpus)
    assert [(d.generic, d.brand, d.doc_id) for d in learned] == [("lumatrombopag", "LUMTRIVA", ids["label"])]
    assert engine.guard.knowledge.lexicon.drugs_named("LUMTRIVA 25 mg") == ["lumatrombopag"]
    assert "lumatrombopag" in engine.guard.knowledge.dosed and "lumatrombopag" in engine.guard.knowledge.coverage.drugs


QUESTIONS = [
    ("What is the recommended starting dose of lumatrombopag?", "label", STARTING_DOSE, "2.1 Recommended Dosage"),
    ("What is the recommended starting dose of Lumtriva?", "label", STARTING_DOSE, "2.1 Recommended Dosage"),
    ("What is the boxed warning for lumatrombopag?", "label", BOXED.split(". ")[0] + ".", "WARNING: HEPATOTOXICITY"),
    ("What is the maximum daily dose of lumatrombopag?", "label", "maximum daily dose of 75 mg.", "2.3 Discontinuation"),
    ("How long is the initial approval for an ESA under the payer policy?", "policy",
     "Initial approval duration: 12 weeks.", "Initial approval"),
    ("What is the maximum covered dose of darbepoetin alfa?", "policy", "darbepoetin alfa 500 mcg every 2 weeks.", "Limitations"),
    ("What was the main finding of the pharmacist-managed ESA dosing study?", "article", RESULTS, "Abstract"),
    ("What starting dose of epoetin alfa did the pharmacist protocol use?", "article",
     "the pharmacist started epoetin alfa at 40,000 units once weekly", "The pharmacist protocol"),
]


@pytest.mark.parametrize(("question", "kind", "fact", "section"), QUESTIONS)
def test_questions_are_answered_from_the_added_document_and_cited_into_its_text(
    engine, data_dir, ids, question, kind, fact, section
):
    response = engine.ask(question)
    assert response.status == "answered", response.answer
    assert fact in response.answer
    assert all(check.passed for check in response.checks), [c for c in response.checks if not c.passed]
    citation = next(c for c in response.citations if c.doc_id == ids[kind] and fact in (c.quote or ""))
    assert citation.section == section
    stored = _stored(data_dir, ids[kind])
    assert " ".join(stored[citation.quote_start : citation.quote_end].split()) == citation.quote


def test_a_question_on_the_new_drug_gets_no_other_drugs_dose(engine):
    response = engine.ask("What is the maximum daily dose of lumatrombopag?")
    for other in ("darbepoetin", "epoetin", "luspatercept", "imetelstat"):
        assert other not in response.answer.lower()


def test_the_label_dose_passes_the_number_rail_with_its_citation_and_a_changed_one_does_not(engine):
    question = "What is the recommended starting dose of lumatrombopag?"
    response = engine.ask(question)
    marker = next(c.n for c in response.citations if STARTING_DOSE in (c.quote or ""))
    said = f"Lumatrombopag is started at 25 mg once daily with food. [{marker}]"
    kept = engine.guard.review(response.model_copy(update={"answer": said}), question)
    assert kept.status == "answered" and "25 mg" in kept.answer
    assert {c.name: c.passed for c in kept.checks}["numbers"]
    wrong = engine.guard.review(response.model_copy(update={"answer": said.replace("25 mg", "50 mg")}), question)
    assert "50 mg" not in wrong.answer and not {c.name: c.passed for c in wrong.checks}["numbers"]


def test_a_follow_up_about_the_new_drug_is_read_as_about_it(engine, ids):
    chat = engine.conversation()
    assert chat.send("What is the recommended starting dose of lumatrombopag?").status == "answered"
    response = chat.send("What is its boxed warning?")
    assert response.status == "answered" and BOXED.split(". ")[0] in response.answer
    assert "Read as a question about lumatrombopag, discussed before." in response.notes
    assert all(c.doc_id == ids["label"] for c in response.citations)


def test_a_payers_criteria_are_quoted_whole(engine, ids):
    """'Requires all of the following:' then one criterion would misstate the policy: every item comes."""
    response = engine.ask("What are the initial approval criteria for ESAs in the payer policy?")
    assert response.status == "answered" and all(c.passed for c in response.checks)
    criteria = ["1. The member is 18 years", "2. The diagnosis is lower-risk MDS", "IPSS-R very low, low or intermediate",
                "3. The pretreatment hemoglobin is below 10 g/dL", "4. The serum erythropoietin level is 500 mU/mL or less",
                "5. Iron deficiency has been excluded"]
    answer = response.answer
    assert all(c in answer for c in criteria) and answer.index(criteria[0]) < answer.index(criteria[-1])
    assert any(c.doc_id == ids["policy"] and c.section == "Initial approval" for c in response.citations)


def test_the_reference_list_is_never_an_answer(engine, ids):
    response = engine.ask("Who wrote about delays in ESA dose escalation?")
    assert "doi:" not in response.answer and "Doe J" not in response.answer
    assert all(c.section != "References" for c in response.citations)


def test_after_removal_the_same_questions_are_refused(data_dir, files, ids):
    for kind in ("label", "policy", "article"):
        removed = mdsbot(data_dir, "corpus", "remove", str(Path(files[kind]).resolve()))
        assert removed.returncode == 0 and "its vectors deleted" in removed.stdout, removed.stderr
    fresh = Engine.from_settings(Settings(data_dir=data_dir))
    assert not learned_drugs(fresh.corpus) and "lumatrombopag" not in fresh.guard.knowledge.lexicon.drugs_by_id
    for question, kind, fact, _ in QUESTIONS:
        response = fresh.ask(question)
        assert fact not in response.answer and all(c.doc_id != ids[kind] for c in response.citations), question
        if kind == "label":
            assert response.status == "refused" and not response.citations, question
