"""The guard's runner: every response passes the rails, in RAIL_ORDER, before a user sees it.

    guard = Guard(corpus)                        # once per engine: reads corpus and rules core
    shown = guard.review(response, question)     # pure and deterministic

Each rail (bot/guard/rails/<name>.py) reads the typed draft the previous one left and allows it,
repairs it (the next rail reads the repaired draft) or blocks it. `checks` gets every rail's
outcome, blocked or not. A repaired answer is rendered (statements dropped, markers renumbered,
citations rebuilt, positions appended, then the dose refusal or the premise note) and must pass
every rail that re-checks repairs; if it does not, or nothing verifiable is left, it is blocked.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping

from bot.guard.corpus_facts import CorpusFacts
from bot.guard.knowledge import GuardKnowledge
from bot.guard.models import GuardContext, GuardDraft, GuardRail, RailOutcome
from bot.guard.parse import read_draft
from bot.guard.render import blocked, finish, render_answer
from bot.models import BotResponse, Citation
from bot.settings import GuardTuning
from corpus.conflicts import KnownConflict
from corpus.ingest import Corpus
from corpus.models import Passage, Sentence

# The declared order. Statement rails first (each judges every drafted statement, so `checks` names
# every rail a statement failed); then the rails that read what is kept (conflict adds the missing
# side, premise notes a false premise with the final markers); decision_verdict only blocks.
RAIL_ORDER: tuple[str, ...] = (
    "citations", "support", "numbers", "eligibility", "subject", "population", "unstated_dose", "asked_figure", "injection",
    "conflict", "decision_verdict", "premise",
)


def load_rails(names: Iterable[str] = RAIL_ORDER) -> tuple[GuardRail, ...]:
    """The RAIL of each module bot.guard.rails.<name>, in order."""
    rails = tuple(importlib.import_module(f"bot.guard.rails.{name}").RAIL for name in names)
    for name, rail in zip(names, rails):
        if rail.name != name:
            raise ValueError(f"bot.guard.rails.{name} declares rail {rail.name!r}")
    return rails


class Guard:
    def __init__(self, corpus: Corpus, lines: Mapping[str, frozenset[str]] | None = None,
                 tuning: GuardTuning | None = None, rails: Iterable[GuardRail] | None = None,
                 conflicts: Iterable[KnownConflict] | None = None, facts: CorpusFacts | None = None,
                 corpus_words: frozenset[str] | None = None):
        self.knowledge = GuardKnowledge(corpus, lines, tuning, conflicts, facts, corpus_words)
        self.rails = tuple(rails) if rails is not None else load_rails()

    @property
    def corpus(self) -> Corpus:
        return self.knowledge.corpus

    @property
    def dosed(self) -> frozenset[str]:
        return self.knowledge.dosed

    def claim_problem(self, claim) -> str | None:
        return self.knowledge.claim_problem(claim)

    def citation(self, n: int, passage: Passage, sentences: Iterable[Sentence] = ()) -> Citation:
        return self.knowledge.citation(n, passage, sentences)

    def read(self, response: BotResponse, question: str, context: GuardContext | None = None) -> GuardDraft:
        return read_draft(response, question, self.knowledge, context)

    def run(self, draft: GuardDraft) -> tuple[list[RailOutcome], GuardDraft]:
        """Every rail's outcome, each rail reading the draft the previous one repaired."""
        outcomes = []
        for rail in self.rails:
            outcome = rail.check(draft, self.knowledge)
            outcomes.append(outcome)
            if outcome.verdict == "repair":
                draft = outcome.draft
        return outcomes, draft

    def review(self, response: BotResponse, question: str, context: GuardContext | None = None) -> BotResponse:
        """Check, then pass through, repair or block. Never returns the draft unchecked."""
        draft = self.read(response, question, context)
        outcomes, repaired = self.run(draft)
        checks = [o.check for o in outcomes]
        stop = next((o for o in outcomes if o.verdict == "block"), None)
        if stop is not None:
            return blocked(response, checks, stop.user_reason or f"the {stop.rail} check failed")
        if all(o.verdict == "allow" for o in outcomes) and not draft.has_note:
            return response.model_copy(update={"checks": checks})
        why = self._unverifiable(repaired)
        if why:
            return blocked(response, checks, why)
        rendered = render_answer(repaired, self.knowledge)
        if not rendered.answer.strip() and not repaired.subject_refusal:
            return blocked(response, checks, "nothing in it could be shown")
        shown = finish(repaired, rendered)
        still = self.recheck(shown, question, context)
        if still:
            return blocked(response, checks, f"its repair still failed ({still})")
        return shown.model_copy(update={"checks": checks})

    @staticmethod
    def _unverifiable(draft: GuardDraft) -> str | None:
        """Why an answered draft has nothing cited left to show, or None."""
        if draft.subject_refusal or not draft.needs_citations or any(s.cited for s in draft.kept):
            return None
        if draft.dose_refusal:
            return f"it stated a dose or schedule for {', '.join(draft.dose_refusal)}, which the source documents do not state"
        return "none of its statements could be verified against the source documents"

    def recheck(self, response: BotResponse, question: str, context: GuardContext | None = None) -> str | None:
        """What a repaired response still fails, among the rails that re-check repairs (each on it alone)."""
        draft = self.read(response, question, context)
        outcomes = [rail.check(draft, self.knowledge) for rail in self.rails if rail.recheck]
        return "; ".join(f"{o.rail}: {o.detail}" for o in outcomes if o.verdict != "allow") or None
