"""Cleaning that never loses provenance.

Every edit (OCR repair, furniture removal, reference-marker removal, line
joining) is applied to a :class:`MappedText`, which remembers for each output
character the span of original characters it came from. A passage's cleaned
text therefore always maps back to an exact span of the shipped file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Union

Replacement = Union[str, Callable[[re.Match[str]], str]]


class MappedText:
    """Text plus, for every character, the [start, end) of its origin in the source."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str, starts: list[int] | None = None, ends: list[int] | None = None):
        self.text = text
        self.starts = starts if starts is not None else list(range(len(text)))
        self.ends = ends if ends is not None else list(range(1, len(text) + 1))

    def sub(self, pattern: str | re.Pattern[str], repl: Replacement, flags: int = 0) -> MappedText:
        """re.sub that keeps the origin of every character.

        Unchanged characters keep their own origin; the characters of a
        replacement all map to the whole matched span.
        """
        regex = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        text, starts, ends = [], [], []
        cursor = 0
        for match in regex.finditer(self.text):
            a, b = match.span()
            text.append(self.text[cursor:a])
            starts.extend(self.starts[cursor:a])
            ends.extend(self.ends[cursor:a])
            new = repl(match) if callable(repl) else match.expand(repl)
            origin_start, origin_end = self._origin(a, b)
            text.append(new)
            starts.extend([origin_start] * len(new))
            ends.extend([origin_end] * len(new))
            cursor = b
        text.append(self.text[cursor:])
        starts.extend(self.starts[cursor:])
        ends.extend(self.ends[cursor:])
        return MappedText("".join(text), starts, ends)

    def _origin(self, a: int, b: int) -> tuple[int, int]:
        if a < b:
            return self.starts[a], self.ends[b - 1]
        # An insertion: anchor it between its neighbours.
        anchor = self.ends[a - 1] if a > 0 else (self.starts[0] if self.starts else 0)
        return anchor, anchor

    def slice(self, a: int, b: int) -> MappedText:
        return MappedText(self.text[a:b], self.starts[a:b], self.ends[a:b])

    def source_span(self, a: int | None = None, b: int | None = None) -> tuple[int, int]:
        """The span of the source covered by output characters [a, b)."""
        a = 0 if a is None else a
        b = len(self.text) if b is None else b
        if a >= b:
            raise ValueError("empty span has no source")
        return self.starts[a], self.ends[b - 1]

    def strip(self) -> MappedText:
        left = len(self.text) - len(self.text.lstrip())
        right = len(self.text.rstrip())
        return self.slice(left, right)

    def __len__(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class Repair:
    """One OCR repair: what the scan printed, what it means, and why we believe so."""

    pattern: str
    replacement: str
    why: str


# Document 000 is an OCR of a PDF. Each repair is narrow (whole tokens) so it
# cannot touch correct text; tests check every one fires and the spans survive.
OCR_REPAIRS: tuple[Repair, ...] = (
    Repair(r"/DH I/IDH\?2", "IDH1/IDH2", "'/' read for 'I', ' I' for '1', '?2' for '2'"),
    Repair(r"/DH(?=mut|\d)", "IDH", "'/' read for the letter 'I' in IDH"),
    Repair(r"SF3B[I/](?=mut|\W)", "SF3B1", "'I' or '/' read for the digit '1' in SF3B1"),
    Repair(r"\blyear\b", "1 year", "'l' read for '1', space lost"),
    Repair(r"\bIgGl1\b", "IgG1", "stray 'l' in IgG1"),
    Repair(r"\bMBDS\b", "MDS", "stray 'B' in MDS"),
    Repair(r"\bSEPO\b", "sEPO", "lower-case 's' of serum EPO read as capital"),
    Repair(r"\bRBC-TIT\b", "RBC-TI", "stray 'T' in RBC-TI"),
    Repair(r"\bRBC-TTI\b", "RBC-TI", "doubled 'T' in RBC-TI"),
    Repair(r"\binterrupeted\b", "uninterrupted", "misspelling; the sentence reports a continuous TI period > 1 year"),
    Repair(r"\(i1\)", "(ii)", "'1' read for 'i' in the list numbering (i), (ii), (iii)"),
    Repair(r"(?<=\d)- (?=\d)", "-", "space inside a range ('1.0- 1.75')"),
    Repair(r"(?<=grade 3)\u2014(?=4)", "-", "em dash for the range grade 3-4"),
    Repair(r"\( or\b", "(or", "space after an opening parenthesis"),
    Repair(r"(?<=[a-z])\.(?=[A-Z][a-z])", ". ", "space lost after a full stop ('placebo.An')"),
)


@dataclass(frozen=True)
class Furniture:
    """A block of web-page furniture, dropped from document 002 and never retrievable."""

    name: str
    first_line: str
    last_line: str
    why: str


# Verbatim first and last lines of each block (inclusive). A test checks each
# anchor exists exactly once and that no passage contains any of their text.
FURNITURE: tuple[Furniture, ...] = (
    Furniture(
        "review-status widget",
        "Medical Advisory BoardAll articles are reviewed for accuracy by our Medical Advisory Board",
        "Approved",
        "Site badge and an editorial workflow widget; its one caveat (content pending review) is kept in the manifest.",
    ),
    Furniture(
        "last-updated line",
        "Last updated: December 8, 2025View editorial policy",
        "Last updated: December 8, 2025View editorial policy",
        "Metadata, not content: the date is kept in the manifest as the document's stated date.",
    ),
    Furniture(
        "personalisation prompt",
        "Personalize",
        "Which best describes you? Your choice helps us use language that's most understandable for you.",
        "A site prompt addressed to the reader, not clinical content.",
    ),
    Furniture(
        "related questions",
        "Related Questions",
        "What is the treatment for annular fissures of L5 (Lumbar 5) and S1 (Sacral 1)?",
        "Links to other articles, mostly unrelated (thyroid storm, vitamin D...); questions, never answers.",
    ),
    Furniture(
        "professional disclaimer",
        "Professional Medical Disclaimer",
        "This information is intended for healthcare professionals. Any medical decision-making should rely on clinical judgment and independently verified information. The content provided herein does not replace professional discretion and should be considered supplementary to established clinical guidelines. Healthcare providers should verify all information against primary literature and current practice standards before application in patient care. Dr.Oracle assumes no liability for clinical decisions based on this content.",
        "Legal boilerplate of the site, not evidence.",
    ),
    Furniture(
        "call to action",
        "Have a follow-up question?",
        "Our Medical A.I. is used by practicing medical doctors at top research institutions around the world. Ask any follow up question and get world-class guideline-backed answers instantly.",
        "Advertising for the site's chatbot.",
    ),
)

# "...(ESAs). 1, 2" and "...iron repletion 1": numbered markers into a reference
# list the page does not include. Only in document 002, and only after a full
# stop/colon followed by a capital, or at the end of a line, so real numbers stay.
REFERENCE_MARKER_INLINE = re.compile(r"(?<=[.:])[ \t]+\d{1,2}(?:,[ \t]*\d{1,2})*(?=[ \t]+[A-Z])")
REFERENCE_MARKER_EOL = re.compile(r"(?<=[A-Za-z).%:])[ \t]+\d{1,2}(?:,[ \t]*\d{1,2})*[ \t]*$", re.MULTILINE)


def find_furniture_spans(raw: str) -> list[tuple[Furniture, int, int]]:
    """Locate each furniture block by its anchors: [start of first line, end of last line)."""
    spans = []
    for block in FURNITURE:
        start = _find_line(raw, block.first_line, 0)
        end_line_start = _find_line(raw, block.last_line, start)
        spans.append((block, start, end_line_start + len(block.last_line)))
    return spans


def _find_line(raw: str, line: str, after: int) -> int:
    match = re.compile(r"^[ \t]*" + re.escape(line) + r"[ \t]*$", re.MULTILINE).search(raw, after)
    if match is None:
        raise ValueError(f"furniture anchor not found: {line[:60]!r}")
    return match.start() + len(match.group(0)) - len(match.group(0).lstrip())


def repair_ocr(text: MappedText) -> MappedText:
    for repair in OCR_REPAIRS:
        text = text.sub(repair.pattern, repair.replacement)
    return text


def join_broken_lines(text: MappedText) -> MappedText:
    """Join prose wrapped at the page edge: 'LR-\\nMDS' -> 'LR-MDS', other breaks -> a space."""
    text = text.sub(r"(?<=\w-)[ \t]*\n[ \t]*(?=\w)", "")
    return collapse_whitespace(text)


def collapse_whitespace(text: MappedText) -> MappedText:
    return text.sub(r"\s+", " ").strip()


def remove_reference_markers(text: MappedText) -> MappedText:
    text = text.sub(REFERENCE_MARKER_INLINE, "")
    return text.sub(REFERENCE_MARKER_EOL, "")
