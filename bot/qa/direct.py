"""Answers that start with the answer: "Yes: <quote> [1]" / "No: <quote> [1]" for a yes/no question.

A yes/no question ("Were patients ... eligible for <trial>?") is answered "Yes" or "No" only when a
quoted sentence is on its point: it names every drug or trial the question names, and carries most of
the question's topic terms. The word follows the negations of the two texts: a topic term negated in
the sentence and not in the plain question ("no prior lenalidomide or HMAs" for "were patients treated
with lenalidomide eligible?") answers "No"; the same negations answer "Yes"; a term only the question
negates ("not yet transfusion dependent") gets no word, nor does a sentence that is one side of a known
conflict ("has it beaten epoetin alfa?"). Anything less certain gets no lead word: the
quotes follow as before, and the reader judges. A yes/no question on a known conflict's topic opens
"The sources disagree: " before every position.
"""

from __future__ import annotations

import re

from bot.qa.selection import ScoredSentence, states_dose_for
from bot.qa.windows import Window, over_another_window, windows_in
from corpus.lexicon import load_lexicon
from corpus.retrieval import RetrievalResult
from corpus.text import extract_figures
from corpus.vocabulary import concepts_in, fold, stem

_AUX = r"(?:is|are|was|were|does|do|did|has|have|had|can|could|should|will|would|may|might|must)"
_YES_NO = re.compile(rf"^\W*{_AUX}\b", re.IGNORECASE)
# "Is it still ongoing, or does it have results?" asks which, not whether.
_ALTERNATIVE = re.compile(rf",\s*or\b|\bor\s+(?:not\b|{_AUX}\b)|\bor\b[^?]*\bor\b", re.IGNORECASE)
# A negation cue negates the topic terms that follow it closely; "excluded" those just before it.
_NEGATION = re.compile(r"\b(?:not|no|never|without|neither|nor|cannot|non|none|lack\w*|fail(?:ed|s)? to)\b|n't\b")
_NEGATED_BEFORE = re.compile(r"\b(?:excluded|ineligible|not eligible)\b")
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
SCOPE_AFTER = 40  # characters a cue reaches forward ("no prior lenalidomide or HMAs")
SCOPE_BEFORE = 20  # characters "excluded" reaches back ("del(5q) excluded")
_LEXICON = load_lexicon()
_TRIALS = _LEXICON.trial_words
_DRUG_KEYS = _LEXICON.drug_concept_keys
_UNIT_OF = {spelling.lower(): unit for unit, spellings in _LEXICON.units.items() for spelling in spellings}
LEADS = {"yes": "Yes: ", "no": "No: ", "disagree": "The sources disagree: "}


# "How many weeks ...?", "how long ...?", "what percentage ...?": the answer is a figure in that unit.
_HOW_MANY = re.compile(r"\bhow (?:many|much) (\w+(?:/\w+)?)", re.IGNORECASE)
_HOW_LONG = re.compile(r"\bhow long\b|\bafter how\b", re.IGNORECASE)
_WHAT_SHARE = re.compile(r"\bwhat (?:percent(?:age)?|proportion|fraction|share)\b|\bhow many (?:patients|pts)\b|\bhow much of\b",
                         re.IGNORECASE)
DURATIONS = frozenset({"weeks", "months", "years", "days", "cycles"})
# "How is ESA failure defined?", "what counts as TD?": a sentence stating the condition ("<X> when:", "<X> documented
# by lack of response after 6-8 weeks"), with its figure, answers; a criteria list naming X does not define it.
_DEFINES = re.compile(r"\b(?:defin(?:e|ed|es|ing|itions?)|what (?:counts|qualifies) as|meaning of)\b", re.IGNORECASE)
_STATES_CONDITION = re.compile(r"\bwhen\s*:|\b(?:documented by|(?:is|are) defined as|means|refers to)\b", re.IGNORECASE)


def asked_units(question: str) -> frozenset[str]:
    """The units a figure answering the question is in (none: it asks for no figure)."""
    if _WHAT_SHARE.search(question):
        return frozenset({"%"})
    match = _HOW_MANY.search(question)
    if match:
        unit = _UNIT_OF.get(match.group(1).lower())
        return frozenset({unit}) if unit else frozenset()
    return DURATIONS if _HOW_LONG.search(question) else frozenset()


def _asks_the_dose(question: str) -> bool:
    """A question asking a drug's dose or schedule, not a change of it ('dose reduction', 'renal dosing')."""
    keys = {c.key for c in concepts_in(question)}
    return "cdose" in keys and not keys & {"cdoseadjust", "corgandose"} and _LEXICON.asks_dose(question)


