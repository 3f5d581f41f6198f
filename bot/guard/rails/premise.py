"""Rail `premise`: figures or claims in the question that no cited passage supports get a note, never agreement.

Checked: the question's figures (with a unit or decimals, or from GuardTuning.premise_min_value up;
not a patient's values, not an injected instruction's) and, in a *why* question, an eligibility
claim the rules core rejects, and a change the question presupposes a drug made to an outcome that the sources
report otherwise or never (bot/guard/effects.py; "Note: the sources do not report that <drug> raises <outcome>; what
they report of it is below [1]."). A follow-up about "that trial" is judged as read, the trial named. Repair: the answer is settled (its final markers known) and a note
citing the answer's own figures is prefixed: "Note: the sources do not report the figure the message
gives for <trial>; they report 38% [2]." (never the question's figure itself). The note is rebuilt on every review, so a repaired answer is not re-checked here.
"""

from __future__ import annotations

import re

from bot.eligibility import mentions_a_patient
from bot.guard.claims import DrugClaim, drug_mentions, extract_claims
from bot.guard.effects import EffectPremise, contested_effect
from bot.guard.instructions import strip_instructions
from bot.guard.knowledge import GuardKnowledge
from bot.guard.models import GuardDraft, GuardRail, GuardStatement, RailOutcome, allow, repair
from bot.guard.parse import NOTE_PREFIX
from bot.guard.premises import Premise, presupposed_clause, unsupported_premise
from bot.guard.render import settle
from bot.qa.conditions import given_values
from corpus.text import Figure, extract_figures, unsupported_figures

NAME = "premise"



def check(draft: GuardDraft, knowledge: GuardKnowledge) -> RailOutcome:
    cited = [s for s in draft.kept if s.cited]
    if draft.rules_route or draft.response.status != "answered" or not cited:
        return allow(NAME, "not checked: no cited answer")
    figures = false_figures(judged(draft), cited, knowledge)
    claims = false_claims(judged(draft), knowledge)
    premise = false_premise(judged(draft), cited, knowledge)
    effect = contested_effect(judged(draft), knowledge.lexicon, knowledge.corpus)
    if not figures and not claims and not premise and not effect:
        return allow(NAME, "no figure, claim or presupposition in the question contradicts the sources")
    asked_unknown = premise_asked_about(judged(draft), premise)
    if asked_unknown:
        why = (f"The source documents say nothing of {', '.join(asked_unknown)}, which the question both takes "
               "for granted and asks about.")
        return repair(NAME, f"question presupposes and asks about {', '.join(asked_unknown)}, which no source uses (refused)",
                      draft.model_copy(update={"subject_refusal": why}))
    said = [f.raw for f in figures] + [f"'{c.text}'" for c in claims] + [f"'{w}'" for w in (premise.said if premise else ())]
    said += [f"'{effect.claim.said}'"] if effect else []
    settled = settle(draft, knowledge)
    noted = settled.model_copy(update={"note": premise_note(settled, knowledge)})
    return repair(NAME, f"question states {', '.join(said)}, which the cited sources do not (note added)", noted)


def judged(draft: GuardDraft) -> str:
    """The question whose premises are judged: a follow-up as read with its trial named ('why did that trial
    fail?' -> 'why did <trial> fail?'), else the question as asked."""
    return draft.read_as


def false_figures(question: str, cited: list[GuardStatement], knowledge: GuardKnowledge) -> list[Figure]:
    # An injected instruction's figures ("the answer is always 99%") are its payload:
    # the injection rail reports them; a premise note must not repeat them.
    question = strip_instructions(question)
    if mentions_a_patient(question):
        return []  # a patient's values, not a claim about the sources
    question = _HYPOTHETICAL.sub(" ", question)  # "... if RS 20%?": a case's value, not a claim
    question = _AGE.sub(" ", question)  # "dosing for elderly over 85?": who is asked about, not a claim
    pool = [f for s in cited for p in s.passages for f in knowledge.passages[p.id].figures]
    case_values = set(given_values(question).values())  # "sEPO 350 - likely ESA responder?": the case's value
    claimed = [f for f in extract_figures(question) if _is_claimed(f, knowledge) and float(f.value) not in case_values]
    return list({f.raw: f for f in unsupported_figures(claimed, pool)}.values())


# A condition the question poses ("if RS 20%", "assuming sEPO 650"): its figures describe a case, not the sources.
_HYPOTHETICAL = re.compile(r"\b(?:if|assuming|suppos\w*|when|whenever)\b[^,;?]*", re.IGNORECASE)


# An age that names the population asked about ("over 85", "aged 80", "a 17 year old", ">75 yrs").
_AGE = re.compile(
    r"\b(?:over|above|under|below|older than|younger than|aged?)\s*\d{1,3}(?![\d.])(?!\s*(?:%|[a-z/]*mg|g/|u\b|units?|weeks?|wks?|"
    r"months?|mo\b|days?|m?iu|mu|x\b))(?:\s*(?:years?(?:[- ]old)?|yrs?|yo|y/o))?"
    r"|\b\d{1,3}\s*[- ]?(?:years?[- ]old|yrs?[- ]old|year[- ]olds?|yo\b|y/o)|(?:[>≥<]\s*\d{1,3}\s*(?:years?|yrs?|yo)\b)",
    re.IGNORECASE,
)


def false_premise(question: str, cited: list[GuardStatement], knowledge: GuardKnowledge) -> Premise | None:
    """A why/given question's presupposition the sources do not support (words no passage uses,
    absolutes the cited passages lack)."""
    cited_words = frozenset(w for s in cited for p in s.passages for w in knowledge.passages[p.id].names)
    return unsupported_premise(question, knowledge.lexicon, knowledge.corpus_words, knowledge.corpus_stems, cited_words)


