"""Answers that start with the answer (issue 11 item 2): yes/no from the quoted evidence, its negations read."""

from __future__ import annotations

import pytest

from bot.qa.direct import is_yes_no, negated_terms, polarity
from corpus.vocabulary import SpellingCorrector


@pytest.mark.parametrize("question, expected", [
    ("Is luspatercept considered experimental?", True),
    ("Were patients previously treated with lenalidomide or HMAs eligible for IMerge?", True),
    ("Is the COMMANDS trial still ongoing, or does it have results?", False),
    ("What is the dose of luspatercept?", False),
])
def test_yes_no_questions_are_told_from_alternatives_and_wh_questions(question, expected):
    assert is_yes_no(question) is expected


def test_negation_scopes_forward_and_excluded_backward():
    sentence = "In IMerge (non-del(5q); no prior lenalidomide or HMAs), del(5q) excluded"
    assert {"clenalidomide", "chma", "cdel5q"} <= negated_terms(sentence, {"clenalidomide", "chma", "cdel5q"})
    assert not negated_terms("imetelstat was given after lenalidomide", {"clenalidomide"})


def test_polarity_says_no_only_when_the_sentence_negates_what_the_plain_question_asserts():
    shared = {"clenalidomide"}
    assert polarity("Were lenalidomide-treated patients eligible?", "no prior lenalidomide", shared) == "no"
    assert polarity("Is lenalidomide effective?", "lenalidomide remains effective", shared) == "yes"
    # Only the question negates: the sentence may be about other patients, so no word at all.
    assert polarity("Any data in patients not on lenalidomide?", "lenalidomide improved Hb", shared) is None


def test_the_spelling_corrector_never_turns_a_word_into_its_negation():
    corrector = SpellingCorrector({"ineligible", "unresponsive", "tolerant"})
    assert corrector.correct("eligible") == "eligible"
    assert corrector.correct("responsive") == "responsive"
    assert corrector.correct("tolerannt") == "tolerant"


def test_plain_english_is_never_corrected_into_a_corpus_word(engine):
    """'there' is no typo for 'these', nor 'define' for 'refine': the question keeps its words."""
    analysis = engine.retriever.analyze("Is there any data? How does the review define the R/R setting?")
    assert "there" in analysis.corrected and "define" in analysis.corrected
    assert not analysis.fixes


@pytest.mark.parametrize("question, start, fact", [
    ("Is lenalidomide still considered effective for transfusion-dependent del(5q) LR-MDS?", "Yes: ", "extremely effective"),
    ("Were patients previously treated with lenalidomide or HMAs eligible for IMerge?", "No: ", "no prior lenalidomide"),
    ("Is luspatercept considered experimental?", "No: ", "not experimental"),
])
def test_a_yes_no_question_opens_with_its_answer_quoted_and_cited(engine, question, start, fact):
    response = engine.ask(question)
    assert response.answer.startswith(start), response.answer
    first = response.answer.split("[1]")[0]
    assert fact in first and response.citations


def test_a_yes_no_question_on_a_contested_topic_opens_with_the_disagreement(engine):
    response = engine.ask("Is luspatercept indicated as first-line therapy in lower-risk MDS?")
    assert response.answer.startswith("The sources disagree: ")
    assert "NOT indicated as first-line" in response.answer and "60.4%" in response.answer


@pytest.mark.parametrize("question", ["Was MEDALIST blinded?", "was the MEDALIST trial double-blind?"])
def test_a_position_of_a_conflict_answers_yes_or_no_on_a_point_the_other_side_never_speaks_of(engine, question):
    """The sentence is one side of the ring-sideroblast disagreement, but the other document's side says
    nothing of blinding or of the trial: the question is not on the contested point."""
    response = engine.ask(question)
    assert response.answer.startswith("Yes: "), response.answer
    assert "double-blind" in response.answer.split("[1]")[0]


def test_a_position_still_gives_no_yes_or_no_on_the_contested_point(engine):
    response = engine.ask("Is luspatercept approved for all subtypes?")
    assert response.answer.startswith("The sources disagree: ")


