"""Follow-up turns read against the conversation's subject (bot/followup.py): elliptical questions,
'what about X?', 'the first one', 'the IDH2 one', a trial kept as the trial. Real lexicon; the
conversation tests use the real engine and retrieval."""

from __future__ import annotations

import pytest

from bot.followup import Reading, Topic, read_turn, remembered
from corpus.lexicon import load_lexicon

LEXICON = load_lexicon()


def _after(*questions: str) -> Topic:
    topic = Topic()
    for question in questions:
        topic = remembered(topic, read_turn(question, topic, LEXICON, dose_question=False), LEXICON)
    return topic


def test_a_short_question_naming_nothing_is_about_the_last_trial():
    reading = read_turn("what was the comparator", _after("COMMANDS results?"), LEXICON, dose_question=False)
    assert reading.query.endswith("(COMMANDS)") and reading.subject == ("trial", "commands")


def test_what_about_asks_the_last_question_of_the_new_subject():
    reading = read_turn("what about imetelstat?", _after("common AEs with luspatercept?"), LEXICON, dose_question=False)
    assert reading.query == "common AEs with imetelstat?"


def test_the_first_one_and_the_latter_pick_among_the_last_two():
    topic = _after("common AEs with luspatercept?", "what about imetelstat?")
    assert read_turn("grade 3-4 rate for the first one?", topic, LEXICON, False).subject == ("drug", "luspatercept")
    assert read_turn("and the latter's dose?", topic, LEXICON, True).subject == ("drug", "imetelstat")


def test_the_qualified_one_after_a_class_is_its_member():
    topic = _after("any data for IDH inhibitors in LR-MDS?")
    assert read_turn("dose of the IDH2 one?", topic, LEXICON, True).subject == ("drug", "enasidenib")


def test_a_remark_a_new_population_or_a_long_question_is_not_completed():
    topic = _after("What did MEDALIST show?")
    assert read_turn("Great.", topic, LEXICON, False) == Reading(query="Great.")
    assert read_turn("and for beta thal pts?", topic, LEXICON, False) == Reading(query="and for beta thal pts?")
    long = "which drug do they name for patients with IDH1 mutations?"
    assert read_turn(long, topic, LEXICON, False) == Reading(query=long)


@pytest.mark.slow
def test_a_conversation_keeps_its_subject_across_turns(engine):
    conversation = engine.conversation()
    assert "38%" in conversation.send("MEDALIST — what % reached TI?").answer
    placebo = conversation.send("placebo arm?")
    assert placebo.status == "answered" and "13%" in placebo.answer
    conversation = engine.conversation()
    conversation.send("common AEs with luspatercept?")
    other = conversation.send("what about imetelstat?")
    assert "thrombocytopenia" in other.answer and "bone pain" not in other.answer
    first = conversation.send("grade 3-4 rate for the first one?")
    assert "14%" in first.answer


@pytest.mark.slow
def test_a_dose_of_the_class_member_asked_is_refused(engine):
    conversation = engine.conversation()
    conversation.send("any data for IDH inhibitors in LR-MDS?")
    dose = conversation.send("dose of the IDH2 one?")
    assert dose.status == "refused" and "enasidenib" in dose.answer and "mg" not in dose.answer


def test_a_patient_described_after_a_drug_question_is_checked_for_that_drug():
    from bot.eligibility.routing import route

    text = "My pt: IPSS-R low, RS 20%, SF3B1 mutated, 4 units q8wk, no response to epoetin after 8 wks. Does she qualify?"
    routing = route(text, checking_eligibility=False, topic_drug="luspatercept")
    assert routing.intent == "eligibility" and routing.subject_drug == "luspatercept"
    assert route(text, checking_eligibility=False).intent == "question"  # no drug discussed: nothing to check
    assert route("What was the median duration in pts with RS?", False, topic_drug="luspatercept").intent == "question"


@pytest.mark.slow
def test_the_check_continues_with_the_drug_discussed(engine):
    conversation = engine.conversation()
    conversation.send("Tell me about imetelstat in LR-MDS")
    shown = conversation.send("pt is 70, IPSS low, TD 6 units/8 weeks, failed ESA and lusp, sEPO 700, non-del5q")
    assert shown.route == "rules" and shown.decision.drug == "imetelstat"


