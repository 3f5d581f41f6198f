"""A user's file -> the cleaned text mdsbot stores and cites: PDF, HTML, Markdown, plain text.

The stored text is laid out as the "blocks" layout expects (corpus/cutting.py): one block
per line (``# heading``, a paragraph, ``- item``), blank lines between. Citations are spans
into this stored text. What was left out (page furniture, pages without a text layer) is
reported in an :class:`Extraction`, never silently lost. trafilatura and pypdf are imported
only when a file of their format is read.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field

from corpus.models import ExtractionReport, SourceFormat

FORMATS: dict[str, SourceFormat] = {
    ".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".txt": "text",
}
MAX_DROPPED_LINES = 60  # kept for the "How this text was cleaned" view; the rest is counted


class ExtractionError(ValueError):
    """A file that cannot become text (unknown format, unreadable, no text at all); one line."""


class Extraction(ExtractionReport):
    """What reading a file produced: the stored text, and what it left out."""

    text: str = Field(description="The cleaned text that is stored and cited (blocks layout).")

    def report(self) -> ExtractionReport:
        return ExtractionReport(**self.model_dump(exclude={"text"}))


def source_format(path: Path) -> SourceFormat:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        allowed = ", ".join(sorted(FORMATS))
        raise ExtractionError(f"{path.name}: unknown file type {path.suffix or '(none)'!r}; allowed: {allowed}")
    return fmt


def extract(path: Path) -> Extraction:
    """Read a file of any supported format into stored text; ExtractionError says why not."""
    fmt = source_format(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(f"{path}: cannot read: {exc.strerror}") from None
    if fmt == "pdf":
        from corpus.extract_pdf import extract_pdf

        result = extract_pdf(data, path.name)
    elif fmt == "html":
        from corpus.extract_html import extract_html

        result = extract_html(data.decode("utf-8", errors="replace"))
    else:
        text = data.decode("utf-8", errors="replace")
        kept, dropped = drop_furniture_lines(reflow_markdown(text).split("\n\n"))
        result = Extraction(
            format=fmt, text="\n\n".join(kept) + "\n", title=_first_heading(text),
            dropped=dropped[:MAX_DROPPED_LINES], dropped_count=len(dropped),
        )
    if not result.text.strip():
        raise ExtractionError(f"{path.name}: no text found in the file")
    return result


# --- Markdown and plain text ----------------------------------------------------------------

_HEADING = re.compile(r"^#{1,6}\s+\S")
_ITEM = re.compile(r"^\s*(?:[-*+•]\s+|\d+[.)]\s+)")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")  # an image: its alt text ("Figure 1") is not prose
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|`)(.+?)\1")
_ITALIC = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_SUPERSCRIPT = re.compile(r"<sup>[^<]*</sup>", re.IGNORECASE)  # affiliation and footnote numbers
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# "...erythropoietin level.[1,2]", "escalation [3-5]", "[^2]": numbered markers into the references list
_CITATION_MARKER = re.compile(r"\s?\[(?:\^?\d+(?:\s*[,\u2013-]\s*\d+)*)\]")


def reflow_markdown(text: str) -> str:
    """One block per line: headings and list items kept, wrapped paragraph lines joined, inline markup dropped."""
    blocks: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(" ".join(paragraph))
            paragraph.clear()

    for line in text.replace("\r\n", "\n").split("\n"):
        line = _inline(line).rstrip()
        stripped = line.strip()
        if not stripped or set(stripped) <= set("-=*_|: "):  # blank, rules, table separators
            flush()
        elif _HEADING.match(stripped) or _ITEM.match(line):
            flush()
            blocks.append(_block_item(line, stripped))
        else:
            paragraph.append(stripped)
    flush()
    return "\n\n".join(blocks) + "\n"


def _inline(line: str) -> str:
    """A line's text without inline markup: images, links, emphasis, HTML tags, citation markers."""
    line = _TAG.sub("", _SUPERSCRIPT.sub("", line))
    line = _LINK.sub(r"\1", _CITATION_MARKER.sub("", _IMAGE.sub("", line)))
    return _ITALIC.sub(r"\2", _EMPHASIS.sub(r"\2", line))


