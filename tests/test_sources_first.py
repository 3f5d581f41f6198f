"""A patient message that asks the sources is answered from them first; the check is offered, never instead (issue 11)."""

from __future__ import annotations

import pytest

from bot.sources_first import asks_for_criteria, asks_the_sources


@pytest.mark.parametrize("text, expected", [
    ("Pt not transfusion dependent yet, Hb 9. Will insurance cover Reblozyl?", True),
    ("RS 7% with SF3B1, failed epoetin 8 wks. Approvable for lusp?", True),
    ("Prior HMA, failed ESA and lusp. Would imetelstat be expected to work as well?", True),
    ("Why start treatment early in a non-TD del5q pt with Hb 9.5?", True),  # a why asks the sources' rationale
    ("my pt is not transfusion dependent, is luspatercept indicated for him?", True),  # the label's to say
    ("is it off-label to give lusp to a pt who was never transfused?", True),
    ("does she satisfy the lusp requirements?", True),  # a check against the criteria: they are quoted first
    ("RS 30%, TD. Does he fulfil the criteria in the review for Reblozyl?", True),
    ("Is luspatercept medically necessary for my patient?", False),
    # a disputed topic named as the patient's fact: still a plain check (the dispute is shown beside it)
    ("70M, RS 25%, ESA-naive, 6u/8wk. Is luspatercept medically necessary?", False),
    ("ESA naive TD pt, RS 18% - does she qualify for lusp upfront?", False),
    ("ESA-naive pt, RS 20%: what do the sources say about lusp upfront?", True),
    ("Can my patient get imetelstat? IPSS-R low, sEPO 800 U/L.", False),
])
def test_which_patient_messages_ask_the_sources(text, expected):
    assert asks_the_sources(text) is expected


def test_criteria_are_quoted_only_for_approval_language():
    assert asks_for_criteria("Will the payer approve Reblozyl for her?")
    assert not asks_for_criteria("Would imetelstat be expected to work as well for him?")


def test_a_coverage_question_about_a_patient_is_answered_then_the_check_offered(engine):
    response = engine.conversation().send("Pt not transfusion dependent yet, Hb 9. Will insurance cover Reblozyl?")
    assert response.status == "answered" and response.route == "retrieval"
    assert "transfusion-dependent" in response.answer and response.citations  # the sources' criteria, cited
    assert not response.answer.startswith(("Yes:", "No:"))  # whether this patient qualifies is the rules core's
    assert any("To check this patient" in note for note in response.notes)
    assert "serum_epo" in response.missing_facts


def test_the_offered_check_continues_with_the_facts_that_follow(engine):
    chat = engine.conversation()
    chat.send("RS 20%, SF3B1 mutated, IPSS-R low, no response to epoetin after 8 weeks with adequate iron. Approvable for lusp?")
    follow_up = chat.send("sEPO 300 U/L, 4 units in the last 8 weeks")
    assert follow_up.route == "rules" and follow_up.decision is not None


@pytest.mark.parametrize("message", [
    "my pt is not transfusion dependent yet - is luspatercept indicated for him?",
    "can a pt who isn't transfusion dependent receive Reblozyl within its approved indication?",
])
def test_an_indication_question_about_a_kind_of_patient_is_answered_from_the_label_first(engine, message):
    """What the drug is indicated for answers it (transfusion-dependent patients); the check is offered after."""
    response = engine.conversation().send(message)
    assert response.status == "answered" and response.citations
    assert "transfusion-dependent" in response.answer
    assert any("To check this patient" in note for note in response.notes)


def test_a_plain_check_still_asks_for_the_missing_facts(engine):
    response = engine.conversation().send("Is luspatercept medically necessary for my patient?")
    assert response.status == "needs_information" and response.route == "rules"


def test_a_patient_message_on_a_disputed_topic_shows_both_positions_before_the_check(engine):
    """First-line luspatercept for an ESA-naive patient: the sources disagree, and that comes first."""
    response = engine.conversation().send("My patient is ESA-naive with RS 20% and 4 units every 8 weeks. Can she get luspatercept first-line?")
    assert response.status == "answered"
    topics = {c.topic: c for c in response.conflicts}
    assert len({c.doc_id for c in topics["first-line luspatercept"].positions}) == 2
    assert "ongoing" in response.answer and "60.4%" in response.answer
    assert any("To check this patient" in note for note in response.notes)


def test_a_prior_authorization_question_gets_its_answer_then_the_criteria(engine):
    response = engine.ask("luspatercept renewal for the PA: when is the response assessed?")
    assert "3-6 months" in response.answer and "must be documented" in response.answer
    assert response.answer.index("3-6 months") < response.answer.index("must be documented")


def test_an_approval_date_question_is_no_prior_authorization_question(engine):
    response = engine.ask("When did luspatercept receive FDA approval?")
    assert "April 2020" in response.answer and "must be documented" not in response.answer


