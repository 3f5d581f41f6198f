"""A conversation's patient checks: the facts merged across turns, the rules core's verdict cited, the sources
first when the message asks them, the assumptions a verdict would turn on asked. Mixed into Conversation
(bot/conversation.py), which supplies engine, state and record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.eligibility import Routing, describe_facts, merge_facts
from bot.eligibility.assumptions import settle_assumptions
from bot.eligibility.models import Assumption
from bot.followup import Reading, remembered
from bot.models import BotResponse, Citation
from bot.sources_first import answer_then_offer, asks_for_criteria, asks_the_sources
from bot.verdict_text import ask_text, facts_to_ask, verdict_lines
from corpus.conflicts import conflicts_for, for_pathway
from rules_core.decision import Decision


class VerdictTurns:
    """The Conversation's eligibility steps."""

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
            return self._with_disputes(text, _needs(ask_text(drug, asks), facts, notes, [m.field for m in asks], decision))
        return self._decision_response(decision, facts, notes)

    def _with_disputes(self, text: str, response: BotResponse) -> BotResponse:
        """A check that waits on facts, on a topic the sources disagree on ("ESA-naive"): both positions shown now."""
        answerer = self.engine.answerer
        disputed = conflicts_for(text, answerer.conflicts)
        if not disputed:
            return response
        citations = list(response.citations)
        conflicts = [answerer.conflict_with_citations(c, citations) for c in disputed]
        return response.model_copy(update={"citations": citations, "conflicts": [*response.conflicts, *conflicts]})

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