def test_an_esa_course_given_with_iron_is_iron_replete():
    from bot.eligibility.reader import extract_facts

    assert extract_facts("no response to epoetin for 10 weeks on IV iron").facts["therapies"][0]["iron_replete"] is True
    overload = extract_facts("no response to epoetin after 8 weeks with iron overload").facts["therapies"][0]
    assert "iron_replete" not in overload  # overload says nothing of repletion during the trial


@pytest.mark.parametrize("turn", ["okay, and imetelstat?", "thanks - what about imetelstat?"])
def test_an_acknowledgement_before_a_switch_still_switches(turn):
    reading = read_turn(turn, _after("common AEs with luspatercept?"), LEXICON, dose_question=False)
    assert reading.query == "common AEs with imetelstat?"


@pytest.mark.parametrize(
    ("first", "turn", "query"),
    [("was luspatercept approved by the EMA?", "FDA?", "was luspatercept approved by the FDA?"),
     ("what did the FDA approve imetelstat for", "and the European Medicines Agency?",
      "what did the European Medicines Agency approve imetelstat for")],
)
def test_a_turn_naming_only_another_name_of_a_concept_swaps_it_into_the_last_question(first, turn, query):
    reading = read_turn(turn, _after(first), LEXICON, dose_question=False)
    assert reading.query == query


def test_a_turn_with_words_of_its_own_is_not_a_swap():
    reading = read_turn("EMA timing differences?", _after("when did luspatercept get FDA approval?"), LEXICON, False)
    assert "FDA" in reading.query


@pytest.mark.slow
def test_the_other_regulator_asked_after_an_approval_question_is_answered_for_it(engine):
    conversation = engine.conversation()
    conversation.send("did luspatercept get approved by the FDA?")
    shown = conversation.send("and the European Medicines Agency?")
    assert shown.status == "answered" and "European Medicines Agency approval occurred simultaneously" in shown.answer


@pytest.mark.parametrize("first, turn", [
    ("iron per unit prbc?", "so how much after 20u"),
    ("how much iron is in one unit of blood?", "and after 20 units?"),
    ("survival with RBC-TD vs TI?", "ok so in months"),
])
def test_a_turn_that_carries_on_a_question_about_no_drug_is_read_with_it(first, turn):
    reading = read_turn(turn, _after(first), LEXICON, dose_question=False)
    assert reading.query.startswith(first.rstrip("?")) and reading.query.endswith(turn)


def test_a_new_question_after_one_about_no_drug_is_not_joined_to_it():
    topic = _after("iron per unit prbc?")
    assert read_turn("what is the MEDALIST primary endpoint?", topic, LEXICON, False).query == (
        "what is the MEDALIST primary endpoint?")
    assert read_turn("how much iron is in one unit of blood?", topic, LEXICON, False).note is None


@pytest.mark.parametrize("turn, query", [
    ("same q for idh1", "what dose of ivosidenib?"),  # the IDH1 member of the asked drug's class
    ("the same question for ivosidenib?", "what dose of ivosidenib?"),
    ("same thing with IMerge", "what dose of IMerge?"),
])
def test_same_question_for_something_else_asks_the_last_question_of_it(turn, query):
    assert read_turn(turn, _after("what dose of enasidenib?"), LEXICON, dose_question=False).query == query


@pytest.mark.slow
def test_a_carried_on_question_is_answered_from_the_passage_of_the_first(engine):
    conversation = engine.conversation()
    conversation.send("how much iron does one unit of blood contain?")
    response = conversation.send("and after 20 units?")
    assert response.status == "answered" and "4 g" in response.answer
    assert not any("dose" in n.lower() for n in response.notes)


def test_and_for_another_group_is_no_continuation_of_the_last_question():
    topic = _after("median OS for IPSS-R intermediate per the review?")
    assert read_turn("and for high risk?", topic, LEXICON, False).query == "and for high risk?"