def test_no_yes_or_no_when_only_the_question_negates(engine):
    """'not yet transfusion dependent' vs a sentence on transfusion-dependent patients: no verdict word."""
    answer = engine.ask("Is luspatercept approved for non-transfusion-dependent patients?").answer
    assert not answer.startswith(("Yes", "No"))


def test_no_yes_when_a_word_of_the_question_is_one_the_sources_never_use(engine):
    """'approved in Europe': the FDA approval sentence shares the other words, but affirms nothing of Europe."""
    answer = engine.ask("Is luspatercept approved in Europe?").answer
    assert not answer.startswith(("Yes", "No"))


def test_the_guard_keeps_the_lead_word_with_its_quote(engine):
    response = engine.ask("Is luspatercept considered experimental?")
    assert all(c.passed for c in response.checks), [c for c in response.checks if not c.passed]


def test_a_sentence_of_the_trials_own_section_answers_yes_or_no(engine):
    """'Median PFS not reached' sits in the IMerge section without naming it: still the point, and a 'No'."""
    response = engine.ask("Did median PFS get reached in IMerge?")
    assert response.answer.startswith("No: ") and "median PFS not reached" in response.answer.split("[1]")[0]


def test_a_sentence_naming_the_trial_itself_wins_over_its_section(engine):
    """The section's pooled-analysis sentence ('regardless of prior treatment') must not answer an eligibility
    question the trial's own sentence answers ('no prior lenalidomide or HMAs')."""
    response = engine.ask("Could patients who had received HMAs enter IMerge?")
    assert response.answer.startswith("No: ") and "no prior lenalidomide or HMAs" in response.answer.split("[1]")[0]


def test_a_how_many_question_opens_with_a_sentence_giving_that_figure(engine):
    from bot.qa.direct import asked_units

    assert asked_units("After how many weeks is it a failure?") == {"weeks"}
    assert asked_units("What percentage reached TI?") == {"%"}
    assert not asked_units("What is the mechanism of luspatercept?")
    answer = engine.ask("How many weeks of an ESA without a response count as a failure?").answer
    assert "6-8 weeks" in answer.split("[1]")[0]


@pytest.mark.parametrize("typo, word", [("elegibility", "eligibility"), ("requirments", "requirements"), ("recomended", "recommended")])
def test_a_misspelt_question_word_is_corrected_to_it_when_no_corpus_word_is_close(engine, typo, word):
    analysis = engine.retriever.analyze(f"lusp {typo}?")
    assert analysis.fixes.get(typo) == word


def test_a_question_with_a_misspelt_question_word_is_not_refused(engine):
    response = engine.ask("ring sideroblats cutoff for lusp elegibility?")
    assert response.status == "answered"
    assert "15%" in response.answer


@pytest.mark.parametrize("question", ["Is it true MEDALIST showed 70% TI?", "did imetelstat give 60% 8-week TI in IMerge?"])
def test_no_yes_when_the_question_states_a_figure_the_sentence_does_not_give(engine, question):
    answer = engine.ask(question).answer
    assert "Yes:" not in answer and answer.startswith("Note: the sources do not report")


def test_yes_when_the_stated_figure_is_the_sentences(engine):
    assert engine.ask("did MEDALIST show 38% TI?").answer.startswith("Yes: ")


@pytest.mark.parametrize(
    "question",
    ["should we start reblozyl at the maximum dose instead of epo first?",
     "Does prior exposure to lenalidomide stop imetelstat from working?"],
)
def test_a_tentative_finding_is_no_yes_or_no(engine, question):
    """'could be improved by ...', 'pooled analyses suggest ...': quoted, but no lead word claims more than they do."""
    answer = engine.ask(question).answer
    assert not answer.startswith(("Yes", "No"))


def test_a_tentative_finding_still_answers_whether_there_is_evidence(engine):
    answer = engine.ask("Is there any evidence on luspatercept in patients not yet transfusion dependent?").answer
    assert answer.startswith("Yes: ")
