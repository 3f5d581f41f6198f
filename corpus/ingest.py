"""The corpus of a manifest: which documents, their text, their passages with exact provenance.
Pure Python, no ML: cheap to call anywhere. Cutting one document into passages: corpus/cutting.py."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from corpus.cleaning import CleaningRuleError, QuoteFinder
from corpus.cutting import SectionAnchorError, cut_document
from corpus.library import load_added
from corpus.models import (
    AddedDocument,
    DocumentInfo,
    DroppedBlock,
    Manifest,
    ManifestError,
    Passage,
    Sentence,
    load_manifest,
)
from corpus.passage_store import PassageStore

CORPUS_DIR = Path(__file__).resolve().parent
MANIFEST = CORPUS_DIR / "manifest.json"


@dataclass(frozen=True)
class Document:
    info: DocumentInfo
    raw: str

    @property
    def id(self) -> str:
        return self.info.id


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]
    store: PassageStore = field(compare=False, repr=False)  # passages and sentences by row (corpus/passage_store.py)
    dropped: tuple[DroppedBlock, ...]
    content_hash: str
    conflicts_file: Path | None = None  # the manifest's known-conflicts file, if it declares one
    added: Mapping[str, AddedDocument] = field(default_factory=dict, compare=False)  # by id: documents a site added
    hidden: frozenset[str] = frozenset()  # shipped documents left out (MDSBOT_HIDDEN_DOCUMENTS)

    def document(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.id == doc_id:
                return doc
        raise KeyError(doc_id)

    @property
    def passages(self) -> Sequence[Passage]:
        """Every passage in corpus order; each is built when first read (a start builds none)."""
        return self.store.passages

    @property
    def sentences(self) -> Sequence[Sentence]:
        return self.store.sentences

    def passage(self, passage_id: str) -> Passage:
        return self.store.passage(self.store.passage_rows[passage_id])

    def has_passage(self, passage_id: str) -> bool:
        return passage_id in self.store.passage_rows

    @property
    def passage_rows(self) -> dict[str, int]:
        """Passage id -> its position in `passages` (rows of the lexical state and the stored vectors)."""
        return self.store.passage_rows

    @property
    def sentence_rows(self) -> dict[str, int]:
        """Sentence id -> its position in `sentences`."""
        return self.store.sentence_rows

    def passages_of(self, doc_id: str) -> list[Passage]:
        return [self.store.passage(row) for row in self.store.rows_of(doc_id)]

    def sections_of(self, doc_id: str) -> list[str]:
        """A document's section titles in order (no passage is built)."""
        return self.store.sections_of(doc_id)

    def document_digest(self, doc_id: str) -> str:
        """Digest of a document's passages (ids, sections, cleaned texts): what its derived files are keyed by."""
        return self.store.documents[doc_id].digest

    def quote_span(self, doc_id: str, quote: str) -> tuple[int, int] | None:
        """Span in the shipped file of a verbatim quote (whitespace and line-break hyphens as in quote_form)."""
        return _quote_finder(self.document(doc_id).raw).first(quote)

    def locate_quote(self, doc_id: str, quote: str) -> tuple[Passage, int, int] | None:
        """The passage holding most of a verbatim quote, and the quote's span in the file."""
        span = self.quote_span(doc_id, quote)
        if span is None:
            return None
        start, end = span
        overlapping = [p for p in self.passages_of(doc_id) if p.start < end and p.end > start]
        if not overlapping:
            return None
        best = max(overlapping, key=lambda p: min(p.end, end) - max(p.start, start))
        return best, start, end


def load_corpus(
    manifest_path: Path | None = None, added_dir: Path | None = None, hidden: Iterable[str] = ()
) -> Corpus:
    """The corpus of a manifest (default: the shipped one), plus the documents a site added
    (``added_dir``: <data_dir>/documents, corpus/library.py), less the shipped ones it hides.
    Read once per path and state of the added documents."""
    added_manifest = added_dir / "manifest.json" if added_dir is not None else None
    stamp = _file_stamp(added_manifest) if added_manifest is not None else ""
    return _load_corpus((manifest_path or MANIFEST).resolve(), added_dir, stamp, tuple(sorted(set(hidden))))


