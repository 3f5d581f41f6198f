"""Sentences as the answerer scores, selects and renders them (bot/qa/answerer.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from corpus.lexicon import load_lexicon
from corpus.ingest import Corpus
from corpus.models import Passage, Sentence
from corpus.text import DOSE_UNITS, extract_figures

_LEXICON = load_lexicon()
_EVERY_ITEM = re.compile(r"\b(?:all|each|every one|both) of the following\b", re.IGNORECASE)
_CONTINUES = re.compile(r"(?:It|This|These|They|Such|Its)\b")
# 'units' is a dose only when a schedule follows ('40,000 units once weekly'); else it may be RBC units.
_SCHEDULED = re.compile(r"\s*(?:once|twice|three times|weekly|daily|every|per week|/week|/kg)\b", re.IGNORECASE)


@dataclass
class ScoredSentence:
    sentence: Sentence
    passage: Passage
    score: float
    coverage: float  # share of the question's topic terms found in the sentence or its section
    context_coverage: float  # the same over the whole passage
    dense: float


def with_continuations(chosen: list[ScoredSentence]) -> list[ScoredSentence]:
    """A sentence opening with 'It'/'This' continues the one before it: quote them together."""
    out = list(chosen)
    ids = {c.sentence.id for c in out}
    for item in chosen:
        sentences = item.passage.sentences
        i = sentences.index(item.sentence)
        neighbours = []
        if i + 1 < len(sentences) and _CONTINUES.match(sentences[i + 1].normalized):
            neighbours.append(sentences[i + 1])
        if i > 0 and _CONTINUES.match(item.sentence.normalized):
            neighbours.append(sentences[i - 1])
        for sentence in neighbours:
            if sentence.id not in ids and item.passage.kind == "prose":
                out.append(ScoredSentence(sentence, item.passage, item.score, item.coverage, item.context_coverage, item.dense))
                ids.add(sentence.id)
    return out

def whole_lists(chosen: list[ScoredSentence]) -> list[ScoredSentence]:
    """A list item alone lacks its context: bring the list's introduction with it; a
    chosen introduction brings its whole list (the question was about the list), and so does an item
    of a list whose introduction requires every item ("all of the following"): one alone misstates it."""
    out = list(chosen)
    ids = {c.sentence.id for c in chosen}
    for item in chosen:
        passage = item.passage
        if passage.kind != "list":
            continue
        intro = list_intro(passage)
        conjunctive = any(_EVERY_ITEM.search(s.normalized) for s in intro)
        wanted = passage.sentences if item.sentence in intro or conjunctive else intro
        for sentence in wanted:
            if sentence.id not in ids:
                out.append(ScoredSentence(sentence, passage, item.score, item.coverage, item.context_coverage, item.dense))
                ids.add(sentence.id)
    return out


def states_dose_for(text: str, drug_key: str) -> bool:
    """True when a numeric dose in the text belongs to the drug: the drug is the last one
    named in the 60 characters before it ('imetelstat 7.5 mg/kg', not '...lenalidomide
    or HMAs), imetelstat 7.5 mg/kg')."""
    for at in dose_positions(text):
        window = text[max(0, at - 60) : at]
        named = _drug_keys_in_order(window)
        if named and named[-1] == drug_key:
            return True
    return False


def dose_positions(text: str) -> list[int]:
    """Where the text states an amount of a drug: a figure in a dose unit of the lexicon (mg, mcg/kg, IU...),
    or in units followed by a schedule."""
    return [f.start for f in extract_figures(text)
            if f.unit in DOSE_UNITS or f.unit == "units" and _SCHEDULED.match(text, f.start + len(f.raw))]


def _drug_keys_in_order(text: str) -> list[str]:
    """Search keys of the drugs the text names, in order (the lexicon's one entity finder)."""
    return [f"c{_LEXICON.drug(m.id).key}" for m in _LEXICON.mentions(text) if m.kind == "drug"]


def share(terms: list[str], present: set[str]) -> float:
    if not terms:
        return 0.0
    return sum(1 for t in terms if t in present) / len(terms)


def list_intro(passage: Passage) -> list[Sentence]:
    """The sentences before the first item of a list passage (none when it opens with an item)."""
    first_line = passage.normalized.split("\n", 1)[0]
    if first_line.startswith("• ") or re.match(r"\d+\. ", first_line):
        return []
    return [s for s in passage.sentences if s.normalized in first_line]


def render_units(passage: Passage, sentences: list[Sentence]) -> list[str]:
    """Sentences as they read in an answer: a list's introduction and items form one sentence."""
    if passage.kind != "list":
        return [s.normalized for s in sentences]
    intro = list_intro(passage)
    heads = [s.normalized for s in sentences if s in intro]
    items = [s.normalized for s in sentences if s not in intro]
    if not items:
        return heads
    return [" ".join(heads + ["; ".join(items)]).rstrip(".") + "."]


class SectionTerms:
    """Passage id -> its section heading's terms and the drugs its document's title names."""

    def __init__(self, headings: Mapping[str, frozenset[str]], corpus: Corpus, subject_of: Callable[[str], set[str]]):
        self.headings = headings
        self.corpus = corpus
        self.subject_of = subject_of
        self._subjects: dict[str, set[str]] = {}

    def __getitem__(self, passage_id: str) -> frozenset[str]:
        doc_id = self.corpus.passage(passage_id).doc_id
        if doc_id not in self._subjects:
            self._subjects[doc_id] = self.subject_of(doc_id)
        return self.headings[passage_id] | self._subjects[doc_id]
