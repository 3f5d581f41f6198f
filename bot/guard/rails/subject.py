"""Rail `subject`: the answer is about what the question asks about (drug, trial, condition, population).

The subject is read from the question without its injected instructions, or, for 'it' / 'that one',
from the conversation (GuardContext). A question naming a drug, condition or population no corpus
passage names is refused naming it ("The source documents do not cover metformin."); a rules-core
verdict for patients of another condition is refused the same way. A statement about other drugs
only (by the drugs it names, or for a dose question the drug its dose belongs to) that states a
figure or a dose, or answers a dose question, is dropped: another drug's numbers are never the
answer. Conflict positions stay (the conflict rail requires them). Nothing left: a refusal.
"""

from __future__ import annotations

import re

from bot.guard.claims import asks_dose, dose_facts, drug_mentions
from bot.guard.knowledge import GuardKnowledge
from bot.guard.models import GuardDraft, GuardRail, GuardStatement, RailOutcome, allow, repair
from bot.guard.parse import NOTE_PREFIX, short
from bot.guard.subject import Subject, subject_of
from corpus.lexicon import load_lexicon
from corpus.lexicon_entries import whole_words
from corpus.text import extract_figures
from corpus.vocabulary import concepts_in

NAME = "subject"
# Drugs asked about side by side: "A and B", "A or B", "A vs B", "compare A with B", "each", "both".
_COORDINATED = re.compile(r"\b(?:and|or|vs\.?|versus|compar\w*|each|both|between)\b", re.IGNORECASE)
ONLY_LR_MDS = "The source documents speak only of lower-risk MDS"
_ELIGIBILITY = whole_words(load_lexicon().eligibility_cues) if load_lexicon().eligibility_cues else None


def check(draft: GuardDraft, knowledge: GuardKnowledge) -> RailOutcome:
    subject = subject_of(knowledge.spelled(draft.asked), draft.context,
                         knowledge.lexicon, knowledge.coverage)
    if subject.uncovered:
        return (_partly_covered(draft, subject, knowledge) or _risk_categories(draft, subject, knowledge)
                or _uncovered(draft, subject, knowledge))
    if not subject.drugs or draft.rules_route or draft.response.status == "needs_information":
        return allow(NAME, "the answer is about what the question asks" if subject.drugs else "no subject to compare")
    dose_question = bool(asks_dose(draft.asked))
    off = [s for s in draft.claims() if _about_other_drugs(s, subject, dose_question, knowledge)]
    if not off:
        return allow(NAME, f"every statement is about {_labels(subject, knowledge)} or names no other drug")
    detail = f"dropped {len(off)} statement(s) about another drug ('{short(off[0].text, 40)}')"
    if len(off) == len(draft.claims()) and draft.needs_citations:
        what = "a dose or schedule" if dose_question else "anything on this"
        why = f"The source documents do not state {what} for {_labels(subject, knowledge)}."
        return repair(NAME, f"{detail}; nothing about the subject left (refused)", _refusal(draft, why))
    return repair(NAME, detail, draft.dropping({s.index for s in off}))


def _uncovered(draft: GuardDraft, subject: Subject, knowledge: GuardKnowledge) -> RailOutcome:
    """Refuse naming what the sources do not cover (a refusal that already names it stands)."""
    named = " or ".join(subject.uncovered)
    why = (f"{ONLY_LR_MDS}; they do not cover {named}." if subject.populations
           else f"The source documents do not cover {named}.")
    response = draft.response
    if response.status == "needs_information" or (draft.rules_route and not subject.not_for_rules):
        return allow(NAME, f"names {named}, not covered by the sources; left to the rules core")
    if response.status == "refused" and all(label.lower() in response.answer.lower() for label in subject.uncovered):
        return allow(NAME, f"names {named}, not covered by the sources; refused")
    return repair(NAME, f"the question names {named}, which no source passage covers (refused)",
                  _refusal(draft, f"{why} {knowledge.covers}"))


def _partly_covered(draft: GuardDraft, subject: Subject, knowledge: GuardKnowledge) -> RailOutcome | None:
    """Uncovered drugs named beside covered ones ("<drug A> vs <uncovered drug>"): the covered drugs' evidence
    stays, after a note that the sources do not cover the others; a statement naming none of the covered drugs
    goes, as it could be read as about an uncovered one. None: a population or condition is uncovered, no
    covered drug is named, or nothing about one is left (then the question is refused)."""
    covered = subject.drugs & knowledge.coverage.drugs
    if subject.not_for_rules or subject.populations or not covered or not draft.needs_citations:
        return None
    # A dose question, or one naming a covered drug only as the patient's treatment ("<uncovered> for my patient
    # on <drug>?"), asks about the uncovered drug: another drug's evidence is never its answer.
    if asks_dose(draft.asked) or not _COORDINATED.search(draft.asked):
        return None
    off = {s.index for s in draft.claims() if not _names_any(s, covered, knowledge)}
    if not [s for s in draft.claims() if s.index not in off]:
        return None
    named, lexicon = " or ".join(subject.uncovered), knowledge.lexicon
    note = f"{NOTE_PREFIX}cover {named}; what they say of {' and '.join(lexicon.label(d) for d in sorted(covered))} follows."
    if not off and (draft.subject_note == note or draft.response.answer.startswith(note)):  # a re-check of the repair
        return allow(NAME, f"names {named}, not covered by the sources, beside covered drugs: noted")
    detail = f"names {named}, not covered by the sources, beside covered drugs (noted; {len(off)} statement(s) dropped)"
    return repair(NAME, detail, (draft.dropping(off) if off else draft).model_copy(update={"subject_note": note}))


