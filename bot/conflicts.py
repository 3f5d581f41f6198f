"""Known disagreements between the source documents, each position a verbatim sentence.

The answerer adds both positions whenever a question touches the topic, and the
guard checks that no answer on the topic shows only one side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from corpus.vocabulary import concepts_in, words

if TYPE_CHECKING:  # pragma: no cover
    from corpus.ingest import Corpus
    from corpus.models import Sentence


@dataclass(frozen=True)
class Position:
    doc_id: str
    sentence_starts_with: str  # opening words of the verbatim (cleaned) sentence


@dataclass(frozen=True)
class KnownConflict:
    topic: str
    summary: str
    positions: tuple[Position, ...]

    def applies_to(self, text: str) -> bool:
        keys = {c.key for c in concepts_in(text)}
        tokens = set(words(text))
        about_drug = "cluspatercept" in keys
        # Any question about luspatercept's line of therapy touches the disagreement.
        first_line = bool({"cfirstline", "csecondline"} & keys) or bool({"commands", "naive", "frontline", "upfront"} & tokens)
        return about_drug and first_line or "commands" in tokens


FIRST_LINE_LUSPATERCEPT = KnownConflict(
    topic="first-line luspatercept",
    summary=(
        "The sources disagree on first-line luspatercept: document 002 (last updated December 8, 2025) says it is "
        "not indicated as first-line therapy and calls COMMANDS ongoing, while document 000 reports the COMMANDS "
        "results (60.4% vs 34.8% versus epoetin alfa) and supports first-line use in ESA-naive transfusion-dependent "
        "LR-MDS. Both positions are shown."
    ),
    positions=(
        Position("002_b313ab8f7ec3a988", "Common pitfall: Luspatercept is NOT indicated as first-line therapy"),
        Position("002_b313ab8f7ec3a988", "The COMMANDS trial (ongoing Phase 3)"),
        Position("000_28884f76a78fdbfe", "In the phase 3 COMMANDS trial"),
        Position("000_28884f76a78fdbfe", "Evidence-based sequencing begins with early ESA use"),
    ),
)

KNOWN_CONFLICTS: tuple[KnownConflict, ...] = (FIRST_LINE_LUSPATERCEPT,)


def position_sentences(conflict: KnownConflict, corpus: Corpus) -> tuple[Sentence, ...]:
    """The corpus sentence of each position, in order (the answerer and the guard resolve them once)."""
    found = []
    for position in conflict.positions:
        match = next(
            (
                s
                for s in corpus.sentences
                if s.doc_id == position.doc_id and s.normalized.startswith(position.sentence_starts_with)
            ),
            None,
        )
        if match is None:
            raise LookupError(f"conflict position not in corpus: {position.sentence_starts_with!r}")
        found.append(match)
    return tuple(found)


def conflicts_for(text: str) -> list[KnownConflict]:
    return [c for c in KNOWN_CONFLICTS if c.applies_to(text)]
