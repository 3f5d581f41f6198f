"""A question presupposing what the sources do not support gets what corrects it first, cited
(bot/correction.py; the guard's premise note before it). Real corpus words; real engine below."""

from __future__ import annotations

import pytest

from bot.correction import correction_query, known_head
from bot.guard.premises import Premise, presupposed_clause


def test_the_part_of_an_unsupported_word_the_sources_use(engine):
    corpus_words = engine.guard.knowledge.corpus_words
    assert known_head("hepatotoxicity", corpus_words) == "toxicity"
    assert known_head("zzzqqq", corpus_words) is None


def test_the_correction_asks_the_head_or_the_presupposed_clause(engine):
    corpus_words = engine.guard.knowledge.corpus_words
    toxic = Premise(terms=("hepatotoxicity",), subject=("imetelstat",))
    assert correction_query("Given imetelstat's hepatotoxicity, how often?", toxic, corpus_words) == "imetelstat toxicity"
    every = Premise(terms=(), absolutes=("every",), subject=("lusp",))
    question = "Since lusp is first-line for every TD pt, can I skip the ESA trial?"
    assert correction_query(question, every, corpus_words) == "lusp is first-line for every TD pt"
    assert correction_query(question, Premise(terms=("x",)), corpus_words) is None  # no subject: nothing to ask


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "correcting"),
    [
        ("Given imetelstat's hepatotoxicity, how often should we check LFTs?", "thrombocytopenia"),
        ("Since lusp is first-line for every TD LR-MDS pt, can I leave the ESA trial off the PA?", "NOT indicated as first-line"),
    ],
)
def test_a_false_premise_is_corrected_by_the_sentence_that_contradicts_it(engine, question, correcting):
    shown = engine.conversation().send(question)
    assert shown.status == "answered" and shown.answer.startswith("Note: the sources do not support")
    assert correcting in shown.answer.split("[1]", 2)[1]  # the first cited sentence after the note corrects it


@pytest.mark.parametrize(
    "question",
    ["Why was luspatercept recalled?", "why was enasidenib taken off the market?"],
)
def test_a_why_question_about_an_event_the_sources_never_mention_is_found(engine, question):
    from bot.guard.premises import unsupported_event

    knowledge = engine.guard.knowledge
    event = unsupported_event(question, knowledge.lexicon, knowledge.corpus_words, knowledge.corpus_stems)
    assert event is not None and event.subject and event.terms


@pytest.mark.parametrize(
    "question",
    ["Why did the FDA reject luspatercept for MDS?",  # the sources speak of its FDA approval: they correct it
     "Why was COMMANDS stopped early?",  # 'early' is theirs ('ongoing' corrects it)
     "Given imetelstat's hepatotoxicity, how often should we check LFTs?",  # not a why-question
     "Why does anemia matter in lower-risk MDS?",  # no drug or trial: nothing presupposed of one
     "Why is imetelstat harmful in del(5q) patients?"],  # del(5q), a concept of theirs: they speak to it
)
def test_a_premise_the_sources_speak_to_is_not_an_unmentioned_event(engine, question):
    from bot.guard.premises import unsupported_event

    knowledge = engine.guard.knowledge
    assert unsupported_event(question, knowledge.lexicon, knowledge.corpus_words, knowledge.corpus_stems) is None


@pytest.mark.slow
@pytest.mark.parametrize("question", ["Why was luspatercept recalled by the manufacturer?",
                                      "why did they pull imetelstat off the market?"])
def test_no_cause_is_given_for_an_event_the_sources_never_mention(engine, question):
    shown = engine.conversation().send(question)
    assert shown.status == "refused" and not shown.citations
    assert "do not state that this happened" in shown.answer and "because" not in shown.answer


@pytest.mark.parametrize(
    ("question", "claimed"),
    [("Since imetelstat is basically a hypomethylating agent, can it replace HMAs?", "hypomethylating agent"),
     ("Given that lenalidomide is a BCL2 inhibitor, how well does it work?", "BCL2 inhibitor"),
     ("luspatercept as an mTOR inhibitor: any mouth ulcers?", "mTOR inhibitor")],
)
def test_a_drug_called_a_member_of_a_class_it_is_not_is_found(engine, question, claimed):
    from bot.guard.premises import class_claim

    knowledge = engine.guard.knowledge
    claim = class_claim(question, knowledge.lexicon, knowledge.corpus_words)
    assert claim is not None and claim.claimed == claimed


