"""The lexical state of a corpus: BM25 over passages and sentences, each unit's topic terms,
the corpus words (spelling correction, premise checks); built incrementally and persisted.

`<root>/state-<key>/` (root: `<data dir>/lexical`, key: the analyser fingerprint and the
corpus content hash) holds everything a start needs, read with memory maps: a start with a
current state analyses nothing and builds no BM25. When the corpus changed, only the documents
whose content changed are analysed again (corpus/lexical_docs.py keeps each document's analysis),
BM25 is re-indexed from the stored tokens (IDF is corpus-wide) and the new state replaces the old.
With a Chroma server the lexical state still lives in the local data dir.

For per-document ingestion: call `sync(corpus, root)` after the corpus changed (it re-analyses
only the changed documents), and `forget_document(root, doc_id)` when a document is removed.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np

from corpus.ingest import Corpus
from corpus.lexical_docs import DocumentCache, DocumentTerms, analyzer_fingerprint
from corpus.vocabulary import stem

TERM_FIELDS = ("passage_terms", "sentence_terms", "section_terms")
ROW_CACHE = 8192  # term sets kept per table (~1 KB each)


@dataclass
class LexicalReport:
    """What opening the lexical state did (engine start, `mdsbot ingest`)."""

    loaded: bool  # a current persisted state was read as is: nothing analysed, no BM25 built
    analysed_documents: int = 0  # documents whose text was analysed now (new or changed)
    reused_documents: int = 0  # documents whose stored analysis was reused
    bm25_built: bool = False
    seconds: float = 0.0
    path: Path | None = None  # the state directory (None: kept in memory, the data dir is not writable)


class LexicalIndex:
    """bm25s over analysed tokens (built here, or loaded memory-mapped)."""

    def __init__(self, bm25: bm25s.BM25, size: int):
        self.bm25 = bm25
        self.size = size
        self.vocabulary = frozenset(bm25.vocab_dict)

    @classmethod
    def build(cls, tokens: list[list[str]]) -> LexicalIndex:
        bm25 = bm25s.BM25()
        bm25.index(tokens, show_progress=False)
        return cls(bm25, len(tokens))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every unit (a numpy pass over the query terms' postings; no Python loop)."""
        known = [t for t in query_tokens if t in self.vocabulary]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)


class TermTable:
    """Token lists per unit as CSR over one vocabulary: a unit's set is built only when asked for
    (and the last few thousand kept: one answer reads each candidate's terms several times)."""

    def __init__(self, vocab: list[str], indptr: np.ndarray, ids: np.ndarray):
        self.vocab = vocab
        # Plain ndarray views of memory maps: np.memmap's own indexing costs ~5 us a call.
        self.indptr = indptr.view(np.ndarray)
        self.ids = ids.view(np.ndarray)
        self.row = lru_cache(maxsize=ROW_CACHE)(self._row)

    def _row(self, i: int) -> frozenset[str]:
        start, end = self.indptr[i : i + 2].tolist()
        return frozenset(map(self.vocab.__getitem__, self.ids[start:end].tolist()))


class TermLookup:
    """Mapping-like: unit id -> its topic terms (a frozenset), read from a TermTable row."""

    def __init__(self, table: TermTable, rows: dict[str, int]):
        self.table = table
        self.rows = rows

    def __getitem__(self, unit_id: str) -> frozenset[str]:
        return self.table.row(self.rows[unit_id])


@dataclass
class LexicalState:
    passages: LexicalIndex
    sentences: LexicalIndex
    terms: dict[str, TermTable]
    words: frozenset[str]  # every word of the corpus (sections included)
    stems: frozenset[str]
    passage_vocabulary: frozenset[str]  # every term some passage's text names (is a drug discussed at all?)
    report: LexicalReport = field(default_factory=lambda: LexicalReport(loaded=False))

    def lookup(self, name: str, corpus: Corpus) -> TermLookup:
        """Terms by id: 'sentence_terms' by sentence id, 'passage_terms' and 'section_terms' by passage id."""
        return TermLookup(self.terms[name], corpus.sentence_rows if name == "sentence_terms" else corpus.passage_rows)


def open_state(corpus: Corpus, root: Path | None) -> LexicalState:
    """The corpus's lexical state: loaded when current, else synced (see `sync`)."""
    started = time.perf_counter()
    fingerprint = analyzer_fingerprint()
    if root is not None:
        directory = root / f"state-{fingerprint}-{corpus.content_hash}"
        if (directory / "done").exists():
            try:
                state = _load(directory, len(corpus.passages), len(corpus.sentences))
                state.report = LexicalReport(loaded=True, seconds=time.perf_counter() - started, path=directory)
                return state
            except (OSError, ValueError, KeyError):
                pass  # damaged: built again below
    return sync(corpus, root, started)


