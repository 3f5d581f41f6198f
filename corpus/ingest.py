"""Documents -> passages with exact provenance. Pure Python, no ML: cheap to call anywhere."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from corpus.cleaning import (
    CleaningRuleError,
    MappedText,
    QuoteFinder,
    collapse_whitespace,
    find_furniture_spans,
    join_broken_lines,
    remove_reference_markers,
    repair_ocr,
)
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
from corpus.text import sentence_spans

CORPUS_DIR = Path(__file__).resolve().parent
MANIFEST = CORPUS_DIR / "manifest.json"

MAX_SENTENCES_PER_PASSAGE = 3
MAX_PASSAGE_CHARS = 480


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
            doc_passages, doc_dropped = _passages_of(info, raw, prefixes[info.id])
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


def _passages_of(info: DocumentInfo, raw: str, prefix: str) -> tuple[list[Passage], list[DroppedBlock]]:
    """Furniture located and dropped first (any layout), then the layout's own cut."""
    furniture = find_furniture_spans(raw, info.cleaning.furniture)
    dropped = [DroppedBlock(doc_id=info.id, name=f.name, why=f.why, start=a, end=b) for f, a, b in furniture]
    text = MappedText(raw).without((a, b) for _, a, b in furniture)
    cut = _wrapped_prose_passages if info.layout == "wrapped_prose" else _block_passages
    return cut(info, raw, text, prefix), dropped


def _cleaned(info: DocumentInfo, text: MappedText) -> MappedText:
    text = repair_ocr(text, info.cleaning.ocr_repairs)
    return remove_reference_markers(text) if info.cleaning.remove_reference_markers else text


class SectionAnchorError(ValueError):
    """A declared section whose opening words are not in the text."""


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


# --- wrapped prose: one paragraph wrapped at page edges; sections from the manifest ---


def _wrapped_prose_passages(info: DocumentInfo, raw: str, text: MappedText, prefix: str) -> list[Passage]:
    """Text before the first declared section (a title block) is skipped; no sections: one, the title."""
    if info.sections:
        body_start = text.text.find(info.sections[0].starts_at)
        if body_start < 0:
            raise SectionAnchorError(f"sections[0].starts_at: anchor not found: {info.sections[0].starts_at[:60]!r}")
        text = text.slice(body_start, len(text))
    body = join_broken_lines(_cleaned(info, text))
    groups = _group_by_section(info, split_sentences(body)) if info.sections else [(info.title, split_sentences(body))]
    passages: list[Passage] = []
    for section, members in groups:
        for chunk in _pack(members):
            passages.append(_make_passage(info, raw, prefix, section, "prose", chunk, len(passages)))
    return passages


def _group_by_section(info: DocumentInfo, sentences: list[MappedText]) -> list[tuple[str, list[MappedText]]]:
    groups: list[tuple[str, list[MappedText]]] = []
    pending = list(enumerate(info.sections))
    for sentence in sentences:
        if pending and sentence.text.startswith(pending[0][1].starts_at):
            groups.append((pending.pop(0)[1].title, []))
        if not groups:
            raise SectionAnchorError(f"sections[0].starts_at: text before the first section: {sentence.text[:60]!r}")
        groups[-1][1].append(sentence)
    if pending:
        i, section = pending[0]
        raise SectionAnchorError(f"sections[{i}].starts_at: anchor not found at a sentence start: {section.starts_at[:60]!r}")
    return groups


def _pack(sentences: list[MappedText]) -> list[list[MappedText]]:
    """Consecutive sentences, at most 3 and about 480 characters per passage."""
    chunks: list[list[MappedText]] = []
    for sentence in sentences:
        current = chunks[-1] if chunks else None
        if (
            current is not None
            and len(current) < MAX_SENTENCES_PER_PASSAGE
            and sum(len(s) for s in current) + len(sentence) <= MAX_PASSAGE_CHARS
        ):
            current.append(sentence)
        else:
            chunks.append([sentence])
    return chunks


