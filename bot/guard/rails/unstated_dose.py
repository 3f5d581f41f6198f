"""Rail `unstated_dose`: no dose or schedule for a drug the sources give none for.

The drugs the sources dose are read from the corpus (GuardKnowledge.dosed). A dose with no drug
named belongs to the drug the question asks about, or, when the question names none ("how often
is it given?"), to the drug the conversation was about. Repair: the statement is dropped, and an
answered dose question about such a drug becomes a refusal that says so, then what the sources say.
"""

from __future__ import annotations

from bot.guard.claims import asks_dose, dose_facts, drug_mentions
from bot.guard.dose_target import unnamed_dose_targets
from bot.guard.knowledge import GuardKnowledge
from bot.guard.models import GuardDraft, GuardRail, RailOutcome, allow, repair
from bot.guard.parse import short

NAME = "unstated_dose"


def check(draft: GuardDraft, knowledge: GuardKnowledge) -> RailOutcome:
    asked = frozenset(asked_doses(draft, knowledge))
    drop, problems = set(), []
    for s in draft.claims():
        doses = [f.dose for f in knowledge.quoted_facts(s)] if s.verbatim else [dose_facts(s.content, knowledge.lexicon)]
        unstated = {d for dose in doses for d in dose.drugs | (asked if dose.unattributed else frozenset())}
        unstated -= knowledge.dosed
        if unstated:
            drop.add(s.index)
            names = ", ".join(knowledge.lexicon.label(d) for d in sorted(unstated))
            problems.append(f"a dose or schedule for {names}, which the sources do not state ('{short(s.text, 40)}')")
    answered = draft.response.status == "answered" and not draft.rules_route
    refuse = [knowledge.lexicon.label(d) for d in asked_doses(draft, knowledge)] if answered else []
    unnamed = _unnamed_targets(draft, knowledge) if answered else []
    if unnamed:
        return repair(NAME, f"a dose question about {', '.join(unnamed)}, which no source names, answered with a dose (refused)",
                      draft.model_copy(update={"subject_refusal": _not_dosed(unnamed, knowledge)}))
    if answered and _dose_of_nothing_named(draft, knowledge):
        return repair(NAME, "a dose question naming no drug the sources know, answered with a dose (refused)",
                      draft.model_copy(update={"subject_refusal": _name_the_drug(knowledge)}))
    if not problems and not refuse:
        return allow(NAME, "no dose or schedule beyond those the sources state")
    repaired = draft.dropping(drop) if problems else draft
    if refuse:
        problems.append(f"the question asks a dose of {', '.join(refuse)}, which the sources do not state (refused)")
        repaired = repaired.model_copy(update={"dose_refusal": tuple(refuse)})
    return repair(NAME, "; ".join(problems), repaired)


def asked_doses(draft: GuardDraft, knowledge: GuardKnowledge) -> list[str]:
    """Drugs the question asks a dose or schedule of that the sources give none for."""
    if not asks_dose(draft.read_as):
        return []
    return [d for d in _question_drugs(draft, knowledge) if d not in knowledge.dosed]


def _question_drugs(draft: GuardDraft, knowledge: GuardKnowledge) -> list[str]:
    """The drugs a question is about: named, tested in a trial it names, or the conversation's drug."""
    question = knowledge.spelled(draft.read_as)
    named = [d for m in drug_mentions(question, knowledge.lexicon) for d in m.drugs]
    named += [knowledge.lexicon.trial(m.id).drug for m in knowledge.lexicon.mentions(question) if m.kind == "trial"]
    if not named and draft.context.subject_drug:
        named = [draft.context.subject_drug]
    return list(dict.fromkeys(named))


def _dose_of_nothing_named(draft: GuardDraft, knowledge: GuardKnowledge) -> bool:
    """A dose question about no drug the lexicon knows ('the dose of zorblat'), answered with a drug's
    dose: whichever drug it is, it is not the one asked about. (A dose of no drug, such as the iron
    in a unit of blood, is not a drug's dose.)"""
    if draft.subject_refusal or not asks_dose(draft.read_as) or _question_drugs(draft, knowledge):
        return False  # already refused by the subject rail (a drug outside the sources), or a drug is named
    if any(m.kind == "drug" for m in knowledge.lexicon.mentions(knowledge.spelled(draft.read_as))):
        return False  # a drug named where it could read as a state ("the dose of epoetin alfa"): named all the same
    return any(dose.drugs for s in draft.claims()
               for dose in ([f.dose for f in knowledge.quoted_facts(s)] if s.verbatim else [dose_facts(s.content, knowledge.lexicon)]))


def _unnamed_targets(draft: GuardDraft, knowledge: GuardKnowledge) -> list[str]:
    """What a dose question asks the dose of that no source names ('aspirin dose for a pt on luspatercept')."""
    if draft.subject_refusal or not asks_dose(draft.read_as):
        return []
    return unnamed_dose_targets(knowledge.spelled(draft.read_as), knowledge.lexicon, knowledge.corpus_words)


def _not_dosed(targets: list[str], knowledge: GuardKnowledge) -> str:
    dosed = ", ".join(sorted(knowledge.lexicon.label(d) for d in knowledge.dosed))
    return f"The source documents do not state a dose of {', '.join(targets)}; they state doses only for {dosed}."


def _name_the_drug(knowledge: GuardKnowledge) -> str:
    dosed = ", ".join(sorted(knowledge.lexicon.label(d) for d in knowledge.dosed))
    return (f"The question does not name a drug the source documents give a dose for; they state doses for {dosed}. "
            "Ask about one of them by name.")


RAIL = GuardRail(NAME, check)