def sync(corpus: Corpus, root: Path | None, started: float | None = None) -> LexicalState:
    """Analyse the documents whose content changed (the others' analysis is reused), index BM25
    from the stored tokens and persist the state under `root` (if writable)."""
    started = time.perf_counter() if started is None else started
    fingerprint = analyzer_fingerprint()
    writable = root is not None and _writable(root)
    cache = DocumentCache(root or Path(tempfile.gettempdir()))
    docs, analysed = [], 0
    for doc in corpus.documents:
        terms, fresh = cache.terms(corpus, doc.id, fingerprint, writable)
        docs.append(terms)
        analysed += fresh
    state = _merge(docs)
    report = LexicalReport(False, analysed, len(docs) - analysed, True)
    if writable:
        assert root is not None
        report.path = _persist(state, root, f"state-{fingerprint}-{corpus.content_hash}", corpus)
    report.seconds = time.perf_counter() - started
    state.report = report
    return state


def forget_document(root: Path, doc_id: str) -> None:
    """Drop a removed document's stored analysis (the next `sync` indexes the corpus without it)."""
    DocumentCache(root).forget(doc_id)


def _merge(docs: list[DocumentTerms]) -> LexicalState:
    def rows(name: str) -> list[list[str]]:
        return [row for d in docs for row in d.fields[name]]

    words = frozenset(w for d in docs for w in d.words)
    vocab = sorted({t for name in TERM_FIELDS for row in rows(name) for t in row})
    ids = {t: i for i, t in enumerate(vocab)}
    terms = {name: _table(rows(name), vocab, ids) for name in TERM_FIELDS}
    return LexicalState(
        passages=LexicalIndex.build(rows("passage_tokens")),
        sentences=LexicalIndex.build(rows("sentence_tokens")),
        terms=terms,
        words=words,
        stems=frozenset(stem(w) for w in words),
        passage_vocabulary=frozenset(t for row in rows("passage_terms") for t in row),
    )


def _table(rows: list[list[str]], vocab: list[str], ids: dict[str, int]) -> TermTable:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=indptr[1:])
    flat = np.fromiter((ids[t] for row in rows for t in row), dtype=np.int32, count=int(indptr[-1]))
    return TermTable(vocab, indptr, flat)


def _persist(state: LexicalState, root: Path, name: str, corpus: Corpus) -> Path | None:
    """Write to a temporary directory, then rename: a reader never sees half a state."""
    target = root / name
    partial = Path(tempfile.mkdtemp(prefix=f"{name}.", dir=root))
    try:
        state.passages.bm25.save(str(partial / "passages"), show_progress=False)
        state.sentences.bm25.save(str(partial / "sentences"), show_progress=False)
        vocab = state.terms["passage_terms"].vocab
        (partial / "terms_vocab.json").write_text(json.dumps(vocab))
        for name_, table in state.terms.items():
            np.save(partial / f"{name_}_indptr.npy", table.indptr)
            np.save(partial / f"{name_}_ids.npy", table.ids)
        (partial / "words.json").write_text(json.dumps(sorted(state.words)))
        (partial / "stems.json").write_text(json.dumps(sorted(state.stems)))
        (partial / "passage_vocabulary.json").write_text(json.dumps(sorted(state.passage_vocabulary)))
        (partial / "done").write_text(json.dumps({"passages": len(corpus.passages), "sentences": len(corpus.sentences)}))
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        return None
    _prune(root, keep=target)
    return target


def _prune(root: Path, keep: Path) -> None:
    """Older states go (a process that still maps one keeps its open files)."""
    for old in root.glob("state-*"):
        if old != keep and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def _load(directory: Path, passages: int, sentences: int) -> LexicalState:
    counts = json.loads((directory / "done").read_text())
    if counts != {"passages": passages, "sentences": sentences}:
        raise ValueError("lexical state does not match the corpus")
    vocab = json.loads((directory / "terms_vocab.json").read_text())
    terms = {
        name: TermTable(
            vocab,
            np.load(directory / f"{name}_indptr.npy", mmap_mode="r"),
            np.load(directory / f"{name}_ids.npy", mmap_mode="r"),
        )
        for name in TERM_FIELDS
    }
    return LexicalState(
        passages=LexicalIndex(_load_bm25(directory / "passages"), passages),
        sentences=LexicalIndex(_load_bm25(directory / "sentences"), sentences),
        terms=terms,
        words=frozenset(json.loads((directory / "words.json").read_text())),
        stems=frozenset(json.loads((directory / "stems.json").read_text())),
        passage_vocabulary=frozenset(json.loads((directory / "passage_vocabulary.json").read_text())),
    )


def _load_bm25(path: Path) -> bm25s.BM25:
    return bm25s.BM25.load(str(path), mmap=True, show_progress=False)


def _writable(root: Path) -> bool:
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / ".probe"
        probe.write_text("")
        probe.unlink()
        return True
    except OSError:
        return False
