"""What lexical search and the answerer need of one document, analysed once and kept per document.

Analysing text (stemming, concept expansion: ~0.15 ms a sentence) is the costly part of a
lexical index; it is done once per document *content* and stored as `<root>/docs/<doc_id>/<key>.npz`,
so adding, changing or removing one document re-analyses only that document
(corpus/lexical.py merges them). Arrays only, no pickle: a shared data dir cannot run code.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.ingest import Corpus
from corpus.lexicon import LEXICON_PATH
from corpus.models import Passage
from corpus.vocabulary import analyze, words

LEXICAL_FORMAT = "1"  # bump when what is stored per document changes

# Token lists per unit (passage, sentence) stored as CSR: a vocabulary and (indptr, ids).
FIELDS = ("passage_tokens", "sentence_tokens", "passage_terms", "sentence_terms", "section_terms")


def analyzer_fingerprint() -> str:
    """Changes when the analysis could: the lexicon (concepts, shorthand) or this format."""
    digest = hashlib.sha256(LEXICAL_FORMAT.encode())
    digest.update(LEXICON_PATH.read_bytes())
    return digest.hexdigest()[:16]


def document_key(corpus: Corpus, doc_id: str, fingerprint: str) -> str:
    """Content key of one document's passages (ids, sections, cleaned text) for one kind of derived file.

    From the digest the cut corpus keeps per document: a start builds no passage to key its files."""
    return hashlib.sha256(f"{fingerprint}|{corpus.document_digest(doc_id)}".encode()).hexdigest()[:20]


def terms_of(text: str) -> list[str]:
    """A unit's topic terms as the answerer reads them: stemmed tokens, concept keys and plain words."""
    return sorted(set(analyze(text)) | set(words(text)))


@dataclass
class DocumentTerms:
    """One document's analysed units, in corpus order (lists of token lists per field)."""

    fields: dict[str, list[list[str]]]
    words: list[str]  # every word of its passages (sections included): spelling and premise checks

    @classmethod
    def analyse(cls, passages: Sequence[Passage]) -> DocumentTerms:
        sections: dict[str, list[str]] = {}
        fields: dict[str, list[list[str]]] = {name: [] for name in FIELDS}
        found: set[str] = set()
        for p in passages:
            fields["passage_tokens"].append(analyze(f"{p.section} {p.normalized}"))
            fields["passage_terms"].append(terms_of(p.normalized))
            fields["section_terms"].append(sections.setdefault(p.section, terms_of(p.section)))
            found.update(words(f"{p.section} {p.normalized}"))
            for s in p.sentences:
                fields["sentence_tokens"].append(analyze(s.normalized))
                fields["sentence_terms"].append(terms_of(s.normalized))
        return cls(fields, sorted(found))

    def save(self, path: Path) -> None:
        vocab = sorted({t for rows in self.fields.values() for row in rows for t in row} | set(self.words))
        ids = {t: i for i, t in enumerate(vocab)}
        arrays: dict[str, np.ndarray] = {"vocab": np.asarray(vocab, dtype=str), "words": _ids([self.words], ids)[1]}
        for name, rows in self.fields.items():
            arrays[f"{name}_indptr"], arrays[f"{name}_ids"] = _ids(rows, ids)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.npz")
        np.savez(partial, **arrays)
        partial.replace(path)

    @classmethod
    def load(cls, path: Path) -> DocumentTerms:
        with np.load(path, allow_pickle=False) as data:
            vocab = data["vocab"].tolist()
            fields = {
                name: _rows(data[f"{name}_indptr"], data[f"{name}_ids"], vocab) for name in FIELDS
            }
            return cls(fields, [vocab[i] for i in data["words"].tolist()])


def _ids(rows: list[list[str]], ids: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=indptr[1:])
    flat = np.fromiter((ids[t] for row in rows for t in row), dtype=np.int32, count=int(indptr[-1]))
    return indptr, flat


def _rows(indptr: np.ndarray, flat: np.ndarray, vocab: list[str]) -> list[list[str]]:
    tokens = [vocab[i] for i in flat.tolist()]
    bounds = indptr.tolist()
    return [tokens[a:b] for a, b in zip(bounds, bounds[1:])]


class DocumentCache:
    """`<root>/docs/<doc_id>/<key>.npz`: one document's analysis per content key."""

    def __init__(self, root: Path):
        self.root = root / "docs"

    def terms(self, corpus: Corpus, doc_id: str, fingerprint: str, writable: bool) -> tuple[DocumentTerms, bool]:
        """(the document's terms, whether they had to be analysed now)."""
        path = self.root / safe_name(doc_id) / f"{document_key(corpus, doc_id, fingerprint)}.npz"
        if path.exists():
            try:
                return DocumentTerms.load(path), False
            except (OSError, ValueError, KeyError):
                pass  # a damaged cache file is analysed again below
        terms = DocumentTerms.analyse(corpus.passages_of(doc_id))
        if writable:
            self.forget(doc_id)  # older versions of this document
            terms.save(path)
        return terms, True

    def forget(self, doc_id: str) -> None:
        shutil.rmtree(self.root / safe_name(doc_id), ignore_errors=True)

    def known(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir()) if self.root.exists() else []


def safe_name(doc_id: str) -> str:
    """Document ids are [A-Za-z0-9_-] (corpus/models.py); anything else is hashed, never a path."""
    if doc_id and all(ch.isalnum() or ch in "_-" for ch in doc_id):
        return doc_id
    return "id-" + hashlib.sha256(doc_id.encode()).hexdigest()[:16]
