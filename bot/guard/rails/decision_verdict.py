"""Rail `decision_verdict`: on the rules route, the text states the rules-core decision and no other.

Block, never repair: a verdict in words that contradicts the decision cannot be trusted in part.
"""

from __future__ import annotations

import re

from bot.guard.knowledge import GuardKnowledge
from bot.guard.models import GuardDraft, GuardRail, RailOutcome, allow, block

NAME = "decision_verdict"

_NOT_MEET = re.compile(
    r"\b(?:does not|doesn't|do not|did not|fails? to)\s+meet\b|\bnot medically necessary\b|\bcriteria (?:are|were) not met\b"
    r"|\bis not eligible\b",
    re.IGNORECASE,
)
_MEETS = re.compile(
    r"\bmeets?\s+(?:all\s+)?(?:the\s+)?(?:medical[- ]necessity\s+)?criteria\b|\bis medically necessary\b"
    r"|\bcriteria (?:are|were) met\b",
    re.IGNORECASE,
)
_INSUFFICIENT = re.compile(
    r"\binsufficient documentation\b|\bcannot be decided\b|\bdocumentation is missing\b|\bcannot (?:yet )?be determined\b"
    r"|\bI need\b|\bmore information\b",
    re.IGNORECASE,
)


def verdicts_in(text: str) -> set[str]:
    """Which rules-core decisions a text states in words."""
    said = set()
    if _NOT_MEET.search(text):
        said.add("does_not_meet")
    if _MEETS.search(_NOT_MEET.sub(" ", text)):
        said.add("meets_criteria")
    if _INSUFFICIENT.search(text):
        said.add("insufficient_documentation")
    return said


def check(draft: GuardDraft, knowledge: GuardKnowledge) -> RailOutcome:
    decision = draft.decision
    if not draft.rules_route or decision is None:
        return allow(NAME, "no rules decision in this response")
    expected = decision.verdict
    said = verdicts_in(draft.response.answer)
    wrong = sorted(said - {expected})
    why = "its verdict contradicts the rules-core decision"
    if wrong:
        return block(NAME, f"text says {', '.join(wrong)} but the decision is {expected}", why)
    if expected not in said:
        return block(NAME, f"text never states the decision ({expected})", why)
    return allow(NAME, f"text agrees with the decision ({expected})")


# Never repairs, so a repaired answer has nothing to re-check here.
RAIL = GuardRail(NAME, check, recheck=False)
