"""Rail `asked_figure` alone on typed drafts of real corpus text, and in the real engine: a question asking
what share of patients had an event is answered by a percentage for that event, or refused."""

from __future__ import annotations

import pytest

from bot.guard.rails import asked_figure
from bot.guard.runner import Guard
from bot.models import BotResponse

MEDALIST_38 = ("Overall, 38% of patients in the luspatercept group achieved transfusion independence for more than "
               "8 weeks compared with 13% in the placebo group.")  # 000-p013
AE_LIST = ("Luspatercept demonstrates a favorable and manageable tolerability profile: Adverse events of special interest "
           "requiring monitoring: thromboembolic events, hypertension, bone pain; Grade 3-4 treatment-related adverse "
           "events occur in approximately 14% of patients.")  # 002-p009, as the answerer renders its list


@pytest.fixture(scope="module")
def guard(corpus):
    return Guard(corpus)


def _draft(guard: Guard, answer: str, passage_id: str, question: str):
    citation = guard.citation(1, guard.corpus.passage(passage_id))
    return guard.read(BotResponse(status="answered", route="retrieval", answer=answer, citations=[citation]), question)


@pytest.mark.parametrize(
    ("question", "event"),
    [("what proportion of IMerge patients experienced bone pain?", "bone pain"),
     ("How many COMMANDS pts developed thromboembolic events with luspatercept?", "thromboembolic events"),
     ("what % of patients had grade 3-4 neutropenia on imetelstat", "grade 3-4 neutropenia"),
     # 'what %' straight before the verb, no 'of'
     ("COMMANDS what % got grade 3 hypertension", "grade 3 hypertension"),
     ("in MAXILUS, what proportion had HI-E?", "HI-E")],
)
def test_the_event_a_share_question_asks_about(question, event):
    assert asked_figure.asked_event(question)[0] == event


@pytest.mark.parametrize("question", ["What did MEDALIST show?", "How often is imetelstat given?",
                                      "What percentage of MEDALIST patients reached TI?"])
def test_other_questions_ask_no_share_of_an_event(question):
    assert asked_figure.asked_event(question) is None


def test_another_endpoints_figure_does_not_answer_the_share_asked(guard):
    draft = _draft(guard, f"{MEDALIST_38} [1]", "000-p013", "What share of MEDALIST pts experienced bone pain on lusp?")
    outcome = asked_figure.RAIL.check(draft, guard.knowledge)
    assert outcome.verdict == "repair" and "bone pain" in outcome.draft.subject_refusal
    assert len(outcome.draft.dropped) == len(draft.statements)


def test_a_list_item_naming_the_event_beside_another_items_figure_does_not_answer_it(guard):
    draft = _draft(guard, f"{AE_LIST} [1]", "002-p009", "what percentage of patients developed hypertension?")
    assert asked_figure.RAIL.check(draft, guard.knowledge).verdict == "repair"


def test_a_percentage_for_the_event_asked_is_the_answer(guard):
    draft = _draft(guard, f"{AE_LIST} [1]", "002-p009",
                   "what proportion of patients had grade 3-4 treatment-related adverse events on luspatercept?")
    assert asked_figure.RAIL.check(draft, guard.knowledge).verdict == "allow"


JAPANESE_HIE = ("Recent Phase 2 data in non-transfusion-dependent Japanese patients showed 47.6% achieved hematologic "
                "improvement-erythroid response within 24 weeks, suggesting luspatercept may help delay transfusion need.")


def test_the_event_written_as_its_lexicon_concept_is_answered(guard):
    # 'HI-E' asked, 'hematologic improvement-erythroid' stated: the same concept (lexicon hie).
    draft = _draft(guard, f"{JAPANESE_HIE} [1]", "002-p012", "Japanese NTD patients on lusp: what percent got HI-E?")
    assert asked_figure.RAIL.check(draft, guard.knowledge).verdict == "allow"


@pytest.mark.slow
@pytest.mark.parametrize("question", ["What proportion of MEDALIST patients experienced bone pain?",
                                      "PACE-MDS: what percent of pts had an HI-E response?",
                                      "how many pts developed thromboembolic events on luspatercept in COMMANDS?"])
def test_an_unstated_share_is_refused_not_answered_with_other_figures(engine, question):
    shown = engine.conversation().send(question)
    assert shown.status == "refused" and "do not state what share of patients" in shown.answer
    assert "%" not in shown.answer


@pytest.mark.parametrize("question", ["does the blast % for the PA have to come from an aspirate?",
                                      "what percentage RS does a patient have to have for luspatercept?"])
def test_a_percentage_as_a_measure_or_an_obligation_is_no_share_of_an_event(question):
    assert asked_figure.asked_event(question) is None
