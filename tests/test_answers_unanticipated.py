"""Questions nobody anticipated: shorthand, words the sources never use, several aspects,
prior-authorization language, conflicts shown only on their topic (issue 11)."""

from __future__ import annotations

import pytest

from corpus.lexicon import load_lexicon

SHORTHAND = [
    ("imetelstat main tox? g3-4 plts/ANC?", ["thrombocytopenia", "neutropenia"]),
    ("IDH2mut LR-MDS s/p EPO fail - CR rate w IDHi?", ["55%"]),
    ("lusp pts on tx: when do i reassess for HI-E? how many mo", ["3-6 months"]),
]

# Words the sources never use, but only phrasing: the question is answered.
PHRASING = [
    ("What was the control arm in MEDALIST, IMerge and COMMANDS respectively?", ["placebo", "versus placebo", "ESAs"]),
    ("Which mechanisms does the review cite to explain why anemia worsens outcomes?", ["anemia"]),
]

# Words the sources never use that carry the question: refused, and the refusal does not echo them.
CARRIED_BY_UNKNOWN_WORDS = [
    ("luspatercept dose in beta-thalassemia?", ["thalassemia"]),
    ("is 2000 units vit D daily safe?", ["vit"]),
    ("treatment for annular fissures at L5-S1", ["annular", "fissures"]),
]


def test_shorthand_is_lexicon_data_written_out_before_search():
    lexicon = load_lexicon()
    assert lexicon.shorthand, "corpus/lexicon.yaml has no shorthand section"
    text = lexicon.expand_shorthand("pt s/p 3 u pRBC q8wk, tox g3, sEPO 500 U/L, 70 y/o w/o del5q")
    assert "patient after 3 units red blood cell every 8 weeks" in text
    assert "toxicity grade 3" in text
    assert "500 U/L" in text  # a unit is not shorthand for "units"
    assert "year-old without" in text


@pytest.mark.parametrize("question, expected", SHORTHAND + PHRASING, ids=[q for q, _ in SHORTHAND + PHRASING])
def test_shorthand_and_unknown_phrasing_are_answered(engine, question, expected):
    response = engine.ask(question)
    assert response.status == "answered", response.answer
    for fact in expected:
        assert fact in response.answer


@pytest.mark.parametrize("question, echoed", CARRIED_BY_UNKNOWN_WORDS, ids=[q for q, _ in CARRIED_BY_UNKNOWN_WORDS])
def test_questions_carried_by_unknown_words_are_refused_without_echoing_them(engine, question, echoed):
    response = engine.answerer.answer(question)
    assert response.status == "refused", response.answer
    assert "nothing on" not in response.answer
    for word in echoed:
        assert word not in response.answer.lower()


def test_meaning_threshold_is_a_setting(engine):
    from bot.qa.answerer import Answerer
    from bot.settings import AnswerTuning

    question = "What was the control arm in MEDALIST, IMerge and COMMANDS respectively?"
    strict = Answerer(engine.corpus, engine.retriever, tuning=AnswerTuning(min_meaning_kept=0.999))
    assert strict.answer(question).status == "refused"


def test_synthesis_quotes_evidence_for_each_named_trial_in_question_order(engine):
    response = engine.answerer.answer("Compare the primary endpoints of MEDALIST, MAXILUS and COMMANDS.")
    assert response.status == "answered"
    answer = response.answer
    for figure in ["1 g/dL", "1.5 g/dL"]:
        assert figure in answer
    positions = [answer.find(name) for name in ["MEDALIST", "MAXILUS", "COMMANDS"]]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), answer


def test_synthesis_of_two_drugs_quotes_each_dose(engine):
    answer = engine.answerer.answer("Compare the 8-week transfusion independence rates of luspatercept in MEDALIST and imetelstat in IMerge.").answer
    assert "38%" in answer and "40%" in answer


def test_conflict_block_only_when_the_question_touches_the_topic(engine):
    for question in ["What dose of luspatercept was used in MEDALIST?", "What are the most common adverse events of luspatercept?"]:
        off_topic = engine.ask(question)
        assert not off_topic.conflicts, off_topic.answer
        assert "NOT indicated as first-line" not in off_topic.answer
    on_topic = engine.ask("Is luspatercept approved first-line?")
    assert any(c.topic == "first-line luspatercept" for c in on_topic.conflicts)


def test_a_disagreement_named_by_no_trigger_word_is_found_in_the_evidence(engine):
    """'outperform ... in a direct comparison' names no trigger of the first-line conflict, yet its best two
    sentences are the two documents' positions: the answer opens with the disagreement and quotes both sides."""
    response = engine.ask("Did luspatercept outperform epoetin alfa in a direct comparison?")
    assert response.answer.startswith("The sources disagree: ")
    topics = {c.topic: c for c in response.conflicts}
    assert len({c.doc_id for c in topics["first-line luspatercept"].positions}) == 2
    assert "ongoing" in response.answer and "60.4%" in response.answer
    plain = engine.ask("What is the FDA approval date of luspatercept?")  # a fact: no disagreement pulled in
    assert "all subtypes" not in plain.answer


