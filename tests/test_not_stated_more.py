"""Not-stated questions beyond doses (bot/qa/not_stated.py): a date the sources do not give for that drug,
a 'when do you <change> the dose' trigger they do not state, a comparison where one side is never
spoken of for what is compared. Each is answered 'the sources do not state ...' with what they do
state, while the answerable twin is answered. Real engine, real retrieval."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("unstated", "stated", "figure"),
    [
        ("When was imetelstat FDA approved?", "when was luspatercept approved by the FDA?", "April 2020"),
        ("when do you escalate lusp from 1 mg/kg to the next level?", "what doses of luspatercept were used?", "1.75"),
        ("VTE risk reblozyl vs retacrit - which is higher?", "compare MEDALIST and IMerge TI rates", "38%"),
    ],
)
def test_what_the_sources_do_not_state_is_said_so(engine, unstated, stated, figure):
    refused = engine.conversation().send(unstated)
    assert refused.status == "refused" and refused.answer.startswith("The source documents do not state")
    assert "What they do say:" in refused.answer and refused.citations  # what they do state, cited
    answered = engine.conversation().send(stated)
    assert answered.status == "answered" and figure in answered.answer


def test_a_comparison_the_sources_make_for_both_sides_is_answered(engine):
    shown = engine.conversation().send("how durable was lusp response in COMMANDS compared to MEDALIST?")
    assert shown.status == "answered"


def test_a_price_question_is_refused_naming_no_dose(engine):
    shown = engine.conversation().send("How much does Reblozyl cost per vial / per month?")
    assert shown.status == "refused" and "mg/kg" not in shown.answer


@pytest.mark.parametrize("question", [
    "how long does a luspatercept reauth last once approved?",
    "how many months is a luspatercept approval valid for?",
])
def test_how_long_an_approval_lasts_is_not_stated(engine, question):
    """No source gives an authorization period: said so, with the closest time they do give (response at 3-6
    months), never a period of their own and never the criteria in its place."""
    refused = engine.conversation().send(question)
    assert refused.answer.startswith("The source documents do not state how long an approval")
    assert refused.status == "refused" and "3-6 months" in refused.answer and refused.citations


@pytest.mark.parametrize(("question", "figure"), [
    ("how long did RBC-TI last in MEDALIST?", "1 year"),  # how long a response lasts is stated
    ("when was luspatercept approved?", "April 2020"),
])
def test_how_long_a_response_lasts_is_no_approval_question(engine, question, figure):
    answered = engine.conversation().send(question)
    assert answered.status == "answered" and figure in answered.answer


@pytest.mark.parametrize(
    ("unstated", "statistic"),
    [
        ("what hazard ratio for overall survival did MEDALIST report for luspatercept?", "hazard ratio"),
        ("odds ratio of 8-wk TI with imetelstat vs placebo in IMerge?", "odds ratio"),
        ("number needed to treat with lusp for one TI responder?", "number needed to treat"),
        # 'HR' after a survival outcome is a hazard ratio
        ("imerge OS HR imetelstat vs placebo", "hazard ratio"),
    ],
)
def test_a_statistic_no_sentence_gives_is_not_stated(engine, unstated, statistic):
    # Other figures for the same outcome (a TI rate, 'prolonged survival') are not the statistic asked.
    refused = engine.conversation().send(unstated)
    assert refused.status == "refused" and refused.answer.startswith(f"The source documents do not state the {statistic}")
    assert "What they do say:" in refused.answer and refused.citations


def test_a_statistic_a_sentence_gives_is_answered(engine):
    shown = engine.conversation().send("which p value did COMMANDS give for lusp versus epoetin alfa?")
    assert shown.status == "answered" and "p<0.0001" in shown.answer


@pytest.mark.parametrize("question", [
    "by how much do you reduce luspatercept after a grade 3 toxicity, in mg/kg?",
    "what are the imetelstat dose-reduction steps for grade 4 neutropenia?",
])
def test_the_amount_of_a_dose_change_is_not_stated_by_a_dose_or_a_change_without_one(engine, question):
    # 'Continue at decreased dose' names the change but no amount; the escalating doses are no reduction.
    refused = engine.conversation().send(question)
    assert refused.status == "refused" and "do not state the dose adjustment" in refused.answer


@pytest.mark.parametrize("question", [
    "how many patients enrolled in IMerge?",
    "how many subjects were randomised in the COMMANDS trial?",
    "IMerge: how many participants were randomized?",
    # shorthand for the count
    "COMMANDS total n?", "IMerge N enrolled, lusp vs placebo",
    # a count about another study of the drug asked (MEDALIST's 222) is not the one asked
    "number of patients enrolled in the NTD Japanese phase 2 study of luspatercept?",
])
def test_how_many_took_part_is_not_stated_unless_a_sentence_counts_them(engine, question):
    """No source counts who took part in COMMANDS or IMerge: said so (naming the trial), never a sentence on its results
    in its place; MEDALIST's 222 enrolled is stated, and how many responded is a result, not an enrolment."""
    refused = engine.conversation().send(question)
    assert refused.status == "refused" and refused.answer.startswith("The source documents do not state how many took part")