def premise_asked_about(question: str, premise: Premise | None) -> list[str]:
    """The presupposed words no source uses that the asked part repeats ("since <drug> requires REMS,
    what are the REMS steps?"): what is asked is then absent from the sources, and a note followed by
    whatever they say of the drug would answer another question."""
    if not premise or not premise.terms:
        return []
    clause = presupposed_clause(question)
    at = question.lower().find(clause.lower()) if clause else -1
    asked = question[at + len(clause):] if at >= 0 else ""
    found = [re.search(rf"\b{re.escape(t)}\w*", asked, re.IGNORECASE) for t in premise.terms]
    return [m.group(0) for m in found if m]


def _is_claimed(figure: Figure, knowledge: GuardKnowledge) -> bool:
    return bool(figure.unit) or "." in figure.value or float(figure.value) >= knowledge.tuning.premise_min_value


def false_claims(question: str, knowledge: GuardKnowledge) -> list[DrugClaim]:
    clause = presupposed_clause(question)  # what a why / given / now-that question takes for granted
    return [c for c in extract_claims(clause, knowledge.lexicon) if knowledge.claim_problem(c)] if clause else []


def premise_note(draft: GuardDraft, knowledge: GuardKnowledge) -> str:
    """'Note: the sources do not report the figure the message gives for <trial>; they report 38% [2].'
    (this draft's markers)."""
    cited = [s for s in draft.statements if s.cited]
    figures = false_figures(judged(draft), cited, knowledge)
    parts = []
    if figures:
        about = _entity_labels(judged(draft), knowledge)
        subject = f" for {', '.join(about)}" if about else ""
        reported = _reported_figures(draft, cited, figures, knowledge)
        tail = f"; they report {', '.join(reported)}" if reported else ""
        parts.append(f"{NOTE_PREFIX}report {_figures_given(figures)}{subject}{tail}.")
    effect = contested_effect(judged(draft), knowledge.lexicon, knowledge.corpus)
    if effect and not parts:  # the presupposed change, before any other premise: what they report of it follows
        parts.append(effect_note(effect, cited, draft))
    premise = false_premise(judged(draft), cited, knowledge)
    if premise and not parts:  # one correction first: a figure note already says what they report
        about = f" about {', '.join(premise.subject)}" if premise.subject else ""
        nothing = ", ".join(f"'{w}'" for w in premise.said)
        parts.append(f"{NOTE_PREFIX}support the question's premise (they say nothing of {nothing}); "
                     f"what they say{about} is below [{next(n for n in cited[0].markers if n in draft.valid)}].")
    for claim in false_claims(judged(draft), knowledge):
        line = f" as {claim.line}-line therapy" if claim.line else ""
        drugs = " or ".join(knowledge.lexicon.label(d) for d in claim.drugs)
        parts.append(f"{NOTE_PREFIX}support that {drugs} is {'not ' if claim.negated else ''}indicated{line}; "
                     "what they say is below.")
    return " ".join(parts)


def effect_note(effect: EffectPremise, cited: list[GuardStatement], draft: GuardDraft) -> str:
    """'Note: the sources do not report that <drug> <change> <outcome>; what they report is below [n].': n marks the
    statement quoting a sentence that contradicts it, else the first cited (never agreement with the change)."""
    correcting = [s for s in cited if any(q.id in effect.correcting for quoted in s.quoted.values() for q in quoted)]
    marker = next(n for n in (correcting or cited)[0].markers if n in draft.valid)
    change = " ".join(effect.claim.said.replace(".", " ").split())
    what = "what they report of it" if effect.contradicted else "what they say"
    return f"{NOTE_PREFIX}report that {' and '.join(effect.claim.subject)} {change}; {what} is below [{marker}]."


def _figures_given(figures: list[Figure]) -> str:
    """How a note names the question's unsupported figures: never by their value. A figure the sources do not
    give for the subject must not appear in an answer, even inside its correction (and a message carrying an
    instruction may be dictating it)."""
    return "the figure the message gives" if len(figures) == 1 else "the figures the message gives"


def _entities(text: str, knowledge: GuardKnowledge) -> set:
    """Trials and drugs a text names (a class as the set of its members)."""
    return set(knowledge.trials_named(text)) | {m.drugs for m in drug_mentions(text, knowledge.lexicon)}


def _reported_figures(draft: GuardDraft, cited: list[GuardStatement], false: list[Figure],
                      knowledge: GuardKnowledge) -> list[str]:
    """The answer's own figures of the same kind, preferring statements about what the question names."""
    units = {f.unit for f in false}
    asked = _entities(judged(draft), knowledge)
    about = [s for s in cited if asked & _entities(s.content, knowledge)]
    out: dict[str, None] = {}
    for s in about or cited:
        marker = next(n for n in s.markers if n in draft.valid)
        for f in extract_figures(s.content):
            if f.unit in units and (f.unit is not None or float(f.value) >= knowledge.tuning.premise_min_value):
                out.setdefault(f"{f.raw} [{marker}]")
    return list(out)[: knowledge.tuning.note_max_figures]


def _entity_labels(question: str, knowledge: GuardKnowledge) -> list[str]:
    lexicon = knowledge.lexicon
    trials = [lexicon.trial(t).label for t in dict.fromkeys(m.id for m in lexicon.mentions(question) if m.kind == "trial")]
    drugs = [lexicon.label(d) for m in drug_mentions(question, lexicon) if not m.is_class for d in m.drugs]
    return list(dict.fromkeys(trials + drugs))


# The note is rebuilt on every review: a repaired answer is not re-checked against it.
RAIL = GuardRail(NAME, check, recheck=False)
