"""A known conflict in an answer: its positions quoted (the question is on its topic) or it is listed.

The Answerer's conflict steps (it supplies corpus, conflicts, _positions and citation): every position
when the question touches the topic; an answer quoting a sentence on it otherwise lists the conflict
(its summary names both sides) without appending the positions (issue 11: the block buried answers).
"""

from __future__ import annotations

from bot.models import Citation, Conflict
from bot.qa.selection import ScoredSentence
from corpus.conflicts import KnownConflict


class ConflictPositions:
    def _conflicts_in_evidence(self, scored: list[ScoredSentence], touched: list[KnownConflict]) -> list[KnownConflict]:
        """Conflicts the question touches by meaning: its best evidence holds positions of both documents
        ("<drug> vs <comparator> head to head?" names no trigger, yet its best sentences are both sides)."""
        top = scored[: self.tuning.conflict_evidence_depth]
        found = []
        for conflict in self.conflicts:
            positions = {s.id for s in self._positions[conflict.topic]}
            docs = {c.passage.doc_id for c in top if c.sentence.id in positions}
            if conflict not in touched and len(docs) >= 2:
                found.append(conflict)
        return found

    def _conflicts_from_citations(self, chosen: list[ScoredSentence]) -> list[KnownConflict]:
        """An answer that quotes one position of a known conflict, or a sentence on its topic
        (one its triggers name), must show every position (the guard's conflict rail agrees)."""
        ids = {c.sentence.id for c in chosen}
        return [
            conflict
            for conflict in self.conflicts
            if any(s.id in ids for s in self._positions[conflict.topic])
            or any(conflict.applies_to(c.sentence.normalized) for c in chosen)
        ]

    def _with_conflict_positions(self, chosen: list[ScoredSentence], conflicts: list[KnownConflict]) -> list[ScoredSentence]:
        out = list(chosen)
        ids = {c.sentence.id for c in out}
        for conflict in conflicts:
            for sentence in self._positions[conflict.topic]:
                if sentence.id not in ids:
                    passage = self.corpus.passage(sentence.passage_id)
                    out.append(ScoredSentence(sentence, passage, 0.0, 0.0, 0.0, 0.0))
                    ids.add(sentence.id)
        return out

    def _conflict_model(self, conflict: KnownConflict, citations: list[Citation]) -> Conflict:
        quotes = self._positions[conflict.topic]
        positions = [c for c in citations if any(c.passage_id == q.passage_id for q in quotes)]
        return Conflict(topic=conflict.topic, positions=positions, summary=conflict.summary)

    def conflict_with_citations(self, conflict: KnownConflict, citations: list[Citation]) -> Conflict:
        """The conflict, its positions added to `citations` (numbered after them) where missing."""
        for sentence in self._positions[conflict.topic]:
            if not any(c.passage_id == sentence.passage_id for c in citations):
                passage = self.corpus.passage(sentence.passage_id)
                citations.append(self.citation(len(citations) + 1, passage, [sentence]))
        return self._conflict_model(conflict, citations)
