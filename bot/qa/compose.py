"""An answer composed from the chosen sentences: grouped by passage, each cited; or a plain refusal.

The Answerer's composition steps (it supplies corpus, coverage and _conflict_model).
"""

from __future__ import annotations

from bot.citing import make_citation
from bot.models import BotResponse, Citation
from bot.qa.selection import ScoredSentence, render_units
from corpus.conflicts import KnownConflict
from corpus.models import Passage, Sentence


class Composition:
    def _compose(self, chosen: list[ScoredSentence], conflicts: list[KnownConflict]) -> BotResponse:
        # Group by passage (first appearance order), document order inside a passage.
        order: list[str] = []
        by_passage: dict[str, list[Sentence]] = {}
        for item in chosen:
            if item.passage.id not in by_passage:
                order.append(item.passage.id)
                by_passage[item.passage.id] = []
            by_passage[item.passage.id].append(item.sentence)
        parts, citations = [], []
        for n, passage_id in enumerate(order, start=1):
            passage = self.corpus.passage(passage_id)
            sentences = sorted(by_passage[passage_id], key=lambda s: s.start)
            parts.extend(f"{unit} [{n}]" for unit in render_units(passage, sentences))
            citations.append(self.citation(n, passage, sentences))
        conflict_models = [self._conflict_model(c, citations) for c in conflicts]
        return BotResponse(
            status="answered",
            route="retrieval",
            answer=" ".join(parts),
            citations=citations,
            conflicts=conflict_models,
        )

    def citation(self, n: int, passage: Passage, sentences: list[Sentence]) -> Citation:
        return make_citation(self.corpus, n, passage, sentences)

    def _refuse(self, reason: str) -> BotResponse:
        return BotResponse(
            status="refused",
            route="refusal",
            answer=f"I can't answer that from the source documents. {reason} {self.coverage}",
        )
