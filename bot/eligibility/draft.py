"""The working draft of one reading: facts found so far, notes, and the text already used.

One ``Draft`` per ``extract_facts`` call, never shared. Extractors run in a declared
order (reader.py) and each *claims* the characters it read, so a later extractor never
reads the same number for another field ("4 units in 8 weeks" is not also an 8-week
ESA course).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.settings import FactReading


def squash(text: str) -> str:
    """Runs of whitespace as one space: fragments are shown back on one line."""
    return " ".join(text.split())


def fragment(match: re.Match[str]) -> str:
    """The text a match read, as shown to the user."""
    return squash(match.group(0)).strip(" ,;:")


@dataclass
class Draft:
    text: str
    reading: FactReading
    facts: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    spans: dict[str, str] = field(default_factory=dict)
    claimed: list[tuple[int, int]] = field(default_factory=list)

    def is_free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.claimed)

    def claim(self, start: int, end: int) -> None:
        self.claimed.append((start, end))

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def record(self, name: str, value: Any, match: re.Match[str], note: str | None = None) -> bool:
        """Keep the first statement of a field; later ones in the same message are ignored."""
        if name in self.facts or not self.is_free(match.start(), match.end()):
            return False
        self.facts[name] = value
        self.spans[name] = fragment(match)
        self.claim(match.start(), match.end())
        if note:
            self.note(note)
        return True

    def ignore_repeat(self, name: str, display: str, match: re.Match[str]) -> bool:
        """A second statement of a field in one message: keep the first, say so, and claim the text."""
        if name not in self.facts:
            return False
        if fragment(match) != self.spans.get(name):
            self.note(f"{display} stated twice; '{self.spans[name]}' used, '{fragment(match)}' ignored.")
        self.claim(match.start(), match.end())
        return True
