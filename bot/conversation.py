"""One conversation: routes each turn, keeps the patient facts and the topic, guards every reply.

The same engine serves `mdsbot ask` (a fresh conversation per question),
`mdsbot chat` and the web app (one conversation per browser session).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.eligibility import Routing, describe_facts, merge_facts, route
from bot.eligibility.assumptions import settle_assumptions
from bot.eligibility.models import Assumption
from bot.correction import premise_first
from bot.followup import PRONOUN, Reading, Topic, drug_of, read_turn, remembered
from bot.guard.instructions import strip_instructions
from bot.guard.models import GuardContext
from bot.models import BotResponse, Citation
from bot.qa.conditions import given_values, treatments_at_values
from bot.qa.coverage import with_trials
from bot.sources_first import answer_payer_question, answer_then_offer, asks_for_criteria, asks_the_sources
from bot.verdict_text import ask_text, facts_to_ask, verdict_lines
from corpus.conflicts import for_pathway
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
    topic: Topic = field(default_factory=Topic)  # the subjects and last question, for follow-ups
    topic_outside: tuple[str, ...] = ()  # lexicon outside_sources entries last talked about (metformin, CMML)
    read_as_outside: tuple[str, ...] = ()  # this turn's pronoun was read as about these
    patient_outside: tuple[str, ...] = ()  # this turn's patient is outside the sources' (by a stated age, say)


class Conversation:
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
        knowledge = self.engine.guard.knowledge
        query = with_trials(reading.query, knowledge.lexicon, knowledge.trials_covered)
        # A prior-authorization question is answered with the drug's criteria and documentation list too.
        response = answer_payer_question(self.engine.answerer, query)
        response = premise_first(query, response, self.engine.answerer, self.engine.guard.knowledge)
        if self.engine.chat_model is not None and response.status == "answered":
            response = self._llm_draft(query, response)
        self._remember_topic(text, routing, reading)
        answered = treatments_at_values(query, response, self.engine.corpus)  # 'dose of that?' refers to these
        self.state.topic = self.state.topic.model_copy(update={"answered": answered})
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
            return read_turn(text, self.state.topic, lexicon, dose_question)
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

    # -- eligibility --------------------------------------------------------

    def _check_eligibility(self, routing: Routing, text: str = "") -> BotResponse:
        import rules_core

        extracted = routing.extracted
        facts = merge_facts(self.state.facts, extracted.facts)
        drug = extracted.drug or self.state.drug or routing.subject_drug
        notes = list(extracted.notes)
        self.state.checking_eligibility = True
        try:
            rules_core.PatientFacts.model_validate(facts)  # the merged facts must still be a valid patient
        except Exception as exc:  # pydantic.ValidationError or a rules input error
            return _needs(
                f"One of the facts is not valid: {rules_core.format_error(exc)}. Please restate it.", facts, notes
            )
        self.state.facts = facts
        if drug is None:
            names = ", ".join(d.replace("_", " ") for d in rules_core.SUPPORTED_DRUGS)
            return _needs(f"Which drug should I check? Supported: {names}.", facts, notes, ["drug"])
        self._open_check(drug, text)
        facts, settled_notes, pending = settle_assumptions(extracted.assumptions, facts, _verdict_of(drug))
        notes.extend(settled_notes)
        self.state.facts = facts
        return self._verdict_or_sources(drug, text, facts, notes, pending)

    def _open_check(self, drug: str, text: str) -> None:
        """The checked drug becomes the conversation's subject."""
        self.state.drug = self.state.topic_drug = drug
        lexicon = self.engine.guard.knowledge.lexicon
        checked = remembered(self.state.topic, Reading(query=text, subject=("drug", drug)), lexicon)
        self.state.topic = checked.model_copy(update={"question": None})  # a patient check is no question to re-ask

    def _verdict_or_sources(
        self, drug: str, text: str, facts: dict[str, Any], notes: list[str], pending: list[Assumption]
    ) -> BotResponse:
        import rules_core

        # "Can we get X covered?", "would it be expected to work?" ask the sources first; open questions join the offer.
        sources_first = asks_the_sources(text, self.engine.answerer.conflicts)
        if pending and not sources_first:
            return _ask_pending(pending, facts, notes)
        decision = rules_core.evaluate(drug, rules_core.PatientFacts.model_validate(facts))
        if sources_first and (pending or decision.decision == "insufficient_documentation" or asks_for_criteria(text)):
            answered = self._sources_then_offer(text, drug, decision, facts, notes, pending)
            if answered is not None:
                return answered
        if decision.decision == "insufficient_documentation":
            asks = facts_to_ask(decision)  # only what the verdict waits on
            return _needs(ask_text(drug, asks), facts, notes, [m.field for m in asks], decision)
        return self._decision_response(decision, facts, notes)

    def _sources_then_offer(
        self, text: str, drug: str, decision: Decision, facts: dict[str, Any], notes: list[str], pending: list[Assumption]
    ) -> BotResponse | None:
        """The sources' answer offering the check (its verdict recorded), or the open facts asked; else None."""
        with_open = [*notes, *(a.question for a in pending)]
        # payer language with every fact given: the sources' criteria, then this patient's verdict
        settled = not pending and asks_for_criteria(text)
        answered = answer_then_offer(self.engine.answerer, text, drug, decision, facts, with_open, settled)
        if answered is not None and answered.decision is not None:
            recorded, recorded_note = self._recorded(decision, facts)
            return answered.model_copy(update={"decision": recorded, "notes": [*answered.notes, *recorded_note]})
        if answered is None and pending:
            return _ask_pending(pending, facts, notes)
        return answered

    def _decision_response(self, decision: Decision, facts: dict[str, Any], notes: list[str]) -> BotResponse:
        citations: list[Citation] = []
        decision, recorded_note = self._recorded(decision, facts)
        lines = verdict_lines(decision, lambda quote: self._cite(quote, citations))
        for warning in decision.warnings:
            n = self._cite(warning.citation, citations)
            lines.append(f"Warning: {warning.text} [{n}]")
        answerer = self.engine.answerer
        conflicts = [
            answerer.conflict_with_citations(c, citations) for c in for_pathway(decision.pathway, answerer.conflicts)
        ]
        return BotResponse(
            status="answered",
            route="rules",
            answer="\n".join(lines),
            citations=citations,
            conflicts=conflicts,
            decision=decision,
            extracted_facts=facts,
            notes=notes + [f"Facts used: {'; '.join(describe_facts(facts)) or 'none'}.", *recorded_note],
        )

    def _recorded(self, decision: Decision, facts: dict[str, Any]) -> tuple[Decision, list[str]]:
        """The verdict stored through this conversation's recorder (if it has one), carrying its id;
        a store that cannot be written costs the record, never the verdict (a note says so)."""
        import rules_core
        from bot.records import RecordsError

        if self.record is None:
            return decision, []
        try:
            return self.record(decision, rules_core.PatientFacts.model_validate(facts)), []
        except RecordsError as exc:
            return decision, [f"This decision was not recorded: {exc}"]

    def _cite(self, rule_citation, citations: list[Citation]) -> int:
        """The marker of a rules citation, as a corpus passage citation (added once)."""
        corpus = self.engine.corpus
        located = corpus.locate_quote(rule_citation.doc_id, rule_citation.quote)
        if located is None:  # a test proves every rules quote is in the corpus; never silently cite nothing
            raise LookupError(f"rules citation not found in corpus: {rule_citation.quote[:60]!r}")
        passage, start, end = located
        for existing in citations:
            if existing.passage_id == passage.id and existing.quote == rule_citation.quote:
                return existing.n
        n = len(citations) + 1
        sentences = [s for s in passage.sentences if s.start < end and s.end > start] or passage.sentences
        citation = self.engine.answerer.citation(n, passage, sentences)
        citations.append(citation.model_copy(update={"quote": rule_citation.quote, "quote_start": start, "quote_end": end}))
        return n

    # -- every reply --------------------------------------------------------

    def _finish(self, response: BotResponse, question: str) -> BotResponse:
        # An answer that offers a patient check keeps the check open for the facts that follow.
        if response.route != "rules" and response.status != "needs_information" and not response.missing_facts:
            self.state.checking_eligibility = False
        return self.engine.guard.review(response, question, self._guard_context())

    def _guard_context(self) -> GuardContext:
        """What the guard must know beyond the text: 'how often is it given?' asks about this drug."""
        return GuardContext(subject_drug=self.state.read_as_drug, subject_outside=self.state.read_as_outside,
                            patient_outside=self.state.patient_outside)


