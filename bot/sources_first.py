"""A message about one patient that asks something of the sources: the sources answer first, the check is offered.

"Pt isn't transfusion dependent yet. Can we get <drug> covered?" describes a patient, but what the
pharmacist needs first is what the sources require (the criteria and the documentation list, cited) and what
they say about such a patient; the rules-core check of this patient is offered after, with the facts it waits
on, never instead (issue 11). A plain check ("Is <drug> medically necessary for my patient?") still asks for
the missing facts; "does he meet the criteria?" gets its verdict when the facts settle it, else the criteria
quoted first and the check offered. Which wordings ask the sources is lexicon data (`approval_cues`, `source_cues`,
`option_cues`), as are the criteria questions.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot.models import BotResponse
from bot.verdict_text import facts_to_ask, plain, verdict_lines
from corpus.conflicts import KnownConflict, conflicts_for
from corpus.lexicon import Lexicon, load_lexicon
from corpus.lexicon_entries import whole_words
from rules_core.decision import Decision

if TYPE_CHECKING:  # pragma: no cover
    from bot.qa.answerer import Answerer

# "How can I get <drug> approved ...?", "what documentation do I need ...?": the user asks for the criteria.
_ASKS_FOR_CRITERIA = re.compile(
    r"\bhow\s+(?:can|do|would|should|could)\s+(?:i|we|you)\s+(?:get|obtain|justify|document|support)\b|"
    r"\bwhat\s+(?:are|is)\s+the\s+(?:\w+\s+)?(?:criteria|requirements?|documentation)\b|"
    r"\bwhat\s+(?:documentation|criteria)\b|\bwhat\s+(?:do|does|would)\s+(?:i|we|the\s+payer)\s+need\b",
    re.IGNORECASE,
)
# "Does he meet the criteria (in the article)?", "meets lusp criteria?": a check of this patient against the criteria.
# The facts settling it, the verdict answers (each criterion cited); facts missing, the criteria are quoted first
# and the check offered with what it waits on, never a bare request for facts.
_ASKS_IF_MET = re.compile(
    r"\b(?:meets?|meeting|fulfil+s?|satisf(?:y|ies)|qualif(?:y|ies)\s+under)\s+(?:all\s+)?(?:the\s+|its\s+|their\s+)?"
    r"(?:[\w()-]+\s+){0,3}(?:criteria|requirements)\b",
    re.IGNORECASE,
)


def _cue(patterns: list[str]) -> re.Pattern[str] | None:
    return whole_words(patterns) if patterns else None


def asks_for_criteria(text: str, lexicon: Lexicon | None = None) -> bool:
    """The message asks what a payer requires: the criteria, the documentation, an approval."""
    cue = _cue((lexicon or load_lexicon()).approval_cues)
    return bool(_ASKS_FOR_CRITERIA.search(text) or (cue and cue.search(text)))


def is_plain_check(text: str, lexicon: Lexicon | None = None) -> bool:
    """'Is X medically necessary?', 'is he eligible?': the rules core's question, whatever facts come with it."""
    cue = _cue((lexicon or load_lexicon()).plain_check_cues)
    return bool(cue and cue.search(text))


def asks_the_sources(text: str, conflicts: tuple[KnownConflict, ...] = (), lexicon: Lexicon | None = None) -> bool:
    """The message asks something the sources answer (criteria, evidence, options, a trial), not only a verdict,
    or touches a topic they disagree on (first-line use: both positions come before any patient check)."""
    lexicon = lexicon or load_lexicon()
    if asks_for_criteria(text, lexicon) or _ASKS_IF_MET.search(text) or any(m.kind == "trial" for m in lexicon.mentions(text)):
        return True
    if conflicts_for(text, conflicts) and not is_plain_check(text, lexicon):
        return True
    return any(cue is not None and cue.search(text) for cue in (_cue(lexicon.source_cues), _cue(lexicon.option_cues)))


def criteria_for(text: str, lexicon: Lexicon | None = None) -> tuple[str, ...]:
    """A prior-authorization question naming a drug ("reauth for lusp - when do I document response?"): the
    drug's criteria questions, quoted after its own answer; () for any other question."""
    lexicon = lexicon or load_lexicon()
    if not asks_for_criteria(text, lexicon):
        return ()
    drugs = [m.id for m in lexicon.mentions(text) if m.kind == "drug" and lexicon.drug(m.id).rules]
    return _criteria_questions(text, lexicon.label(drugs[0]), lexicon) if drugs else ()


def _criteria_questions(text: str, name: str, lexicon: Lexicon) -> tuple[str, ...]:
    """The drug's criteria questions; a renewal ("reauth", "continue") adds the response assessment's."""
    renewal = _cue(lexicon.renewal_cues)
    asked = [*lexicon.criteria_questions, *(lexicon.renewal_questions if renewal and renewal.search(text) else [])]
    return tuple(q.format(drug=name) for q in asked)


def answer_payer_question(answerer: Answerer, text: str) -> BotResponse:
    """A question about the sources; a prior-authorization one naming a drug with criteria gets them quoted too,
    and, when its own wording is not answered ("reauth for the payer - what's needed?"), the criteria alone:
    they are that drug's, never another's (criteria_for)."""
    criteria = criteria_for(text)
    response = answerer.answer(text, also=criteria)
    # A refusal quoting what the sources do say ("they do not state how long an approval lasts") is the answer.
    if response.status == "refused" and criteria and not response.citations:
        each = answerer.answer_each(list(criteria))
        return each if each.status == "answered" else response
    return response


def answer_then_offer(
    answerer: Answerer, text: str, drug: str, decision: Decision, facts: dict[str, Any], notes: list[str],
    settled: bool = False,
) -> BotResponse | None:
    """The sources' answer to the message (with the drug's criteria when it asks for them), cited, then the
    offer to check this patient with the facts the verdict waits on, or, when the facts settle it, the verdict
    (the decision attached; `settled`: no assumption is open); None when the sources do not answer it
    (then the check asks for its facts, as for any patient)."""
    lexicon = load_lexicon()
    name = lexicon.label(drug)
    met = _ASKS_IF_MET.search(text)
    criteria = _criteria_questions(text, name, lexicon) if met or asks_for_criteria(text, lexicon) else ()
    if criteria and (met or _ASKS_FOR_CRITERIA.search(text)):  # "how can I get X approved?" asks for the criteria alone
        response = answerer.answer_each(list(criteria))
    else:  # no yes/no word: whether this patient qualifies is the rules core's to say, not a quote's
        response = answerer.answer(text, also=criteria, lead=False)
    if response.status != "answered" and criteria:  # the criteria asked for, even when the rest is not answered
        response = answerer.answer_each(list(criteria))
    if response.status != "answered":
        return None
    if settled and decision.decision != "insufficient_documentation":  # the facts settle it: the verdict, after the sources
        verdict = verdict_lines(decision, lambda _citation: 0)[0]
        note = f"{verdict} Ask whether {name} is medically necessary for this patient for each criterion, cited."
        return response.model_copy(update={"notes": [*notes, note, *response.notes], "decision": decision,
                                           "extracted_facts": facts})
    wanted = facts_to_ask(decision)  # only what the verdict waits on
    asks = "; ".join(plain(m.label) for m in wanted)
    offer = f"To check this patient against the criteria for {name}, tell me: {asks}."
    return response.model_copy(
        update={"notes": [*notes, offer, *response.notes], "missing_facts": [m.field for m in wanted],
                "extracted_facts": facts}
    )
