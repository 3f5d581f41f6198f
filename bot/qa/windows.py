"""The time window a measure is counted over ('week 1-EOT', 'weeks 1-24', 'wk1-EOT'): a question naming one is
answered first by the sentence counting over that window; a sibling figure over another window (the same trial's
primary endpoint over weeks 1-24 when week 1-EOT is asked) is not offered as its answer."""

from __future__ import annotations

import re

from corpus.lexicon import load_lexicon
from corpus.text import fold_dashes

_LEXICON = load_lexicon()
_WEEKS = "|".join(sorted((re.escape(s) for s in _LEXICON.units.get("weeks", [])), key=len, reverse=True))
_ENDS = {end: re.compile(r"(?:" + "|".join(names) + r")$", re.IGNORECASE) for end, names in _LEXICON.window_ends.items()}
_END_NAMES = "|".join(n for names in _LEXICON.window_ends.values() for n in names)
_WINDOW = re.compile(
    rf"(?<![\w-])(?:{_WEEKS})\s*(?P<start>\d+)\s*(?:-|to|through|until)\s*(?:(?:{_WEEKS})\s*)?"
    rf"(?P<end>\d+{'|' + _END_NAMES if _END_NAMES else ''})(?!\w)",
    re.IGNORECASE,
) if _WEEKS else None

Window = tuple[str, str]  # (first week, last week or a named end such as 'eot')


def windows_in(text: str) -> set[Window]:
    """The time windows a text names, each as its first week and its last week or named end."""
    if _WINDOW is None:
        return set()
    found = set()
    for match in _WINDOW.finditer(fold_dashes(text)):
        end = match.group("end")
        if not end.isdigit():
            end = next((key for key, regex in _ENDS.items() if regex.match(end)), end.lower())
        found.add((match.group("start"), end))
    return found


def over_another_window(text: str, asked: set[Window]) -> bool:
    """The text counts over windows, none of them one asked: a sibling figure, not the answer."""
    named = windows_in(text)
    return bool(named) and not named & asked
