"""Cleaning that never loses provenance.

Every edit (OCR repair, furniture removal, reference-marker removal, line
joining) is applied to a :class:`MappedText`, which remembers for each output
character the span of original characters it came from. A passage's cleaned
text therefore always maps back to an exact span of the shipped file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Union

from corpus.models import FurnitureBlock, OcrRepair

Replacement = Union[str, Callable[[re.Match[str]], str]]


class CleaningRuleError(ValueError):
    """A declared cleaning rule that does not fit its document (the caller names the document)."""


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

    def without(self, spans: Iterable[tuple[int, int]]) -> MappedText:
        """The text less every character whose origin lies inside one of the source spans."""
        spans = list(spans)
        keep = [i for i in range(len(self.text)) if not any(a <= self.starts[i] and self.ends[i] <= b for a, b in spans)]
        return MappedText("".join(self.text[i] for i in keep), [self.starts[i] for i in keep], [self.ends[i] for i in keep])

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


# "...(ESAs). 1, 2" and "...iron repletion 1": numbered markers into a reference
# list the page does not include. Removed only where a document declares them, and
# only after a full stop/colon followed by a capital, or at the end of a line, so real numbers stay.
REFERENCE_MARKER_INLINE = re.compile(r"(?<=[.:])[ \t]+\d{1,2}(?:,[ \t]*\d{1,2})*(?=[ \t]+[A-Z])")
REFERENCE_MARKER_EOL = re.compile(r"(?<=[A-Za-z).%:])[ \t]+\d{1,2}(?:,[ \t]*\d{1,2})*[ \t]*$", re.MULTILINE)


def find_furniture_spans(raw: str, blocks: Iterable[FurnitureBlock]) -> list[tuple[FurnitureBlock, int, int]]:
    """Locate each furniture block by its anchors: [start of first line, end of last line)."""
    spans = []
    for i, block in enumerate(blocks):
        rule = f"furniture[{i}] ({block.name!r})"
        start = _find_line(raw, block.first_line, 0, f"{rule}.first_line")
        end_line_start = _find_line(raw, block.last_line, start, f"{rule}.last_line")
        spans.append((block, start, end_line_start + len(block.last_line)))
    return spans


def _find_line(raw: str, line: str, after: int, rule: str) -> int:
    match = re.compile(r"^[ \t]*" + re.escape(line) + r"[ \t]*$", re.MULTILINE).search(raw, after)
    if match is None:
        raise CleaningRuleError(f"{rule}: anchor not found as a whole line: {line[:60]!r}")
    return match.start() + len(match.group(0)) - len(match.group(0).lstrip())


def repair_ocr(text: MappedText, repairs: Iterable[OcrRepair]) -> MappedText:
    """Apply each declared repair in order; one that matches nothing is a stale rule, not a no-op."""
    for i, repair in enumerate(repairs):
        if re.search(repair.pattern, text.text) is None:
            raise CleaningRuleError(f"ocr_repairs[{i}].pattern: {repair.pattern!r} matches nothing in the text")
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


# --- quote location: the one way a quote is found in a text -----------------------------------


def quote_form(text: MappedText) -> MappedText:
    """The form quotes are compared in: whitespace runs are one space, and a hyphen followed by
    whitespace joins ('LR-\\nMDS' and 'LR- MDS' read 'LR-MDS'), since line breaks split words."""
    return text.sub(r"(?<=-)\s+", "").sub(r"\s+", " ").strip()


def fold_case(text: str) -> str:
    """Case-folded, one character for one (so offsets still map): 'ẞ' stays one character."""
    return "".join(c.casefold() if len(c.casefold()) == 1 else c.lower() for c in text)


class QuoteFinder:
    """A text prepared once for finding quotes in it, exactly or ignoring case."""

    def __init__(self, raw: str, *, ignore_case: bool = False):
        self.form = quote_form(MappedText(raw))
        self.ignore_case = ignore_case
        self._haystack = fold_case(self.form.text) if ignore_case else self.form.text

    def needle(self, quote: str) -> str:
        needle = quote_form(MappedText(quote)).text
        return fold_case(needle) if self.ignore_case else needle

    def spans(self, quote: str) -> list[tuple[int, int]]:
        """[start, end) in the raw text of every occurrence of the quote."""
        needle = self.needle(quote)
        found: list[tuple[int, int]] = []
        at = self._haystack.find(needle) if needle else -1
        while at >= 0:
            found.append(self.form.source_span(at, at + len(needle)))
            at = self._haystack.find(needle, at + 1)
        return found

    def first(self, quote: str) -> tuple[int, int] | None:
        needle = self.needle(quote)
        at = self._haystack.find(needle) if needle else -1
        return self.form.source_span(at, at + len(needle)) if at >= 0 else None

