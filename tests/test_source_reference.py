"""A source referred to by its description (corpus/source_reference.py): which document, not what topic. The
describing words come from the manifest (title, short title, kind), so nothing here names a document."""

from __future__ import annotations

import pytest

from corpus.source_reference import SourceDescriptions


def _kind(corpus, doc_id: str) -> str:
    return corpus.document(doc_id).info.kind


@pytest.mark.parametrize(("question", "kind"), [
    ("what does the medical-necessity article give as the documentation list?", "article"),
    ("in the luspatercept medical necessity article, when is response assessed?", "article"),
    ("which sEPO level does the R/R lower-risk MDS review use?", "review"),
])
def test_a_description_names_one_document_and_is_no_topic(corpus, question, kind):
    read = SourceDescriptions(corpus).read(question)
    assert [_kind(corpus, d) for d in read.documents] == [kind]
    assert "necessity" not in read.text and "review" not in read.text


@pytest.mark.parametrize("question", [
    "what did the NCCN-based article say about imetelstat?",  # no document's description: a topic, kept
    "what do the sources say about first-line luspatercept?",  # every document
    "Describe the MAXILUS cohorts and contrast them with the dose advice in the medical-necessity article.",  # a part's
    "In the MEDALIST paper what was the TI rate?",  # a trial's paper: the trial is the topic
])
def test_no_document_is_singled_out_when_the_reference_is_not_to_one(corpus, question):
    read = SourceDescriptions(corpus).read(question)
    assert read.documents == ()
    assert ("NCCN-based" in read.text) is ("NCCN-based" in question) and ("MEDALIST" in read.text) is ("MEDALIST" in question)


@pytest.mark.parametrize("question", [
    "how does the medical necessity article define ESA failure?",
    "What counts as failure of a prior ESA in the luspatercept medical-necessity article?",
])
def test_a_definition_asked_of_a_described_document_is_its_defining_sentence(engine, question):
    """The article's words ('medical necessity') no longer pull in its criteria list: the sentence stating the
    condition answers, from that document only."""
    response = engine.ask(question)
    assert response.status == "answered"
    assert "6-8 weeks" in response.answer and "iron repletion" in response.answer
    assert {c.doc_kind for c in response.citations} == {"article"}


@pytest.mark.parametrize("question", [
    "lusp PA: ESA failure defn?",
    "defn of ESA failure for the lusp PA",
])
def test_a_definition_question_opens_with_the_sentence_stating_the_condition(engine, question):
    """Payer words bring in the criteria list, but the answer opens with the sentence defining ESA failure."""
    response = engine.ask(question)
    first = response.answer.split("[1]")[0]
    assert "6-8 weeks" in first and "iron repletion" in first


def test_a_definition_the_sources_do_not_give_opens_with_no_other_definition(engine):
    """'Primary efficacy defined as ...' defines an endpoint, not transfusion dependence: it does not open."""
    response = engine.ask("what counts as transfusion dependence for luspatercept coverage?")
    assert "primary efficacy defined as" not in response.answer.split("[1]")[0]
