"""What a sentence claims about drugs: eligibility / line-of-therapy claims and doses.

Drug names come from the one entity finder (``corpus.lexicon``); the rules core's pathways say
which claims are true. Corpus sentences are read once (``GuardKnowledge``); only paraphrases
are read at review time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel, ConfigDict

from corpus.lexicon import Lexicon, load_lexicon
from corpus.text import DOSE_UNITS, extract_figures, fold_dashes

Line = Literal["first", "second"]

# A patient's state next to a drug-class name ("ESA failure", "failed ESA", "ESA-naive").
_STATE_AFTER = re.compile(
    r"[- ]?(?:na[iï]ve|failure|failed|ineligib\w*|refractory|relapsed|r/r\S*|intolerant|trial|response|benefit"
    r"|exposure|initiation)",
    re.IGNORECASE,
)
_STATE_BEFORE = re.compile(r"(?:failed|after|prior|post|to|of|upon|with|on)\s+$", re.IGNORECASE)

_LINE = re.compile(
    r"\b(?:(?P<first>first[- ]line|front[- ]?line|upfront|initial (?:treatment|therapy)|first choice)"
    r"|(?P<second>second[- ]line))\b",
    re.IGNORECASE,
)
_ELIGIBILITY = re.compile(
    r"\b(?:indicated|eligible|qualif(?:y|ies|ied)|recommended|medically necessary|approved|preferred|standard of care"
    r"|meets? (?:the )?(?:medical[- ]necessity )?criteria|should (?:be )?(?:receive|used|given|offered))\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:not(?! only)|never|no longer|cannot|can't|isn't|aren't|shouldn't|won't|nor)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r";|\s(?:but|while|whereas|however)\s|(?<=[.!?])\s+(?=[A-Z])", re.IGNORECASE)
_LABEL_COLON = re.compile(r"\s*:\s*")
_COMPARED = re.compile(r"\b(?:over|instead of|rather than|than|versus|vs\.?|compared (?:with|to))\s+(?:the\s+)?$", re.IGNORECASE)
_DOSE_SCHEDULE = re.compile(
    r"\bevery\s+\d+(?:\s*-\s*\d+)?\s*(?:weeks?|days?|months?)\b|\bq\s*\d+\s*w(?:ee)?k?s?\b"
    r"|\b(?:once|twice|three times)\s+(?:daily|weekly|monthly|a (?:day|week|month))\b|\b(?:daily|weekly)\b",
    re.IGNORECASE,
)
# Any wording of a dose ("dose", "how often", "posology", "mcg per week": the lexicon's), as whole
# words: "low-dose lenalidomide" is an adjective, not a question of dose.
DOSE_QUESTION = load_lexicon().dose_question
asks_dose = load_lexicon().asks_dose  # "low dose lenalidomide" (a regimen's name) asks no dose


class DrugMention(BaseModel):
    """Drugs named at one place of a text (a class names all its members)."""

    model_config = ConfigDict(frozen=True)

    drugs: tuple[str, ...]
    start: int
    end: int
    is_class: bool


class DrugClaim(BaseModel):
    """'<drug> is (not) indicated / eligible / first-line / second-line'."""

    model_config = ConfigDict(frozen=True)

    drugs: tuple[str, ...]
    line: Line | None  # None: indicated, eligible, approved ... without a line
    negated: bool
    text: str


class DoseFacts(BaseModel):
    model_config = ConfigDict(frozen=True)

    drugs: frozenset[str] = frozenset()  # drugs named as the subject of a dose or schedule
    unattributed: bool = False  # a dose or schedule with no drug named in the sentence


def drug_mentions(text: str, lexicon: Lexicon | None = None) -> list[DrugMention]:
    """Drugs and classes named in the text, in order, skipping names that describe a patient's state.
    ``lexicon``: the corpus's (corpus.learned: with the drugs added documents introduce); default the shipped one."""
    lexicon = lexicon or load_lexicon()
    out = []
    for m in lexicon.mentions(text):
        drugs = lexicon.mention_drugs(m)
        if not drugs:
            continue  # a trial
        if set(drugs) & lexicon.state_drugs and (_STATE_AFTER.match(text, m.end) or _STATE_BEFORE.search(text, 0, m.start)):
            continue
        out.append(DrugMention(drugs=drugs, start=m.start, end=m.end, is_class=m.kind == "class"))
    return out


