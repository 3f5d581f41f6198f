"""Rail `unstated_dose`: no dose or schedule for a drug the sources give none for.

The drugs the sources dose are read from the corpus (GuardKnowledge.dosed). A dose with no drug
named belongs to the drug the question asks about, or, when the question names none ("how often
is it given?"), to the drug the conversation was about. Repair: the statement is dropped, and an
answered dose question about such a drug becomes a refusal that says so, then what the sources say.
"""

from __future__ import annotations

from bot.guard.claims import DOSE_QUESTION, dose_facts, drug_mentions
from bot.guard.knowledge import GuardKnowledge
from bot.guard.models import GuardDraft, GuardRail, RailOutcome, allow, repair
from bot.guard.parse import short

NAME = "unstated_dose"


def check(draft: GuardDraft, knowledge: GuardKnowledge) -> RailOutcome:
    asked = frozenset(asked_doses(draft, knowledge))
    drop, problems = set(), []
    for s in draft.claims():
        doses = [f.dose for f in knowledge.quoted_facts(s)] if s.verbatim else [dose_facts(s.content)]
        unstated = {d for dose in doses for d in dose.drugs | (asked if dose.unattributed else frozenset())}
        unstated -= knowledge.dosed
        if unstated:
            drop.add(s.index)
            names = ", ".join(knowledge.lexicon.label(d) for d in sorted(unstated))
            problems.append(f"a dose or schedule for {names}, which the sources do not state ('{short(s.text, 40)}')")
    refuse = [knowledge.lexicon.label(d) for d in asked_doses(draft, knowledge)]
    if not (draft.response.status == "answered" and not draft.rules_route):
        refuse = []
    if not problems and not refuse:
        return allow(NAME, "no dose or schedule beyond those the sources state")
    repaired = draft.dropping(drop) if problems else draft
    if refuse:
        problems.append(f"the question asks a dose of {', '.join(refuse)}, which the sources do not state (refused)")
        repaired = repaired.model_copy(update={"dose_refusal": tuple(refuse)})
    return repair(NAME, "; ".join(problems), repaired)


def asked_doses(draft: GuardDraft, knowledge: GuardKnowledge) -> list[str]:
    """Drugs the question asks a dose or schedule of that the sources give none for."""
    if not DOSE_QUESTION.search(draft.question):
        return []
    named = [d for m in drug_mentions(draft.question) for d in m.drugs]
    if not named and draft.context.subject_drug:
        named = [draft.context.subject_drug]
    return [d for d in dict.fromkeys(named) if d not in knowledge.dosed]


RAIL = GuardRail(NAME, check)