def _risk_categories(draft: GuardDraft, subject: Subject, knowledge: GuardKnowledge) -> RailOutcome | None:
    """A risk group the sources do not cover, asked about with who qualifies ("which IPSS-R categories qualify -
    would a high-risk patient?"): the statements giving the categories they cover stay (its `criteria_concepts`),
    after a note that they do not cover it. None: a dose question (never a lower-risk dose for it), no eligibility
    wording, anything else uncovered, or no such statement (then the question is refused)."""
    question, lexicon = draft.asked, knowledge.lexicon
    groups = [e for e in lexicon.outside_named(question) if e.label in subject.uncovered and e.criteria_concepts]
    if len(groups) != len(subject.uncovered) or not draft.needs_citations or draft.rules_route or asks_dose(question) \
            or _ELIGIBILITY is None or not _ELIGIBILITY.search(question):
        return None
    concepts = {"c" + k for e in groups for k in e.criteria_concepts}
    off = {s.index for s in draft.claims() if not _states_concept(s, concepts)}
    if not [s for s in draft.claims() if s.index not in off]:
        return None
    named = " or ".join(subject.uncovered)
    note = f"{NOTE_PREFIX}cover {named}: they speak only of lower-risk MDS, and the risk categories they cover follow."
    if not off and (draft.subject_note == note or draft.response.answer.startswith(note)):  # a re-check of the repair
        return allow(NAME, f"names {named}, not covered by the sources, in an eligibility question: noted")
    detail = f"names {named}, not covered by the sources, in an eligibility question (noted; {len(off)} statement(s) dropped)"
    return repair(NAME, detail, (draft.dropping(off) if off else draft).model_copy(update={"subject_note": note}))


def _states_concept(s: GuardStatement, concepts: set[str]) -> bool:
    texts = [x.normalized for x in s.quoted_sentences()] or [s.content]
    return any(c.key in concepts for t in texts for c in concepts_in(t))


def _names_any(s: GuardStatement, drugs: frozenset[str], knowledge: GuardKnowledge) -> bool:
    """The statement is a conflict position, or its quoted sentences name one of `drugs` (a class: its members)."""
    if any(x.id in knowledge.position_ids for x in s.quoted_sentences()):
        return True
    lexicon = knowledge.lexicon
    texts = [x.normalized for x in s.quoted_sentences()] or [s.content]
    return any(d in drugs for t in texts for m in lexicon.mentions(t, treatments=True) for d in lexicon.mention_drugs(m))


def _refusal(draft: GuardDraft, why: str) -> GuardDraft:
    return draft.dropping({s.index for s in draft.statements}).model_copy(update={"subject_refusal": why})


def _about_other_drugs(s: GuardStatement, subject: Subject, dose_question: bool, knowledge: GuardKnowledge) -> bool:
    """Names drugs, none the subject, and states a figure or dose or answers a dose question."""
    if any(x.id in knowledge.position_ids for x in s.quoted_sentences()):
        return False
    texts = [x.normalized for x in s.quoted_sentences()] or [s.content]
    dosed = {d for t in texts for d in dose_facts(t, knowledge.lexicon).drugs}
    if dose_question and dosed:
        return not dosed & subject.drugs
    lexicon = knowledge.lexicon
    named = {d for t in texts for m in drug_mentions(t, lexicon) for d in m.drugs}
    named |= {lexicon.trial(t).drug for t in knowledge.trials_named(" ".join(texts))}
    # Any mention of the subject counts, even as a patient's state ("after ESA failure").
    mentioned = {d for t in texts for m in lexicon.mentions(t, treatments=True) for d in lexicon.mention_drugs(m)}
    if not named or (named | mentioned) & subject.drugs:
        return False
    return dose_question or any(f.unit for t in texts for f in extract_figures(t))


def _labels(subject: Subject, knowledge: GuardKnowledge) -> str:
    return ", ".join(knowledge.lexicon.label(d) for d in sorted(subject.drugs))


RAIL = GuardRail(NAME, check)
