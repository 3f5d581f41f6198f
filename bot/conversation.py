"""One conversation: routes each turn, keeps the patient facts and the topic, guards every reply.

The same engine serves `mdsbot ask` (a fresh conversation per question),
`mdsbot chat` and the web app (one conversation per browser session).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corpus.conflicts import for_pathway
from bot.eligibility import Routing, describe_facts, merge_facts, route
from bot.guard.instructions import strip_instructions
from bot.guard.models import GuardContext
from bot.models import BotResponse, Citation
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

_PRONOUN = re.compile(r"\b(?:its|it|this drug|that drug|the drug|this agent|they|their|them)\b", re.IGNORECASE)
MARK = {"met": "✓", "not_met": "✗", "missing": "?"}
VERDICT = {
    "meets_criteria": "meets the medical-necessity criteria",
    "does_not_meet": "does not meet the medical-necessity criteria",
    "insufficient_documentation": "cannot be decided yet: documentation is missing",
}


@dataclass
class ConversationState:
    facts: dict[str, Any] = field(default_factory=dict)
    drug: str | None = None  # the drug of the open eligibility check
    topic_drug: str | None = None  # the drug last talked about, for "its"/"it"
    checking_eligibility: bool = False
    read_as_drug: str | None = None  # this turn's question, naming no drug, was read as about this one


class Conversation:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.state = ConversationState()

    def send(self, text: str) -> BotResponse:
        limit = self.engine.settings.max_question_chars
        if len(text) > limit:  # before any work: one user's megabyte must not hold a lane for seconds
            return self._finish(_too_long(len(text), limit, self.engine.corpus), "")
        text = text.strip()
        if not text:
            return self._finish(_scope_refusal("The message is empty.", self.engine.corpus), text)
        # Instructions smuggled into a question ("ignore your sources...") are not part of it;
        # the guard still sees the original text and reports them.
        question = strip_instructions(text) or text
        self.state.read_as_drug = None
        routing = route(question, self.state.checking_eligibility, self.engine.settings.fact_reading)
        if routing.intent == "smalltalk":
            response = _scope_refusal("", self.engine.corpus)
        elif routing.intent == "eligibility":
            response = self._check_eligibility(routing)
        else:
            response = self._answer_question(question, routing)
        return self._finish(response, text)

    # -- question about the sources ---------------------------------------

    def _answer_question(self, text: str, routing: Routing) -> BotResponse:
        query, note = self._resolve_pronouns(text, routing)
        response = self.engine.answerer.answer(query)
        if self.engine.chat_model is not None and response.status == "answered":
            response = self._llm_draft(query, response)
        if routing.extracted.drug:
            self.state.topic_drug = routing.extracted.drug
        if note:
            response = response.model_copy(update={"notes": [note, *response.notes]})
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

    def _resolve_pronouns(self, text: str, routing: Routing) -> tuple[str, str | None]:
        """'what were its TI rates?' after a luspatercept answer asks about luspatercept."""
        drug = self.state.topic_drug
        if drug is None or routing.extracted.drugs or not _PRONOUN.search(text):
            return text, None
        name = drug.replace("_", " ")
        self.state.read_as_drug = drug
        return f"{text} ({name})", f"Read as a question about {name}, the drug discussed before."

    # -- eligibility --------------------------------------------------------

    def _check_eligibility(self, routing: Routing) -> BotResponse:
        import rules_core

        extracted = routing.extracted
        facts = merge_facts(self.state.facts, extracted.facts)
        drug = extracted.drug or self.state.drug
        notes = list(extracted.notes)
        self.state.checking_eligibility = True
        try:
            patient = rules_core.PatientFacts.model_validate(facts)
        except Exception as exc:  # pydantic.ValidationError or a rules input error
            return _needs(
                f"One of the facts is not valid: {rules_core.format_error(exc)}. Please restate it.", facts, notes
            )
        self.state.facts = facts
        if drug is None:
            names = ", ".join(d.replace("_", " ") for d in rules_core.SUPPORTED_DRUGS)
            return _needs(f"Which drug should I check? Supported: {names}.", facts, notes, ["drug"])
        self.state.drug = self.state.topic_drug = drug
        decision = rules_core.evaluate(drug, patient)
        if decision.decision == "insufficient_documentation":
            asks = [f"{m.label} ({m.field})" for m in decision.missing_facts]
            text = f"To check {drug.replace('_', ' ')} I need: " + "; ".join(asks) + "."
            return _needs(text, facts, notes, [m.field for m in decision.missing_facts], decision)
        return self._decision_response(decision, facts, notes)

    def _decision_response(self, decision: Decision, facts: dict[str, Any], notes: list[str]) -> BotResponse:
        citations: list[Citation] = []
        lines = [f"Verdict: {decision.drug.replace('_', ' ')} {VERDICT[decision.decision]}"
                 + (f" (pathway {decision.pathway})." if decision.pathway else ".")]
        for pathway in decision.pathways:
            lines.append(f"Pathway {pathway.id} — {pathway.status.replace('_', ' ')}:")
            if decision.pathway and pathway.id != decision.pathway:
                continue  # the decisive pathway is enough; the others show their status only
            for criterion in pathway.criteria:
                n = self._cite(criterion.citation, citations)
                lines.append(f"{MARK[criterion.status]} {criterion.statement} — {criterion.evidence} [{n}]")
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
            notes=notes + [f"Facts used: {'; '.join(describe_facts(facts)) or 'none'}."],
        )

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
        if response.route != "rules" and response.status != "needs_information":
            self.state.checking_eligibility = False
        return self.engine.guard.review(response, question, self._guard_context())

    def _guard_context(self) -> GuardContext:
        """What the guard must know beyond the text: 'how often is it given?' asks about this drug."""
        return GuardContext(subject_drug=self.state.read_as_drug)


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
