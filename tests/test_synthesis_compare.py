"""Synthesis questions whose parts are each answerable (issue 11): comparisons of named trials or drugs on an
outcome, a class or a blood count; a share of a trial's population beside a choice of agent; patients not yet
transfusion dependent; 'how <drug> works' beside its pivotal result; whether a drug still works after others;
a compound question presupposing a word the sources do not use. Real engine, real retrieval, real guard.
The paraphrases here are not eval cases."""

from __future__ import annotations

import pytest

from corpus.vocabulary import concepts_in

pytestmark = pytest.mark.slow


def _keys(text: str) -> set[str]:
    return {c.key for c in concepts_in(text)}


# -- the lexicon data these rely on (fast) -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["not yet transfusion dependent", "patients who aren't transfusion-dependent",
                                  "she is not TD"])
def test_a_negated_transfusion_dependence_names_only_the_ntd_population(text):
    assert "cntd" in _keys(text) and "ctd" not in _keys(text)


def test_transfusion_dependence_itself_is_still_td():
    assert "ctd" in _keys("transfusion-dependent LR-MDS") and "cntd" not in _keys("TD patients")


def test_how_much_of_a_population_is_a_share_not_a_dose():
    assert "cdose" not in _keys("how much of the trial population carried SF3B1 mutations")
    assert "cdose" in _keys("how much luspatercept do I give")


def test_how_a_drug_works_asks_the_mechanism_but_how_well_does_not():
    assert "cmechanism" in _keys("explain how imetelstat works")
    assert "cmechanism" not in _keys("how well it works in RS patients")


def test_platelets_and_neutrophils_are_the_cytopenia_concept():
    assert "ccytopenia" in _keys("effect on platelets") and "ccytopenia" in _keys("neutrophils")


# -- comparisons: refused as not stated only when one side never speaks of what is compared ------------------


@pytest.mark.parametrize("question", [
    "MEDALIST versus IMerge: what share of patients on the drug got to 8-week red cell transfusion independence in each trial?",
    "In MEDALIST and IMerge, how many patients on active treatment reached transfusion independence of at least 8 weeks compared with placebo?",
])
def test_a_comparison_of_trials_on_an_outcome_both_report_is_answered_with_both_figures(engine, question):
    response = engine.ask(question)
    assert response.status == "answered", response.answer
    assert "38%" in response.answer and "40%" in response.answer


@pytest.mark.parametrize("question", [
    "How did prior ESA exposure differ between COMMANDS and MEDALIST patients?",
    "MEDALIST vs COMMANDS: were the enrolled patients pretreated with ESAs?",
])
def test_a_class_no_compared_drug_belongs_to_is_what_is_compared(engine, question):
    response = engine.ask(question)
    assert response.status == "answered", response.answer
    assert "refractory to ESAs" in response.answer and "ESA-naive" in response.answer


@pytest.mark.parametrize("question", [
    "How do imetelstat and luspatercept compare in their effect on platelet counts?",
    "neutrophils and platelets - imetelstat versus luspatercept?",
])
def test_blood_counts_are_compared_with_each_drugs_own_sentence(engine, question):
    response = engine.ask(question)
    assert response.status == "answered", response.answer
    assert "platelet recovery" in response.answer and "thrombocytopenia" in response.answer


def test_a_drug_compared_on_something_the_sources_never_say_of_it_is_still_not_stated(engine):
    response = engine.ask("thromboembolic risk: reblozyl versus retacrit, which one is higher?")
    assert response.status == "refused" and response.answer.startswith("The source documents do not state")


# -- a part asking a share, a population, a mechanism ------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "RS-positive SF3B1-mutated pt, transfusion dependent after ESA failure. Which agent is best supported, and how "
    "much of the pivotal trial's population had SF3B1 mutations?",
    "For SF3B1-mutated LR-MDS after epo failure: the preferred agent, and how much of its phase 3 population was SF3B1-mutated?",
])
def test_a_share_of_a_trial_population_beside_a_choice_of_agent_is_answered(engine, question):
    response = engine.ask(question)
    assert response.status == "answered", response.answer
    assert "91%" in response.answer and "luspatercept" in response.answer.lower()


@pytest.mark.parametrize("question", [
    "What do the sources say about luspatercept and lenalidomide in anemic patients who aren't transfusion dependent yet?",
    "Is there evidence for lenalidomide or luspatercept in LR-MDS patients not yet transfusion-dependent?",
])
def test_patients_not_yet_transfusion_dependent_get_the_non_td_evidence_of_each_drug(engine, question):
    answer = engine.ask(question).answer
    assert "47.6%" in answer and "66.3" in answer


