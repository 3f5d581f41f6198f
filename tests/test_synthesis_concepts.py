"""Synthesis and payer wordings read through lexicon concepts (corpus/lexicon.yaml): a harm or worse outcome, a drug's
status as standard of care or investigational, a marker that selects a drug, step therapy worded as skipping the ESA;
a question is covered when a close contender carries its terms; "what about <drug>?" after a refused drug re-asks the
question. Paraphrases of the eval cases, through the real engine, lexicon and index."""

from __future__ import annotations

from bot.followup import Topic, read_turn, remembered
from corpus.lexicon import load_lexicon
from corpus.vocabulary import concepts_in

LEXICON = load_lexicon()


def _keys(text: str) -> set[str]:
    return {c.key for c in concepts_in(text)}


def test_the_new_concepts_are_lexicon_data_and_do_not_overreach():
    assert "ccarestatus" in _keys("the plan calls it investigational")
    assert "charm" in _keys("why does anemia worsen survival?")
    assert "cbiomarker" in _keys("which biomarkers select a drug?")
    assert "cfirstline" in _keys("can we skip the ESA and go to luspatercept?")
    # a drug's molecular structure is no marker, and adverse events are not the harm of a condition
    assert "cbiomarker" not in _keys("What is the molecular structure of luspatercept?")
    assert "charm" not in _keys("adverse events of luspatercept")


def test_the_harms_of_anemia_are_answered_with_the_contributors(engine):
    response = engine.ask("What reasons does the review give for anemia leading to worse outcomes in lower-risk MDS?")
    assert response.status == "answered"
    assert "cardiovascular" in response.answer and "leukemic evolution" in response.answer


def test_a_question_a_close_contender_covers_is_not_refused(engine):
    """The first sentence by meaning covers a third of the terms, the next as close one two thirds: covered."""
    response = engine.ask("By what mechanisms does anemia worsen outcomes in LR-MDS according to the review?")
    assert response.status == "answered" and "iron overload" in response.answer


def test_investigational_is_answered_with_the_standard_of_care_status(engine):
    response = engine.ask("Our plan rejected luspatercept, calling it investigational. Is that accurate?")
    assert response.status == "answered" and "standard of care" in response.answer


def test_skipping_the_esa_is_the_contested_first_line_topic(engine):
    response = engine.ask("Plan insists on an ESA trial first. Is there evidence for skipping the ESA and starting luspatercept?")
    assert [c.topic for c in response.conflicts] == ["first-line luspatercept"]
    assert "ESA-naive" in response.answer and "second-line therapy only" in response.answer


def test_markers_are_answered_with_the_drugs_they_select(engine):
    answer = engine.ask("Which biomarkers point to which agent in LR-MDS?").answer
    assert "lenalidomide in del(5q)" in answer and "ivosidenib" in answer


def test_what_about_a_covered_drug_after_a_refused_one_asks_the_same_question():
    topic = Topic()
    first = read_turn("romiplostim dosing in lower-risk MDS?", topic, LEXICON, dose_question=True)
    topic = remembered(topic, first, LEXICON)
    reading = read_turn("and what about imetelstat?", topic, LEXICON, dose_question=False)
    assert reading.query == "imetelstat dosing in lower-risk MDS?"


def test_a_switch_to_a_covered_drug_gets_its_dose(engine):
    conversation = engine.conversation()
    assert conversation.send("What dose of venetoclax in LR-MDS?").status == "refused"
    assert "7.5 mg/kg" in conversation.send("ok and what about imetelstat?").answer


# -- a question asking for the data (lexicon findings_cues): the findings that cover it, and a result's further findings --


def test_findings_linking_two_outcomes_quote_each_passage_with_figures(engine):
    answer = engine.ask("Which findings connect reaching transfusion independence with overall survival in lower-risk MDS?").answer
    assert "98 months" in answer and "47.7%" in answer


def test_a_quoted_trial_result_brings_its_further_finding(engine):
    answer = engine.ask("What results did MEDALIST show versus placebo?").answer
    assert "compared with 13%" in answer and "47.7%" in answer
    assert answer.index("compared with 13%") < answer.index("47.7%")  # the further finding after its result


def test_a_further_finding_that_is_a_conflict_position_brings_no_other_conflict(engine):
    """COMMANDS' durability sentence is also a position on ring sideroblasts: a question on COMMANDS' data does not
    get that conflict's block for it."""
    response = engine.ask("What data did COMMANDS report?")
    assert [c.topic for c in response.conflicts] == ["first-line luspatercept"]


def test_a_dose_after_a_result_is_no_finding(engine):
    answer = engine.ask("What data link achieving transfusion independence with survival, including trial results?").answer
    assert "47.7%" in answer and "1.75 mg/kg" not in answer


# -- what a question sets aside ("besides <trial>"): not what it asks for --


def test_a_trial_set_aside_is_not_the_answer_the_others_are(engine):
    answer = engine.ask("Apart from MEDALIST, which trials does the article list as evidence for Reblozyl?").answer
    assert "PACE-MDS" in answer and "MEDALIST" not in answer


def test_set_aside_reads_the_names_after_the_cue():
    from bot.qa.aspects import set_aside

    assert set_aside(LEXICON, "Besides MEDALIST, which trial supports luspatercept?") == {"medalist"}
    assert set_aside(LEXICON, "Which trial supports luspatercept besides the guidelines?") == frozenset()


# -- a population the question names (lexicon aspect_concepts) gets the sentence on it --


def test_a_never_transfused_patient_gets_the_non_transfusion_dependent_evidence(engine):
    answer = engine.ask("SF3B1-mutated MDS, transfusion-naive, Hb 9.1 - would a payer approve Reblozyl?").answer
    assert "47.6%" in answer and "transfusion-dependent" in answer
