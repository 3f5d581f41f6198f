"""Near-miss patients are never checked by the rules core as if they had lower-risk MDS (issues 11, 12):
a condition or population named beside MDS, a risk group the fact reader did not read, a stated age
under the adult minimum. Real router and lexicon; the conversation tests use the real engine."""

from __future__ import annotations

import pytest

from bot.eligibility.routing import route
from corpus.lexicon import load_lexicon


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("Is Reblozyl appropriate for my 16-year-old patient with MDS-RS, sEPO 200, 4u q8wk?", "children"),
        ("can my teenage patient with MDS get luspatercept? sEPO 100, 4 units in 8 weeks", "children"),
        ("is imetelstat medically necessary for my pt w/ int-2 MDS, 4 u pRBC in 8 wks, failed ESA?", "higher_risk_mds"),
        ("Is luspatercept medically necessary for my patient with high-risk MDS, RS 20%, 4 units/8 weeks?", "higher_risk_mds"),
        ("my patient transformed to AML, can she get lusp?", "aml"),
        ("luspatercept for my patient with hereditary sideroblastic anemia, Hb 8?", "sideroblastic_anemia"),
        ("my 34 yo pt is expecting, LR-MDS, sEPO 80, Hb 8.5 - can she get darbepoetin?", "pregnancy"),
        ("my pt with CCUS and anemia, sEPO 100, can she get lusp?", "clonal_cytopenia"),
        ("IPSS-M moderate high, TD 4 units/8 weeks: is imetelstat medically necessary for my patient?", "higher_risk_mds"),
        ("secondary AML evolved from MDS, still RBC-TD. can we use luspatercept?", "aml"),
    ],
)
def test_a_near_miss_patient_goes_to_the_question_path(text, entry):
    routing = route(text, checking_eligibility=False)
    assert routing.intent == "question" and entry in routing.outside


def test_a_risk_group_the_reader_read_stays_with_the_rules_core():
    """IPSS-R high is read as a fact: the rules core's verdict says 'not lower-risk' itself."""
    text = "luspatercept for my pt with IPSS-R high, TD 4u/8wk, RS 20%?"
    assert route(text, checking_eligibility=False).intent == "eligibility"


@pytest.mark.slow
def test_a_dose_question_for_a_higher_risk_patient_is_refused_not_given_the_lower_risk_dose(engine):
    """'IPSS-R high ... dose?' asks the sources, which dose imetelstat only in lower-risk MDS."""
    shown = engine.conversation().send("IPSS-R high, 8% blasts, TD. imetelstat dose?")
    assert shown.status == "refused" and "mg/kg" not in shown.answer
    assert "speak only of lower-risk MDS" in shown.answer and "higher-risk MDS" in shown.answer


def test_an_adult_and_a_trial_outcome_are_not_near_misses():
    assert route("Is luspatercept medically necessary for my 72-year-old patient, IPSS-R low, RS 20%?", False).outside == ()
    assert load_lexicon().outside_named("what share of patients progressed to AML in MEDALIST?") == []
    assert load_lexicon().outside_named("expecting a response after 8 weeks of epoetin?") == []
    assert [e.id for e in load_lexicon().outside_by_age(16)] == ["children"] and load_lexicon().outside_by_age(18) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Is Reblozyl appropriate for my 16-year-old patient with MDS-RS, sEPO 200, 4u q8wk?", "children"),
        ("Is luspatercept medically necessary for my patient with high-risk MDS, RS 20%, 4 units/8 weeks?",
         "higher-risk MDS"),
        ("best tx approach for an 87 y/o w chronic anemia, MDS and sideroblastic anemia?", "sideroblastic anemia"),
        ("complete remission rate of ivosidenib in relapsed AML, IDH1 mutated?", "treatment of AML"),
    ],
)
def test_a_near_miss_patient_is_refused_naming_the_population(engine, text, named):
    shown = engine.conversation().send(text)
    assert shown.status == "refused" and shown.decision is None
    assert "speak only of lower-risk MDS" in shown.answer and named in shown.answer


@pytest.mark.slow
def test_an_options_question_is_scoped_by_its_options_evidence(engine):
    """'Which agent for each?' names no drug: the options' best sentences together cover it (not refused)."""
    shown = engine.conversation().send("TD del(5q) vs TD non-del(5q) with ring sideroblasts after ESA failure: which agent for each?")
    assert shown.status == "answered" and "lenalidomide" in shown.answer and "luspatercept" in shown.answer.lower()


