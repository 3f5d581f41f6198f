"""What a dose question asks the dose of, when that is something no source names.

"What dose of aspirin for a pt on luspatercept?" asks aspirin's dose: luspatercept is the
patient's treatment, not the subject of the dose. The subject rail sees only the drugs the
lexicon knows, so without this the answer was luspatercept's dose. The words read here are the
ones right next to a dose noun ("aspirin dose", "dose of aspirin", "how much aspirin"); a word
is a name of something unnamed when no source, lexicon entry or question word accounts for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.guard.premises import close_to_corpus_word
from corpus.lexicon import Lexicon
from corpus.vocabulary import QUESTION_WORDS, STOPWORDS, concepts_in

_WORD = r"[a-z][a-z0-9-]*"
_DOSE_NOUN = r"(?:dose|doses|dosing|dosage|dosages|posology|regimen)"
# Up to two words before the dose noun, or after "dose of/for", or after "how much".
_TARGETS = (
    re.compile(rf"((?:{_WORD}\s+)?{_WORD})\s+{_DOSE_NOUN}\b", re.IGNORECASE),
    re.compile(rf"\b{_DOSE_NOUN}\s+(?:of|for)\s+({_WORD}(?:\s+{_WORD})?)", re.IGNORECASE),
    re.compile(rf"\bhow\s+much\s+({_WORD}(?:\s+{_WORD})?)", re.IGNORECASE),
)


def unnamed_dose_targets(question: str, lexicon: Lexicon, corpus_words: Iterable[str]) -> list[str]:
    """The phrases a dose question asks the dose of that neither the sources nor the lexicon name."""
    text = lexicon.expand_shorthand(question)
    known = corpus_words if isinstance(corpus_words, frozenset) else frozenset(corpus_words)
    found = []
    for pattern in _TARGETS:
        for match in pattern.finditer(text):
            phrase = _trailing_content(match.group(1), from_end=pattern is _TARGETS[0])
            if phrase and _is_unnamed(phrase, lexicon, known):
                found.append(phrase)
    return list(dict.fromkeys(found))


def _trailing_content(phrase: str, *, from_end: bool) -> str:
    """The content words next to the dose noun: a function word ends the phrase ('for my pt')."""
    tokens = phrase.lower().split()
    ordered = reversed(tokens) if from_end else iter(tokens)
    kept = []
    for token in ordered:
        if token in STOPWORDS or token in QUESTION_WORDS:
            break
        kept.append(token)
    return " ".join(reversed(kept) if from_end else kept)


def _is_unnamed(phrase: str, lexicon: Lexicon, known: frozenset[str]) -> bool:
    """Some word of the phrase is a name no source, lexicon entry or dose modifier accounts for."""
    if lexicon.mentions(phrase) or lexicon.outside_named(phrase):
        return False  # a drug, class or trial the lexicon knows (or lists as outside): other rails judge it
    # Words the lexicon itself writes out ("dose for PA" -> "dose for prior authorization") name no drug.
    modifiers = (frozenset(lexicon.dose_modifiers) | lexicon.shorthand_words
                 | {u for spellings in lexicon.units.values() for u in spellings})
    return any(
        len(word) >= 3 and word.isalpha() and word not in known and word not in modifiers and not concepts_in(word)
        and not close_to_corpus_word(word, known)  # a misspelt source word ("luspatrecept") names what they dose
        for word in re.split(r"[\s-]+", phrase)
    )
