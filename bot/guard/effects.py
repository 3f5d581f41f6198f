"""A change a question presupposes a drug or trial made to an outcome, judged by the sentences the sources give.

"<trial> showed <drug> increases AML transformation - by how much?", "since <drug> raises progression to AML, ...",
"why did <class> increase leukemia risk?": the presupposed clause (bot/guard/premises.py, or a claim set before a
dash or colon and a question) says the drug changed the outcome one way (the lexicon's `effect_words`). The sentences
about that drug (named in them, or in their section's title when they name none) and that outcome (its concept, else
all its words) decide: one reporting the same direction supports it; one reporting the other direction or no change
(`effect_null_cues`) contradicts it; none at all leaves it unsupported. Contradicted or unsupported, the premise rail
notes it and the correcting sentence opens the answer (bot/correction.py).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.guard.instructions import strip_instructions
from bot.guard.premises import presupposed_clause
from corpus.lexicon import Lexicon
from corpus.lexicon_entries import whole_words
from corpus.vocabulary import QUESTION_WORDS, STOPWORDS, concepts_in, fold, stem, words

if TYPE_CHECKING:  # pragma: no cover
    from corpus.ingest import Corpus

Direction = Literal["up", "down"]
EFFECT_REACH = 24  # characters from the drug or trial name to the change said of it ("<drug> significantly increased")
# "<claim> - by how much?", "<claim>: how big was it?": a statement set before the question is taken for granted.
_CLAIM_THEN_ASK = re.compile(
    r"^(?!\s*(?:what|how|which|when|who|where|why|is|are|was|were|does|do|did|can|could|should|would|will)\b)"
    r"(?P<clause>[^?]{12,}?)\s*(?:\s[-\u2013\u2014]+\s|[\u2013\u2014]|:|;)\s*(?=[^?]*\?\s*$)",
    re.IGNORECASE,
)
# Where the outcome ends: a qualifier ("in the review", "vs placebo", "than ESAs") or the clause's end.
_OUTCOME_END = re.compile(r"\b(?:in|vs|versus|compared|than|among|with|for|by|at|over|during|when|while|after|"
                          r"before|from|so|because|and|but)\b|[,;:.()\[\]\u2013\u2014]|\s-\s", re.IGNORECASE)


class EffectClaim(BaseModel):
    """A change the question takes for granted that a drug or trial made."""

    model_config = ConfigDict(frozen=True)

    subject: tuple[str, ...] = Field(description="Labels of the drugs and trials said to have made it.")
    drugs: frozenset[str] = Field(description="Drug ids it is said of (a trial: its drug; a class: its members).")
    direction: Direction
    said: str = Field(description="The change as typed ('increases AML transformation').")
    outcome: str = Field(description="What it is said to change, as typed ('AML transformation').")


class EffectPremise(BaseModel):
    """A presupposed change the sources contradict or never report, and the sentences that correct it."""

    model_config = ConfigDict(frozen=True)

    claim: EffectClaim
    contradicted: bool = Field(description="A sentence reports the other direction or no change (else: none reports it).")
    correcting: tuple[str, ...] = Field(default=(), description="Ids of the sentences that contradict it.")


def claimed_clause(question: str) -> str:
    """What the question takes for granted: a why/given/so clause, or a claim set before its question."""
    clause = presupposed_clause(question)
    if clause:
        return clause
    claim = _CLAIM_THEN_ASK.match(strip_instructions(question))
    return claim.group("clause") if claim else ""


def effect_claim(question: str, lexicon: Lexicon) -> EffectClaim | None:
    """The first change the presupposed clause says a named drug or trial made to an outcome (None when it says none)."""
    clause = claimed_clause(question)
    mentions = [m for m in lexicon.mentions(clause) if m.kind in ("drug", "class", "trial")] if clause else []
    if not mentions or set(lexicon.effect_words) != {"up", "down"}:
        return None
    for direction in ("up", "down"):
        for change in whole_words(lexicon.effect_words[direction]).finditer(clause):
            if not any(0 <= change.start() - m.end <= EFFECT_REACH for m in mentions):
                continue
            rest = clause[change.end():]
            end = _OUTCOME_END.search(rest)
            outcome = " ".join(rest[: end.start() if end else len(rest)].split())
            if not _outcome_words(outcome, lexicon):
                continue
            before = [m for m in mentions if m.end <= change.start()] or mentions
            doer = min(before, key=lambda m: abs(change.start() - m.end))  # "<trial> showed <drug> increases": the drug
            return EffectClaim(subject=(_label(doer, lexicon),), drugs=_drugs(before, lexicon),
                               direction=direction, said=f"{change.group(0)} {outcome}", outcome=outcome)
    return None


def contested_effect(question: str, lexicon: Lexicon, corpus: Corpus) -> EffectPremise | None:
    """The presupposed change when no sentence about the drug and the outcome reports it (None when one does, when
    they report the outcome without a direction, or when the question presupposes no change)."""
    claim = effect_claim(question, lexicon)
    if claim is None:
        return None
    relevant = _sentences_about(claim, lexicon, corpus)
    up, down = (_cue_regex(lexicon.effect_words[d]) for d in ("up", "down"))
    null = _cue_regex(lexicon.effect_null_cues)
    same, other = (up, down) if claim.direction == "up" else (down, up)
    correcting = []
    for sentence_id, text, spans in relevant:
        if _near(null, text, spans):
            correcting.append(sentence_id)
        elif _near(same, text, spans):
            return None  # the sources report the change: no premise to correct
        elif _near(other, text, spans):
            correcting.append(sentence_id)
    if relevant and not correcting:
        return None  # they speak of the outcome without a direction: nothing to contradict
    return EffectPremise(claim=claim, contradicted=bool(correcting), correcting=tuple(correcting))


def _cue_regex(patterns: list[str]) -> re.Pattern[str] | None:
    """The cues as whole words, never part of a compound ('lower-risk MDS' reports no lowering)."""
    return re.compile(r"(?<![\w-])(?:" + "|".join(patterns) + r")(?![\w-])", re.IGNORECASE) if patterns else None


def _near(cue: re.Pattern[str] | None, text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether the cue is said of the outcome: within EFFECT_REACH characters of where the sentence names it."""
    return cue is not None and any(
        max(m.start() - end, start - m.end()) <= EFFECT_REACH for m in cue.finditer(text) for start, end in spans)