@pytest.mark.parametrize("turn", ["when?", "and why?", "how long?", "ok, how often"])
def test_a_bare_question_word_asks_the_last_question_that_way(turn):
    topic = _after("is luspatercept approved in the EU?")
    reading = read_turn(turn, topic, LEXICON, dose_question=False)
    assert reading.query.startswith("is luspatercept approved in the EU") and reading.query.endswith(turn)


@pytest.mark.slow
def test_when_after_an_approval_question_is_answered_with_its_date(engine):
    conversation = engine.conversation()
    conversation.send("did reblozyl get EMA approval?")
    response = conversation.send("when?")
    assert response.status == "answered" and "April 2020" in response.answer


@pytest.mark.parametrize("first, turn, query", [
    ("imetelstat dose", "hmm I meant darbepoetin", "darbepoetin dose"),
    ("imetelstat dose?", "sorry, meant reblozyl", "reblozyl dose?"),
    ("lusp TI rate in medalist?", "and in COMMANDS?", "lusp TI rate in COMMANDS?"),  # another trial: the drug stays
    ("lusp TI rate in medalist?", "and imetelstat?", "imetelstat TI rate?"),  # another drug: not in the old trial
    ("lusp TI rate in medalist?", "and placebo arm in medalist?", "lusp TI rate in medalist (placebo arm)?"),
])
def test_a_switch_replaces_what_it_names_and_keeps_what_it_adds(first, turn, query):
    assert read_turn(turn, _after(first), LEXICON, dose_question=False).query == query


@pytest.mark.slow
def test_a_corrected_subject_gets_the_last_question_about_it(engine):
    conversation = engine.conversation()
    conversation.send("whats the imetelstat dose")
    response = conversation.send("oops I meant darbepoetin")
    assert response.status == "refused" and "do not state a dose" in response.answer
    assert "7.5 mg/kg" not in response.answer


@pytest.mark.slow
def test_same_question_for_another_member_is_refused_for_that_member(engine):
    conversation = engine.conversation()
    conversation.send("posology of ivosidenib?")
    response = conversation.send("same question for idh2")
    assert response.status == "refused" and "enasidenib" in response.answer.split(".")[0]


@pytest.mark.parametrize("turn", ["what about in pts who had HMA before", "and after prior len?"])
def test_a_drug_named_as_past_therapy_qualifies_the_last_question_instead_of_replacing_its_subject(turn):
    reading = read_turn(turn, _after("what's the TI rate with imetelstat in IMerge?"), LEXICON, dose_question=False)
    assert reading.query.startswith("what's the TI rate with imetelstat in IMerge") and reading.named


@pytest.mark.slow
def test_a_switched_question_is_judged_by_the_guard_as_read(engine):
    """'and what % of MEDALIST pts developed AML?' reads as the last question's shape about MEDALIST: the
    share-of-patients rail judges that question, so another endpoint's figure is not its answer."""
    conversation = engine.conversation()
    conversation.send("what % of IMerge pts developed AML?")
    response = conversation.send("and MEDALIST?")
    assert response.status == "refused" and "38%" not in response.answer


@pytest.mark.parametrize("first, turn, query", [
    ("imetelstat 12wk TI vs placebo?", "oops I meant 24 wk", "imetelstat 24 wk TI vs placebo?"),
    ("lusp 8 week TI rate in medalist?", "sorry meant 12 weeks", "lusp 12 weeks TI rate in medalist?"),
])
def test_a_corrected_figure_replaces_the_one_the_last_question_asked(first, turn, query):
    assert read_turn(turn, _after(first), LEXICON, dose_question=False).query == query


def test_a_corrected_word_is_read_with_the_last_question():
    reading = read_turn("sorry, meant the placebo arm", _after("MEDALIST TI rate?"), LEXICON, dose_question=False)
    assert reading.query == "MEDALIST TI rate: the placebo arm" and reading.named


def test_a_dose_question_is_not_carried_into_a_follow_up_asking_something_else():
    topic = _after("early low dose len in non-TD del5q - HI-E?", "what dose was that?")
    reading = read_turn("and cytogenetic response?", topic, LEXICON, dose_question=False)
    assert "dose" not in reading.query and "cytogenetic response" in reading.query
