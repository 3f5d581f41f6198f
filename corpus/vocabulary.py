"""Domain vocabulary: brand/generic names, abbreviations, spelling variants, typos.

Both the passages (at index time) and the questions (at query time) are
expanded with the same concept tokens (from corpus/lexicon.yaml), so a brand finds its generic,
"sEPO" finds "serum erythropoietin" and the other way round.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from corpus.lexicon import load_lexicon
from corpus.lexicon_entries import Concept

_LEXICON = load_lexicon()
# Drugs, classes and clinical concepts, in the lexicon's order; every concept is matched independently.
CONCEPTS: tuple[Concept, ...] = _LEXICON.all_concepts
_CONCEPT_REGEXES = _LEXICON.concept_regexes

# British spellings and symbols folded before tokenising.
_SPELLING = (
    (re.compile(r"haem", re.I), "hem"),
    (re.compile(r"anaem", re.I), "anem"),
    (re.compile(r"leukaem", re.I), "leukem"),
    (re.compile(r"oesophag", re.I), "esophag"),
)

_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")

STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be been before being both but by can could did do
    does doing during each few for from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not of off on once only or other our out over own same she should so some such done
    than that the their them then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours per vs versus e g i.e eg ie tell please show explain
    describe give list say said according source sources paper article review
    patient patients mds now then okay ok because actually really still already anyway basically""".split()
)

# Words of a question that carry no topic: they never make a question out of scope.
QUESTION_WORDS = frozenset(
    """much many often long well compare compared comparison effective efficacy result results outcome outcomes data
    evidence trial trials study studies shown show showed reported report rate rates percent percentage number numbers
    test tests tested testing studied evaluate evaluated investigate investigated examine examined
    use used using role recommend recommended recommendation option options treat treated treatment therapy therapies
    drug drugs agent agents work works mechanism action good best better worse benefit benefits risk risks main key
    summary summarize summarise known happen happens mean means meaning definition define typical typically usually
    common clinical clinically guideline guidelines need needed required requirement requirements criteria criterion
    indication indications indicated eligible eligibility qualify consider considered considering start started
    starting give given receive received respond response responses responder responders achieve achieved achieving
    primary endpoint endpoints versus arm arms placebo group groups time times week weeks month months year years
    first second third line lines level levels value values high low higher lower significant significantly
    must met meet meets should can need needs influence influences choice choose choosing decide decision select
    selection between affect affects share proportion fraction lasting last lasted typical soon quickly fast
    point points suggest suggests denied denial appeal call calls called deem deemed count counts counted
    classify classified label labelled labeled make makes inclusion exclusion""".split()
    # "Welche ... wurde ... verwendet?": the grammar, not the topic; "cutoff for entry": asks a figure, and the
    # measure named beside it is the topic
) | frozenset(_LEXICON.foreign_question_words) | frozenset(_LEXICON.threshold_words)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


_NUMBER_WORDS = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve)\b", re.IGNORECASE)
_NUMBER_VALUES = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten".split())} | {"twelve": "12"}

# Qualifiers that put a question outside the sources, however well the rest matches
# ("imetelstat dose for children", "transplant after luspatercept").
OUT_OF_SCOPE_QUALIFIERS = frozenset(_LEXICON.out_of_scope_qualifiers)


def fold(text: str) -> str:
    for pattern, replacement in _SPELLING:
        text = pattern.sub(replacement, text)
    text = _NUMBER_WORDS.sub(lambda m: _NUMBER_VALUES[m.group(1).lower()], text)
    return text.replace("≥", " >= ").replace("≤", " <= ")


def expand_shorthand(text: str) -> str:
    """Clinical shorthand ("pt", "tx", "q8wk") written out as the lexicon's `shorthand` says."""
    return _LEXICON.expand_shorthand(text)


def concepts_in(text: str) -> list[Concept]:
    """Concepts named in the text, in CONCEPTS order."""
    folded = fold(text)
    return [c for c, regex in _CONCEPT_REGEXES if regex.search(folded)]


def words_named_by_concepts(text: str) -> set[str]:
    """Words that belong to a concept mention (so a brand name counts as known vocabulary)."""
    named: set[str] = set()
    for _, regex in _CONCEPT_REGEXES:
        for match in regex.finditer(fold(text)):
            named.update(_TOKEN.findall(match.group(0).lower()))
    return named