def _outcome_spans(text: str, regexes: list[re.Pattern[str]], stems: set[str]) -> list[tuple[int, int]]:
    """Where the sentence names the outcome: its concept, else every one of its words (none: not about it)."""
    if regexes:
        return [m.span() for r in regexes for m in r.finditer(text)]
    found = [m for m in re.finditer(r"[\w-]+", text) if stem(m.group(0).lower()) in stems]
    return [m.span() for m in found] if {stem(m.group(0).lower()) for m in found} >= stems else []


def _sentences_about(claim: EffectClaim, lexicon: Lexicon, corpus: Corpus) -> list[tuple[str, str, list[tuple[int, int]]]]:
    """(id, text, where it names the outcome) of the sentences naming the outcome and the drug (or, naming no drug,
    under a section title that does)."""
    keys = _outcome_concepts(claim.outcome)
    regexes = [regex for concept, regex in lexicon.concept_regexes if concept.key in keys]
    stems = {stem(w) for w in _outcome_words(claim.outcome, lexicon)}
    found = []
    for sentence in corpus.sentences:
        text = fold(sentence.normalized)
        spans = _outcome_spans(text, regexes, stems)
        if not spans:
            continue
        named = [m for m in lexicon.mentions(text) if m.kind in ("drug", "class", "trial")]
        if not named:
            named = [m for m in lexicon.mentions(corpus.passage(sentence.passage_id).section)
                     if m.kind in ("drug", "class", "trial")]
        if _drugs(named, lexicon) & claim.drugs:
            found.append((sentence.id, text, spans))
    return found


def _outcome_concepts(outcome: str) -> set[str]:
    return {c.key for c in concepts_in(outcome) if c.kind not in ("drug", "class")}


def _outcome_words(outcome: str, lexicon: Lexicon) -> list[str]:
    named = {w for m in lexicon.mentions(outcome) for w in words(m.text)}
    return [w for w in words(outcome) if w.isalpha() and w not in STOPWORDS and w not in QUESTION_WORDS and w not in named]


def _drugs(mentions, lexicon: Lexicon) -> frozenset[str]:
    drugs: set[str] = set()
    for m in mentions:
        drugs |= ({lexicon.trial(m.id).drug} if m.kind == "trial" else set(lexicon.members(m.id)) if m.kind == "class"
                  else {m.id})
    return frozenset(drugs)


def _label(mention, lexicon: Lexicon) -> str:
    return lexicon.trial(mention.id).label if mention.kind == "trial" else mention.text