def test_non_rs_and_do_the_sources_agree_are_on_the_disagreement(engine):
    """'non-RS' (the word after a hyphen) and 'do the documents agree' are wordings of the contested topics
    (corpus/conflicts.yaml triggers): both documents' positions are quoted; a non-TD approval question is not."""
    response = engine.ask("can lusp be used in non-RS LR-MDS?")
    assert "15%" in response.answer and "all subtypes" in response.answer
    topics = {c.topic for c in engine.ask("do the documents agree on lusp's indication?").conflicts}
    assert {"first-line luspatercept", "luspatercept and ring sideroblasts"} <= topics
    assert not engine.ask("Is luspatercept approved for non-transfusion-dependent patients?").answer.startswith("The sources disagree")


@pytest.mark.parametrize("question", ["RS neg SF3B1 wt TD pt after ESA failure - is lusp appropriate",
                                      "lusp for a TD pt, RS neg?"])
def test_rs_negative_in_shorthand_is_on_the_ring_sideroblast_disagreement(engine, question):
    """'RS neg': a patient without ring sideroblasts touches the contested topic, so both documents'
    positions come first (002's criteria and 000's 'all subtypes'), the patient check after."""
    response = engine.ask(question)
    assert "15%" in response.answer and "all subtypes" in response.answer


def test_ring_sideroblast_disagreement_shows_both_sources(engine):
    response = engine.ask("Does a patient need ring sideroblasts to benefit from luspatercept?")
    topics = {c.topic: c for c in response.conflicts}
    assert "luspatercept and ring sideroblasts" in topics
    assert "15%" in response.answer and "subgroups" in response.answer
    assert len({c.doc_id for c in topics["luspatercept and ring sideroblasts"].positions}) == 2


def test_each_quote_appears_once(engine):
    for question in ["Should luspatercept be used first-line?", "Compare the primary endpoints of MEDALIST, MAXILUS and COMMANDS."]:
        response = engine.ask(question)
        quotes = [c.quote for c in response.citations]
        assert len(quotes) == len(set(quotes))


def test_criteria_question_about_a_patient_gets_criteria_then_the_offer(engine):
    response = engine.conversation().send(
        "How can I get Reblozyl approved for an MDS pt who failed ESAs and has Hb below 10 g/dL?"
    )
    assert response.status == "answered", response.answer
    assert response.route == "retrieval"
    for fact in ["15%", "must be documented", "6-8 weeks"]:
        assert fact in response.answer
    offer = [n for n in response.notes if n.startswith("To check this patient")]
    assert offer and "_" not in offer[0] and "ring sideroblast" in offer[0]
    assert response.missing_facts


def test_criteria_question_without_patient_facts_is_not_sent_to_the_rules_core(engine):
    for question in ["what are the PA criteria for lusp?", "step therapy reqs for Reblozyl?"]:
        response = engine.ask(question)
        assert response.route == "retrieval", (question, response.answer)
        assert response.status == "answered"


def test_prior_authorization_renewal_is_answered_from_the_sources(engine):
    response = engine.ask("reauth for lusp - when do i document response and what if none?")
    assert response.status == "answered"
    assert "3-6 months" in response.answer


@pytest.mark.parametrize("question", ["at what Hb do you hold lusp?", "what Hb threshold to transfuse pRBC in LR-MDS?"])
def test_unstated_threshold_says_so_first_then_what_is_stated(engine, question):
    response = engine.answerer.answer(question)
    assert response.status == "refused"
    assert response.answer.startswith("The source documents do not state a hemoglobin (Hb) threshold")
    assert "What they do say:" in response.answer and response.citations


def test_stated_threshold_is_answered(engine):
    response = engine.ask("sEPO cutoff for ESA first line?")
    assert response.status == "answered"
    assert "500" in response.answer


@pytest.mark.parametrize("question, expected", [
    ("MEDALIST design?", "placebo-controlled"),
    ("how was the MEDALIST trial designed", "randomized"),
    ("study design of MAXILUS", "phase 3b"),
])
def test_a_trial_design_question_is_answered_with_the_parts_the_sources_give(engine, question, expected):
    response = engine.ask(question)
    assert response.status == "answered" and expected in response.answer


@pytest.mark.parametrize("question", ["was IMerge double-blind?", "was the IMerge design double-blind?"])
def test_a_design_attribute_the_sources_do_not_give_is_never_affirmed(engine, question):
    response = engine.ask(question)
    assert not response.answer.startswith("Yes")
    assert response.status == "refused" or "double-blind" not in response.answer.split("[")[0]
