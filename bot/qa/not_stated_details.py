"""The details a question may ask that the sources do not state: a statistic ("OS hazard ratio?"), a date ("when was
<drug> approved?"), how many took part in a study, how often to do something other than give the drug ("how often
to check BP?"), how long an approval lasts. A mixin of the Answerer's not-stated steps (bot/qa/not_stated.py), which
supplies _about, _sentence_terms, _passage_terms, _best_of_each and _not_stated."""

from __future__ import annotations

import re

from bot.models import BotResponse
from bot.qa.selection import ScoredSentence
from corpus.lexicon import load_lexicon
from corpus.lexicon_entries import whole_words
from bot.qa.qualifiers import asked_sides, contradicts, names_side
from corpus.retrieval import QueryAnalysis, RetrievalResult
from corpus.text import extract_figures
from corpus.vocabulary import CONCEPTS, stem

_LEXICON = load_lexicon()
_DRUG_CONCEPTS = _LEXICON.drug_concept_keys
COMPARATOR = "comparator"  # the concept a comparison question names ("vs", "compared with", "which is higher")
GENERIC_TERMS = frozenset({"c" + COMPARATOR, "clrmds", "cmds"})
_STATISTICS = frozenset(f"c{key}" for key in _LEXICON.statistic_concepts)
# "When was <drug> approved?", "what year did <trial> start?", "<drug> approval date": answered only by a sentence giving a date.
_DATE_QUESTION = whole_words(_LEXICON.date_cues) if _LEXICON.date_cues else None
_DATE = re.compile(r"\b(?:19|20)\d{2}\b")
_VALIDITY = whole_words(_LEXICON.validity_cues) if _LEXICON.validity_cues else None
_ENROLMENT = whole_words(_LEXICON.enrolment_cues) if _LEXICON.enrolment_cues else None
# A count of who took part: "222 patients", "222 LR-MDS patients", "n=222" (a phase number counts nobody).
_COUNT = re.compile(r"(?<!phase )\b\d[\d,]*\s+(?:[\w()-]+\s+)?(?:" + "|".join(_LEXICON.counted_nouns or ["patients?"])
                    + r")\b|\bn\s*=\s*\d", re.IGNORECASE)
_APPROVAL = whole_words(_LEXICON.approval_cues + ["approv\\w*", "authori[sz]\\w*"])
# A sentence that answers how long an approval lasts: a duration beside what is granted.
_DURATION = re.compile(r"\b\d+(?:\s*[-\u2013]\s*\d+)?\s*(?:days?|weeks?|months?|years?)\b|\b(?:annual\w*|yearly)\b", re.IGNORECASE)
# What is granted, as a noun ("approval", "authorization", "renewal"): "the maximum approved dose" grants nothing.
_GRANTED = re.compile(r"\b(?:re-?)?(?:approvals?|authori[sz]ations?|coverage|renewals?|valid\w*|expir\w*)\b|"
                      r"\b(?:approved|authori[sz]ed|covered) for (?:a period of |up to )?\d", re.IGNORECASE)


def _study_terms(analysis: QueryAnalysis, entities: list[str]) -> set[str]:
    """The question's words for which study it asks a count of, beyond the drug or trial named ('Japanese', 'NTD'):
    its topic terms less the enrolment cue's own words ('randomized', 'enrolled') and the generic ones."""
    cue_words = {stem(w) for text in (analysis.corrected, analysis.original) for m in _ENROLMENT.finditer(text)
                 for w in re.findall(r"[a-z]+", m.group(0).lower())} if _ENROLMENT else set()
    named = set(entities) | {stem(e) for e in entities}
    return {t for t in analysis.known_terms if t not in cue_words | named | GENERIC_TERMS | _DRUG_CONCEPTS
            and not any(ch.isdigit() for ch in t)}


_FREQUENCY = re.compile(r"\b(?:every|each|per|q)\s*\d*\s*(?:days?|weeks?|months?|visits?|cycles?|doses?|injections?|"
                        r"infusions?|w|wk|wks)\b|\b(?:daily|weekly|monthly|annually|yearly|regularly|periodically)\b|"
                        r"\bbefore each\b", re.IGNORECASE)