def test_never_got_a_class_is_history_not_the_drug_asked():
    routing = route("Pt LR-MDS, RS 20%, TD 2 units/month, sEPO 250, never got an ESA. Will Reblozyl get approved?", False)
    assert routing.extracted.drugs == ["luspatercept"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "expected"),
    [("SEs of lusp?", "fatigue"), ("bx needed for PA? RS% from BM?", "bone marrow biopsy"),
     ("PA docs needed for reblozyl?", "must be documented"), ("is lusp given subq?", "sc"),
     ("Renewal denied b/c no response to luspatercept after 6 months. What alternative do the sources point to?", "imetelstat"),
     ("has COMMANDS actually read out yet or is it still ongoing?", "ongoing"),
     ("Reblozyl auth - what hx needed?", "medically necessary"), ("lusp in HTB vs LTB pts?", "luspatercept")],
)
def test_shorthand_and_filler_words_do_not_refuse_an_answerable_question(engine, question, expected):
    shown = engine.conversation().send(question)
    assert shown.status == "answered" and expected in shown.answer


@pytest.mark.slow
def test_a_threshold_question_in_shorthand_with_a_plain_verb_is_answered(engine):
    shown = engine.conversation().send("whats the sEPO cutoff to call a pt ESA inelig?")
    assert shown.status == "answered" and "500" in shown.answer


@pytest.mark.slow
def test_a_hypothetical_value_is_not_a_premise_about_the_sources(engine):
    shown = engine.conversation().send("lusp ok w/o SF3B1 if RS 20%?")
    assert shown.status == "answered" and not shown.answer.startswith("Note:")
    assert engine.conversation().send("Why did MEDALIST show 70% TI?").answer.startswith("Note: the sources do not report the figure")


@pytest.mark.parametrize(
    "text",
    ["FLT3-mutated AML: what response rate does ivosidenib give?", "NPM1-mutant acute myeloid leukemia outcomes with imetelstat?",
     "for AML, not MDS, what does enasidenib achieve?",
     # the mutation written after the disease, or relapsed/refractory AML named without 'in'
     "ivosidenib response rate, AML with IDH1 mutation?", "relapsed/refractory AML: how often does enasidenib work?",
     "r/r acute myeloid leukemia idh1 mut - ivosidenib ORR?",
     # the mutation named bare before the disease, in any case ("relapsed IDH1 AML", "in r/r FLT3 AML")
     "ivosidenib remission rate in relapsed IDH1 AML", "gilteritinib survival in r/r FLT3 AML?"],
)
def test_a_mutation_defined_aml_or_aml_set_against_mds_is_named_as_aml(text):
    assert "aml" in {e.id for e in load_lexicon().outside_named(text)}


@pytest.mark.parametrize("text", ["What is the AML progression rate with imetelstat?",
                                  "enasidenib in IDH2-mutated LR-MDS: response?",
                                  "how often does refractory MDS progress to AML?",
                                  "does a TP53 AML transformation risk rise with lenalidomide?"])
def test_aml_as_an_outcome_or_an_idh_mutated_mds_is_not_aml_treatment(text):
    assert "aml" not in {e.id for e in load_lexicon().outside_named(text)}


@pytest.mark.parametrize(
    "text",
    ["my MDS pt on decitabine is going to allogeneic transplant, Hb 7.8: can she get darbepoetin?",
     "is imetelstat medically necessary for a pt being bridged to HSCT, 6u/8wk?"],
)
def test_a_transplant_candidate_goes_to_the_question_path(text):
    routing = route(text, checking_eligibility=False)
    assert routing.intent == "question" and "transplant" in routing.outside


@pytest.mark.slow
def test_a_transplant_question_is_refused_by_name(engine):
    shown = engine.conversation().send("Should lusp be stopped before a bone marrow transplant?")
    assert shown.status == "refused" and "stem cell transplantation" in shown.answer and not shown.citations


@pytest.mark.parametrize("question", ["my pt transformed to AML - can lusp treat her AML?",
                                      "patient evolved from MDS into AML, imetelstat response rate?",
                                      "will imetelstat treat his AML?"])
def test_a_patient_whose_mds_became_aml_is_outside_the_sources(engine, question):
    response = engine.ask(question)
    assert response.status == "refused" and "AML" in response.answer and "%" not in response.answer


@pytest.mark.parametrize("question", ["IMerge AML progression rate?", "does imetelstat reduce progression to AML?"])
def test_progression_to_aml_as_an_outcome_of_mds_is_still_answered(engine, question):
    response = engine.ask(question)
    assert response.status == "answered" and "1.7%" in response.answer