def is_yes_no(question: str) -> bool:
    return bool(_YES_NO.match(question)) and not _ALTERNATIVE.search(question)


def negated_terms(text: str, terms: set[str]) -> set[str]:
    """The topic terms (stems or concept keys) a negation in the text scopes over."""
    folded = fold(text).lower()
    spans = _term_spans(folded, terms)
    cues = [m.end() for m in _NEGATION.finditer(folded)]
    afters = [m.start() for m in _NEGATED_BEFORE.finditer(folded)]
    out = set()
    for term, (start, end) in spans:
        if any(0 <= start - cue <= SCOPE_AFTER for cue in cues) or any(0 <= after - end <= SCOPE_BEFORE for after in afters):
            out.add(term)
    return out


def _term_spans(folded: str, terms: set[str]) -> list[tuple[str, tuple[int, int]]]:
    spans = [(stem(m.group(0)), m.span()) for m in _TOKEN.finditer(folded)]
    spans = [(t, span) for t, span in spans if t in terms]
    for concept, regex in _LEXICON.concept_regexes:
        if concept.key in terms:
            spans += [(concept.key, m.span()) for m in regex.finditer(folded)]
    return spans


def polarity(question: str, sentence: str, shared: set[str]) -> str | None:
    """'no' when the sentence negates a shared topic term the plain question asserts; 'yes' when the two
    negate the same terms; None when only the question negates one (the sentence may be about others)."""
    asked, stated = negated_terms(question, shared), negated_terms(sentence, shared)
    if stated - asked:
        return None if asked else "no"
    return None if asked - stated else "yes"


def subject_asked(sentence: str, entities: list[str]) -> bool:
    """Whether the first drug the sentence names is one the question asks about: "Pooled analyses of <drug A>
    treated patients ... regardless of prior exposures (<drug B>)" answers no yes/no question about drug B."""
    drugs = [f"c{_LEXICON.drug(m.id).key}" for m in _LEXICON.mentions(sentence) if m.kind == "drug"]
    asked = [e for e in entities if e not in _TRIALS]
    return not drugs or not asked or drugs[0] in asked


def _figures_not_in(question: str, sentence: str) -> bool:
    """The question states a figure (with its unit) that the sentence does not give."""
    given = {(f.value, f.unit) for f in extract_figures(sentence)}
    return any(f.unit and (f.value, f.unit) not in given for f in extract_figures(question))


