"""Labels listed first, values after, paired in order: "RS and blasts: 20% and 3%",
"Hb and sEPO were 8.2 g/dL and 340 U/L, respectively", "Age, Hb and RBC units: 77, 8.0 g/dL and 4".

Read alone, the first label would take the first value ("blasts: 20%"). Each pair is read
by the ordinary extractors as if written "label value", and the statement is recorded
at the value's place in the message; a list whose counts differ is not read at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.eligibility.draft import Draft, squash
from corpus.text import NUMBER

_LABEL = (r"(?:(?:bone\s+)?marrow\s+blasts?|BM\s+blasts?|blasts?|RS|ring\s+sideroblasts?|ha?emoglobin|Hb|Hgb|"
          r"s-?EPO|serum\s+EPO|EPO|age|(?:RBC|pRBC|red\s+cell)\s+units?)")
_VALUE = rf"(?:{NUMBER})(?:\s*(?:%|g\s*/\s*dL|g\s*/\s*L|m?I?U\s*/\s*m?L)(?![\w/]))?"
_JOIN = r"\s*(?:,\s*(?:and\s+)?|\band\b|&)\s*"
_LISTS = re.compile(
    rf"(?<![\w-])(?P<labels>{_LABEL}(?:{_JOIN}{_LABEL})+)\s*(?:[:=]|\b(?:were|are|was|of)\b)?\s*"
    rf"(?P<values>{_VALUE}(?:{_JOIN}{_VALUE})*)(?![\d.,]?\d)",
    re.IGNORECASE,
)
_ONE_LABEL = re.compile(_LABEL, re.IGNORECASE)
_ONE_VALUE = re.compile(_VALUE, re.IGNORECASE)
_COUNT_LABEL = re.compile(r"units?", re.IGNORECASE)
_TAIL = re.compile(r"[^.;,]*")  # "... and 4 in the last 8 weeks": the period belongs to the last value


def _pair_text(label: str, value: str, tail: str) -> str:
    """The pair as it would have been written alone: "Hb 8.2 g/dL", "4 units in the last 8 weeks"."""
    return f"{value} units {tail}".strip() if _COUNT_LABEL.search(label) else f"{label} {value}"


def _read_pair(draft: Draft, extractors: Sequence[Callable[[Draft], None]], text: str,
               span: tuple[int, int]) -> None:
    alone = Draft(text=text, reading=draft.reading)
    for extractor in extractors:
        extractor(alone)
    for name, statements in alone.statements.items():
        for statement in statements:
            draft.state(name, statement.value, span[0], span[1], squash(text), statement.note,
                        statement.alternatives, statement.wording)
    for note in alone.notes:
        draft.note(note)
    draft.unresolved.extend(alone.unresolved)


def extract_coordinated(draft: Draft, extractors: Sequence[Callable[[Draft], None]]) -> None:
    """Read each "labels ... values" list pairwise with ``extractors``; claim the whole list."""
    for match in _LISTS.finditer(draft.text):
        if not draft.is_free(match.start(), match.end()):
            continue
        labels = [squash(m.group(0)) for m in _ONE_LABEL.finditer(match.group("labels"))]
        values = list(_ONE_VALUE.finditer(draft.text, match.start("values"), match.end("values")))
        if len(labels) != len(values):
            # "Hb and sEPO: 8.2": which label the value belongs to is not said; read neither
            draft.note(f"'{squash(match.group(0))}': {len(labels)} labels and {len(values)} value(s), so "
                       "which value is which is not clear: not recorded; please give each one with its label.")
            draft.claim(match.start(), match.end())
            continue
        tail = _TAIL.match(draft.text, match.end()).group(0) if _COUNT_LABEL.search(labels[-1]) else ""
        for index, (label, value) in enumerate(zip(labels, values)):
            own_tail = tail if index == len(values) - 1 else ""
            _read_pair(draft, extractors, _pair_text(label, value.group(0), own_tail), value.span())
        draft.claim(match.start(), match.end() + len(tail))