@pytest.mark.parametrize(("question", "figure"), [
    ("how many pts were enrolled in MEDALIST?", "222"),
    ("how many patients in MEDALIST achieved TI?", "38%"),
])
def test_a_stated_count_or_a_result_is_answered(engine, question, figure):
    answered = engine.conversation().send(question)
    assert answered.status == "answered" and figure in answered.answer


@pytest.mark.parametrize("question", [
    "COMMANDS: how long did responses last with luspatercept compared with epoetin alfa?",
    "cumulative duraton of respnse in COMMANDS, reblozyl versus epoetin?",
])
def test_a_trials_results_against_its_control_arm_compare_both_drugs(engine, question):
    """COMMANDS' '~150.0 vs 95.1 weeks' names only luspatercept, but its control arm was epoetin alfa (lexicon
    `comparator`): the sentence speaks of both sides, so the comparison is answered, typos and all."""
    answered = engine.conversation().send(question)
    assert answered.status == "answered" and "95.1" in answered.answer


@pytest.mark.parametrize(("question", "asks"), [
    ("why don't we just raise the darbepoetin dose instead of switching?", False),
    ("why not double the epoetin dosing rather than add lusp?", False),
    ("what is the epoetin dose?", True),
    ("why is the lusp dose 1 mg/kg?", True),
])
def test_a_dose_change_a_why_question_proposes_is_no_dose_question(question, asks):
    from corpus.lexicon import load_lexicon

    assert load_lexicon().asks_dose(question) is asks


def test_a_why_not_raise_the_dose_question_gets_the_reason_not_a_dose_refusal(engine):
    """'Lusp is basically an ESA, so why not just raise the darbepoetin dose?' asks a reason: answered with the
    sources' distinct mechanism, not refused as 'no darbepoetin dose stated'."""
    shown = engine.conversation().send("lusp is basically an ESA, so why not just raise the darbepoetin dose?")
    assert shown.status == "answered" and "distinct mechanism" in shown.answer


@pytest.mark.parametrize(("text", "is_hazard_ratio"), [
    ("COMMANDS PFS HR lusp vs epo?", True), ("survival HR for imetelstat", True),
    ("is lusp used in OS HR-MDS?", False), ("lusp for HR MDS pts", False), ("HR of 0.5 in IMerge?", True),
])
def test_hr_after_an_outcome_is_a_hazard_ratio_never_higher_risk(text, is_hazard_ratio):
    from corpus.vocabulary import concepts_in
    assert ("chazardratio" in {c.key for c in concepts_in(text)}) is is_hazard_ratio


@pytest.mark.parametrize(("question", "action"), [
    ("how often should Hb be checked on lusp?", "check"), ("how frequently to monitor blood pressure on reblozyl", "monitor"),
    ("how often is luspatercept given?", None), ("how often do you dose imetelstat?", None),
])
def test_how_often_another_action_than_giving_the_drug_is_asked(question, action):
    from bot.qa.not_stated_details import asked_frequency_action
    assert asked_frequency_action(question) == action


@pytest.mark.parametrize("question", ["how often should Hb be checked on lusp?",
                                      "how often do you monitor blood pressure with luspatercept?"])
def test_a_monitoring_frequency_no_sentence_gives_is_not_stated(engine, question):
    """The sources list hypertension among events requiring monitoring but give no schedule for it: the dosing
    schedule (every 3 weeks) is not how often to check."""
    refused = engine.conversation().send(question)
    assert refused.status == "refused" and refused.answer.startswith("The source documents do not state how often to")
    assert "every 3 weeks" not in refused.answer


def test_how_often_the_drug_is_given_is_still_a_dose_question(engine):
    answered = engine.conversation().send("how often is luspatercept given?")
    assert answered.status == "answered" and "3 weeks" in answered.answer


@pytest.mark.parametrize("question", ["how long is the imetelstat IV infusion?", "how long does the imetelstat infusion take, 90 min?",
                                      "imetelstat: how long is each infusion"])
def test_how_long_giving_the_drug_takes_is_refused_never_answered_with_the_schedule(engine, question):
    """'IV every 4 weeks' says how often, not how long the infusion takes: refused (said not stated where the question
    reaches the sources' imetelstat sentences), never answered with the dose schedule in its place."""
    refused = engine.conversation().send(question)
    assert refused.status == "refused" and "90 min" not in refused.answer
    if "What they do say" in refused.answer:
        assert "do not state how long the infusion takes" in refused.answer


def test_how_long_treatment_or_response_lasts_is_not_an_administration_time(engine):
    from bot.qa.not_stated_details import asked_administration_time

    assert asked_administration_time("how long do lusp responses last?") is None
    assert asked_administration_time("how long is the imetelstat infusion?") == "infusion"


def test_the_infusion_time_is_said_not_stated_with_what_the_sources_say(engine):
    refused = engine.conversation().send("how long is the imetelstat IV infusion?")
    assert refused.answer.startswith("The source documents do not state how long the infusion takes. What they do say:")
