"""A near-miss population written in shorthand ("AML pts", "CMML pt") is the population all the same:
the question is refused naming it, never answered with lower-risk MDS figures. Real lexicon, real engine."""

from __future__ import annotations

import pytest

from corpus.lexicon import load_lexicon


@pytest.mark.parametrize("text, entry", [("does that apply to AML pts too?", "aml"), ("tx of AML pt w/ IDH2", "aml")])
def test_shorthand_is_read_as_words_when_finding_populations(text, entry):
    assert entry in [e.id for e in load_lexicon().outside_named(text)]


@pytest.mark.parametrize("question", ["does imetelstat work in AML pts too?", "lusp for AML pts - any TI data?"])
def test_a_shorthand_population_question_is_refused(engine, question):
    response = engine.ask(question)
    assert response.status == "refused"
    assert "AML" in response.answer
    assert "40%" not in response.answer and "38%" not in response.answer


@pytest.mark.parametrize("text", ["anemic non-TD pts", "nonTD LR-MDS", "lusp in non-td disease"])
def test_non_td_is_the_not_transfusion_dependent_population_never_td(text):
    keys = {c.key for c, regex in load_lexicon().concept_regexes if regex.search(text)}
    assert "cntd" in keys and "ctd" not in keys


def test_a_non_td_question_quotes_the_non_transfusion_dependent_data(engine):
    response = engine.ask("early tx in anemic non-TD pts - what data for len and for lusp")
    assert response.status == "answered"
    assert "66.3" in response.answer and "47.6%" in response.answer
