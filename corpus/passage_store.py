"""The cut corpus as columns: passages and sentences become pydantic models only when asked for.

A start with a current index reads the columns (ids, spans, section numbers, sentence bounds, byte
offsets into one UTF-8 blob of cleaned texts; corpus/corpus_cache.py keeps them in the data dir)
and builds no `Passage` or `Sentence`: at 100,000 passages building them all took most of a start.
Retrieval returns candidates by row; `passage(row)` then builds that passage (its `text` is the
document's characters [start:end], its sentences with it) once and keeps it. What leaves the store
are the same models `corpus/cutting.py` cuts: tests/test_passage_store.py compares them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, overload

import numpy as np

from corpus.models import Passage, Sentence

KINDS = ("prose", "list")


@dataclass(frozen=True)
class DocumentRows:
    """One document's passages: rows [first, end) of the store, and a digest of their content."""

    doc_id: str
    first: int
    end: int
    digest: str  # sha256 of the passages' ids, sections and cleaned texts (lexical_docs.document_key)


def content_digest(passages: Sequence[Passage]) -> str:
    """What a document's derived files (vectors, lexical terms, guard facts) are keyed by."""
    digest = hashlib.sha256()
    for p in passages:
        digest.update(f"{p.id}|{p.section}|{p.normalized}".encode())
        for s in p.sentences:
            digest.update(f"|{s.id}|{s.normalized}".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Columns:
    """Everything a passage is made of, one entry per row (passages) or per sentence row."""

    passage_ids: list[str]
    sentence_ids: list[str]
    sections: list[str]  # distinct section titles; `section` holds indexes into it
    section: np.ndarray  # int32, per passage
    kind: np.ndarray  # int8, per passage: index into KINDS
    span: np.ndarray  # int64 (passages, 2): start, end in the document's text
    sentence_span: np.ndarray  # int64 (sentences, 2)
    first_sentence: np.ndarray  # int64 (passages + 1): a passage's sentences are rows [first[i], first[i+1])
    text_offsets: np.ndarray  # int64 (passages + sentences + 1): byte offsets of each cleaned text in `blob`
    blob: np.ndarray  # uint8: passages' cleaned texts, then sentences' (a memory map when read from disk)

    def cleaned(self, unit: int) -> str:
        a, b = self.text_offsets[unit], self.text_offsets[unit + 1]
        return self.blob[a:b].tobytes().decode("utf-8")


def columns_of(passages: Sequence[Passage]) -> Columns:
    """The columns of passages cut in memory (the cache writes these)."""
    sentences = [s for p in passages for s in p.sentences]
    sections = list(dict.fromkeys(p.section for p in passages))
    number = {title: i for i, title in enumerate(sections)}
    encoded = [p.normalized.encode() for p in passages] + [s.normalized.encode() for s in sentences]
    sizes = np.fromiter((len(e) for e in encoded), dtype=np.int64, count=len(encoded))
    counts = np.fromiter((len(p.sentences) for p in passages), dtype=np.int64, count=len(passages))
    return Columns(
        passage_ids=[p.id for p in passages],
        sentence_ids=[s.id for s in sentences],
        sections=sections,
        section=np.asarray([number[p.section] for p in passages], dtype=np.int32),
        kind=np.asarray([KINDS.index(p.kind) for p in passages], dtype=np.int8),
        span=np.asarray([(p.start, p.end) for p in passages], dtype=np.int64).reshape(-1, 2),
        sentence_span=np.asarray([(s.start, s.end) for s in sentences], dtype=np.int64).reshape(-1, 2),
        first_sentence=np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
        text_offsets=np.concatenate(([0], np.cumsum(sizes))).astype(np.int64),
        blob=np.frombuffer(b"".join(encoded), dtype=np.uint8),
    )


class Rows(Sequence):
    """A read-only sequence whose items are built by row when first read (passages or sentences)."""

    def __init__(self, count: int, build: Any):
        self._count, self._build = count, build

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, row: int) -> Any: ...
    @overload
    def __getitem__(self, row: slice) -> list: ...
    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self._build(i) for i in range(*row.indices(self._count))]
        if 0 <= row < self._count:  # the common case first: retrieval reads many rows per question
            return self._build(row)
        if not -self._count <= row < 0:
            raise IndexError(row)
        return self._build(row + self._count)

    def __iter__(self) -> Iterator:
        return (self._build(i) for i in range(self._count))