_HOW_OFTEN = re.compile(r"\bhow (?:often|frequently)\b(?P<after>(?:\s+\S+){1,4})", re.IGNORECASE)


def asked_frequency_action(text: str) -> str | None:
    """The action other than giving the drug that a 'how often' question asks a frequency of ('check'), or None."""
    for match in _HOW_OFTEN.finditer(text):
        for word in re.findall(r"[a-z]+", match.group("after").lower()):
            action = next((a for a in _LEXICON.frequency_actions if stem(a) == stem(word)), None)
            if action:
                return action
    return None


_HOW_LONG_ADMIN = re.compile(r"\bhow (?:long|many (?:minutes|hours|min|hrs?))\b(?P<after>[^?.]{0,40})", re.IGNORECASE)
_TAKES_TIME = re.compile(r"\b\d+(?:\.\d+)?\s*(?:-\s*\d+\s*)?(?:min(?:ute)?s?|h(?:ou)?rs?|h)\b", re.IGNORECASE)


def asked_administration_time(text: str) -> str | None:
    """The way of giving the drug ('infusion') a 'how long is the ...?' question asks the duration of, or None."""
    for match in _HOW_LONG_ADMIN.finditer(text):
        for word in re.findall(r"[a-z]+", match.group("after").lower()):
            if word in _LEXICON.administration_nouns:
                return word.rstrip("s") if word.endswith("ions") else word
    return None


def _names_action_verb(text: str, action: str) -> bool:
    return stem(action) in {stem(w) for w in re.findall(r"[a-z]+", text.lower())}


def asks_validity(text: str) -> bool:
    """How long an approval or authorization lasts ('how long is a PA good for?'), not how long a response lasts."""
    return bool(_VALIDITY and _VALIDITY.search(text) and _APPROVAL.search(text))


