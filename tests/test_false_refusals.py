"""Answerable questions that were refused (issue 11), each a class of question, two paraphrases or more
(none an eval case), with the twin that must still be refused:

- a threshold question whose words say what the figure tells ("predicts", "selects") is answered by the
  figures the sources give, one per document ("at what Hb do you hold it?" still is not);
- "low dose <drug>" names a regimen, so its results are answered ("what dose?" is still a dose question);
- shorthand ("1ry endpt", "ctrl") is read as words;
- a measured qualifier given a value ("ferritin low") is the patient's fact, not the topic;
- a risk group the sources do not cover, asked with who qualifies, gets the covered categories after a note
  (a dose for it is still refused).

Real lexicon; the conversation tests use the real engine (retrieval, answerer, guard)."""

from __future__ import annotations

import pytest

from bot.qa.scope import stated_values
from corpus.lexicon import load_lexicon


def test_regimen_names_are_no_dose_question():
    lexicon = load_lexicon()
    assert not lexicon.asks_dose("early low dose len in anemic pts - HI-E rate?")
    assert not lexicon.asks_dose("high-dose ESA response rates")
    assert lexicon.asks_dose("low dose len - what dose?")
    assert lexicon.asks_dose("lenalidomide dose in del(5q)?")


def test_shorthand_for_endpoints_and_controls_is_written_out():
    lexicon = load_lexicon()
    assert lexicon.expand_shorthand("imerge 1ry endpt?") == "imerge primary endpoint?"
    assert "control" in lexicon.expand_shorthand("TI vs ctrl")


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("pt on darbepoetin 5 weeks, ferritin low, no response", {"ferritin"}),
        ("low ferritin and flat Hb after 4 weeks of epoetin", {"ferritin"}),
        ("ferritin 30 ng/mL, Hb unchanged", {"ferritin"}),
        ("what ferritin target before starting an ESA?", set()),
        ("at what serum ferritin level should chelation start?", set()),
    ],
)
def test_a_measured_qualifier_with_a_value_is_a_patient_fact(text, facts):
    assert stated_values(text, load_lexicon().measured_qualifiers) == facts




@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    ["what serum EPO threshold predicts a response to ESAs?", "which sEPO cutoff selects patients for ESA therapy?"],
)
def test_a_threshold_question_gets_each_sources_figure(engine, question):
    shown = engine.conversation().send(question)
    assert shown.status == "answered"
    assert "500 mU/mL" in shown.answer and "200U/L" in shown.answer  # the two documents' cutoffs
    assert len({c.doc_id for c in shown.citations}) == 2


@pytest.mark.slow
def test_a_threshold_for_an_action_the_sources_never_state_is_still_not_stated(engine):
    shown = engine.conversation().send("at what hemoglobin should imetelstat be held?")
    assert shown.status == "refused" and shown.answer.startswith("The source documents do not state")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("low-dose lenalidomide in non-TD anemia - time to transfusion dependence?", "66.3"),
        ("what did early low dose lenalidomide achieve for HI-E in non transfusion dependent patients?", "70%"),
    ],
)
def test_results_of_a_low_dose_regimen_are_answered(engine, question, figure):
    shown = engine.conversation().send(question)
    assert shown.status == "answered" and figure in shown.answer


@pytest.mark.slow
def test_a_dose_asked_of_a_low_dose_regimen_is_still_not_stated(engine):
    shown = engine.conversation().send("low dose len - what dose?")
    assert shown.status == "refused" and "do not state a dose or schedule for lenalidomide" in shown.answer


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "figure"),
    [("imerge 1ry endpt?", "40%"), ("maxilus primary endpt?", "1 g/dL")],
)
def test_shorthand_endpoint_questions_are_answered(engine, question, figure):
    shown = engine.conversation().send(question)
    assert shown.status == "answered" and figure in shown.answer


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "ESA given 3 weeks, ferritin low - can I document ESA failure on the PA yet?",
        "Darbepoetin for 4 weeks with low ferritin and no response - does that count as ESA failure?",
    ],
)
def test_a_patients_ferritin_does_not_refuse_an_esa_failure_question(engine, question):
    shown = engine.conversation().send(question)
    assert shown.status == "answered" and "6-8 weeks" in shown.answer and "iron repletion" in shown.answer


@pytest.mark.slow
def test_ferritin_as_the_topic_is_still_refused(engine):
    shown = engine.conversation().send("what ferritin target before starting ESA?")
    assert shown.status == "refused" and "ferritin" in shown.answer


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "Which IPSS-R categories are covered for luspatercept - is IPSS-R very high included?",
        "what risk categories meet the luspatercept criteria - does IPSS-R high qualify?",
    ],
)
def test_which_risk_categories_qualify_is_answered_with_the_covered_ones(engine, question):
    shown = engine.conversation().send(question)
    assert shown.status == "answered"
    assert shown.answer.startswith("Note: the sources do not cover higher-risk MDS")
    assert "intermediate-risk MDS (IPSS-R classification)" in shown.answer
    assert "mg/kg" not in shown.answer  # never a dose for a higher-risk patient


@pytest.mark.slow
@pytest.mark.parametrize(
    "question", ["imetelstat for IPSS-R high risk MDS: what dose?", "does luspatercept work in higher-risk MDS?"]
)
def test_a_higher_risk_question_that_asks_no_categories_is_still_refused(engine, question):
    shown = engine.conversation().send(question)
    assert shown.status == "refused" and "higher-risk MDS" in shown.answer and "mg/kg" not in shown.answer


def test_the_question_after_statements_is_asked_alone_with_their_names():
    from bot.qa.aspects import question_after_statements

    lexicon = load_lexicon()
    assert question_after_statements(lexicon, "Payer calls lusp investigational. is it experimental?") == [
        "is it experimental (lusp)"]
    # a drug named as failed before is the setting, not carried
    assert question_after_statements(lexicon, "appeal for lusp after ESA failure. which pivotal trial do I cite") == [
        "which pivotal trial do I cite (lusp)"]
    assert question_after_statements(lexicon, "is luspatercept experimental?") == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "the plan's denial calls lusp investigational. is it experimental?",
        "Insurer says Reblozyl is investigational for MDS. Is luspatercept experimental?",
        "Payer letter calls luspatercept investigational. Is it experimental?",
    ],
)
def test_the_question_asked_after_payer_statements_is_answered(engine, question):
    shown = engine.conversation().send(question)
    assert shown.status == "answered" and "not experimental" in shown.answer


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("need to justify lusp to the plan. which pivotal study number do I quote?", "38%"),
        ("drafting an appeal for luspatercept. which pivotal trial result supports it?", "MEDALIST"),
    ],
)
def test_a_sentence_about_a_drugs_trial_answers_for_the_drug(engine, question, expected):
    shown = engine.conversation().send(question)
    assert shown.status == "answered" and expected in shown.answer


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "Is an ESA still the standard first-line choice for anemia in LR-MDS without del(5q)?",
        "do ESAs remain the preferred first-line treatment in lower-risk MDS?",
    ],
)
def test_whether_esas_are_still_preferred_first_line_shows_the_disagreement(engine, question):
    """One source keeps ESAs first and luspatercept second-line; the other also calls luspatercept a first-line
    option (corpus/conflicts.yaml): both sides are quoted, never a plain yes."""
    shown = engine.conversation().send(question)
    assert shown.status == "answered" and shown.answer.startswith("The sources disagree")
    assert "first-line option" in shown.answer and "NOT indicated as first-line" in shown.answer