def words(text: str) -> list[str]:
    """Lower-case word tokens (numbers kept, decimals kept whole)."""
    return _TOKEN.findall(fold(text).lower())


def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and not w.isdigit()]


def analyze(text: str) -> list[str]:
    """Tokens for lexical search: stemmed content words plus concept keys."""
    tokens = [stem(w) for w in words(text) if w not in STOPWORDS]
    tokens.extend(c.key for c in concepts_in(text))
    return tokens


class SpellingCorrector:
    """Maps unknown question words to the closest word the corpus or the vocabulary knows."""

    def __init__(self, known_words: set[str] | frozenset[str], plain_words: frozenset[str] = frozenset()):
        self.known = known_words
        # Plain English the question is phrased in ("there", "define") is never a typo for a corpus
        # word ("these", "refine"), though the corpus may not use it; it is no correction target either.
        self.plain = plain_words
        self._by_length = words_by_length(known_words)
        # Failing a corpus word, a long misspelt question word is that word ("elegibility", "critera"):
        # left unknown, it made the question look off-topic.
        self._plain_by_length = words_by_length(w for w in plain_words if len(w) >= PLAIN_TARGET_MIN)

    @classmethod
    def for_corpus(cls, corpus_words: Iterable[str], extra: Iterable[str] = ()) -> SpellingCorrector:
        """The one corrector retrieval and the guard read questions with: corrections to the corpus's words
        and the vocabulary's (brands included), plain question words never corrected."""
        known = {w for w in [*corpus_words, *vocabulary_words(), *extra] if w.isalpha()}
        return cls(known, STOPWORDS | QUESTION_WORDS)

    def correct(self, word: str) -> str:
        if word in self.known or word in self.plain or len(word) < 5 or not word.isalpha():
            return word
        return self._closest(word, self._by_length) or self._closest(word, self._plain_by_length) or word

    @staticmethod
    def _closest(word: str, by_length: dict[int, list[str]]) -> str | None:
        budget = 1 if len(word) < 8 else 2
        candidates = [c for n in range(len(word) - budget, len(word) + budget + 1) for c in by_length.get(n, ())]
        # One C call over the words of near length (100,000 passages: tens of thousands of words), closest
        # first (ties in list order); a word is never corrected into its negation ("eligible" → "ineligible").
        found = process.extract(word, candidates, scorer=Levenshtein.distance, score_cutoff=budget, limit=None)
        kept = [(distance, not _inflects(word, candidate), i, candidate)
                for i, (candidate, distance, _) in enumerate(found) if not _negates(word, candidate)]
        return min(kept)[3] if kept else None

    def correct_text(self, text: str) -> tuple[str, dict[str, str]]:
        """The text with misspelt words replaced, and what was replaced."""
        fixes: dict[str, str] = {}

        def repl(match: re.Match[str]) -> str:
            original = match.group(0)
            lowered = original.lower()
            fixed = self.correct(lowered)
            if fixed != lowered:
                fixes[original] = fixed
                return fixed
            return original

        return re.sub(r"[A-Za-z]+", repl, text), fixes


PLAIN_TARGET_MIN = 7  # shorter plain words are too close to too many others ("there", "these")


def words_by_length(words_: Iterable[str]) -> dict[int, list[str]]:
    """Words grouped by length, each group sorted: the first of equally close words wins."""
    grouped: dict[int, list[str]] = {}
    for word in sorted(words_):
        grouped.setdefault(len(word), []).append(word)
    return grouped


def _inflects(word: str, candidate: str) -> bool:
    """One is the other with an ending ('blast' / 'blasts'): among equally close words, the same word wins
    over another one ('blast' is never 'last')."""
    shorter, longer = sorted((word, candidate), key=len)
    return longer.startswith(shorter)


# A negating prefix is a short edit with the opposite meaning: "eligible" is never "ineligible".
_NEGATING_PREFIXES = ("in", "im", "il", "ir", "un", "non", "dis", "a")


def _negates(word: str, candidate: str) -> bool:
    short, long = sorted((word, candidate), key=len)
    return any(long == prefix + short or long == prefix + "-" + short for prefix in _NEGATING_PREFIXES)


def vocabulary_words() -> set[str]:
    """Every plain word the concept patterns spell out (brand names included)."""
    found: set[str] = set()
    for concept in CONCEPTS:
        for pattern in concept.patterns:
            found.update(re.findall(r"[a-z]{4,}", pattern.lower()))
    return found