@pytest.mark.parametrize(
    "question",
    ["Is darbepoetin just another ESA?", "darbepoetin is just another ESA, right?",  # it is one
     "imetelstat is a telomerase inhibitor; what did IMerge show?",  # one of its names in the lexicon
     "ivosidenib is an IDH1 inhibitor, so which mutation is needed?"],
)
def test_a_drug_called_what_it_is_is_no_class_claim(engine, question):
    from bot.guard.premises import class_claim

    knowledge = engine.guard.knowledge
    assert class_claim(question, knowledge.lexicon, knowledge.corpus_words) is None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "what_it_is"),
    [("Since lusp is basically an ESA, does it work on early progenitors too?", "distinct mechanism"),
     ("luspatercept being a BTK inhibitor, is bleeding a concern?", "activin")],
)
def test_what_the_drug_is_comes_first_when_the_question_calls_it_something_else(engine, question, what_it_is):
    shown = engine.conversation().send(question)
    assert shown.status == "answered" and what_it_is in shown.answer.split("[1]", 1)[0]


@pytest.mark.parametrize(
    ("question", "drug"),
    [("Since imetelstat is first-line for everyone, which dose?", "imetelstat"),
     ("Given that Reblozyl is the first-line agent for all TD pts, do I still need an ESA trial?", "luspatercept")],
)
def test_a_presupposed_line_of_therapy_asks_the_line_the_sources_give(engine, question, drug):
    from bot.correction import line_queries

    assert line_queries(question, engine.guard.knowledge) == [f"which line of therapy is {drug} indicated for"]
    assert line_queries("Why is imetelstat effective after luspatercept?", engine.guard.knowledge) == []


@pytest.mark.slow
def test_a_first_line_premise_is_answered_with_the_line_the_sources_give(engine):
    shown = engine.conversation().send("Given that Reblozyl is the first-line agent for all TD pts, do I still need an ESA trial?")
    first_two = " ".join(shown.answer.split("[2]", 1)[:1])
    assert shown.status == "answered" and "NOT indicated as first-line" in first_two and "second-line" in first_two


@pytest.mark.parametrize("question, presupposed", [
    ("Why treat anemia early in LR-MDS? Give the survival difference TD vs TI.", "treat anemia early in LR-MDS"),
    ("why was COMMANDS stopped early? also what was its primary endpoint", "was COMMANDS stopped early"),
    ("Why is lenalidomide used in del(5q). List the response rates", "is lenalidomide used in del(5q)"),
])
def test_a_why_question_presupposes_only_its_own_sentence(question, presupposed):
    """The request after the why-question ('Give the survival difference') takes nothing for granted."""
    assert presupposed_clause(question).strip() == presupposed


def test_a_request_after_a_why_question_gets_no_premise_note(engine):
    answer = engine.ask("Why treat anemia early in a non-TD del5q pt? Give the survival difference TD vs TI.").answer
    assert not answer.startswith("Note:")


@pytest.mark.parametrize(
    ("question", "clause"),
    [
        ("IMerge only took del(5q) patients, therefore is imetelstat just for 5q disease?", "IMerge only took del(5q) patients"),
        ("lusp is first-line for everyone; so can I skip the ESA?", "lusp is first-line for everyone"),
        ("What did MEDALIST show, and so what?", ""),  # too short a claim before 'so': nothing taken for granted
        ("pt is TD so lusp ok", ""),  # no question asked of the claim
    ],
)
def test_the_claim_a_so_question_draws_on_is_presupposed(question, clause):
    from bot.guard.premises import presupposed_clause

    assert presupposed_clause(question).strip() == clause


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "correcting"),
    [
        ("MEDALIST enrolled mainly SF3B1 wild-type patients, so does SF3B1 status matter for lusp?", "91%"),
        ("IMerge only took del(5q) patients, therefore is imetelstat just for 5q disease?", "non-del(5q)"),
    ],
)
def test_a_so_question_on_a_false_claim_gets_the_sentence_that_contradicts_it(engine, question, correcting):
    shown = engine.conversation().send(question)
    assert shown.status == "answered" and shown.answer.startswith("Note: the sources do not support")
    assert correcting in shown.answer


@pytest.mark.parametrize("question", ["sepo 350 - likely esa responder or not", "RS 25% on the marrow. still need SF3B1 for the lusp PA?",
                                      "TD LR-MDS, sEPO 650, never had an ESA - which agents?"])
def test_a_value_the_question_gives_a_measurement_is_the_case_not_a_false_figure(engine, question):
    """'sEPO 350', 'RS 25%': the case's values, so no 'the sources do not report the figure' note."""
    answer = engine.ask(question).answer
    assert not answer.startswith("Note: the sources do not report")


def test_a_figure_claimed_of_a_trial_still_gets_the_note(engine):
    assert engine.ask("Is it true MEDALIST showed 70% TI?").answer.startswith("Note: the sources do not report")