def split_sentences(text: MappedText) -> list[MappedText]:
    """The sentences of a cleaned text, each keeping its origin (one splitter: corpus.text)."""
    return [text.slice(a, b) for a, b in sentence_spans(text.text)]


def _make_passage(
    info: DocumentInfo,
    raw: str,
    prefix: str,
    section: str,
    kind: str,
    units: list[MappedText],
    index: int,
) -> Passage:
    passage_id = f"{prefix}-p{index:03d}"
    start = min(u.starts[0] for u in units)
    end = max(u.ends[-1] for u in units)
    sentences = [
        Sentence(
            id=f"{passage_id}.s{i + 1}",
            passage_id=passage_id,
            doc_id=info.id,
            normalized=u.text,
            start=u.starts[0],
            end=u.ends[-1],
        )
        for i, u in enumerate(units)
    ]
    return Passage(
        id=passage_id,
        doc_id=info.id,
        section=section,
        kind=kind,
        start=start,
        end=end,
        text=raw[start:end],
        normalized=" ".join(u.text for u in units),
        sentences=sentences,
    )


# --- blocks: one block per line (headings, prose, bullet/numbered items) ---

_BULLET = re.compile(r"^\s*(?:•|[-*](?=\s))\s*")
_NUMBERED_ITEM = re.compile(r"^\s+\d+\.\s")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")


@dataclass
class _Line:
    text: MappedText  # cleaned, stripped
    raw_line: str

    @property
    def is_item(self) -> bool:
        return bool(_BULLET.match(self.raw_line) or _NUMBERED_ITEM.match(self.raw_line))

    @property
    def is_heading(self) -> bool:
        content = self.text.text
        if _MARKDOWN_HEADING.match(content):
            return True
        return not self.is_item and len(content) < 90 and not content.endswith((".", ":", "?", "!"))

    @property
    def heading(self) -> str:
        return _MARKDOWN_HEADING.sub("", self.text.text)


def _block_passages(info: DocumentInfo, raw: str, text: MappedText, prefix: str) -> list[Passage]:
    lines = _block_lines(raw, _cleaned(info, text), title=info.title)
    passages: list[Passage] = []
    section = info.title
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.is_heading:
            section = line.heading
            i += 1
            continue
        items = []
        j = i + 1
        while j < len(lines) and lines[j].is_item:
            items.append(lines[j])
            j += 1
        if line.is_item:
            items.insert(0, line)
        if items:
            intro = [] if line.is_item else split_sentences(line.text)
            passages.append(_list_passage(info, raw, prefix, section, intro, items, len(passages)))
        else:
            for chunk in _pack(split_sentences(line.text)):
                passages.append(_make_passage(info, raw, prefix, section, "prose", chunk, len(passages)))
        i = j
    return passages


def _list_passage(
    info: DocumentInfo, raw: str, prefix: str, section: str, intro: list[MappedText], items: list[_Line], index: int
) -> Passage:
    """A heading's list is one passage: 'intro\n• item\n• item' (numbered items keep their numbers)."""
    units = intro + [item.text.sub(_BULLET, "") for item in items]
    passage = _make_passage(info, raw, prefix, section, "list", units, index)
    lines = [" ".join(u.text for u in intro)] if intro else []
    for item, unit in zip(items, units[len(intro):]):
        lines.append(unit.text if _NUMBERED_ITEM.match(item.raw_line) else "• " + unit.text)
    return passage.model_copy(update={"normalized": "\n".join(lines)})


def _block_lines(raw: str, cleaned: MappedText, title: str) -> list[_Line]:
    """Non-empty lines, whitespace collapsed; a line that repeats the title is not content."""
    lines: list[_Line] = []
    offset = 0
    for piece in cleaned.text.split("\n"):
        segment = cleaned.slice(offset, offset + len(piece))
        offset += len(piece) + 1
        if not segment.text.strip():
            continue
        src_start, src_end = segment.source_span()
        stripped = collapse_whitespace(segment)
        if stripped.text == title:
            continue
        lines.append(_Line(stripped, raw[src_start:src_end]))
    return lines