def extract_claims(sentence: str, lexicon: Lexicon | None = None) -> list[DrugClaim]:
    """Eligibility and line-of-therapy claims, one per clause."""
    mentions = drug_mentions(sentence, lexicon)
    if not mentions:
        return []
    claims = []
    start = 0
    for end in [m.start() for m in _CLAUSE_BREAK.finditer(sentence)] + [len(sentence)]:
        claim = _clause_claim(sentence, start, end, mentions)
        if claim is not None:
            claims.append(claim)
        start = end
    return claims


def _clause_claim(sentence: str, start: int, end: int, mentions: list[DrugMention]) -> DrugClaim | None:
    """The subject is the drug named nearest before the clause's last claim word, else the one a
    "First-line:" label introduces, else the drug named last before the clause
    ("... transitions to luspatercept, but ... first-line option")."""
    clause = sentence[start:end]
    lines = list(_LINE.finditer(clause))
    anchors = sorted(lines + list(_ELIGIBILITY.finditer(clause)), key=lambda m: m.start())
    if not anchors:
        return None
    at = start + anchors[-1].start()
    # "X preferred over Y as first-line": Y is what X is compared with, not the claim's subject.
    before = [m for m in mentions if start <= m.start and m.end <= at and not _COMPARED.search(sentence, start, m.start)]
    labelled = [m for m in mentions for a in lines if _LABEL_COLON.fullmatch(sentence[start + a.end() : m.start])]
    earlier = [m for m in mentions if m.end <= start]
    subject = before[-1] if before else labelled[0] if labelled else earlier[-1] if earlier else None
    if subject is None:
        return None
    negated = bool(_NEGATION.search(sentence, subject.end if before else start, at))
    line = None if not lines else "first" if lines[0].group("first") else "second"
    return DrugClaim(drugs=subject.drugs, line=line, negated=negated, text=clause.strip())


def dose_facts(text: str, lexicon: Lexicon | None = None) -> DoseFacts:
    """Which drugs a sentence gives an amount or schedule for: the drug named nearest before each
    dose, else the next one named."""
    positions = [f.start for f in extract_figures(text) if f.unit in DOSE_UNITS]
    positions += [m.start() for m in _DOSE_SCHEDULE.finditer(fold_dashes(text))]
    if not positions:
        return DoseFacts()
    mentions = drug_mentions(text, lexicon)
    drugs: set[str] = set()
    unattributed = False
    for at in positions:
        before = [m for m in mentions if m.end <= at]
        after = [m for m in mentions if m.start >= at]
        subject = before[-1] if before else after[0] if after else None
        if subject is None:
            unattributed = True
        else:
            drugs.update(subject.drugs)
    return DoseFacts(drugs=frozenset(drugs), unattributed=unattributed)


# A pathway's line_of_therapy -> the line a claim can state ("first-line", "second-line").
_CLAIM_LINE = MappingProxyType({"first_line": "first", "second_line": "second", "later_line": "second", "any": "any"})


def rules_lines() -> Mapping[str, frozenset[str]]:
    """drug -> subset of {"first", "second", "any"}: the lines of therapy of the rules core's pathways.

    Each pathway states its line of therapy; a later line counts as "second" (not first line),
    and "any" (lenalidomide in del(5q)) fixes no line.
    """
    from rules_core import SUPPORTED_DRUGS
    from rules_core.ruleset import RULES

    return MappingProxyType(
        {drug: frozenset(_CLAIM_LINE[p.line_of_therapy] for p in RULES[drug].pathways) for drug in SUPPORTED_DRUGS}
    )