@pytest.mark.parametrize(("question", "result"), [
    ("Explain how luspatercept works and what its placebo-controlled phase 3 showed.", "MEDALIST"),
    ("Describe how luspatercept works, and what response rate its pivotal trial reported.", "38%"),
])
def test_how_a_drug_works_and_its_pivotal_result_are_both_quoted(engine, question, result):
    answer = engine.ask(question).answer
    assert "SMAD" in answer and result in answer


# -- whether a drug still works after others; yes/no only from a sentence about the drug asked -------------------


@pytest.mark.parametrize("question", [
    "would imetelstat still work for my pt after prior lenalidomide and an HMA?",
    "Does imetelstat work in a pt who already had luspatercept?",
])
def test_whether_a_drug_still_works_after_others_is_answered_from_the_sources(engine, question):
    response = engine.ask(question)
    assert response.status == "answered", response.answer
    # the imetelstat sentence on patients who had the other drugs before, not a request for patient facts
    assert any(s in response.answer for s in ("regardless of prior treatment exposures", "after ESA and/or luspatercept"))


@pytest.mark.parametrize("question", [
    "would luspatercept still work after an HMA?",
    "Does luspatercept keep working in patients previously given lenalidomide?",
])
def test_no_yes_or_no_from_a_sentence_about_another_drug(engine, question):
    answer = engine.ask(question).answer
    assert not answer.startswith(("Yes:", "No:"))


# -- a compound question with an unsupported premise keeps every part ----------------------------------------------


@pytest.mark.parametrize("question", [
    "Why is transfusion support alone not enough in LR-MDS? Give the survival loss versus the general population and "
    "what MEDALIST showed for overall survival.",
    "Why isn't supportive care alone sufficient in lower-risk MDS, and how many life-years do patients lose compared "
    "with the general population?",
])
def test_the_premise_correction_opens_the_whole_answer(engine, question):
    answer = engine.ask(question).answer
    assert "6.3 years" in answer


# -- what a question sets aside; each side's own evidence; where a drug fits ------------------------------------


def test_what_a_question_sets_aside_is_not_asked_of_each_aspect():
    from bot.qa.aspects import asked_of_each, side_by_side
    from corpus.lexicon import load_lexicon

    lexicon, drugs = load_lexicon(), ["cluspatercept", "cimetelstat"]
    asked = asked_of_each(lexicon, "Do luspatercept and imetelstat do more than just correct anemia, e.g. survival?", drugs)
    assert "anemia" not in asked and "survival" in asked
    assert side_by_side(lexicon, "luspatercept or imetelstat: survival?", drugs)
    assert not side_by_side(lexicon, "the role of imetelstat after ESA and luspatercept", ["cimetelstat", "cluspatercept"])


@pytest.mark.parametrize("question", [
    "Do luspatercept and imetelstat offer anything other than anemia correction, such as survival benefit or disease modification?",
    "Beyond correcting anemia, what do the sources report for luspatercept or imetelstat on survival and disease modification?",
])
def test_evidence_beyond_anemia_quotes_each_drugs_own_survival_or_disease_evidence(engine, question):
    answer = engine.ask(question).answer
    assert "47.7%" in answer and "variant allele frequency" in answer


@pytest.mark.parametrize("question", ["Where does luspatercept fit in the sources?", "where would imetelstat fit, per the documents?"])
def test_where_a_drug_fits_is_answered_with_the_sequencing(engine, question):
    response = engine.ask(question)  # a broad question: the sequencing sentence among several, each cited
    assert response.status == "answered" and "Evidence-based sequencing" in response.answer
    assert len(response.citations) >= 2


# -- a request in the imperative is a part of its own ---------------------------------------------------------------


def test_an_imperative_request_starts_a_part_that_asks_its_own_object():
    from bot.qa.aspects import sub_questions
    from corpus.lexicon import load_lexicon

    parts = sub_questions(load_lexicon(), "Summarize the MAXILUS cohorts and contrast it with the dose advice for responders.")
    assert parts == ["the MAXILUS cohorts", "the dose advice for responders"]  # "it" is the other side, not carried


@pytest.mark.parametrize("question", [
    "Summarize the MAXILUS design (cohorts, dose) and compare it with the article's dose advice once a response is achieved.",
    "Explain the MAXILUS dosing and contrast it with the dose advice for patients who respond in the medical-necessity article.",
])
def test_a_trial_design_contrasted_with_another_documents_advice_quotes_both(engine, question):
    answer = engine.ask(question).answer
    assert "1.75 mg/kg" in answer and "decreased dose" in answer