@pytest.mark.parametrize("question", [
    "reauthorization of luspatercept for the payer - what is needed?",
    "what do I need to document for reauth for the payer on lusp?",
])
def test_a_renewal_question_in_payer_words_gets_the_criteria_and_the_response_assessment(engine, question):
    """Payer words the sources never use do not refuse a renewal question about a drug with criteria: its
    criteria, documentation list and the response assessment the sources set are quoted, cited."""
    response = engine.ask(question)
    assert response.status == "answered" and response.citations
    assert "must be documented" in response.answer and "3-6 months" in response.answer


def test_renewal_questions_are_added_only_for_renewal_language():
    from bot.sources_first import criteria_for
    from corpus.lexicon import load_lexicon

    lexicon = load_lexicon()
    plain, renewal = criteria_for("PA for lusp: what is needed?"), criteria_for("reauth for lusp: what is needed?")
    assert len(plain) == len(lexicon.criteria_questions)
    assert len(renewal) == len(lexicon.criteria_questions) + len(lexicon.renewal_questions)


def test_a_payer_question_with_every_fact_gets_the_sources_then_the_verdict(engine):
    """Payer language and facts that settle the check: the sources' answer first (retrieval, cited), then this
    patient's verdict as a note, the decision attached (the rules core's, never a quote's yes or no); the check
    the note offers gives each criterion, cited."""
    chat = engine.conversation()
    response = chat.send(
        "IPSS-R low, RS 2%, SF3B1 wild-type, 4 units in 8 wks, failed epoetin alfa after 8 wks with iron replete, "
        "sEPO 300. Will the payer approve luspatercept?")
    assert response.status == "answered" and response.route == "retrieval" and response.citations
    assert response.decision is not None and response.decision.decision == "does_not_meet"
    assert any(note.startswith("Verdict: luspatercept does not meet") for note in response.notes)
    assert not response.answer.startswith(("Yes:", "No:"))
    check = chat.send("Is luspatercept medically necessary for this patient?")
    assert check.route == "rules" and check.decision.decision == "does_not_meet" and check.citations


def test_an_eligibility_question_without_payer_language_still_gets_the_verdict(engine):
    response = engine.conversation().send(
        "Is luspatercept appropriate first line for my patient who has never received an ESA: IPSS-R low, 3 units "
        "in the last 8 weeks, sEPO 250 U/L, blasts 2%, no del(5q), ring sideroblasts 0%, SF3B1 wild-type?")
    assert response.route == "rules" and response.decision is not None


@pytest.mark.parametrize("message", [
    "78F, IPSS-R low, RS 30%, SF3B1 mutated, 3 units in 8 weeks, no response to darbepoetin. Does she fulfil the luspatercept requirements in the source?",
    "pt w/ RS 16%, TD 2u/8wk, IPSS-R very low, failed epo - meets the Reblozyl criteria from the document?",
])
def test_a_criteria_check_missing_facts_quotes_the_criteria_then_offers_the_check(engine, message):
    """Never a bare request for facts: the criteria, cited, then what the check of this patient waits on."""
    response = engine.conversation().send(message)
    assert response.status == "answered" and response.citations
    assert "15%" in response.answer
    assert any("To check this patient" in note for note in response.notes) and response.missing_facts


def test_a_criteria_check_the_facts_settle_gets_the_verdict(engine):
    response = engine.conversation().send(
        "RS 20%, SF3B1 mutated, IPSS-R low, sEPO 300 U/L, 4 units in the last 8 weeks, no response to epoetin alfa "
        "after 8 weeks with adequate iron. Does he meet the luspatercept criteria?")
    assert response.route == "rules" and response.decision is not None
    assert response.answer.startswith("Verdict: luspatercept meets")


def test_a_plain_check_on_a_disputed_topic_asks_for_the_facts_and_shows_the_dispute(engine):
    """'ESA-naive' is a fact of this patient, not a question about first-line use: the check asks for what it
    waits on (here the sEPO), and both positions on first-line luspatercept are shown beside it."""
    response = engine.conversation().send(
        "81F, IPSS-R low, RS 30%, SF3B1+, 5 u pRBC in 8 wks, ESA naive - is she eligible for reblozyl?"
    )
    assert response.status == "needs_information" and response.route == "rules"
    assert "serum_epo" in " ".join(response.missing_facts)
    topics = {c.topic: c for c in response.conflicts}
    assert len({c.doc_id for c in topics["first-line luspatercept"].positions}) == 2



@pytest.mark.parametrize("text", ["what sEPO makes a pt esa-ineligible per the nccn criteria?",
                                  "which sEPO level qualifies a patient for lusp?"])
def test_a_threshold_question_about_any_patient_is_a_question_for_the_sources(text):
    from bot.eligibility.routing import route

    assert route(text, checking_eligibility=False).intent == "question"
