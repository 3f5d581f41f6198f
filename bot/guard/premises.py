"""What a question presupposes without a number, and which of it no source supports.

"Why was <trial> stopped early?", "Given <drug>'s hepatotoxicity, what ...", "Why is <drug> first-line
for everyone?": the presupposed clause's content words that no corpus passage uses (typos aside), and
absolute words ("everyone", "always") or presupposed failures and harms (the lexicon's `premise_words`:
"why did <trial> fail?") that the cited passages do not use, are what the sources do not support.
The premise rail notes them; the conversation, when the answerer refuses such a question, asks for what
the sources say about its subject instead.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from bot.guard.instructions import strip_instructions
from corpus.lexicon import Lexicon
from corpus.vocabulary import QUESTION_WORDS, STOPWORDS, stem, words, words_by_length, words_named_by_concepts

_WHY = re.compile(r"^\s*(?:why|how come|what (?:caused|explains|led to|made))\b|\bexplain why\b", re.IGNORECASE)
_GIVEN = re.compile(r"^\s*(?:given|since|because|considering|as|now that|seeing that)\b(?:\s+that)?", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;?]")
_SENTENCE_END = re.compile(r"[?!;]|\.(?:\s|$)")
# "<claim>, so <question>?": what the question draws its consequence from is taken for granted (a claim, not
# a question of its own: "what did X show, and so what?").
_SO = re.compile(r"^(?!\s*(?:what|how|which|when|who|where|is|are|was|were|does|do|did|can|could|should|would|will)\b)"
                 r"(?P<clause>[^?]{12,}?)\s*[,;:]?\s+(?:so|therefore|hence|thus|which means|meaning)\b(?=[^?]*\?\s*$)",
                 re.IGNORECASE)
ABSOLUTES = frozenset("everyone everybody anyone all always never universally every".split())
SUBJECT_REACH = 24  # characters from a drug or trial name to the failure or harm said of it
_TYPO_CUTOFF = 0.85  # a word this close to a corpus word is a misspelling of it, not a new claim


class Premise(BaseModel):
    """The unsupported part of a question's presupposition."""

    model_config = ConfigDict(frozen=True)

    terms: tuple[str, ...] = Field(description="Presupposed words no corpus passage uses.")
    absolutes: tuple[str, ...] = Field(default=(), description="Absolute words the cited passages do not use.")
    subject: tuple[str, ...] = Field(default=(), description="Labels of the drugs and trials the question names.")

    @property
    def said(self) -> tuple[str, ...]:
        return self.terms + self.absolutes


def presupposed_clause(question: str) -> str:
    """The clause a why/given question takes for granted ('' when it frames none)."""
    question = strip_instructions(question)
    given = _GIVEN.match(question)
    if given:
        rest = question[given.end():]
        end = _CLAUSE_END.search(rest)
        return rest[: end.start()] if end else rest
    why = _WHY.search(question)
    if why:
        rest = question[why.end():]
        end = _SENTENCE_END.search(rest)  # "Why treat early? Give the survival difference": the request presupposes nothing
        return rest[: end.start()] if end else rest
    so = _SO.match(question)
    return so.group("clause") if so else ""


def _said_of_subject(clause: str, lexicon: Lexicon) -> set[str]:
    """The lexicon's premise words said of a drug or trial the clause names ("<trial> fail", "<drug>'s
    hepatotoxicity", "<drug> is harmful"), not of patients ("patients fail ESA therapy")."""
    ends = [m.end for m in lexicon.mentions(clause)]
    found = set()
    for match in re.finditer(r"[a-z]+", clause.lower()):
        if match.group(0) in lexicon.premise_words and any(0 <= match.start() - end <= SUBJECT_REACH for end in ends):
            found.add(match.group(0))
    return found


def unsupported_premise(question: str, lexicon: Lexicon, corpus_words: frozenset[str], corpus_stems: frozenset[str],
                        cited_words: frozenset[str] | None = None) -> Premise | None:
    """What the presupposed clause says that the sources do not (None when all of it is theirs). `cited_words`:
    the words of what the answer cites (empty: it cites nothing, so no failure or harm said of a drug or trial is
    theirs); None: no answer to judge absolutes and presupposed failures by."""
    clause = presupposed_clause(question)
    if not clause:
        return None
    named = {w for m in lexicon.mentions(clause) for w in words(m.text)} | words_named_by_concepts(clause)
    candidates = [w for w in words(clause) if w.isalpha() and len(w) > 3 and w not in named
                  and w not in STOPWORDS and w not in QUESTION_WORDS and w not in ABSOLUTES]
    terms = [w for w in dict.fromkeys(candidates) if stem(w) not in corpus_stems
             and not close_to_corpus_word(w, corpus_words)]
    claimed = ABSOLUTES | _said_of_subject(clause, lexicon)  # absolutes; failures, harms said of a drug or trial
    absolutes = [w for w in dict.fromkeys(words(clause)) if w in claimed and w not in cited_words
                 and w not in terms] if cited_words is not None else []
    if not terms and not absolutes:
        return None
    subject = [lexicon.trial(m.id).label if m.kind == "trial" else m.text for m in lexicon.mentions(question)]
    return Premise(terms=tuple(terms), absolutes=tuple(absolutes), subject=tuple(dict.fromkeys(subject)))


