"""Known disagreements between the source documents: the mechanism, never the knowledge.

What the sources disagree on is data (the manifest's conflicts file, e.g. corpus/conflicts.yaml):
a topic, a summary, trigger terms, and each side's position as a verbatim sentence. This module
loads and validates it, resolves every position to its corpus sentence, and decides from the
declared triggers whether a text touches a conflict. The answerer adds every position whenever
a question touches the topic, and the guard checks that no answer on the topic shows only one side.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from corpus.vocabulary import CONCEPTS, concepts_in, words

if TYPE_CHECKING:  # pragma: no cover
    from corpus.ingest import Corpus
    from corpus.models import Sentence

_CONCEPT_KEYS = frozenset(c.key for c in CONCEPTS)


class ConflictsError(ValueError):
    """A conflicts file that cannot be used; the message is one line naming the conflict and the field."""


class TermGroup(BaseModel):
    """Named in a text when it names one of these concepts or words."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    concepts: frozenset[str] = Field(default=frozenset(), description="Vocabulary concept keys, without the 'c'.")
    words: frozenset[str] = Field(default=frozenset(), description="Lower-case word tokens.")

    @field_validator("concepts")
    @classmethod
    def _known_concepts(cls, concepts: frozenset[str]) -> frozenset[str]:
        unknown = sorted(c for c in concepts if f"c{c}" not in _CONCEPT_KEYS)
        if unknown:
            raise ValueError(f"unknown vocabulary concept(s): {', '.join(unknown)}")
        return concepts

    @field_validator("words")
    @classmethod
    def _lower_case_words(cls, values: frozenset[str]) -> frozenset[str]:
        bad = sorted(w for w in values if words(w) != [w])
        if bad:
            raise ValueError(f"not a lower-case word token: {', '.join(bad)}")
        return values

    def named_in(self, concept_keys: set[str], tokens: set[str]) -> bool:
        return bool({f"c{c}" for c in self.concepts} & concept_keys or self.words & tokens)


class Position(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    doc_id: str
    quote: str = Field(min_length=1, description="Opening words of the verbatim (cleaned) sentence.")
    stance: str


class RulesLink(BaseModel):
    """Where the rules core meets the conflict."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    drug: str = Field(description="Rules-core drug id whose claims and verdicts touch the conflict.")
    line: str = Field(description="Line of therapy ('first') on which the sources disagree.")
    pathway: str = Field(description="Pathway whose verdict must show every position.")
    warning: str = Field(description="Id of the rules-core warning that says the sources disagree.")


class KnownConflict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    topic: str
    summary: str
    triggers: tuple[tuple[TermGroup, ...], ...] = Field(min_length=1)
    positions: tuple[Position, ...] = Field(min_length=2)
    rules: RulesLink | None = None

    def applies_to(self, text: str) -> bool:
        """Any trigger whose every group the text names."""
        keys = {c.key for c in concepts_in(text)}
        tokens = set(words(text))
        return any(all(group.named_in(keys, tokens) for group in trigger) for trigger in self.triggers)


_CONFLICT_LIST = TypeAdapter(list[KnownConflict])


def load_conflicts(corpus: Corpus) -> tuple[KnownConflict, ...]:
    """The corpus manifest's known conflicts, each position checked to be a sentence of its document."""
    path = corpus.conflicts_file
    if path is None:
        return ()
    # A conflict with a position in a document the site hides (MDSBOT_HIDDEN_DOCUMENTS) is no conflict here.
    conflicts = [c for c in _parse(path) if not {p.doc_id for p in c.positions} & corpus.hidden]
    for conflict in conflicts:
        _check_positions(path, conflict, corpus)
    return tuple(conflicts)


def _parse(path: Path) -> list[KnownConflict]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or []
    except (OSError, yaml.YAMLError) as exc:
        raise ConflictsError(f"{path}: cannot read: {' '.join(str(exc).split())}") from None
    try:
        return _CONFLICT_LIST.validate_python(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = list(error["loc"])
        where = ""
        if loc and isinstance(loc[0], int) and isinstance(data[loc[0]], dict):
            where = f"conflict {data[loc[0]].get('topic', f'#{loc[0]}')!r}: "
            loc = loc[1:]
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        message = error["msg"].removeprefix("Value error, ")
        raise ConflictsError(f"{path}: {where}{field}: {message}") from None


def _check_positions(path: Path, conflict: KnownConflict, corpus: Corpus) -> None:
    known = {d.id for d in corpus.documents}
    for i, position in enumerate(conflict.positions):
        where = f"{path}: conflict {conflict.topic!r}: positions[{i}]"
        if position.doc_id not in known:
            raise ConflictsError(f"{where}.doc_id: no document {position.doc_id!r} in the manifest")
        if _sentence_of(position, corpus) is None:
            raise ConflictsError(f"{where}.quote: no sentence of {position.doc_id} opens with {position.quote[:60]!r}")


def _sentence_of(position: Position, corpus: Corpus) -> Sentence | None:
    return next(
        (s for p in corpus.passages_of(position.doc_id) for s in p.sentences if s.normalized.startswith(position.quote)),
        None,
    )


def position_sentences(conflict: KnownConflict, corpus: Corpus) -> tuple[Sentence, ...]:
    """The corpus sentence of each position, in order (the answerer and the guard resolve them once)."""
    found = []
    for position in conflict.positions:
        sentence = _sentence_of(position, corpus)
        if sentence is None:
            raise LookupError(f"conflict position not in corpus: {position.quote!r}")
        found.append(sentence)
    return tuple(found)


def conflicts_for(text: str, conflicts: tuple[KnownConflict, ...]) -> list[KnownConflict]:
    return [c for c in conflicts if c.applies_to(text)]


def for_pathway(pathway: str | None, conflicts: tuple[KnownConflict, ...]) -> list[KnownConflict]:
    """Conflicts a rules verdict by this pathway must show."""
    return [c for c in conflicts if c.rules is not None and c.rules.pathway == pathway]