def _file_stamp(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


@lru_cache(maxsize=4)
def _load_corpus(manifest_path: Path, added_dir: Path | None, _stamp: str, hidden: tuple[str, ...]) -> Corpus:
    """Read the manifests and their files; return passages with exact spans.

    Each document is cut by its declared layout and cleaned by its declared rules only;
    a rule that does not fit its text is a ManifestError naming the document and the rule.
    """
    manifest, entries, added = corpus_entries(manifest_path, added_dir, hidden)
    documents, passages, dropped = [], [], []
    prefixes = _passage_prefixes([info for info, _ in entries])
    for info, declared_in in entries:
        raw = read_text(declared_in, info)
        documents.append(Document(info, raw))
        try:
            doc_passages, doc_dropped = cut_document(info, raw, prefixes[info.id])
        except CleaningRuleError as exc:
            raise ManifestError(f"{declared_in}: document {info.id!r}: cleaning.{exc}") from None
        except SectionAnchorError as exc:
            raise ManifestError(f"{declared_in}: document {info.id!r}: {exc}") from None
        passages.extend(doc_passages)
        dropped.extend(doc_dropped)
    store = PassageStore.from_passages([d.id for d in documents], passages, {d.id: d.raw for d in documents})
    return Corpus(
        tuple(documents), store, tuple(dropped), _content_hash(documents, passages),
        conflicts_file=manifest_path.parent / manifest.conflicts if manifest.conflicts else None,
        added={record.info.id: record for record in added}, hidden=frozenset(hidden),
    )


def corpus_entries(
    manifest_path: Path, added_dir: Path | None, hidden: tuple[str, ...]
) -> tuple[Manifest, list[tuple[DocumentInfo, Path]], list[AddedDocument]]:
    """Which documents make the corpus: the manifest's (less the hidden) and the added ones,
    each with the manifest file that declares it (its text is read relative to that file)."""
    manifest = load_manifest(manifest_path)
    _check_hidden(manifest, hidden)
    entries = [(info, manifest_path) for info in manifest.documents if info.id not in hidden]
    added = load_added(added_dir).documents if added_dir is not None else []
    entries += [(record.info, added_dir / "manifest.json") for record in added]
    return manifest, entries, added


def _check_hidden(manifest: Manifest, hidden: tuple[str, ...]) -> None:
    shipped = [doc.id for doc in manifest.documents]
    unknown = [doc_id for doc_id in hidden if doc_id not in shipped]
    if unknown:
        raise ManifestError(f"MDSBOT_HIDDEN_DOCUMENTS: {unknown[0]!r} is not a shipped document; one of {', '.join(shipped)}")
    if len(hidden) == len(shipped):
        raise ManifestError("MDSBOT_HIDDEN_DOCUMENTS: hides every shipped document; at least one must stay")


def read_text(manifest_path: Path, info: DocumentInfo) -> str:
    """A document's text, read relative to the manifest that declares it."""
    path = manifest_path.parent / info.file
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ManifestError(f"{manifest_path}: document {info.id!r}: file: cannot read {path}: {exc.strerror}") from None



@lru_cache(maxsize=8)
def _quote_finder(raw: str) -> QuoteFinder:
    return QuoteFinder(raw)


def _content_hash(documents: list[Document], passages: list[Passage]) -> str:
    """Changes when a document, the cleaning or the passage split changes."""
    digest = hashlib.sha256()
    for doc in documents:
        digest.update(doc.raw.encode())
    for p in passages:
        digest.update(f"{p.id}|{p.section}|{p.start}|{p.end}|{p.normalized}".encode())
    return digest.hexdigest()[:16]


def _passage_prefixes(documents: list[DocumentInfo]) -> dict[str, str]:
    """The id's head before '_' ('000' for '000_<hash>') while no other document shares it; else the whole id."""
    heads = [doc.id.split("_", 1)[0] for doc in documents]
    ids = {doc.id for doc in documents}
    return {
        doc.id: head if heads.count(head) == 1 and head not in ids - {doc.id} else doc.id
        for doc, head in zip(documents, heads)
    }
