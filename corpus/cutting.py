"""One document's text -> passages with exact spans, by its declared layout and cleaning rules.

Furniture (running heads, footers) is dropped first, then the layout cuts: "wrapped_prose"
(one paragraph wrapped at page edges, sections from the manifest) or blocks (one block per
line: headings, prose, bullet and numbered items). Pure Python, no ML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.cleaning import (
    MappedText,
    collapse_whitespace,
    find_furniture_spans,
    join_broken_lines,
    remove_reference_markers,
    repair_ocr,
)
from corpus.models import DocumentInfo, DroppedBlock, Passage, Sentence
from corpus.text import sentence_spans

MAX_SENTENCES_PER_PASSAGE = 3
MAX_PASSAGE_CHARS = 480


class SectionAnchorError(ValueError):
    """A declared section whose opening words are not in the text."""


def cut_document(info: DocumentInfo, raw: str, prefix: str) -> tuple[list[Passage], list[DroppedBlock]]:
    """Furniture located and dropped first (any layout), then the layout's own cut."""
    furniture = find_furniture_spans(raw, info.cleaning.furniture)
    dropped = [DroppedBlock(doc_id=info.id, name=f.name, why=f.why, start=a, end=b) for f, a, b in furniture]
    text = MappedText(raw).without((a, b) for _, a, b in furniture)
    cut = _wrapped_prose_passages if info.layout == "wrapped_prose" else _block_passages
    return cut(info, raw, text, prefix), dropped


def _cleaned(info: DocumentInfo, text: MappedText) -> MappedText:
    text = repair_ocr(text, info.cleaning.ocr_repairs)
    return remove_reference_markers(text) if info.cleaning.remove_reference_markers else text


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
