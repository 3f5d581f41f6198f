"""Rail `numbers`: every number in a paraphrase appears in a cited passage (corpus.text.extract_figures
normalises 1.0 = 1, 1–24 = 1 to 24, ≥ = at least, % = percent, mU/mL = U/L, eight = 8).

Repair: the statement is dropped. A verbatim quote's numbers are its passage's own.
"""

from __future__ import annotations

from bot.guard.knowledge import GuardKnowledge
from bot.guard.models import GuardDraft, GuardRail, RailOutcome, allow, repair
from bot.guard.parse import short
from corpus.text import extract_figures, unsupported_figures

NAME = "numbers"


def check(draft: GuardDraft, knowledge: GuardKnowledge) -> RailOutcome:
    drop, problems, counted = set(), [], 0
    for s in draft.claims():
        if s.verbatim:
            continue
        figures = extract_figures(s.content)
        counted += len(figures)
        missing = unsupported_figures(figures, (f for p in s.passages for f in knowledge.passages[p.id].figures))
        if missing:
            drop.add(s.index)
            problems.append(f"{', '.join(f.raw for f in missing)} not in its source ('{short(s.text, 40)}')")
    if problems:
        return repair(NAME, "; ".join(problems), draft.dropping(drop))
    quoted = sum(1 for s in draft.claims() if s.verbatim)
    return allow(NAME, f"{quoted} quoted statement(s); {counted} paraphrased figure(s) found in their passages")


RAIL = GuardRail(NAME, check)