class UnstatedDetails:
    def _date_not_stated(
        self, result: RetrievalResult, scored: list[ScoredSentence], entities: list[str]
    ) -> BotResponse | None:
        """'When was <drug> approved?': answered only by a sentence about it that gives a date for the event asked,
        never one dating it for another side of a qualifier the question names ('approved first-line?' is not answered
        by the approval after ESA failure: lexicon exclusive_qualifiers)."""
        question = result.analysis.corrected
        if not entities or _DATE_QUESTION is None or not _DATE_QUESTION.search(question):
            return None
        event = set(result.analysis.known_terms) - set(entities)
        for candidate in scored[:10]:
            context = self._about(candidate) | self._passage_terms[candidate.passage.id]
            if set(entities) & self._about(candidate) and _DATE.search(candidate.sentence.normalized) \
                    and (not event or event & context) and not contradicts(question, candidate.sentence.normalized):
                return None
        # What they do say: a sentence on the side asked ('not indicated first-line'), never another side's date.
        named = [s for s in scored if set(entities) & self._about(s) and not contradicts(question, s.sentence.normalized)]
        sides = asked_sides(question)
        about = ([s for s in named if names_side(s.sentence.normalized, sides)] or named)[:1]
        names = ", ".join(concept_label(e) for e in entities) + "".join(f" ({side.label})" for side in sides)
        return self._not_stated(f"The source documents do not state when this happened for {names}.", about)

    def _statistic_not_stated(
        self, result: RetrievalResult, scored: list[ScoredSentence], entities: list[str]
    ) -> BotResponse | None:
        """'OS hazard ratio for <drug> vs placebo?': answered only by a sentence naming that kind of statistic with a
        figure, about what the question names; other figures for the same outcome are not it."""
        asked = [c.key for c in result.analysis.concepts if c.key in _STATISTICS]
        if not asked:
            return None
        for candidate in scored[:10]:
            context = self._about(candidate) | self._passage_terms[candidate.passage.id]
            if set(asked) & self._sentence_terms[candidate.sentence.id] and extract_figures(candidate.sentence.normalized) \
                    and (not entities or set(entities) & context):
                return None
        # What they do say: a sentence about the outcome asked (OS), else any about what the question names.
        outcome = {c.key for c in result.analysis.concepts} - _STATISTICS - set(entities) - GENERIC_TERMS
        named = [s for s in scored if not entities or set(entities) & self._about(s)]
        about = ([s for s in named if outcome & self._sentence_terms[s.sentence.id]] or named)[:1]
        names = f" for {', '.join(concept_label(e) for e in entities)}" if entities else ""
        what = " or ".join(concept_label(k) for k in asked)
        return self._not_stated(f"The source documents do not state the {what}{names}.", about)
    def _enrolment_not_stated(
        self, result: RetrievalResult, scored: list[ScoredSentence], entities: list[str]
    ) -> BotResponse | None:
        """'How many pts were randomized in <trial>?': answered only by a sentence about the trial or drug asked that
        gives such a count ('Of the 222 patients enrolled'); a sentence on its results is no count of who took part."""
        # Read as written too: the spelling corrector may turn a word the sources never use ("subjects") into one they do.
        if _ENROLMENT is None or not any(_ENROLMENT.search(t) for t in (result.analysis.corrected, result.analysis.original)):
            return None
        about = [c for c in scored if not entities or set(entities) & self._about(c)]
        # The count must be of the study asked: a count from another trial of the same drug (its Japanese NTD phase 2) is not it.
        study = _study_terms(result.analysis, entities)
        if any(_COUNT.search(c.sentence.normalized) and study <= self._about(c) | self._passage_terms[c.passage.id]
               for c in about[:10]):
            return None
        names = ", ".join(concept_label(e) for e in entities) or "this"
        return self._not_stated(f"The source documents do not state how many took part in {names}.", about[:1])

    def _frequency_not_stated(self, result: RetrievalResult, scored: list[ScoredSentence]) -> BotResponse | None:
        """'How often to check BP on <drug>?': answered only by a sentence naming that action with a frequency; the
        dosing schedule is no monitoring schedule."""
        action = asked_frequency_action(result.analysis.corrected)
        if action is None:
            return None
        if any(_FREQUENCY.search(c.sentence.normalized) and _names_action_verb(c.sentence.normalized, action)
               for c in scored[:10]):
            return None
        named = [c for c in scored if _names_action_verb(c.sentence.normalized, action)] or scored
        return self._not_stated(f"The source documents do not state how often to {action}.", named[:1])

    def _administration_time_not_stated(self, result: RetrievalResult, scored: list[ScoredSentence]) -> BotResponse | None:
        """'How long is the <drug> infusion?': answered only by a sentence naming the infusion with a duration in minutes
        or hours; a dose schedule ('IV every 4 weeks') says how often, not how long."""
        noun = asked_administration_time(result.analysis.corrected)
        if noun is None:
            return None
        if any(_TAKES_TIME.search(c.sentence.normalized) and _names_action_verb(c.sentence.normalized, noun)
               for c in scored[:10]):
            return None
        return self._not_stated(f"The source documents do not state how long the {noun} takes.", scored[:1])

    def _validity_not_stated(self, result: RetrievalResult, scored: list[ScoredSentence]) -> BotResponse | None:
        """'How long is a <drug> prior auth good for?': answered only by a sentence giving a duration for an approval
        or authorization; a response assessment at 3-6 months is no approval period."""
        if not asks_validity(result.analysis.corrected):
            return None
        timed = [c for c in scored[:10] if _DURATION.search(c.sentence.normalized)]
        if any(_GRANTED.search(c.sentence.normalized) for c in timed):
            return None
        # What they do say: when a named drug's response is assessed (its renewal questions, lexicon data).
        drugs = [m.id for m in _LEXICON.mentions(result.analysis.corrected) if m.kind == "drug"][:1]
        renewal = [q.format(drug=_LEXICON.label(d)) for d in drugs for q in _LEXICON.renewal_questions[:1]]
        about = self._best_of_each(renewal, []) or timed[:1] or scored[:1]
        return self._not_stated("The source documents do not state how long an approval or authorization lasts.", about)


CONCEPT_TERMS = frozenset(c.key for c in CONCEPTS)


def concept_label(key: str) -> str:
    for concept in CONCEPTS:
        if concept.key == key:
            return concept.label
    trial = next((t for t in _LEXICON.trials if t.id == key), None)
    return trial.label if trial else key
