"""What a follow-up swaps into the last question: the subject it names instead, a corrected figure, another
member of the drug's class, another name of a concept (bot/followup.py reads the turn; these build the query)."""

from __future__ import annotations

import re

from corpus.lexicon import Lexicon
from corpus.vocabulary import STOPWORDS, words

_DURATION = re.compile(r"\d+(?:\.\d+)?\s*-?\s*(?P<unit>wks?\b|weeks?\b|mo\b|months?\b|yrs?\b|years?\b|%)", re.IGNORECASE)


def replaceable(question: str, kinds: set[str], lexicon: Lexicon) -> list[tuple[int, int]]:
    """Spans of the question's subjects a newly named one replaces: a trial its trials ("and in <trial B>?" after
    "<drug> TI rate in <trial A>?" keeps the drug), else all of them, a drug the sources do not cover too
    ("eltrombopag dose?" refused, then "what about <drug>?")."""
    mentions = [m for m in lexicon.mentions(question) if m.kind in ("drug", "class", "trial")]
    trials = [(m.start, m.end) for m in mentions if m.kind == "trial"]
    if kinds == {"trial"} and trials:  # another trial of the same question; a new drug leaves the old one's trials
        return sorted(trials)
    return sorted([(m.start, m.end) for m in mentions] + lexicon.outside_drug_spans(question))


def about_instead(new: str, question: str, lexicon: Lexicon) -> str:
    """The question with its drugs, classes and trials replaced by `new` (or, naming none, about `new` too)."""
    previous = replaceable(question, set(), lexicon)
    if not previous:
        return re.sub(r"\s+", " ", f"{question.rstrip(' ?.')} for {new}?").strip()
    member = member_meant(new, question, lexicon)
    if member:  # "same q for idh1" after an enasidenib question: the IDH1 member of its class
        new = lexicon.label(member)
    return spans_replaced(question, previous, new)


def spans_replaced(question: str, spans: list[tuple[int, int]], new: str) -> str:
    """The question with its first span replaced by `new` and the others removed (spaces collapsed)."""
    query = question
    for start, end in reversed(spans):
        query = query[:start] + (new if (start, end) == spans[0] else "") + query[end:]
    return re.sub(r"\s+", " ", query).strip()


def figure_swapped(correction: str, question: str) -> str | None:
    """The question with its figure of the correction's kind replaced ('12wk' by '24 wk'); None when there is none."""
    new = _DURATION.search(correction)
    if new is None:
        return None
    kind = new.group("unit")[0].lower()
    old = next((m for m in _DURATION.finditer(question) if m.group("unit")[0].lower() == kind), None)
    return question[: old.start()] + new.group(0) + question[old.end():] if old else None


def member_meant(new: str, question: str, lexicon: Lexicon) -> str | None:
    """The drug `new` names as a member of a class of the question's drug ('idh1' + 'IDH inhibitor' -> ivosidenib)."""
    for mention in lexicon.mentions(question):
        if mention.kind != "drug":
            continue
        for class_id in lexicon.drug(mention.id).classes:
            head = lexicon.drug_class(class_id).label.split()[-1]
            members = [m.id for m in lexicon.mentions(f"{new} {head}") if m.kind == "drug" and m.id != mention.id]
            if members:
                return members[0]
    return None


def sibling_swapped(text: str, question: str, lexicon: Lexicon) -> str | None:
    """The question with one literal name of a concept replaced by another the turn names ("FDA" by "EMA",
    both names of regulatory approval), when the turn names only that and the question exactly one sibling."""
    for concept, regex in lexicon.concept_regexes:
        literals = [p for p in concept.patterns if re.escape(p) == p.replace(" ", "\\ ")]  # names, not patterns
        said = [m for m in regex.finditer(text) if is_literal(m.group(0), literals)]
        if len(said) != 1 or [w for w in words(text) if w not in words(said[0].group(0)) and w not in STOPWORDS]:
            continue
        new = said[0].group(0)
        siblings = [m for m in regex.finditer(question) if is_literal(m.group(0), literals)
                    and m.group(0).lower() != new.lower()]
        if len(siblings) == 1:
            return question[: siblings[0].start()] + new + question[siblings[0].end():]
    return None


def is_literal(found: str, literals: list[str]) -> bool:
    return found.lower() in (p.lower() for p in literals)
