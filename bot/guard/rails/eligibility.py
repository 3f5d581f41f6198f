"""Rail `eligibility`: claims that a drug is (not) indicated, eligible, recommended, first-line or
second-line agree with the rules core's pathways, and a paraphrase does not reverse the claim its
own passage makes. Repair: the statement is dropped.
"""

from __future__ import annotations

from bot.guard.claims import DrugClaim
from bot.guard.knowledge import GuardKnowledge
from bot.guard.models import GuardDraft, GuardRail, GuardStatement, RailOutcome, allow, repair
from bot.guard.parse import short

NAME = "eligibility"


def check(draft: GuardDraft, knowledge: GuardKnowledge) -> RailOutcome:
    drop, problems, counted = set(), [], 0
    for s in draft.claims():
        for claim in knowledge.claims_of(s):
            counted += 1
            reason = knowledge.claim_problem(claim) or (None if s.verbatim else _contradicts_source(claim, s, knowledge))
            if reason:
                drop.add(s.index)
                problems.append(f"'{short(claim.text, 50)}': {reason}")
    if problems:
        return repair(NAME, "; ".join(problems), draft.dropping(drop))
    return allow(NAME, f"{counted} eligibility or line-of-therapy claim(s) agree with the rules core")


def _contradicts_source(claim: DrugClaim, s: GuardStatement, knowledge: GuardKnowledge) -> str | None:
    if claim.line is None:
        return None
    same = [
        c for p in s.passages for c in knowledge.passages[p.id].claims
        if set(c.drugs) & set(claim.drugs) and c.line == claim.line
    ]
    if same and all(c.negated != claim.negated for c in same):
        return "its source says the opposite"
    return None


RAIL = GuardRail(NAME, check)
