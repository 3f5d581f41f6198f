"""One conversation: routes each turn, keeps the patient facts and the topic, guards every reply.

The same engine serves `mdsbot ask` (a fresh conversation per question),
`mdsbot chat` and the web app (one conversation per browser session).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.correction import premise_first
from bot.eligibility import Routing, route
from bot.followup import PRONOUN, Reading, Topic, drug_of, read_turn, remembered, trials_quoted
from bot.guard.instructions import strip_instructions
from bot.guard.models import GuardContext
from bot.models import BotResponse
from bot.qa.conditions import given_values, treatments_at_values
from bot.qa.coverage import with_trials
from bot.sources_first import answer_payer_question
from bot.verdict_turns import VerdictTurns, _verdict_of  # noqa: F401  (_verdict_of: re-exported for the tests)
from corpus.text import fold_typed
from rules_core.decision import Decision

if TYPE_CHECKING:  # pragma: no cover
    from bot.engine import Engine
    from corpus.ingest import Corpus



def scope(corpus: Corpus) -> str:
    """What the bot does, naming the documents the manifest lists (however many)."""
    titles = "; ".join(d.info.short_title for d in corpus.documents)
    return (
        f"I answer questions about lower-risk MDS from {len(corpus.documents)} source documents ({titles}), "
        "with citations, and check whether a drug meets medical-necessity criteria "
        "(luspatercept, imetelstat, epoetin alfa, darbepoetin alfa, lenalidomide, ivosidenib, enasidenib)."
    )


@dataclass
class ConversationState:
    facts: dict[str, Any] = field(default_factory=dict)
    drug: str | None = None  # the drug of the open eligibility check
    topic_drug: str | None = None  # the drug last talked about, for "its"/"it"
    checking_eligibility: bool = False
    read_as_drug: str | None = None  # this turn's question, naming no drug, was read as about this one
    read_as_named: str | None = None  # this turn read as a question of its own ('that trial' named, 'same q for X')
    topic: Topic = field(default_factory=Topic)  # the subjects and last question, for follow-ups
    topic_outside: tuple[str, ...] = ()  # lexicon outside_sources entries last talked about (metformin, CMML)
    read_as_outside: tuple[str, ...] = ()  # this turn's pronoun was read as about these
    patient_outside: tuple[str, ...] = ()  # this turn's patient is outside the sources' (by a stated age, say)


class Conversation(VerdictTurns):
    def __init__(self, engine: Engine, record: Callable[[Decision, Any], Decision] | None = None):
        self.engine = engine
        self.state = ConversationState()
        self.record = record  # stores a verdict and returns it with its decision_id (the web app's chat and API)

    def send(self, text: str) -> BotResponse:
        limit = self.engine.settings.max_question_chars
        if len(text) > limit:  # before any work: one user's megabyte must not hold a lane for seconds
            return self._finish(_too_long(len(text), limit, self.engine.corpus), "")
        text = fold_typed(text.strip())  # full-width, invisible and look-alike letters read as typed Latin
        if not text:
            return self._finish(_scope_refusal("The message is empty.", self.engine.corpus), text)
        # Instructions smuggled into a question ("ignore your sources...") are not part of it;
        # the guard still sees the original text and reports them.
        question = strip_instructions(text)
        if not question:  # nothing but instructions to the bot: there is no question to answer
            return self._finish(_scope_refusal("The message asks me to follow instructions, which I do not do.",
                                               self.engine.corpus), text)
        self.state.read_as_drug = None
        self.state.read_as_named = None
        self.state.read_as_outside = ()
        routing = route(question, self.state.checking_eligibility, self.engine.settings.fact_reading,
                        self.state.topic_drug)
        self.state.patient_outside = routing.outside
        if routing.intent == "smalltalk":
            response = _scope_refusal("", self.engine.corpus)
        elif routing.intent == "eligibility":
            response = self._check_eligibility(routing, question)
        else:
            response = self._answer_question(question, routing)
        return self._finish(response, text)

    # -- question about the sources ---------------------------------------

    def _answer_question(self, text: str, routing: Routing) -> BotResponse:
        reading = self._resolve_pronouns(text, routing)
        self.state.read_as_named = reading.query if reading.named else None
        knowledge = self.engine.guard.knowledge
        query = with_trials(reading.query, knowledge.lexicon, knowledge.trials_covered)
        # A prior-authorization question is answered with the drug's criteria and documentation list too.
        response = answer_payer_question(self.engine.answerer, query)
        response = premise_first(query, response, self.engine.answerer, self.engine.guard.knowledge)
        if self.engine.chat_model is not None and response.status == "answered":
            response = self._llm_draft(query, response)
        self._remember_topic(text, routing, reading)
        answered = treatments_at_values(query, response, self.engine.corpus)  # 'dose of that?' refers to these
        trials = trials_quoted(response.answer, knowledge.lexicon) if response.status == "answered" else ()
        self.state.topic = self.state.topic.model_copy(update={"answered": answered, "answer_trials": trials})
        if reading.note:
            response = response.model_copy(update={"notes": [reading.note, *response.notes]})
        return response

    def _llm_draft(self, query: str, extractive: BotResponse) -> BotResponse:
        """The configured model drafts from the top retrieved passages; the guard
        reviews the draft, and a draft it blocks or refuses gives way to the extractive answer."""
        from bot.qa.drafter import draft_answer

        hits = self.engine.retriever.retrieve(query, k=self.engine.settings.top_k).hits
        passages = [hit.passage for hit in hits]
        draft = draft_answer(self.engine.chat_model, query, passages, self.engine.corpus)
        reviewed = self.engine.guard.review(draft, query, self._guard_context())
        return extractive if reviewed.blocked or reviewed.status != "answered" else draft

    def _remember_topic(self, text: str, routing: Routing, reading: Reading) -> None:
        """The drug (any the lexicon knows, covered or not, or an added document introduced) and outside
        entries this question named."""
        lexicon = self.engine.guard.knowledge.lexicon
        named = [m.id if m.kind == "drug" else lexicon.trial(m.id).drug for m in lexicon.mentions(text) if m.kind != "class"]
        outside = tuple(e.id for e in lexicon.outside_named(text))
        if named or routing.extracted.drug:
            self.state.topic_drug = named[0] if named else routing.extracted.drug
        if named or outside:
            self.state.topic_outside = outside
        self.state.topic = remembered(self.state.topic, reading, lexicon)

    def _resolve_pronouns(self, text: str, routing: Routing) -> Reading:
        """'what were its TI rates?' after a luspatercept answer asks about luspatercept; 'what about
        imetelstat?' asks the last question about imetelstat (bot/followup.py); 'what dose of it?'
        after metformin asks about metformin."""
        lexicon = self.engine.guard.knowledge.lexicon  # with the drugs added documents introduce
        dose_question = bool(lexicon.dose_question.search(text))
        if routing.extracted.drugs or lexicon.mentions(text) or lexicon.outside_named(text):
            reading = read_turn(text, self.state.topic, lexicon, dose_question)
            # "what about imetelstat?" after a CMML patient's question asks it of CMML: the guard must know
            completed = reading.query != text and lexicon.outside_named(reading.query)
            self.state.read_as_outside = tuple(e.id for e in completed or ())
            return reading
        # A turn naming no subject is about the conversation's: the guard compares the answer with it.
        self.state.read_as_outside = self.state.topic_outside
        if self.state.topic_outside:
            if not (PRONOUN.search(text) or dose_question):
                return Reading(query=text)
            name = " and ".join(lexicon.outside(i).label for i in self.state.topic_outside)
            return Reading(query=f"{text} ({name})", note=f"Read as a question about {name}, discussed before.")
        reading = read_turn(text, self.state.topic, lexicon, dose_question)
        # A turn giving a measurement's value ("what if sEPO is 800?") asks what applies there, whichever drug that is.
        held = None if given_values(text) else self.state.topic_drug
        self.state.read_as_drug = drug_of(reading.subject, lexicon) or held
        return reading

    # -- every reply --------------------------------------------------------

    def _finish(self, response: BotResponse, question: str) -> BotResponse:
        # An answer that offers a patient check keeps the check open for the facts that follow.
        if response.route != "rules" and response.status != "needs_information" and not response.missing_facts:
            self.state.checking_eligibility = False
        return self.engine.guard.review(response, question, self._guard_context())

    def _guard_context(self) -> GuardContext:
        """What the guard must know beyond the text: 'how often is it given?' asks about this drug."""
        return GuardContext(subject_drug=self.state.read_as_drug, subject_outside=self.state.read_as_outside,
                            read_as=self.state.read_as_named,
                            patient_outside=self.state.patient_outside)


def _too_long(length: int, limit: int, corpus: Corpus) -> BotResponse:
    """The refusal of an over-long message: says how long, never echoes it."""
    reason = f"The message is {length:,} characters long; at most {limit:,} are read (MDSBOT_MAX_QUESTION_CHARS). Ask a shorter question."
    return _scope_refusal(reason, corpus)


def _scope_refusal(reason: str, corpus: Corpus) -> BotResponse:
    return BotResponse(status="refused", route="refusal", answer=(reason + " " if reason else "") + scope(corpus))