class DirectAnswers:
    """The Answerer's yes/no step (it supplies tuning, retriever, corpus, _positions, _sentence_terms and _own_terms)."""

    def _direct_answer(
        self, question: str, result: RetrievalResult, chosen: list[ScoredSentence], entities: list[str]
    ) -> tuple[ScoredSentence, str] | None:
        """For a yes/no question: the quoted sentence on its point (bot/qa/direct.py) and 'yes' or 'no'."""
        terms = set(result.analysis.known_terms)
        # A word the sources never use that carries meaning ("approved in Europe") is a part of the
        # question no quote affirms; one that is phrasing ("still") is not.
        if not terms or not is_yes_no(question) or self._meaning_without_unknown(result) < self.tuning.direct_min_meaning:
            return None
        on_point = []
        for item in chosen:  # the sentence itself must name what is asked, or its section the trial asked about
            named = self._own_terms(item) | self._trial_heading(item, entities)
            shared = terms & named
            if set(entities) <= named and len(shared) >= self.tuning.direct_min_share * len(terms) \
                    and subject_asked(item.sentence.normalized, entities):
                # A sentence naming the entities itself beats one whose section heading names the trial.
                own = set(entities) <= self._own_terms(item)
                on_point.append((own, len(shared), item.score, item, shared))
        if not on_point:
            return None
        _, _, _, point, shared = max(on_point, key=lambda t: (t[0], t[1], t[2]))
        if self._contested(point, shared):
            return None  # one side of a known disagreement is no yes or no
        if _figures_not_in(question, point.sentence.normalized):
            return None  # "did <trial> show 70%?" answered by a sentence saying 38%: never "Yes"
        if _LEXICON.hedged.search(point.sentence.normalized) and not _LEXICON.asks_existence(question):
            return None  # "could be improved by ..." (an ongoing trial's suggestion) is no settled yes or no
        word = polarity(result.analysis.corrected, point.sentence.normalized, shared)
        return None if word is None else (point, word)

    def _contested(self, point: ScoredSentence, shared: set[str]) -> bool:
        """The sentence is one side of a known disagreement whose other document's side speaks of what is
        asked. "Was <trial> blinded?" answered by a position on another point (the approval's scope) is
        not contested: the other side says nothing of blinding or of that trial."""
        for sentences in self._positions.values():
            if any(point.sentence.id == s.id for s in sentences):
                other_side = [s for s in sentences if self.corpus.passage(s.passage_id).doc_id != point.passage.doc_id]
                if any(shared & self._sentence_terms[s.id] for s in other_side):
                    return True
        return False

    def _figure_first(
        self, question: str, scored: list[ScoredSentence], chosen: list[ScoredSentence], entities: list[str]
    ) -> list[ScoredSentence]:
        """'After how many weeks ...?': the answer opens with the best close sentence giving a figure in weeks."""
        units = asked_units(question)
        asked_windows = windows_in(question)
        if asked_windows and scored and chosen:
            over = self._window_first(asked_windows, scored, chosen, entities)
            if over is not None:
                return over
        if _DEFINES.search(question) and scored:
            return self._definition_first(scored, chosen, entities)
        if scored and chosen and _asks_the_dose(question):
            return self._dose_first(scored, chosen, entities)
        if not units or not scored:
            return chosen
        if any(f.unit in units for f in extract_figures(chosen[0].sentence.normalized)):
            return chosen
        floor = self.tuning.fill_ratio * scored[0].score
        on_subject = (c for c in scored if c.score >= floor and (not entities or set(entities) & self._about(c)))
        figure = next((c for c in on_subject if any(f.unit in units for f in extract_figures(c.sentence.normalized))), None)
        if figure is None:
            return chosen
        return [figure, *(c for c in chosen if c.sentence.id != figure.sentence.id)]

    def _window_first(
        self, asked: set[Window], scored: list[ScoredSentence], chosen: list[ScoredSentence], entities: list[str]
    ) -> list[ScoredSentence] | None:
        """'RBC-TI >12 wk over week 1-EOT?': the answer opens with the close sentence counting over the window asked,
        and a sibling figure over another window (weeks 1-24) is left out; None when no close sentence names it."""
        floor = self.tuning.fill_ratio * scored[0].score
        over = next((c for c in scored if c.score >= floor and (not entities or set(entities) & self._about(c))
                     and windows_in(c.sentence.normalized) & asked), None)
        if over is None:
            return None
        return [over, *(c for c in chosen if c.sentence.id != over.sentence.id
                        and not over_another_window(c.sentence.normalized, asked))]

    def _dose_first(
        self, scored: list[ScoredSentence], chosen: list[ScoredSentence], entities: list[str]
    ) -> list[ScoredSentence]:
        """'<drug> titration range in <population>?': the answer opens with the close sentence stating a dose of the
        drug asked, not a sentence on the population that merely names the drug."""
        drugs = [e for e in entities if e in _DRUG_KEYS]
        if not drugs or any(states_dose_for(chosen[0].sentence.normalized, d) for d in drugs):
            return chosen
        floor = self.tuning.fill_ratio * scored[0].score
        dose = next((c for c in scored if c.score >= floor and any(states_dose_for(c.sentence.normalized, d) for d in drugs)), None)
        return chosen if dose is None else [dose, *(c for c in chosen if c.sentence.id != dose.sentence.id)]

    def _definition_first(
        self, scored: list[ScoredSentence], chosen: list[ScoredSentence], entities: list[str]
    ) -> list[ScoredSentence]:
        """A definition question opens with the close sentence stating the condition, covering as much of the question
        as the current opening does."""
        floor, opening = self.tuning.fill_ratio * scored[0].score, chosen[0] if chosen else scored[0]
        for candidate in scored:
            text = candidate.sentence.normalized
            if candidate.score < floor:
                break
            if (not entities or set(entities) & self._about(candidate)) and candidate.coverage >= opening.coverage \
                    and _STATES_CONDITION.search(text) and extract_figures(text):
                return [candidate, *(c for c in chosen if c.sentence.id != candidate.sentence.id)]
        return chosen

    def _trial_heading(self, item: ScoredSentence, entities: list[str]) -> frozenset[str]:
        """The section heading's terms when it names a trial the question asks about ("<drug>: <trial>"):
        "Was median PFS reached in <trial>?" is answered by a sentence of that section that does not repeat it."""
        heading = self._section_terms[item.passage.id]
        return heading if set(entities) & _TRIALS & heading else frozenset()

    def _meaning_without_unknown(self, result: RetrievalResult) -> float:
        return self.retriever.meaning_kept(result.analysis) if result.analysis.unknown_terms else 1.0