def _block_item(line: str, stripped: str) -> str:
    """'- item' for a bullet or a nested item, '  1. item' for a numbered one (the blocks layout's list
    forms), or the heading. A nested numbered item is a bullet: its number would read as the outer list's."""
    if re.match(r"^\s*[-*+•]\s+", line) or re.match(r"^\s{2,}\d+[.)]\s+", line):
        return "- " + _ITEM.sub("", line).strip()
    if re.match(r"^\s*\d+[.)]\s+", line):
        return "  " + re.sub(r"^(\d+)\)", r"\1.", stripped)
    return stripped


def _first_heading(text: str) -> str | None:
    for line in text.splitlines():
        if _HEADING.match(line.strip()):
            return line.strip().lstrip("#").strip()
    return None


# --- page furniture, in any format --------------------------------------------------------

# A heading that opens a list of links to other pages: it and the list under it are furniture.
# Only link-list wording: "Recommended dosage" or "More on renal impairment" are content.
_RELATED_HEADING = re.compile(
    r"^#*\s*(?:(?:related|similar|recommended|popular|trending|more)\s+(?:articles?|questions?|posts?|content|topics?"
    r"|links?|reading|pages?|stories|resources|news|searches|for you|like this|on this topic|from\b.*)"
    r"|related|trending( now)?|you (?:may|might) also\b.*|see also|read (?:more|next)\b.*|people also ask"
    r"|further reading on this site)\s*:?\s*$",
    re.IGNORECASE,
)
# Lines that are site chrome wherever they appear.
_CHROME_LINE = re.compile(
    r"\b(we use cookies|uses cookies|accept (all )?cookies|cookie (settings|preferences|policy)|manage (your )?preferences"
    r"|all rights reserved|privacy policy\s*\|)|^(skip to (main )?content|share this (page|article)|subscribe to our newsletter)\b"
    r"|^©"
    # a US label's standing pointers within itself: navigation, not statements ("See full prescribing information
    # for complete boxed warning" would answer "what is the boxed warning?" with a pointer)
    r"|^(these highlights do not include all the information|see full prescribing information\b"
    r"|\*?sections or subsections omitted from the full prescribing information)",
    re.IGNORECASE,
)


# A bibliography: entries that name other works (titles, journals, DOIs) and answer nothing themselves.
_REFERENCES_HEADING = re.compile(
    r"^#*\s*(?:\d+\.?\s+)?(?:references?(?: cited)?|bibliography|works cited|literature cited|reference list)\s*:?\s*$",
    re.IGNORECASE,
)


def drop_furniture_lines(blocks: list[str]) -> tuple[list[str], list[str]]:
    """(blocks kept, blocks dropped): chrome lines, a related-links heading with the items under it,
    and a references section (up to the next heading)."""
    kept: list[str] = []
    dropped: list[str] = []
    in_related = in_references = False
    for block in blocks:
        stripped = block.strip()
        if not stripped:
            continue
        is_item = stripped.startswith("- ") or bool(re.match(r"^\d+\.\s", stripped))
        if _RELATED_HEADING.match(stripped) and len(stripped) < 60:
            in_related = True
        elif in_related and not is_item:
            in_related = False
        if _REFERENCES_HEADING.match(stripped):
            in_references = True
        elif in_references and _ends_references(stripped):
            in_references = False
        if in_related or in_references or _CHROME_LINE.search(stripped):
            dropped.append(stripped)
        else:
            kept.append(block)
    return kept, dropped


def _ends_references(block: str) -> bool:
    """The next section: a '#' heading, or (text without '#') a short line with no digits or closing stop."""
    if block.startswith("#"):
        return True
    return len(block) < 60 and not re.search(r"\d|[.:;]$", block)
