"""Questions whose answer the sources do not state: "at what Hb do you hold <drug>?", "<drug> dose?".

A threshold question (a cue from corpus/lexicon.yaml `threshold_cues`, about a measurement
concept such as Hb or sEPO) is answered only by a sentence that gives a figure for that
measurement in a passage that also names the question's other topic words (the action:
"transfuse", "escalate"). A dose question is answered only by a sentence stating a dose of that
drug; a question about changing the dose (the `doseadjust` concept) or renal/hepatic dosing
(`organdose`) only by a sentence stating such a change for it. When none does, the answer says
so first, then what the sources do state about it. Likewise a 'when was <drug> approved?' question needs a
sentence about it giving a date, a 'when do you escalate <drug>?' question a sentence stating that change
under a condition, and a comparison of named drugs or trials on something (VTE risk) a sentence about each
of them that speaks of it, and 'how long is a prior auth good for?' a sentence giving a duration for an approval.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.models import BotResponse
from bot.qa.selection import ScoredSentence, states_dose_for
from corpus.lexicon import load_lexicon
from corpus.lexicon_entries import whole_words
from corpus.retrieval import QueryAnalysis, RetrievalResult
from corpus.text import extract_figures
from bot.qa.not_stated_details import COMPARATOR, CONCEPT_TERMS, GENERIC_TERMS, UnstatedDetails, concept_label
from corpus.vocabulary import stem

_LEXICON = load_lexicon()
_CUES = re.compile(r"(?<![\w-])(?:" + "|".join(_LEXICON.threshold_cues) + r")(?!\w)", re.IGNORECASE) if _LEXICON.threshold_cues else None
_DRUG_CONCEPTS = _LEXICON.drug_concept_keys
_CLASS_CONCEPTS = frozenset(f"c{c.key}" for c in _LEXICON.classes)
_MEASURES = frozenset(f"c{key}" for key in _LEXICON.measurement_concepts)
_AMOUNT = whole_words(_LEXICON.dose_amount_cues) if _LEXICON.dose_amount_cues else None
_TRIAL_COMPARATORS = {t.id: "c" + _LEXICON.drug(t.comparator).key for t in _LEXICON.trials if t.comparator}


def asked_threshold(analysis: QueryAnalysis) -> list[str]:
    """The measurement concepts a threshold question asks a value of (none: not a threshold question)."""
    if _CUES is None or not _CUES.search(analysis.corrected):
        return []
    return [c.key for c in analysis.concepts if c.key in _MEASURES]


def threshold_stated(
    analysis: QueryAnalysis, measures: list[str], candidates: list[tuple[str, set[str], set[str]]]
) -> bool:
    """Whether a candidate (sentence text, its own terms, its passage's terms) states a figure for
    one of the measures where every other topic word of the question is named."""
    # A figure the question offers ("200 or 500?") is a candidate answer, not an action.
    # The cue's own words ("target", "cutoff") say a value is asked, not what is done at it.
    cue_words = {stem(w) for m in (_CUES.finditer(analysis.corrected) if _CUES else ()) for w in m.group(0).lower().split()}
    action = [t for t in analysis.known_terms if not t.startswith("c") and t not in _MEASURE_WORDS | cue_words
              and not any(ch.isdigit() for ch in t)]
    if any(w.isalpha() and stem(w) not in _MEASURE_WORDS for w in analysis.unknown_terms):
        return False  # the question's own words for the action are never used by the sources
    for text, own, context in candidates:
        if extract_figures(text) and set(measures) & own and all(t in context for t in action):
            return True
    return False


def threshold_label(measures: list[str], label_of: Callable[[str], str]) -> str:
    return " or ".join(label_of(m) for m in measures)


# Words that name the measurement or what its figure tells ("level", "predicts"), not an action (lexicon data).
_MEASURE_WORDS = frozenset(stem(w) for w in _LEXICON.threshold_words)


class NotStated(UnstatedDetails):
    """The Answerer's not-stated steps: a dose, a change of dose, or a threshold the sources do not
    state for what is asked (it supplies _sentence_terms, _passage_terms, _about, _compose, _refuse, _best_of_each)."""

    def _threshold_not_stated(self, result: RetrievalResult, scored: list[ScoredSentence]) -> BotResponse | None:
        """'At what Hb do you hold it?': the sources do not state X; they state Y [n]."""
        measures = asked_threshold(result.analysis)
        if not measures:
            return None
        candidates = [
            (c.sentence.normalized, self._sentence_terms[c.sentence.id], self._about(c) | self._passage_terms[c.passage.id])
            for c in scored[:10]
        ]
        if threshold_stated(result.analysis, measures, candidates):
            return None
        what = threshold_label(measures, concept_label)
        return self._not_stated(f"The source documents do not state a {what} threshold for this.", scored[:1])

    def _threshold_of_each_document(
        self, result: RetrievalResult, scored: list[ScoredSentence], chosen: list[ScoredSentence], entities: list[str]
    ) -> list[ScoredSentence]:
        """A threshold question the sources answer: each other document's best sentence giving a figure for the
        measurement beside every concept asked ("sEPO cutoff for ESA": one source says <200 U/L, another <=500),
        so a difference between the sources is shown, not hidden. A trial's entry criteria are not a threshold
        unless the question names the trial."""
        measures = set(asked_threshold(result.analysis))
        if not measures:
            return []
        asked = {t for t in result.analysis.known_terms if t.startswith("c") and t not in GENERIC_TERMS}
        documents = {c.passage.doc_id for c in chosen  # a document whose quote gives no figure for it still gets one
                     if measures & self._sentence_terms[c.sentence.id] and extract_figures(c.sentence.normalized)}
        picks = []
        for candidate in scored:
            own = self._sentence_terms[candidate.sentence.id]
            trials = {w for w in own if w in _LEXICON.trial_words}
            if candidate.passage.doc_id in documents or not asked <= own or trials - set(entities) \
                    or not set(entities) <= self._about(candidate) or not extract_figures(candidate.sentence.normalized):
                continue
            picks.append(candidate)
            documents.add(candidate.passage.doc_id)
        return picks

    def _comparison_not_stated(
        self, result: RetrievalResult, scored: list[ScoredSentence], aspects: dict[str, ScoredSentence], entities: list[str]
    ) -> BotResponse | None:
        """'VTE risk <drug A> vs <drug B>, which is higher?': the sources must speak of what is compared for
        each compared drug or trial (some sentence about it names it); for one they do not, they do not state it."""
        # Only drugs or trials the question names are compared (an options question's picks are not).
        if len([e for e in aspects if e in entities]) < 2 or "c" + COMPARATOR not in result.analysis.known_terms:
            return None
        attribute = compared_attribute(result.analysis.known_terms, entities)
        if not attribute:
            return None
        speaking = {e: [c for c in scored if self._speaks_of(e, c) and len(attribute & self._about(c)) >= len(attribute) / 2]
                    for e in aspects}
        lacking = [e for e, found in speaking.items() if not found]
        if not lacking:
            return None
        stated = [found[0] for found in speaking.values() if found][:1]
        names = ", ".join(concept_label(e) for e in lacking)
        return self._not_stated(f"The source documents do not state this for {names}, so they do not compare it.", stated)

    def _speaks_of(self, entity: str, candidate: ScoredSentence) -> bool:
        """Whether a sentence is about a compared drug or trial: it names it, or gives the 'X vs Y' results of a trial
        whose control arm received it (lexicon `comparator`: a trial's '150 vs 95 weeks' speaks of both arms)."""
        about = self._about(candidate)
        if entity in about:
            return True
        contrasted = "c" + COMPARATOR in self._sentence_terms[candidate.sentence.id]
        return contrasted and any(_TRIAL_COMPARATORS.get(t) == entity for t in about)

    def _unstated(
        self, result: RetrievalResult, scored: list[ScoredSentence], aspects: dict[str, list[ScoredSentence]],
        entities: list[str],
    ) -> BotResponse | None:
        """The first thing asked that the sources do not state (a dose, a threshold, a date, a comparison, how long
        an approval lasts), said so before what they do state; None when they state it."""
        return (self._dose_not_stated(result, scored, entities) or self._statistic_not_stated(result, scored, entities)
                or self._threshold_not_stated(result, scored)
                or self._date_not_stated(result, scored, entities) or self._validity_not_stated(result, scored)
                or self._enrolment_not_stated(result, scored, entities) or self._frequency_not_stated(result, scored)
                or self._administration_time_not_stated(result, scored)
                or self._comparison_not_stated(result, scored, aspects, entities))

    def _not_stated(self, text: str, about: list[ScoredSentence]) -> BotResponse:
        if not about:
            return self._refuse(text)
        response = self._compose(about, [])
        return response.model_copy(update={"status": "refused", "answer": f"{text} What they do say: {response.answer}"})

    def _dose_not_stated(
        self, result: RetrievalResult, scored: list[ScoredSentence], entities: list[str]
    ) -> BotResponse | None:
        """A dose question is answered only by a sentence that states a dose of that drug."""
        keys = {c.key for c in result.analysis.concepts}
        if "cdose" not in keys or not _LEXICON.asks_dose(result.analysis.corrected):
            return None
        drugs = [k for k in entities if k in _DRUG_CONCEPTS]
        if not drugs:
            return None
        # "dose reduction for G4 thrombocytopenia", "renal dosing": a change of dose, not the dose.
        adjusting = next((k for k in ("corgandose", "cdoseadjust") if k in keys), None)
        # "When do you escalate <drug>?": a sentence stating that change and when it is made.
        trigger = _ADJUST_ACTION.search(result.analysis.corrected) if _WHEN.search(result.analysis.corrected) else None
        # "By how much / to what mg/kg do you reduce it?": a sentence giving a dose for that change.
        amount = adjusting == "cdoseadjust" and _AMOUNT is not None and bool(_AMOUNT.search(result.analysis.corrected))
        # "Dose reduction for grade 3 hypertension?": a change stated for another situation does not answer it.
        situation, elsewhere = _situation_terms(result.analysis, drugs) if adjusting else set(), False
        for candidate in scored[:10]:
            terms, text = self._sentence_terms[candidate.sentence.id], candidate.sentence.normalized
            if adjusting and any(d in terms for d in drugs) and adjusting in terms and _states_trigger(text, trigger) \
                    and (not amount or _states_amount(text, drugs, _ADJUST_ACTION.search(result.analysis.corrected))):
                if situation <= self._about(candidate) | self._passage_terms[candidate.passage.id]:
                    return None
                elsewhere = True  # a change stated for the drug, in another situation
            if not adjusting and any(states_dose_for(candidate.sentence.normalized, d) for d in drugs):
                return None
        about = [s for s in scored if any(d in self._sentence_terms[s.sentence.id] for d in drugs)][:1]
        names = ", ".join(concept_label(d) for d in drugs)
        what = f"the {concept_label(adjusting)}" if adjusting else "a dose or schedule"
        where = " in the situation asked about" if elsewhere else ""
        return self._not_stated(f"The source documents do not state {what} for {names}{where}.", about)


def _situation_terms(analysis: QueryAnalysis, drugs: list[str]) -> set[str]:
    """What a dose-change question says the change is for ('for grade 3 hypertension', 'in <trial>'): its topic
    terms beyond the drug, the dose wording and the population every source is about."""
    skip = {*drugs, "cdose", "cdoseadjust", "corgandose", *GENERIC_TERMS}
    return {t for t in analysis.known_terms if t not in skip and not any(ch.isdigit() for ch in t)}


_WHEN = re.compile(r"^\s*(?:when|at what point|under what conditions?|in (?:which|what) cases?)\b", re.IGNORECASE)
_ADJUST_ACTION = re.compile(r"\b(escalat|reduc|lower|decreas|increas|hold|withh[oe]ld|interrupt|delay|modif|adjust)\w*",
                            re.IGNORECASE)
_CONDITION = re.compile(r"\b(?:if|when|after|once|unless|until|upon|in case of|in patients? (?:who|with))\b", re.IGNORECASE)
def _states_trigger(text: str, trigger: re.Match[str] | None) -> bool:
    """A 'when do you <action>' question needs a sentence naming that action under a condition."""
    if trigger is None:
        return True
    return bool(_CONDITION.search(text)) and _names_action(text, trigger)


def _states_amount(text: str, drugs: list[str], action: re.Match[str] | None) -> bool:
    """A 'how much do you <action> it' question needs a sentence giving a dose of the drug and naming that action
    (escalating doses are no reduction)."""
    return any(states_dose_for(text, d) for d in drugs) and (action is None or _names_action(text, action))


def _names_action(text: str, action: re.Match[str]) -> bool:
    stem_ = action.group(1).lower()
    return any(w.startswith(stem_) for w in re.findall(r"[a-z]+", text.lower()))


# Each class's members' keys: a class a compared drug belongs to (an epoetin brand adds the ESA concept) is a side, not
# what is compared; a class no compared drug belongs to ("how did the trials differ re prior ESA?") is.
_CLASS_MEMBERS = {f"c{c.key}": frozenset(f"c{_LEXICON.drug(d).key}" for d in _LEXICON.members(c.id)) for c in _LEXICON.classes}


def compared_attribute(known_terms: list[str], entities: list[str]) -> set[str]:
    """What a comparison of the named drugs or trials compares: the question's lexicon concepts (an outcome, a
    population, a class) when it names any, else its plain words. The plain words around a concept ("reached",
    "at least", "active") are phrasing that a source sentence on the same outcome need not repeat."""
    named = set(entities) | {stem(e) for e in entities}
    sides = {c for c, members in _CLASS_MEMBERS.items() if members & named}
    attribute = {t for t in known_terms if t not in GENERIC_TERMS | _DRUG_CONCEPTS | sides and t not in named}
    concepts = attribute & CONCEPT_TERMS
    return concepts or attribute
