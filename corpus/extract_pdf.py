"""A text PDF -> blocks of text (pypdf): page furniture dropped, lines reflowed into headings, paragraphs and items.

A page without a text layer (a scanned image, a blank page) yields nothing and is reported
by its page number; a PDF with no text at all is an error (OCR it first).

Real documents (drug labels, journal articles) repeat a running header and a footer with the
page number on every page: such lines are found by repetition across pages (digits ignored) at
the top or bottom of a page, dropped and listed. The pages' remaining lines are reflowed as one
stream, so a paragraph that runs over a page break stays one paragraph.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from corpus.extract import MAX_DROPPED_LINES, Extraction, ExtractionError, drop_furniture_lines
from corpus.extract_table import with_tables

_ITEM = re.compile(r"^\s*(?:[•\-*]\s+|\d+[.)]\s+)")
_END = (".", ":", "?", "!", ";")
# "2 DOSAGE AND ADMINISTRATION", "2.1 Recommended Dosage", "5.2 Thrombotic and Thromboembolic Complications"
_NUMBERED_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,2}\s+[A-Z][A-Za-z]")
# "------ INDICATIONS AND USAGE ------": a highlights heading between rules
_RULED_HEADING = re.compile(r"^[-_=]{3,}\s*(.+?)\s*[-_=]{3,}$")
# "... with food. (2.1)": a label's pointer to the section that says more; not part of the sentence
_SECTION_POINTER = re.compile(r"(?<=[.!?])\s*\(\d+(?:\.\d+)*(?:\s*,\s*\d+(?:\.\d+)*)*\)")
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
EDGE_LINES = 2  # a running header or footer is among a page's first or last lines
_PAGE_WORDING = re.compile(r"\bpage\s*\d+|\bp\.\s*\d+|\b\d+\s*(?:of|/)\s*\d+\b", re.IGNORECASE)


def extract_pdf(data: bytes, name: str) -> Extraction:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        layouts = [page.extract_text(extraction_mode="layout") or "" if text.strip() else "" for page, text in zip(reader.pages, pages)]
        title = (reader.metadata.title if reader.metadata else None) or None
    except (PdfReadError, ValueError, KeyError) as exc:
        raise ExtractionError(f"{name}: not a readable PDF: {' '.join(str(exc).split())}") from None
    empty = [i + 1 for i, text in enumerate(pages) if not text.strip()]
    if len(empty) == len(pages):
        raise ExtractionError(f"{name}: no page has a text layer (a scanned PDF?); OCR it first")
    read = [with_tables(_lines(text), layout) for text, layout in zip(pages, layouts)]
    kept, dropped = drop_running_lines([lines for lines, _ in read])
    blocks, references = drop_furniture_lines(reflow_lines(kept, {row for _, rows in read for row in rows}))
    dropped += references
    return Extraction(
        format="pdf", text="\n\n".join(blocks) + "\n", title=title, pages=len(pages), pages_without_text=empty,
        dropped=dropped[:MAX_DROPPED_LINES], dropped_count=len(dropped),
    )


def _lines(text: str) -> list[str]:
    return [line for line in (" ".join(raw.split()) for raw in text.splitlines()) if line]


def _shape(line: str) -> str:
    """A line with its digits masked: 'Page 2 of 9' and 'Page 3 of 9' are one running line."""
    return re.sub(r"\d+", "#", line.lower())


def drop_running_lines(pages: list[list[str]]) -> tuple[list[str], list[str]]:
    """(the lines kept, in page order; the distinct running lines dropped).

    A line at a page's top or bottom that recurs there on at least half of the pages (and on two or
    more) is a running header or footer: the same text (not a sentence's lower-case continuation), or
    the same text but for its page number ('Page 2 of 9'); a bare page number is always one. Body lines
    that differ only in their figures, or that merely mention the page's number, stay."""
    with_text = [(n, lines) for n, lines in enumerate(pages, 1) if lines]
    edges = [(n, line) for n, lines in with_text for line in dict.fromkeys(lines[:EDGE_LINES] + lines[-EDGE_LINES:])]
    same = Counter(line for _, line in edges if not line[:1].islower())
    numbered = Counter(_shape(line) for n, line in edges if str(n) in re.findall(r"\d+", " ".join(_PAGE_WORDING.findall(line))))
    need = max(2, len(with_text) / 2)
    running = {line for line, count in same.items() if count >= need}
    running_shapes = {shape for shape, count in numbered.items() if count >= need}
    kept: list[str] = []
    dropped: list[str] = []
    for _, lines in with_text:
        last = len(lines) - EDGE_LINES
        for i, line in enumerate(lines):
            at_edge = i < EDGE_LINES or i >= last
            if at_edge and (line in running or _shape(line) in running_shapes or _PAGE_NUMBER.match(line)):
                if _shape(line) not in {_shape(d) for d in dropped}:
                    dropped.append(line)
            else:
                kept.append(line)
    return kept, dropped


def reflow_page(text: str) -> list[str]:
    """One page's lines as blocks (reflow_lines)."""
    return reflow_lines(_lines(text))


def reflow_lines(lines: list[str], whole: set[str] = frozenset()) -> list[str]:
    """Lines as blocks: a heading (numbered, between rules, or a short line without closing punctuation)
    and a table row (``whole``) stand alone; a bullet or number starts an item; other lines join their
    paragraph (hyphens mended)."""
    widths = _local_widths(lines, whole)
    hyphenated = _compounds(lines)
    blocks: list[str] = []
    current: list[str] = []
    for i, (line, width) in enumerate(zip(lines, widths)):
        after_end = i == 0 or not current or lines[i - 1].endswith(_END)
        heading = line in whole or _is_heading(line, width, after_end)
        if current and (heading or _ITEM.match(line)):
            blocks.append(_join(current, hyphenated))
            current = []
        current.append(_RULED_HEADING.sub(r"\1", line))
        if heading or _ends_paragraph(line, width):
            blocks.append(_join(current, hyphenated))
            current = []
    if current:
        blocks.append(_join(current, hyphenated))
    return [_as_block(_SECTION_POINTER.sub("", b)) for b in blocks]


def _local_widths(lines: list[str], whole: set[str], around: int = 3) -> list[int]:
    """Each line's column width: the longest line near it. A short line is a heading only next to longer
    ones; in a narrow column (a two-column page) every line is short."""
    sizes = [0 if line in whole else len(line) for line in lines]
    return [max(sizes[max(0, i - around) : i + around + 1]) for i in range(len(lines))]


def _is_heading(line: str, width: int, after_end: bool = True) -> bool:
    """Numbered, between rules, in capitals ('WARNING: HEPATOTOXICITY'), or a short line without closing
    punctuation that follows a paragraph's end (in a narrow column, a wrapped line is short too)."""
    if _RULED_HEADING.match(line) or _numbered_heading(line) or _capitals_heading(line):
        return True
    short = len(line) < max(20, 0.6 * width)
    return after_end and short and not line.endswith(_END) and not _ITEM.match(line) and line[:1].isupper()


def _capitals_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 8 and all(c.isupper() for c in letters) and len(line) <= 60 and not line.endswith((*_END, ","))


def _numbered_heading(line: str) -> bool:
    """'2.1 Recommended Dosage', '5 WARNINGS AND PRECAUTIONS'; not a wrapped line that starts with a count."""
    if not _NUMBERED_HEADING.match(line) or line.endswith(_END) or len(line) >= 90:
        return False
    words = line.split()[1:]
    return all(w[:1].isupper() or len(w) <= 3 for w in words)


def _ends_paragraph(line: str, width: int) -> bool:
    return line.endswith(_END) and len(line) < 0.8 * width


def _compounds(lines: list[str]) -> frozenset[str]:
    """Hyphenated words the text writes within a line ('dose-dependent'): broken at a line end they keep the hyphen."""
    return frozenset(m.group(0).lower() for line in lines for m in re.finditer(r"\b[A-Za-z]+-[a-z]+\b", line))


def _join(lines: list[str], compounds: frozenset[str] = frozenset()) -> str:
    out = lines[0]
    for line in lines[1:]:
        head = re.search(r"([A-Za-z]+)-$", out)
        tail = re.match(r"[a-z]+", line)
        if head and tail and not _keeps_hyphen(head.group(1), tail.group(0), compounds):
            out = out[:-1] + line  # a word hyphenated at the line end by the typesetter
        else:
            out = f"{out}{'' if out.endswith('-') and line[:1].isalpha() else ' '}{line}"
    return out


def _keeps_hyphen(head: str, tail: str, compounds: frozenset[str]) -> bool:
    """A hyphen at a line end is the word's own when the text writes the compound elsewhere, or when the
    part before it is a whole short word the text uses alone ('dose-' + 'dependent'); else a typesetter's."""
    if f"{head}-{tail}".lower() in compounds:
        return True
    return head.lower() in _COMMON_HEADS and len(tail) >= 4  # 'second-' + 'ary' is one word broken


# Words that open compounds in clinical prose ("dose-dependent", "low-grade", "non-hematologic").
_COMMON_HEADS = frozenset({
    "dose", "low", "high", "non", "long", "short", "well", "self", "first", "second", "third", "once", "twice",
    "time", "red", "life", "off", "all", "full", "half", "two", "three", "placebo", "treatment", "transfusion",
})


def _as_block(block: str) -> str:
    """Items in the blocks layout's forms: '- item' for bullets, '  1. item' for numbers."""
    if re.match(r"^[•\-*]\s+", block):
        return "- " + block[1:].strip()
    if re.match(r"^\d+[.)]\s+", block):
        return "  " + block
    return block