class PassageStore:
    """Passages and sentences by row, built from the columns on first use and kept."""

    def __init__(self, columns: Columns, documents: Sequence[DocumentRows], texts: Mapping[str, str],
                 built: Sequence[Passage] = ()):
        self.columns = columns
        self.documents = {d.doc_id: d for d in documents}
        self._texts = texts  # document id -> its text: a passage's `text` is text[start:end]
        self._doc_of_row = np.repeat(np.arange(len(documents)), [d.end - d.first for d in documents])
        self._doc_ids = [d.doc_id for d in documents]
        self._built: dict[int, Passage] = dict(enumerate(built))
        self._sentences: dict[int, Sentence] = {}  # sentence row -> the one in its built passage
        self.passages = Rows(len(columns.passage_ids), self.passage)
        self.sentences = Rows(len(columns.sentence_ids), self.sentence)

    @classmethod
    def from_passages(
        cls, doc_ids: Sequence[str], passages: Sequence[Passage], texts: Mapping[str, str]
    ) -> PassageStore:
        """The store of passages cut in memory, in corpus order (grouped by document, in `doc_ids` order)."""
        grouped: dict[str, list[Passage]] = {doc_id: [] for doc_id in doc_ids}
        for p in passages:
            grouped[p.doc_id].append(p)
        documents, first = [], 0
        for doc_id, own in grouped.items():
            documents.append(DocumentRows(doc_id, first, first + len(own), content_digest(own)))
            first += len(own)
        ordered = [p for own in grouped.values() for p in own]
        return cls(columns_of(ordered), documents, texts, built=ordered)

    def passage(self, row: int) -> Passage:
        found = self._built.get(row)
        if found is None:
            found = self._built.setdefault(row, self._make(row))
        return found

    @property
    def built_rows(self) -> frozenset[int]:
        """Rows whose passage has been built (a start with a current index builds only those it reads)."""
        return frozenset(self._built)

    def sentence(self, row: int) -> Sentence:
        found = self._sentences.get(row)
        if found is None:
            owner = int(self.sentence_owner[row])
            found = self.passage(owner).sentences[row - int(self.columns.first_sentence[owner])]
            self._sentences[row] = found
        return found

    @cached_property
    def sentence_owner(self) -> np.ndarray:
        """Sentence row -> the row of its passage."""
        counts = np.diff(self.columns.first_sentence)
        return np.repeat(np.arange(len(counts)), counts)

    def _make(self, row: int) -> Passage:
        c = self.columns
        doc_id = self._doc_ids[int(self._doc_of_row[row])]
        passage_id = c.passage_ids[row]
        start, end = (int(x) for x in c.span[row])
        first, last = int(c.first_sentence[row]), int(c.first_sentence[row + 1])
        offset = len(c.passage_ids)  # sentences' texts follow the passages' in the blob
        sentences = [
            Sentence.model_construct(id=c.sentence_ids[i], passage_id=passage_id, doc_id=doc_id,
                                     normalized=c.cleaned(offset + i), start=int(c.sentence_span[i, 0]),
                                     end=int(c.sentence_span[i, 1]))
            for i in range(first, last)
        ]
        return Passage.model_construct(
            id=passage_id, doc_id=doc_id, section=c.sections[int(c.section[row])], kind=KINDS[int(c.kind[row])],
            start=start, end=end, text=self._texts[doc_id][start:end], normalized=c.cleaned(row), sentences=sentences,
        )

    @cached_property
    def passage_rows(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.columns.passage_ids)}

    @cached_property
    def sentence_rows(self) -> dict[str, int]:
        return {sid: i for i, sid in enumerate(self.columns.sentence_ids)}

    def rows_of(self, doc_id: str) -> range:
        rows = self.documents.get(doc_id)
        return range(rows.first, rows.end) if rows is not None else range(0)

    def sections_of(self, doc_id: str) -> list[str]:
        """A document's section titles, in order, without building its passages."""
        rows = self.rows_of(doc_id)
        numbers = self.columns.section[rows.start:rows.stop].tolist()
        return list(dict.fromkeys(self.columns.sections[n] for n in numbers))
