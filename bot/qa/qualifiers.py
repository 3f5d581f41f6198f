"""Qualifiers of an event that exclude each other (lexicon `exclusive_qualifiers`): a question asking about one
side ('approved first-line?') is not answered by a sentence about another ('approved ... who failed ESA therapy')."""

from __future__ import annotations

from corpus.lexicon import load_lexicon
from corpus.lexicon_entries import QualifierSide, whole_words
from corpus.vocabulary import concepts_in, fold

_LEXICON = load_lexicon()
_SIDES = tuple(
    tuple((side, whole_words(side.names) if side.names else None) for side in qualifier.sides)
    for qualifier in _LEXICON.exclusive_qualifiers
)


def _named(text: str) -> set[str]:
    """The labels of the qualifier sides the text names."""
    keys = {c.key for c in concepts_in(text)}
    folded = fold(text)
    return {
        side.label
        for sides in _SIDES
        for side, names in sides
        if any(f"c{k}" in keys for k in side.concepts) or (names is not None and names.search(folded))
    }


def asked_sides(question: str) -> list[QualifierSide]:
    """The qualifier sides a question names."""
    named = _named(question)
    return [side for sides in _SIDES for side, _ in sides if side.label in named]


def contradicts(question: str, sentence: str) -> bool:
    """Whether the sentence is about another side of a qualifier the question names, and not about the asked one."""
    asked, said = _named(question), _named(sentence)
    for sides in _SIDES:
        labels = {side.label for side, _ in sides}
        if asked & labels and said & labels and not asked & said & labels:
            return True
    return False


def names_side(sentence: str, sides: list[QualifierSide]) -> bool:
    """Whether the sentence names one of the sides."""
    return bool(_named(sentence) & {side.label for side in sides})
