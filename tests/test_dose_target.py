"""A dose question is about what it asks the dose of, not the drug the patient is on: "aspirin dose
for a pt on luspatercept" must never be answered with luspatercept's dose. Real lexicon, real
corpus words, real engine."""

from __future__ import annotations

import pytest

from bot.guard.dose_target import unnamed_dose_targets
from corpus.lexicon import load_lexicon

LUSP_FIGURES = ("1.75 mg/kg", "1.0-1.75")
IMET_FIGURES = ("7.5 mg/kg",)


@pytest.fixture(scope="module")
def corpus_words(engine):
    return engine.guard.knowledge.corpus_words


@pytest.mark.parametrize(
    "question, target",
    [
        ("what dose of aspirin for a pt on luspatercept?", "aspirin"),
        ("magnesium dose for an MDS pt on imetelstat, how many mg daily", "magnesium"),
        ("iron supplement dose for my lusp patient?", "iron supplement"),
        ("pt on Reblozyl - how much folate should she take", "folate"),
    ],
)
def test_the_dosed_thing_is_read_next_to_the_dose_noun(question, target, corpus_words):
    assert unnamed_dose_targets(question, load_lexicon(), corpus_words) == [target]


@pytest.mark.parametrize(
    "question",
    [
        "lusp dose for my pt?",
        "what's the usual starting dose of luspatercept",
        "renal dose adjustment for imetelstat?",
        "what dose was it escalated to in the pivotal trial?",
        "How many units of pRBC per 8 weeks define TD?",
        "max dose of epoetin alfa?",
        "how many days between lusp doses?",
        "how much per week of imetelstat",
        "dose for PA form - lusp mg/kg per the review",
        "imetelstat dose for the prior auth renewal?",
        "imetelstat flat dose or weight based?",
        "lusp: titrated dose or fixed dose?",
    ],
)
def test_modifiers_drugs_and_source_words_are_not_targets(question, corpus_words):
    assert unnamed_dose_targets(question, load_lexicon(), corpus_words) == []


@pytest.mark.parametrize(
    "question, named",
    [
        ("what dose of aspirin for a pt on luspatercept?", "aspirin"),
        ("heparin dosage for a pt getting imetelstat?", "heparin"),
        ("co-trimoxazole dose for my MDS pt receiving lusp q3w", "co-trimoxazole"),
    ],
)
def test_a_dose_of_something_unnamed_is_refused_not_answered_with_the_patients_drug(engine, question, named):
    response = engine.ask(question)
    assert response.status == "refused"
    assert named in response.answer
    for figure in LUSP_FIGURES + IMET_FIGURES:
        assert figure not in response.answer


def test_the_drug_the_patient_is_on_is_still_answered_when_its_dose_is_asked(engine):
    response = engine.ask("lusp dose for my pt on aspirin?")
    assert response.status == "answered"
    assert "1.75 mg/kg" in response.answer


@pytest.mark.parametrize(
    "question, figure",
    [("lusp inj every how many days?", "every 3 weeks"), ("how many weeks between imetelstat infusions", "every 4 weeks")],
)
def test_an_interval_asked_in_days_or_weeks_is_a_dose_question_answered(engine, question, figure):
    response = engine.ask(question)
    assert response.status == "answered"
    assert figure in response.answer


@pytest.mark.parametrize(
    "question, figure",
    [("luspatrecept dose in MEDALSIT?", "1.75 mg/kg"), ("imetlestat dose?", "7.5 mg/kg"), ("IMerge inclusion critiera?", "500")],
)
def test_a_misspelt_drug_or_trial_is_read_by_the_guard_as_retrieval_reads_it(engine, question, figure):
    """The guard spells the question as retrieval does: a dose question about 'luspatrecept' is about
    luspatercept, not about a drug no source names."""
    response = engine.ask(question)
    assert response.status == "answered"
    assert figure in response.answer


def test_spelling_never_turns_an_uncovered_drug_into_a_covered_one(engine):
    response = engine.ask("lusptercept for thalasemia dose?")
    assert response.status == "refused"
    assert "1.75 mg/kg" not in response.answer


@pytest.mark.parametrize(
    "question, figure",
    [("dose for PA form - lusp mg/kg per the review", "1.75 mg/kg"), ("what imetelstat dose do I put on the prior auth?", "7.5 mg/kg")],
)
def test_a_dose_for_a_payer_form_is_the_named_drugs_dose(engine, question, figure):
    """'PA' is written out by the lexicon as 'prior authorization': a form the dose goes on, not a drug."""
    response = engine.ask(question)
    assert response.status == "answered"
    assert figure in response.answer


@pytest.mark.parametrize(
    "question",
    ["upfront lusp at max dose vs ESA first - which do the sources favour?",
     "is starting reblozyl at the maximum approved dose better than an ESA first?"],
)
def test_a_drug_given_at_a_named_dose_is_no_dose_question_about_the_other_drug(engine, question):
    """'at max dose' says how luspatercept is given; the question compares strategies, not an ESA's dose."""
    response = engine.ask(question)
    assert response.status == "answered"
    assert "MAXILUS" in response.answer
