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

from bot.eligibility import cues
from bot.eligibility.models import Assumption
from bot.eligibility.timeline import Statement, current_index, distinct
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
    statements: dict[str, list[Statement]] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)

    def is_free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.claimed)

    def claim(self, start: int, end: int) -> None:
        self.claimed.append((start, end))

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def record(self, name: str, value: Any, match: re.Match[str], note: str | None = None,
               alternatives: list[Any] | None = None, wording: tuple[str, str] | None = None) -> bool:
        """One statement of a field; the first is filled now, all are weighed by ``settle``.
        With ``alternatives`` the value is an assumption (asked or noted by the chat, ``wording``)."""
        if not self.is_free(match.start(), match.end()):
            return False
        self.state(name, value, match.start(), match.end(), fragment(match), note, alternatives, wording)
        return True

    def state(self, name: str, value: Any, start: int, end: int, shown: str, note: str | None = None,
              alternatives: list[Any] | None = None, wording: tuple[str, str] | None = None) -> None:
        """Record that [start, end) states ``name`` = ``value`` (shown to the user as ``shown``)."""
        if self.about_someone_else(start):
            self.note(f"'{shown}' is about someone other than the patient: not recorded.")
            self.claim(start, end)
            return
        if self._a_target(start):
            self.note(f"'{shown}' is a threshold or target, not the patient's value: not recorded.")
            self.claim(start, end)
            return
        self.statements.setdefault(name, []).append(Statement(value, start, end, shown, note, alternatives, wording))
        self.claim(start, end)
        if name not in self.facts:
            self.facts[name] = value
            self.spans[name] = shown
            if note:
                self.note(note)

    def about_someone_else(self, start: int) -> bool:
        """Whether the sentence names another person (a relative) before this point."""
        sentence_start = max(self.text.rfind(".", 0, start), self.text.rfind(";", 0, start), 0)
        return bool(cues.OTHER_PERSON.search(self.text, sentence_start, start))

    def _a_target(self, start: int) -> bool:
        """"Transfusion threshold is Hb 8", "target above 10 g/dL": a goal, not a measurement."""
        clause_start = max(self.text.rfind(c, 0, start) for c in ".;,(")
        return bool(cues.TARGET_BEFORE.search(self.text, clause_start + 1, start))

    def settle(self, display: dict[str, str]) -> None:
        """Fields stated with different values: the current one wins, or none is filled and the user is asked.
        A winner with alternatives (a bound, "sEPO > 500"; a count over another window than the criteria's)
        is an assumption, not a fact, until the chat settles it."""
        self._settle_values(display)
        for name, statements in self.statements.items():
            winner = next((s for s in statements if s.fragment == self.spans.get(name)), None)
            if name in self.facts and winner is not None and winner.alternatives:
                label = display.get(name, name)
                question, note = winner.wording or (
                    f"{label} was given as a bound ('{winner.fragment}'); the verdict depends on the value: please "
                    "give it.",
                    f"{label} '{winner.fragment}' is a bound, not a value: checked at its bound and beyond.")
                self.assumptions.append(Assumption(field=name, read=winner.fragment, assumed=self.facts.pop(name),
                                                   alternatives=winner.alternatives, question=question, note=note))
                self.spans.pop(name, None)

    def _settle_values(self, display: dict[str, str]) -> None:
        for name, statements in self.statements.items():
            if not distinct(statements):
                continue
            statements = sorted(statements, key=lambda s: s.start)
            label = display.get(name, name)
            stated = "; ".join(f"'{s.fragment}'" for s in statements)
            chosen = current_index(self.text, statements)
            if chosen is None:
                self.facts.pop(name, None)
                self.spans.pop(name, None)
                self.unresolved.append(name)
                self.note(f"{label} stated with different values ({stated}) and the text does not say which is "
                          "current: not recorded; please give the current value.")
                continue
            winner = statements[chosen]
            self.facts[name], self.spans[name] = winner.value, winner.fragment
            self.note(f"{label} stated more than once ({stated}): the current value '{winner.fragment}' is used.")
            if winner.note:
                self.note(winner.note)
