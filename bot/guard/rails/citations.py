"""Rail `citations`: every statement cites a passage that exists; every citation matches its corpus passage.

Repair: uncited or dangling statements are dropped; a mismatched citation is rebuilt from the corpus.
"""

from __future__ import annotations

from bot.guard.knowledge import GuardKnowledge
from bot.guard.models import GuardDraft, GuardRail, RailOutcome, allow, repair
from bot.guard.parse import short

NAME = "citations"


def check(draft: GuardDraft, knowledge: GuardKnowledge) -> RailOutcome:
    drop, problems = set(), list(draft.citation_problems)
    for s in draft.statements:
        dangling = [n for n in s.markers if n not in draft.valid]
        if dangling:
            problems.append(f"'{short(s.text, 40)}' cites {', '.join(f'[{n}]' for n in dangling)}: no such source")
            if not s.passages:
                drop.add(s.index)
        elif not s.cited and draft.needs_citations:
            drop.add(s.index)
            problems.append(f"uncited: '{short(s.text, 50)}'")
    problems += [f"[{n}] did not match passage {draft.valid[n].id} (rebuilt from the corpus)" for n in draft.mismatched]
    if problems:
        return repair(NAME, "; ".join(problems), draft.dropping(drop))
    cited = sum(1 for s in draft.statements if s.cited)
    return allow(NAME, f"{cited} cited statement(s); every citation matches its corpus passage")


RAIL = GuardRail(NAME, check)
