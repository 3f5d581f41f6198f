"""A text PDF -> blocks of text (pypdf), each page's lines reflowed into headings, paragraphs and items.

A page without a text layer (a scanned image, a blank page) yields nothing and is reported
by its page number; a PDF with no text at all is an error (OCR it first).
"""

from __future__ import annotations

import io
import re

from corpus.extract import Extraction, ExtractionError

_ITEM = re.compile(r"^\s*(?:[•\-*]\s+|\d+[.)]\s+)")
_END = (".", ":", "?", "!", ";")


def extract_pdf(data: bytes, name: str) -> Extraction:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or None
    except (PdfReadError, ValueError, KeyError) as exc:
        raise ExtractionError(f"{name}: not a readable PDF: {' '.join(str(exc).split())}") from None
    empty = [i + 1 for i, text in enumerate(pages) if not text.strip()]
    if len(empty) == len(pages):
        raise ExtractionError(f"{name}: no page has a text layer (a scanned PDF?); OCR it first")
    blocks = [block for text in pages for block in reflow_page(text)]
    return Extraction(
        format="pdf", text="\n\n".join(blocks) + "\n", title=title, pages=len(pages), pages_without_text=empty
    )


def reflow_page(text: str) -> list[str]:
    """A page's lines as blocks: a short line without closing punctuation after a paragraph end is a
    heading; a bullet or number starts an item; other lines join their paragraph (hyphens mended)."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    width = max((len(line) for line in lines), default=0)
    blocks: list[str] = []
    current: list[str] = []
    for line in lines:
        starts_block = not current or _ITEM.match(line) or _is_heading(line, width)
        if starts_block and current:
            blocks.append(_join(current))
            current = []
        current.append(line)
        if _is_heading(line, width) and len(current) == 1 or _ends_paragraph(line, width):
            blocks.append(_join(current))
            current = []
    if current:
        blocks.append(_join(current))
    return [_as_block(b) for b in blocks]


def _is_heading(line: str, width: int) -> bool:
    return len(line) < max(20, 0.6 * width) and not line.endswith(_END) and not _ITEM.match(line) and line[:1].isupper()


def _ends_paragraph(line: str, width: int) -> bool:
    return line.endswith(_END) and len(line) < 0.8 * width


def _join(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        if out.endswith("-") and line[:1].islower():
            out = out[:-1] + line  # a word hyphenated at the line end
        else:
            out = f"{out} {line}"
    return out


def _as_block(block: str) -> str:
    """Items in the blocks layout's forms: '- item' for bullets, '  1. item' for numbers."""
    if re.match(r"^[•\-*]\s+", block):
        return "- " + block[1:].strip()
    if re.match(r"^\d+[.)]\s+", block):
        return "  " + block
    return block