def _verdict_of(drug: str) -> Callable[[dict[str, Any]], tuple[str, str | None]]:
    """Patient facts -> (decision, pathway) for ``drug``: what an assumption must not change."""
    import rules_core

    def verdict(facts: dict[str, Any]) -> tuple[str, str | None]:
        decision = rules_core.evaluate(drug, rules_core.PatientFacts.model_validate(facts))
        return decision.decision, decision.pathway

    return verdict


def _ask_pending(pending: list[Assumption], facts: dict[str, Any], notes: list[str]) -> BotResponse:
    """Ask about the assumptions the verdict would turn on."""
    return _needs(" ".join(a.question for a in pending), facts, notes, [a.field for a in pending])


def _needs(
    text: str, facts: dict[str, Any], notes: list[str], missing: list[str] | None = None, decision: Decision | None = None
) -> BotResponse:
    described = describe_facts(facts)
    facts_line = f" Facts so far: {'; '.join(described)}." if described else ""
    return BotResponse(
        status="needs_information",
        route="rules",
        answer=text + facts_line,
        decision=decision,
        extracted_facts=facts,
        missing_facts=missing or [],
        notes=notes,
    )


def _too_long(length: int, limit: int, corpus: Corpus) -> BotResponse:
    """The refusal of an over-long message: says how long, never echoes it."""
    reason = f"The message is {length:,} characters long; at most {limit:,} are read (MDSBOT_MAX_QUESTION_CHARS). Ask a shorter question."
    return _scope_refusal(reason, corpus)


def _scope_refusal(reason: str, corpus: Corpus) -> BotResponse:
    return BotResponse(status="refused", route="refusal", answer=(reason + " " if reason else "") + scope(corpus))