def unsupported_event(question: str, lexicon: Lexicon, corpus_words: frozenset[str],
                      corpus_stems: frozenset[str]) -> Premise | None:
    """A why-question about an event of which the sources use not one word ("why was <drug> withdrawn
    from the market?", "why was <drug> recalled?"): there is no cause in them to give, and no sentence of
    theirs corrects it. None when some word of the clause, beyond its drug, trial and disease names, is theirs
    ("why did the FDA reject <drug>?" is met by their FDA approval; "why was <trial> stopped?" by its status and results);
    absolutes are the premise rail's."""
    why = _WHY.search(strip_instructions(question))
    if not why or _GIVEN.match(strip_instructions(question)):
        return None
    clause = _without_populations(presupposed_clause(question), lexicon)
    mentions = lexicon.mentions(clause)
    if not mentions or any(m.kind == "trial" for m in mentions):
        return None  # a trial they name they also report (its status, its results): that corrects the event
    named = {w for m in mentions for w in words(m.text)}
    content = [w for w in dict.fromkeys(words(clause)) if len(w) > 2 and w not in named
               and w not in STOPWORDS and w not in QUESTION_WORDS and w not in ABSOLUTES]
    # A concept the lexicon knows ("FDA", "del(5q)") is the sources' topic, whatever its words' other uses.
    known = {w for w in words_named_by_concepts(clause) if len(w) > 2} - named - STOPWORDS
    if known or any(w in corpus_words for w in content):
        return None
    unsupported = [w for w in content if w.isalpha() and stem(w) not in corpus_stems
                   and not close_to_corpus_word(w, corpus_words)]
    if not unsupported or len(unsupported) < len(content):
        return None
    subject = [lexicon.trial(m.id).label if m.kind == "trial" else m.text for m in mentions]
    return Premise(terms=tuple(unsupported), subject=tuple(dict.fromkeys(subject)))


def _without_populations(clause: str, lexicon: Lexicon) -> str:
    """The clause without the populations it names ("taken off the market for IDH2 mds"): who the event is said to
    concern is no word of the event itself."""
    for concept, regex in lexicon.concept_regexes:
        if concept.key.removeprefix("c") in lexicon.aspect_concepts:  # search tokens are 'c' + the concept key
            clause = regex.sub(" ", clause)
    return _POPULATION_WORDS.sub(" ", clause)


# What is left of a population once its marker is gone ("IDH1-mutated pts", "LR-MDS patients").
_POPULATION_WORDS = re.compile(r"(?<![\w])-?(?:mutated|mutant|mut|positive|negative|neg|pos|wt|wild[- ]type)\b"
                               r"|\b(?:lr-?|lower[- ]risk\s+)?mds\b|\b(?:pts?|patients?|cases?|subjects?|people)\b",
                               re.IGNORECASE)


# "<drug> is just another ESA", "<drug> being a JAK2 inhibitor": what the question calls the drug.
_CALLED = re.compile(
    r"^\s*(?:'s\s+)?(?:is|being|as|was|acts as|works as)\s+(?:(?:just|simply|basically|merely|essentially|really|only)\s+)?"
    r"(?:another|an?|one more|yet another)\s+(?:(?:kind|type|form|sort) of\s+)?(?P<kind>[\w()/-]+(?:\s+[\w()/-]+){0,2})",
    re.IGNORECASE,
)
_KIND_END = re.compile(r"\b(?:inhibitors?|agonists?|antagonists?|blockers?|antibod(?:y|ies)|agents?|chemotherap(?:y|ies)"
                       r"|steroids?|analog(?:ue)?s?|hormones?|immunomodulators?|imids?)$", re.IGNORECASE)


class ClassClaim(BaseModel):
    """A question calling a drug a member of a class it is not ("luspatercept is just another ESA")."""

    model_config = ConfigDict(frozen=True)

    drug: str = Field(description="The drug as the lexicon labels it.")
    claimed: str = Field(description="What the question calls it, as typed.")
    versus: str | None = Field(default=None, description="The lexicon class claimed, by its short label, if it is one.")


def class_claim(question: str, lexicon: Lexicon, corpus_words: frozenset[str]) -> ClassClaim | None:
    """The first drug the question calls a member of a lexicon class it is not in, or an "<X> inhibitor/agent"
    whose X the sources never use (None when what it is called is its own class or one of its names)."""
    for mention in (m for m in lexicon.mentions(question) if m.kind == "drug"):
        called = _CALLED.match(question[mention.end:])
        if called is None:
            continue
        kind = called.group("kind")
        drug = lexicon.drugs_by_id[mention.id]
        classes = [m for m in lexicon.mentions(kind) if m.start == 0]
        if classes and classes[0].kind == "class":
            if classes[0].id not in drug.classes:
                cls = lexicon.drug_class(classes[0].id)
                return ClassClaim(drug=drug.label, claimed=classes[0].text, versus=cls.short_label or cls.label)
            continue
        ending = _KIND_END.search(kind)
        named = {m.id for m in lexicon.mentions(kind)}
        if ending and mention.id not in named:
            distinctive = [w for w in words(kind[: ending.start()]) if w not in STOPWORDS]
            if distinctive and not any(w in corpus_words for w in distinctive):
                return ClassClaim(drug=drug.label, claimed=" ".join(kind[: ending.end()].split()))
    return None


def close_to_corpus_word(word: str, corpus_words: frozenset[str]) -> bool:
    """Whether some corpus word is within difflib's typo cutoff of the word. Only words of near
    length can reach it (ratio <= 2*min(len)/(sum of lens)), so only those are compared."""
    by_length = _by_length(corpus_words)
    near = [
        w for n, group in by_length.items() if 2 * min(n, len(word)) >= _TYPO_CUTOFF * (n + len(word)) - 1e-9 for w in group
    ]
    return bool(difflib.get_close_matches(word, near, n=1, cutoff=_TYPO_CUTOFF))


@lru_cache(maxsize=4)
def _by_length(corpus_words: frozenset[str]) -> dict[int, list[str]]:
    return words_by_length(corpus_words)  # grouped once per corpus
