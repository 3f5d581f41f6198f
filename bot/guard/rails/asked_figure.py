"""Rail `asked_figure`: a question asking what share of patients had an event is answered by a figure for
that event, or refused; never by figures for other endpoints of the same trial or drug.

"What percentage of <trial> patients developed <event> on <drug>?": the event is what follows the
verb of having (developed, experienced, had, achieved, reached...). A kept statement answers it when one
of its clauses (split at ';', so one item of a list) states a percentage and uses every word of the event
(stemmed). When none does, the answer would hand the reader another endpoint's figure for the one asked:
it becomes a refusal that says the sources do not state it.
"""

from __future__ import annotations

import re

from bot.guard.instructions import strip_instructions
from bot.guard.knowledge import GuardKnowledge
from bot.guard.models import GuardDraft, GuardRail, RailOutcome, allow, repair
from corpus.text import extract_figures
from corpus.vocabulary import STOPWORDS, concepts_in, stem, words

NAME = "asked_figure"

_HAVING = r"(?:developed|develop|experienced|experience|had|have|has|suffered|got|get|reported|report)"
# "what percentage / proportion / % of ... <verb> <event> <on|with|in ...|?>", "what % got <event>"
_ASKED = re.compile(
    r"(?:\b(?:percentage|percent|proportion|fraction|share)\s+of\b|%\s*of\b|\bhow many\b"
    r"|\bwhat\s+(?:%|percent(?:age)?|proportion|share)(?=\s+" + _HAVING + r"\b))[^?.;]*?\b"
    + _HAVING + r"\s+"
    r"(?!to\b)(?:an?\s+|any\s+)?(?P<event>[\w()/-]+(?:\s+[\w()/-]+){0,4}?)"
    r"(?=\s+(?:on|with|in|during|after|while|under|at|from|receiving|taking|versus|vs)\b|\s*[?.,;]|\s*$)",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[;•\n]")  # one item of a list is one clause


def asked_event(question: str) -> tuple[str, frozenset[str]] | None:
    """The event a share-of-patients question asks about and its word stems (None: not such a question)."""
    match = _ASKED.search(strip_instructions(question) or question)
    if match is None:
        return None
    event = match.group("event").strip()
    stems = frozenset(stem(w) for w in words(event) if w not in STOPWORDS and not w[0].isdigit())
    return (event, stems) if stems else None


def _states_share(text: str, event: str, stems: frozenset[str]) -> bool:
    """Whether a clause of the text gives a percentage and names the event: every word of it, or the lexicon
    concept it is written as ('HI-E' is 'hematologic improvement-erythroid')."""
    named = {c.key for c in concepts_in(event)}
    for clause in _CLAUSE.split(text):
        said = {stem(w) for w in words(clause)}
        in_words = stems <= said or (named and named <= {c.key for c in concepts_in(clause)})
        if in_words and any(f.unit == "%" for f in extract_figures(clause)):
            return True
    return False


def check(draft: GuardDraft, knowledge: GuardKnowledge) -> RailOutcome:
    asked = asked_event(draft.read_as)
    if asked is None or not draft.needs_citations or draft.subject_refusal or not draft.kept:
        return allow(NAME, "no share of patients with an event asked")
    event, stems = asked
    if any(_states_share(s.text, event, stems) for s in draft.kept):
        return allow(NAME, f"a statement gives a percentage for '{event}'")
    why = f"The source documents do not state what share of patients had {event}."
    return repair(NAME, f"no statement gives a percentage for '{event}' (refused)",
                  draft.dropping({s.index for s in draft.statements}).model_copy(update={"subject_refusal": why}))


RAIL = GuardRail(NAME, check)
