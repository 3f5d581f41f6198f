"""Rail `injection`: instructions in the question change nothing; the answer never carries them out.

A statement that repeats the payload an instruction asks for (`say "…"`, `… and say X`), or a
paraphrase that is itself instruction-like, is dropped. Instructions found in the question alone
are reported (allow: "detected …; ignored, not followed").
"""

from __future__ import annotations

import re

from bot.guard.instructions import injected_payloads, injection_findings
from bot.guard.knowledge import GuardKnowledge
from bot.guard.models import GuardDraft, GuardRail, RailOutcome, allow, repair
from bot.guard.parse import short
from corpus.text import collapse_spaces

NAME = "injection"


def check(draft: GuardDraft, knowledge: GuardKnowledge) -> RailOutcome:
    payloads = [re.compile(rf"(?<!\w){re.escape(p)}(?!\w)") for p in injected_payloads(draft.question)]
    drop, echoed = set(), []
    for s in draft.statements:
        text = collapse_spaces(s.text).lower()
        if any(p.search(text) for p in payloads) or (not s.verbatim and injection_findings(s.text)):
            drop.add(s.index)
            echoed.append(short(s.text, 50))
    if echoed:
        return repair(NAME, f"answer carried injected text: {'; '.join(echoed)}", draft.dropping(drop))
    found = injection_findings(draft.question)
    if found:
        return allow(NAME, f"detected in the question ({', '.join(found)}); ignored, not followed")
    return allow(NAME, "no instructions in the question")


RAIL = GuardRail(NAME, check)
