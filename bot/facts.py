"""Deterministic, explainable extraction of LR-MDS eligibility facts from free text.

Pharmacists and hematologists type things like "Can my patient get Reblozyl?
IPSS-R low, RS 20%, SF3B1 mutated, sEPO 620 U/L, 2 units every 4 weeks, failed
8 weeks of epoetin with iron replete". This module turns that into the rules
core's patient model (a plain dict, see ``rules_core.PatientFacts``) plus the
notes (conversions, assumptions) and source fragments the chat shows the user so
they can correct anything misread.

Design:
* one small pattern table per field; label-first patterns ("RS 20%") run before
  value-first ones ("20% RS") so a number is never read for the wrong field;
* a per-call ``_Draft`` records which characters a field already used (claims),
  so e.g. "4 units in 8 weeks" is never also read as an 8-week ESA course;
* drug mentions are classified as the drug *asked about* or as *prior therapy*
  from the cue words around them ("failed Procrit, can she get Reblozyl?");
* nothing is guessed silently: every assumption (unit, generic ESA, rounding)
  becomes a note.

Import-light on purpose (stdlib ``re`` + pydantic): the CLI must start fast.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from pydantic import BaseModel, Field

__all__ = [
    "ExtractedFacts",
    "describe_facts",
    "extract_facts",
    "is_eligibility_question",
    "mentions_a_patient",
    "merge_facts",
]


class ExtractedFacts(BaseModel):
    drug: str | None = Field(default=None, description="Canonical generic name of the drug asked about.")
    drugs: list[str] = Field(default_factory=list, description="All supported drugs asked about, in order.")
    facts: dict[str, Any] = Field(default_factory=dict, description="Fields found, valid for rules_core.PatientFacts.")
    notes: list[str] = Field(default_factory=list, description="Conversions and assumptions to show the user.")
    spans: dict[str, str] = Field(default_factory=dict, description="Field -> text fragment it came from.")


# --------------------------------------------------------------------------- #
# Vocabulary
# --------------------------------------------------------------------------- #

# Drugs with medical-necessity rules (mirrors rules_core.drugs.SUPPORTED_DRUGS; a test keeps
# them in step without importing the rules core here).
SUPPORTED_DRUGS = ("epoetin_alfa", "darbepoetin_alfa", "luspatercept", "imetelstat", "lenalidomide",
                   "ivosidenib", "enasidenib")
ESA_AGENTS = frozenset({"epoetin_alfa", "darbepoetin_alfa"})
HMA_AGENTS = frozenset({"azacitidine", "decitabine"})

# Canonical agent -> names a user may type (generic, brand). Longest first inside
# each alternation is not needed: the combined regex requires word boundaries.
_AGENT_NAMES: dict[str, str] = {
    "luspatercept": r"luspatercept(?:-aamt)?|reblozyl",
    "imetelstat": r"imetelstat|rytelo",
    "lenalidomide": r"lenalidomide|revlimid",
    "darbepoetin_alfa": r"darbepoetin(?:[- ]?(?:alfa|alpha))?|aranesp",
    "epoetin_alfa": r"epoetin(?:[- ]?(?:alfa|alpha))?(?:-epbx)?|procrit|epogen|retacrit",
    "azacitidine": r"azacitidine|azacytidine|vidaza",
    "decitabine": r"decitabine|dacogen",
    "ivosidenib": r"ivosidenib|tibsovo",
    "enasidenib": r"enasidenib|idhifa",
}

# Class names that stand for an unnamed agent: (pattern, agent assumed, note).
_GENERIC_NAMES: dict[str, tuple[str, str, str]] = {
    "esa": (
        r"ESAs?|erythropoiesis[- ]stimulating\s+agents?|erythropoietin(?!\s+levels?)|EPO(?!\s*levels?)",
        "epoetin_alfa",
        "ESA not named: assumed epoetin alfa.",
    ),
    "hma": (
        r"HMAs?|hypomethylating\s+(?:agents?|therapy)|demethylating\s+agents?",
        "azacitidine",
        "Hypomethylating agent not named: assumed azacitidine.",
    ),
}

_DRUG_MENTION = re.compile(
    "|".join(
        [rf"(?<![\w])(?P<{agent}>{names})(?![\w])" for agent, names in _AGENT_NAMES.items()]
        + [rf"(?<![\w])(?P<generic_{kind}>{spec[0]})(?![\w])" for kind, spec in _GENERIC_NAMES.items()]
    ),
    re.IGNORECASE,
)

_DISPLAY_AGENT = {agent: agent.replace("_", " ") for agent in _AGENT_NAMES}

_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "sixteen": 16, "twenty": 20, "twenty-four": 24,
}
_COUNT_WORD = r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|sixteen|twenty(?:-four)?"

# A lab value: "1,200", "8.5", "8,5" (decimal comma only with 1-2 decimals).
_VALUE = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+|,\d{1,2}(?!\d))?)(?![.,]?\d)"
_COMPARATOR = (
    r"(?:(?P<cmp>>=|<=|=>|=<|≥|≤|>|<|at\s+least|at\s+most|greater\s+than|more\s+than|"
    r"less\s+than|above|below|over|under)\s*)?"
)
_LINK = r"\s*(?:[:=]|\bof\b|\bis\b|\bwas\b|\bwere\b|\bare\b|\bat\b|-)?\s*(?:(?:~|\babout\b|\bapprox(?:imately|\.)?)\s*)?"
_PERCENT = r"\s*(?:%|percent\b|pct\b)"

# Where one statement ends: sentence punctuation, but not a decimal point.
_CLAUSE_END = re.compile(r"[;?!\n]|\.(?!\d)")


# --------------------------------------------------------------------------- #
# Per-call working state
# --------------------------------------------------------------------------- #


@dataclass
class _Draft:
    """What one ``extract_facts`` call has found so far (never shared between calls)."""

    text: str
    facts: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    spans: dict[str, str] = field(default_factory=dict)
    claimed: list[tuple[int, int]] = field(default_factory=list)

    def is_free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.claimed)

    def claim(self, start: int, end: int) -> None:
        self.claimed.append((start, end))

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def record(self, name: str, value: Any, match: re.Match[str], note: str | None = None) -> bool:
        """Keep the first statement of a field; later ones in the same message are ignored."""
        if name in self.facts or not self.is_free(match.start(), match.end()):
            return False
        self.facts[name] = value
        self.spans[name] = _fragment(match)
        self.claim(match.start(), match.end())
        if note:
            self.note(note)
        return True


def _fragment(match: re.Match[str]) -> str:
    return re.sub(r"\s+", " ", match.group(0)).strip(" ,;:")


def _parse_number(token: str) -> int | float:
    token = token.strip().lower()
    if token in _WORD_NUMBERS:
        return _WORD_NUMBERS[token]
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", token):
        token = token.replace(",", "")
    else:
        token = token.replace(",", ".")
    value = float(token)
    return int(value) if value.is_integer() and "." not in token else value


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _apply_comparator(value: int | float, comparator: str | None) -> tuple[int | float, str | None]:
    """Turn a bound into a number that satisfies exactly what was stated.

    "≥ 15" is recorded as 15; a strict bound is nudged by 0.1 ("> 500" -> 500.1,
    "< 5" -> 4.9) so the rules see a value on the stated side of the threshold.
    """
    if not comparator:
        return value, None
    cmp = re.sub(r"\s+", " ", comparator.lower())
    if cmp in {">=", "=>", "≥", "at least", "<=", "=<", "≤", "at most"}:
        return value, "recorded as the stated bound"
    step = 0.1
    if cmp in {">", "greater than", "more than", "above", "over"}:
        return round(value + step, 6), "strict bound, recorded just above it"
    return round(value - step, 6), "strict bound, recorded just below it"


def _bounded_value(draft: _Draft, label: str, match: re.Match[str]) -> int | float:
    value = _parse_number(match.group("num"))
    recorded, why = _apply_comparator(value, match.groupdict().get("cmp"))
    if why:
        draft.note(f"{label} '{_fragment(match)}': {why} ({_format_number(recorded)}).")
    return recorded


# --------------------------------------------------------------------------- #
# Age, risk category
# --------------------------------------------------------------------------- #

_AGE_PATTERNS = (
    re.compile(r"\b(?P<num>\d{1,3})[- ]?(?:years?|yrs?|yr)[- ]?old\b", re.IGNORECASE),
    re.compile(r"\b(?P<num>\d{1,3})\s*(?:yo|y/o|y\.o\.)(?!\w)", re.IGNORECASE),
    re.compile(r"\bage[d]?\s*(?:[:=]|\bof\b|\bis\b)?\s*(?P<num>\d{1,3})\b", re.IGNORECASE),
    re.compile(r"\b(?P<num>\d{1,3})\s+years\s+of\s+age\b", re.IGNORECASE),
)


def _extract_age(draft: _Draft) -> None:
    for pattern in _AGE_PATTERNS:
        for match in pattern.finditer(draft.text):
            age = int(match.group("num"))
            if 0 < age < 120 and draft.record("age_years", age, match):
                return


_IPSSR_LABEL = r"(?:IPSS[- ]?R|R[- ]?IPSS|revised\s+IPSS|IPSS\s+revised)(?!\w)"
_IPSS_LABEL = r"(?<![\w-])(?<!R\s)IPSS(?![- ]?[RM](?!\w))(?!\w)"
_IPSSR_CATEGORY = r"(?P<cat>very[- ]?low|very[- ]?high|low|high|intermediate|int)(?!\w)"
_IPSS_CATEGORY = (
    r"(?P<cat>low|high|int(?:ermediate)?[- ]?(?:1|2|II|I|one|two)(?![\w])|intermediate)(?![\w-]\d)(?!\w)"
)
_LABEL_TO_CATEGORY = (
    r"\s*(?:risk\s*)?(?:category|group|class|stratum)?\s*(?:[:=]|\bis\b|\bwas\b|\bof\b|-)?\s*"
    r"(?:(?:actually|really|now|in fact)\s+)?(?:\(\s*)?"  # corrections: "the IPSS-R is actually high"
    r"(?:(?:score\s*)?\d+(?:\.\d+)?\s*[,(]?\s*)?"  # a score before the category word: "R-IPSS 2.5 low"
)
_CATEGORY_TO_LABEL = r"(?:[- ]risk)?\s*(?:\(|\bby\b|\bper\b|\bon\b|according\s+to|using)?\s*(?:the\s+)?"
_SCORE = r"\s*score\s*(?:[:=]|\bof\b|\bis\b)?\s*(?P<score>\d+(?:\.\d+)?)"


def _ipssr_category(word: str) -> str:
    word = re.sub(r"[- ]", "", word.lower())
    return {"verylow": "very_low", "veryhigh": "very_high", "int": "intermediate"}.get(word, word)


def _ipss_category(word: str) -> str | None:
    word = re.sub(r"[- ]", "", word.lower())
    if word in {"low", "high"}:
        return word
    tail = re.sub(r"^int(?:ermediate)?", "", word)
    return {"1": "int1", "i": "int1", "one": "int1", "2": "int2", "ii": "int2", "two": "int2"}.get(tail)


def _ipssr_from_score(score: float) -> str:
    if score <= 1.5:
        return "very_low"
    if score <= 3:
        return "low"
    if score <= 4.5:
        return "intermediate"
    return "high" if score <= 6 else "very_high"


def _ipss_from_score(score: float) -> str:
    if score == 0:
        return "low"
    if score <= 1:
        return "int1"
    return "int2" if score <= 2 else "high"


@dataclass(frozen=True)
class _RiskSystem:
    field: str
    display: str
    category_patterns: tuple[re.Pattern[str], ...]  # "IPSS-R low", "low-risk by IPSS-R"
    score_pattern: re.Pattern[str]  # "IPSS-R score 2.5"
    parse_category: Callable[[str], str | None]
    category_from_score: Callable[[float], str]


def _risk_system(field_name: str, display: str, label: str, category: str,
                 parse_category: Callable[[str], str | None],
                 category_from_score: Callable[[float], str]) -> _RiskSystem:
    return _RiskSystem(
        field=field_name,
        display=display,
        category_patterns=(
            re.compile(label + _LABEL_TO_CATEGORY + category, re.IGNORECASE),
            re.compile(r"(?<![\w-])" + category + _CATEGORY_TO_LABEL + label, re.IGNORECASE),
        ),
        score_pattern=re.compile(label + _SCORE, re.IGNORECASE),
        parse_category=parse_category,
        category_from_score=category_from_score,
    )


# IPSS-R first: its label contains "IPSS", and its matches claim the text.
_RISK_SYSTEMS = (
    _risk_system("ipss_r", "IPSS-R", _IPSSR_LABEL, _IPSSR_CATEGORY, _ipssr_category, _ipssr_from_score),
    _risk_system("ipss", "IPSS", _IPSS_LABEL, _IPSS_CATEGORY, _ipss_category, _ipss_from_score),
)
_UNSCORED_LOWER_RISK = re.compile(r"\b(?:lower|low)[- ]risk\b|\bLR[- ]MDS\b", re.IGNORECASE)


def _extract_risk(draft: _Draft) -> None:
    for system in _RISK_SYSTEMS:
        for pattern in system.category_patterns:
            for match in pattern.finditer(draft.text):
                if not draft.is_free(match.start(), match.end()):
                    continue
                value = system.parse_category(match.group("cat"))
                if value is None:
                    draft.note(f"{system.display} '{_fragment(match)}': intermediate-1 or -2? Not recorded.")
                    draft.claim(match.start(), match.end())
                    continue
                draft.record(system.field, value, match)
        if system.field in draft.facts:
            continue
        for match in system.score_pattern.finditer(draft.text):
            score = float(match.group("score"))
            value = system.category_from_score(score)
            note = f"{system.display} score {_format_number(score)} read as category {value.replace('_', ' ')}."
            if draft.record(system.field, value, match, note):
                break
    if "ipss_r" not in draft.facts and "ipss" not in draft.facts:
        match = _UNSCORED_LOWER_RISK.search(draft.text)
        if match:
            draft.note(f"'{match.group(0)}' given without an IPSS-R or IPSS category: not recorded.")


# --------------------------------------------------------------------------- #
# Percentages: blasts, ring sideroblasts
# --------------------------------------------------------------------------- #

_BLASTS_LABEL = r"(?:(?:bone[- ]marrow|BM|marrow)\s+)?(?:myelo)?blasts?(?:\s+count)?"
_RS_LABEL = r"(?:RS|ring(?:ed)?[- ]?sideroblasts?|sideroblasts)"
_NOT_MARROW = re.compile(r"(?:\bPB|peripheral(?:\s+blood)?|circulating|blood)\s*$", re.IGNORECASE)


def _label_first(label: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){label}{_LINK}{_COMPARATOR}{_VALUE}(?:{_PERCENT})?(?![\d\w/])", re.IGNORECASE)


def _value_first(label: str) -> re.Pattern[str]:
    return re.compile(
        rf"{_COMPARATOR}(?<![\w.]){_VALUE}{_PERCENT}\s*(?:of\s+)?{label}(?!\w)", re.IGNORECASE
    )


_PERCENT_FIELDS = (
    # (field, display, label-first, value-first)
    ("ring_sideroblasts_pct", "Ring sideroblasts", _label_first(_RS_LABEL), _value_first(_RS_LABEL)),
    ("bone_marrow_blasts_pct", "Blasts", _label_first(_BLASTS_LABEL), _value_first(_BLASTS_LABEL)),
)


def _record_percent(draft: _Draft, name: str, display: str, match: re.Match[str]) -> None:
    if name == "bone_marrow_blasts_pct" and _NOT_MARROW.search(draft.text[max(0, match.start() - 30):match.start()]):
        return  # peripheral-blood blasts are not the marrow count the criteria use
    value = _bounded_value(draft, display, match)
    if 0 <= value <= 100:
        draft.record(name, value, match)


def _extract_percentages_label_first(draft: _Draft) -> None:
    for name, display, label_first, _ in _PERCENT_FIELDS:
        for match in label_first.finditer(draft.text):
            _record_percent(draft, name, display, match)


def _extract_percentages_value_first(draft: _Draft) -> None:
    for name, display, _, value_first in _PERCENT_FIELDS:
        for match in value_first.finditer(draft.text):
            _record_percent(draft, name, display, match)


# --------------------------------------------------------------------------- #
# Mutations and del(5q)
# --------------------------------------------------------------------------- #

_GENE = re.compile(r"(?<![\w])(?P<gene>SF3B1|IDH1\s*/\s*(?:IDH)?2|IDH[12]|IDH)(?!\d)", re.IGNORECASE)
_GENE_UNKNOWN_AFTER = re.compile(
    r"^[\s:(-]*(?:status\s*:?\s*)?(?:not\s+(?:tested|done|available|assessed|known)|pending|unknown|untested|n/?a\b)",
    re.IGNORECASE,
)
_GENE_WILD_AFTER = re.compile(
    r"^[\s:(]*(?:(?:is|was|status)\s*:?\s*)?(?:wild[- ]?type|WT\b|negative|neg\b|unmutated|non[- ]?mutated|"
    r"not\s+mutated|-(?![\w])|−|mutations?\s+(?:was\s+|were\s+)?(?:not\s+(?:detected|found|present|seen)|"
    r"negative|absent)|not\s+detected|absent|no\s+mutation)",
    re.IGNORECASE,
)
_GENE_MUTATED_AFTER = re.compile(
    r"^[\s:(-]*(?:(?:is|was|status)\s*:?\s*)?(?:mutated|mutations?|mutant|mut\b|mt\b|m\b|positive|pos\b|\+|"
    r"detected|present|variant|[A-Z]\d{2,4}[A-Z*]|VAF)",
    re.IGNORECASE,
)
_GENE_WILD_BEFORE = re.compile(
    r"(?:\bno|\bwithout|negative\s+for|absence\s+of|lack(?:s|ing)?(?:\s+of)?|\bnot|wild[- ]?type|\bWT|"
    r"unmutated|non[- ]?mutated)(?:\s+(?:an?|any|detectable|pathogenic|somatic))?"
    r"(?:\s+(?:mutations?|variants?)\s*(?:in|of)?)?\s*$",
    re.IGNORECASE,
)
_GENE_MUTATED_BEFORE = re.compile(
    r"(?:mutated|mutant|mutations?\s+(?:in|of)|positive\s+for|harbou?r(?:s|ing)?(?:\s+an?)?|"
    r"carr(?:ies|ying)(?:\s+an?)?)\s*$",
    re.IGNORECASE,
)
_GROUP_JOINER = re.compile(r"^\s*(?:,|/|&|\band\b|\bor\b|,\s*and\b)\s*$", re.IGNORECASE)
_LEFT_LIMIT = re.compile(r"[,;.?!\n]|\band\b|\bbut\b|\bwith\b", re.IGNORECASE)


def _genes_named(token: str) -> list[str]:
    token = re.sub(r"\s", "", token.upper())
    if token == "SF3B1":
        return ["sf3b1"]
    if "/" in token:
        return ["idh1", "idh2"]
    if token == "IDH":
        return []  # "IDH mutation" does not say which gene
    return [token.lower()]


def _local_before(before: str) -> str:
    """The words before a gene that can still describe it (not past a comma, "and", "with")."""
    limits = list(_LEFT_LIMIT.finditer(before))
    return before[limits[-1].end():] if limits else before


def _gene_status(local_before: str, after: str) -> tuple[str | None, int, int]:
    """Status of one gene mention, plus how many characters before / after stated it.

    A negation on either side beats a bare "mutation" ("no SF3B1 mutation").
    """
    for status, pattern_after, pattern_before in (
        ("unknown", _GENE_UNKNOWN_AFTER, None),
        ("wild_type", _GENE_WILD_AFTER, _GENE_WILD_BEFORE),
        ("mutated", _GENE_MUTATED_AFTER, _GENE_MUTATED_BEFORE),
    ):
        match_after = pattern_after.match(after)
        match_before = pattern_before.search(local_before) if pattern_before else None
        if match_after or match_before:
            used_before = len(local_before) - match_before.start() if match_before else 0
            used_after = match_after.end() if match_after else 0
            if not match_after:
                noun = re.match(r"\s*(?:mutations?|variants?)\b", after, re.IGNORECASE)
                used_after = noun.end() if noun else 0
            return status, used_before, used_after
    return None, 0, 0


def _extract_mutations(draft: _Draft) -> None:
    mentions = [m for m in _GENE.finditer(draft.text) if draft.is_free(m.start(), m.end())]
    statuses: list[str | None] = []
    fragments: list[str] = []
    joined_to_next: list[bool] = []
    for i, mention in enumerate(mentions):
        next_start = mentions[i + 1].start() if i + 1 < len(mentions) else len(draft.text)
        previous_end = mentions[i - 1].end() if i > 0 else 0
        after = draft.text[mention.end():next_start]
        status, used_before, used_after = _gene_status(_local_before(draft.text[previous_end:mention.start()]), after)
        statuses.append(status)
        fragments.append(draft.text[mention.start() - used_before:mention.end() + used_after])
        joined_to_next.append(i + 1 < len(mentions) and bool(_GROUP_JOINER.match(after)))
    # "SF3B1 and IDH2 mutations": a gene with no status of its own shares its group's.
    for i in reversed(range(len(mentions))):
        if statuses[i] is None and joined_to_next[i]:
            statuses[i] = statuses[i + 1]
    for i in range(1, len(mentions)):
        if statuses[i] is None and joined_to_next[i - 1]:
            statuses[i] = statuses[i - 1]
    for i, (mention, status) in enumerate(zip(mentions, statuses)):
        genes = _genes_named(mention.group("gene"))
        if not genes and status in {"mutated", "wild_type"}:
            draft.note(f"'{mention.group(0)}' does not say IDH1 or IDH2: not recorded.")
        if status not in {"mutated", "wild_type"}:
            continue
        if statuses[i] is not None and fragments[i].strip() == mention.group(0) and i + 1 < len(mentions):
            # status shared with the group: show the group ("SF3B1 and IDH2 mutations")
            fragments[i] = draft.text[mention.start():mention.end() + len(draft.text[mention.end():].split(",")[0])]
        for gene in genes:
            if gene not in draft.facts:
                draft.facts[gene] = status
                draft.spans[gene] = re.sub(r"\s+", " ", fragments[i]).strip(" ,(")


_DEL5Q = re.compile(
    r"(?<![\w])(?:del\s*\(\s*5\s*\)\s*\(\s*q[\w.;]*\)|del\s*\(?\s*5\s*q\s*\)?|5q\s*-?\s*(?:deletion|minus|del\b|syndrome)"
    r"|5q-(?![\w])|deletion\s+(?:of\s+)?(?:chromosome\s+)?(?:5q|\(5q\))|interstitial\s+deletion\s+of\s+5q)",
    re.IGNORECASE,
)
_DEL5Q_NEGATED_BEFORE = re.compile(
    r"(?:\bno|\bnon|\bwithout|negative\s+for|absence\s+of|\bnot|lack(?:s|ing)?(?:\s+of)?|\bnor|\brule[sd]?\s+out)"
    r"[- ]?(?:\s*(?:an?|any|evidence\s+of|the|isolated|a\s+diagnosis\s+of))?\s*[- ]?$",
    re.IGNORECASE,
)
_DEL5Q_NEGATED_AFTER = re.compile(
    r"^[\s:)]*(?:(?:is|was|status)\s*:?\s*)?(?:negative|absent|not\s+(?:present|detected|seen|found)|no\b|-ve\b|neg\b)",
    re.IGNORECASE,
)
_DEL5Q_UNKNOWN_AFTER = re.compile(r"^[\s:)]*(?:status\s*:?\s*)?(?:unknown|pending|not\s+(?:tested|done|known))",
                                  re.IGNORECASE)
_NORMAL_KARYOTYPE = re.compile(r"\bnormal\s+(?:female\s+|male\s+)?karyotype\b|\b46,\s?X[XY]\b", re.IGNORECASE)


def _extract_del5q(draft: _Draft) -> None:
    for match in _DEL5Q.finditer(draft.text):
        before, after = draft.text[max(0, match.start() - 40):match.start()], draft.text[match.end():]
        if _DEL5Q_UNKNOWN_AFTER.match(after):
            continue
        negated_after = _DEL5Q_NEGATED_AFTER.match(after)
        present = not (_DEL5Q_NEGATED_BEFORE.search(before) or negated_after)
        if "del5q" not in draft.facts:
            start = max(_clause_start(draft.text, match.start()), draft.text.rfind(",", 0, match.start()) + 1,
                        match.start() - len(before))
            draft.facts["del5q"] = present
            end = match.end() + (negated_after.end() if negated_after else 0)
            draft.spans["del5q"] = re.sub(r"\s+", " ", draft.text[start:end]).strip(" ,;")
            draft.claim(match.start(), match.end())
        return
    if _NORMAL_KARYOTYPE.search(draft.text):
        # A normal karyotype excludes del(5q), but the criteria want it stated, so ask rather than infer.
        draft.note("Normal karyotype noted; del(5q) status not recorded: please state it explicitly.")


# --------------------------------------------------------------------------- #
# Serum EPO, haemoglobin
# --------------------------------------------------------------------------- #

_EPO_LEVEL = re.compile(
    r"(?<![\w])(?:s[- ]?EPO|serum\s+(?:EPO|erythropoietin)|EPO|erythropoietin)(?:\s+levels?)?"
    + _LINK + _COMPARATOR + _VALUE
    + r"(?:\s*(?P<unit>m?I?U\s*/\s*m?L)(?![\w]))?"
    + r"(?!\s*(?:units?|U|IU|mcg|µg|ug|mg|weeks?|wks?|months?|days?|x|×|times)(?![\w/]))",
    re.IGNORECASE,
)
_HB_LEVEL = re.compile(
    r"(?<![\w])(?:Hb|Hgb|ha?emoglobin)(?:\s+level)?"
    + _LINK + _COMPARATOR + _VALUE
    + r"(?:\s*(?P<unit>g\s*/\s*dL|gm?\s*/\s*dl|g\s*/\s*L|mmol\s*/\s*L)(?![\w]))?",
    re.IGNORECASE,
)


def _ignore_repeat(draft: _Draft, name: str, display: str, match: re.Match[str]) -> bool:
    """A second statement of a field in one message: keep the first, say so, and claim the text."""
    if name not in draft.facts:
        return False
    if _fragment(match) != draft.spans.get(name):
        draft.note(f"{display} stated twice; '{draft.spans[name]}' used, '{_fragment(match)}' ignored.")
    draft.claim(match.start(), match.end())
    return True


def _extract_serum_epo(draft: _Draft) -> None:
    for match in _EPO_LEVEL.finditer(draft.text):
        if not draft.is_free(match.start(), match.end()) or _ignore_repeat(draft, "serum_epo", "Serum EPO", match):
            continue
        unit_text = re.sub(r"\s", "", match.group("unit") or "").lower()
        value = _bounded_value(draft, "Serum EPO", match)
        if unit_text in {"u/l", "mu/ml"}:
            unit, note = ("U/L" if unit_text == "u/l" else "mU/mL"), None
        elif unit_text == "iu/l":
            unit, note = "U/L", f"Serum EPO {_format_number(value)} IU/L recorded as U/L (same quantity)."
        elif unit_text == "miu/ml":
            unit, note = "mU/mL", f"Serum EPO {_format_number(value)} mIU/mL recorded as mU/mL (same quantity)."
        elif not unit_text:
            unit, note = "U/L", f"Serum EPO '{_fragment(match)}' given without a unit: assumed U/L."
        else:
            draft.note(f"Serum EPO '{_fragment(match)}': unit not recognised, not recorded.")
            draft.claim(match.start(), match.end())
            continue
        draft.record("serum_epo", {"value": value, "unit": unit}, match, note)


def _extract_hemoglobin(draft: _Draft) -> None:
    for match in _HB_LEVEL.finditer(draft.text):
        if not draft.is_free(match.start(), match.end()) or _ignore_repeat(draft, "hemoglobin", "Hemoglobin", match):
            continue
        unit_text = re.sub(r"\s", "", match.group("unit") or "").lower()
        value = _bounded_value(draft, "Hemoglobin", match)
        note = None
        if unit_text in {"g/dl", "gm/dl"}:
            unit = "g/dL"
        elif unit_text == "g/l":
            unit = "g/L"
        elif unit_text:
            draft.note(f"Hemoglobin '{_fragment(match)}': please give it in g/dL or g/L; not recorded.")
            draft.claim(match.start(), match.end())
            continue
        else:
            unit = "g/dL" if value <= 25 else "g/L"
            note = f"Hemoglobin '{_fragment(match)}' given without a unit: assumed {unit}."
        if value > 0:
            draft.record("hemoglobin", {"value": value, "unit": unit}, match, note)


# --------------------------------------------------------------------------- #
# RBC transfusion burden, normalised to units per 8 weeks
# --------------------------------------------------------------------------- #

_COUNT = rf"(?P<count>\d+(?:\.\d+)?|{_COUNT_WORD})"
_RBC_UNITS = (
    r"(?:(?:p?RBCs?|PRBCs?|red(?:\s+blood)?\s+cells?|blood)\s+)?(?:units?|u(?=\s*(?:/|q\.?\s*\d|every\b|per\b|in\b|over\b)))"
    r"(?:\s+(?:of\s+)?(?:p?RBCs?|PRBCs?|packed\s+(?:red\s+)?(?:blood\s+)?cells|red\s+(?:blood\s+)?cells|blood))?"
)
_TRANSFUSED = r"(?:\s+(?:transfused|transfusions?|required|needed|received|given))?"
_TIMES = r"(?P<times>once|twice|thrice|(?:\d+|two|three|four)\s+times)"
_PER = r"(?:in|over|within|during|per|every|each|a|an|q\.?|/)\s*(?:the\s+)?(?:last|past|prior|previous|preceding)?\s*"
_PERIOD = rf"(?P<length>\d+|{_COUNT_WORD})?\s*-?\s*(?P<period>weeks?|wks?|wk|w|months?|mos?|mo)(?![\w])"
_FREQUENCY = r"(?P<freq>monthly|weekly|fortnightly|every\s+other\s+week)(?![\w])"
_TRANSFUSION_NOUN = r"transfus\w*(?:[- ]dependent)?(?:\s+(?:with\s+)?(?:p?RBCs?|PRBCs?|blood))?"

_UNITS_OVER_PERIOD = re.compile(
    rf"(?<![\w.,]){_COUNT}\s*{_RBC_UNITS}{_TRANSFUSED}\s*(?:{_TIMES}\s*)?(?:{_PER}{_PERIOD}|{_FREQUENCY})",
    re.IGNORECASE,
)
# Frequency without a unit count: one unit per transfusion is assumed (and said).
_TRANSFUSIONS_BY_FREQUENCY = (
    re.compile(rf"{_TRANSFUSION_NOUN},?\s+(?:{_TIMES}\s*)?(?:(?:every|each|per|a|q\.?)\s*{_PERIOD}|{_FREQUENCY})",
               re.IGNORECASE),
    re.compile(rf"(?:{_TIMES}[- ])?{_FREQUENCY}\s+(?:RBC\s+|red[- ]cell\s+|blood\s+)?transfusions?", re.IGNORECASE),
    re.compile(rf"{_TIMES}\s+(?:a|per|every)\s+{_PERIOD}\s+(?:RBC\s+|red[- ]cell\s+|blood\s+)?transfusions?",
               re.IGNORECASE),
    re.compile(rf"(?:a|one)\s+(?:RBC\s+|red[- ]cell\s+|blood\s+)?transfusion\s+(?:every|each|per|a)\s*{_PERIOD}",
               re.IGNORECASE),
)
_NO_TRANSFUSIONS = re.compile(
    r"\b(?:(?:RBC[- ])?transfusion[- ]independen(?:t|ce)|RBC[- ]TI\b|transfusion[- ]free"
    r"|no\s+(?:(?:recent|RBC|red[- ]cell|blood)\s+)*transfusions?(?:\s+(?:requirements?|needs?|history))?"
    r"|not\s+(?:RBC[- ])?transfusion[- ]dependent|never\s+(?:been\s+)?transfused"
    r"|do(?:es)?(?:n't|\s+not)\s+(?:require|need)\s+(?:RBC\s+|any\s+)?transfusions?)",
    re.IGNORECASE,
)
_TRANSFUSION_DEPENDENT = re.compile(r"\b(?:RBC[- ])?transfusion[- ]dependen(?:t|ce)\b|\bRBC[- ]TD\b", re.IGNORECASE)


def _frequency_weeks(match: re.Match[str]) -> tuple[float, bool]:
    """Length of the stated period in weeks, and whether months were converted."""
    groups = match.groupdict()
    frequency = (groups.get("freq") or "").lower()
    if frequency:
        if frequency == "monthly":
            return 4.0, True
        return (1.0, False) if frequency == "weekly" else (2.0, False)
    length = _parse_number(groups["length"]) if groups.get("length") else 1
    is_month = groups["period"].lower().startswith("mo")
    return float(length) * (4 if is_month else 1), is_month


def _times(match: re.Match[str]) -> int:
    times = (match.groupdict().get("times") or "once").lower()
    named = {"once": 1, "twice": 2, "thrice": 3}
    return named.get(times) or int(_parse_number(times.split()[0]))


def _record_transfusions(draft: _Draft, match: re.Match[str], count: float, assumed_unit: bool) -> bool:
    weeks, from_months = _frequency_weeks(match)
    if weeks <= 0 or not draft.is_free(match.start(), match.end()):
        return False
    exact = count * _times(match) * 8 / weeks
    units = math.floor(exact + 1e-9)  # floor: never lifts a burden over an integer threshold
    fragment = _fragment(match)
    explained = []
    if from_months:
        explained.append("1 month counted as 4 weeks")
    if assumed_unit:
        explained.append("assumed 1 unit per transfusion")
    note = None
    if weeks != 8 or _times(match) != 1 or assumed_unit or units != exact:
        note = f"{fragment} = {_format_number(round(exact, 1))} units per 8 weeks"
        if units != exact:
            note += f", recorded as {units}"
        note += f" ({'; '.join(explained)})." if explained else "."
    return draft.record("rbc_units_last_8_weeks", units, match, note)


def _extract_transfusions(draft: _Draft) -> None:
    for match in _UNITS_OVER_PERIOD.finditer(draft.text):
        count = _parse_number(match.group("count"))
        if count < 50 and _record_transfusions(draft, match, count, assumed_unit=False):
            return  # counts >= 50 are drug doses ("40,000 units weekly"), not RBC units
    for match in _NO_TRANSFUSIONS.finditer(draft.text):
        note = None
        if match.group(0).lower().startswith("not"):
            note = f"'{_fragment(match)}' recorded as 0 units per 8 weeks."
        if draft.record("rbc_units_last_8_weeks", 0, match, note):
            return
    for pattern in _TRANSFUSIONS_BY_FREQUENCY:
        for match in pattern.finditer(draft.text):
            if _record_transfusions(draft, match, 1, assumed_unit=True):
                return
    match = _TRANSFUSION_DEPENDENT.search(draft.text)
    if match and draft.is_free(match.start(), match.end()):
        draft.note("Transfusion dependence stated without a unit count: please give RBC units in the last 8 weeks.")


# --------------------------------------------------------------------------- #
# Drugs: the one asked about vs prior therapies
# --------------------------------------------------------------------------- #

@dataclass
class _Mention:
    start: int
    end: int
    agent: str
    generic_note: str | None  # set when a class name ("ESA") stood for the agent
    role: str = "asked"  # asked | history | negated
    response: str | None = None
    response_rank: int = -1
    weeks: int | None = None
    weeks_note: str | None = None


# Words that put the next drug in the question ("can she get", "eligible for").
_ASKED_CUE = re.compile(
    r"\b(?:eligib\w*|qualif\w*|candidate|approv\w*|authori[sz]\w*|cover(?:ed|age)?|start|starting|initiat\w*|"
    r"begin(?:ning)?|get|getting|receive|give|giving|prescrib\w*|try|switch(?:ing)?\s+(?:\w+\s+)?to|"
    r"mov(?:e|ing)\s+(?:\w+\s+)?to|escalat\w*\s+to|add|adding|consider(?:ing)?|recommend\w*|order(?:ing)?|for|"
    r"(?:put|start|begin|initiate|switch|move|change|go|be)\s+(?:\w+\s+){0,2}on|about|is|are|would|should|have)\b",
    re.IGNORECASE,
)
# Words that put the next drug in the history ("failed", "after", "on").
_HISTORY_CUE = re.compile(
    r"\b(?:fail\w*|after|following|post|s/p|status\s+post|prior|previous(?:ly)?|history\s+of|hx\s+of|"
    r"received|receiving|was\s+on|been\s+on|on|treated\s+with|had|tried|took|taking|started|exposure\s+to|"
    r"exposed\s+to|refractory|resistant|intoleran\w*|lost|loss|relapsed?|progressed|responded|"
    r"weeks?|wks?|months?|course|despite|currently\s+on)\b",
    re.IGNORECASE,
)
_NEGATED_BEFORE = re.compile(
    r"(?:\bnever\s+(?:had|received|been\s+(?:on|given|treated\s+with|exposed\s+to)|tried|taken|used)"
    r"|\bno\s+(?:prior\s+|previous\s+|history\s+of\s+|exposure\s+to\s+)?"
    r"|\bnot\s+(?:previously\s+)?(?:treated\s+with|received|been\s+on|on)"
    r"|\bhas(?:n't|\s+not)\s+(?:had|received|been\s+on|tried)"
    r"|\bwithout\s+(?:prior\s+|previous\s+|any\s+)?|\bna[iï]ve\s+to)\s*(?:an?\s+|any\s+)?$",
    re.IGNORECASE,
)
_NEGATED_AFTER = re.compile(r"^[- ]?(?:na[iï]ve|untreated)\b", re.IGNORECASE)
_NOTHING_BEFORE = re.compile(
    r"\b(?:no\s+(?:prior|previous)\s+(?:MDS[- ](?:directed\s+)?)?(?:therap(?:y|ies)|treatments?)"
    r"|(?:treatment|therapy)[- ]na[iï]ve|previously\s+untreated|not\s+previously\s+treated"
    r"|never\s+(?:been\s+)?treated|no\s+(?:MDS[- ]directed\s+)?(?:therapy|treatment)\s+(?:to\s+date|so\s+far|yet))\b",
    re.IGNORECASE,
)

# How a prior course ended, most specific first (its index is its rank: lower wins).
_RESPONSE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (response, re.compile(pattern, re.IGNORECASE))
    for response, pattern in (
        ("intolerant", r"\bintoleran(?:t|ce)\b|\b(?:stopped|discontinued)\s+(?:due\s+to|because\s+of|for)\s+"
                       r"(?:side[- ]effects|toxicity|adverse)"),
        ("lost", r"\blost\s+(?:the\s+|her\s+|his\s+|their\s+)?response\b|\bloss\s+of\s+(?:\w+\s+)?response\b|"
                 r"\brelapsed?\b|\bstopped\s+responding\b|\bno\s+longer\s+respon\w*|\bresponse\s+(?:was\s+)?lost\b"),
        ("none", r"\bfail(?:ed|ing|ure|s)?\b|\bdespite\b|\bno\s+(?:\w+\s+)?response\b|\bnon[- ]?respon\w*|\bunresponsive\b|"
                 r"\bnot\s+respon\w*|\bdid(?:n't|\s+not)\s+respond\b|\bnever\s+responded\b|\brefractory\b|"
                 r"\bresistant\b|\b(?:inadequate|insufficient|suboptimal|poor)\s+response\b|"
                 r"\bwithout\s+(?:a\s+|any\s+)?response\b|\bno\s+(?:Hb\s+|hemoglobin\s+|erythroid\s+)?improvement\b"),
        ("responding", r"\brespon(?:ding|sive|ded)\b|\bresponse\s+(?:ongoing|maintained)\b|\bgood\s+response\b"),
    )
)
# What may sit between a cue and the drug it points forward to ("failed 8 weeks of ...").
_FORWARD_FILLER = re.compile(
    r"^(?:[\s,(-]|\b(?:to|of|on|after|with|from|an?|the|her|his|their|prior|previous|initial|first[- ]line|"
    rf"therapy|treatment|course|trial|weeks?|wks?|wk|months?|mos?|\d+(?:\.\d+)?|{_COUNT_WORD}|full|adequate|"
    r"standard[- ]dose|high[- ]dose|dose|x|×)\b)*$",
    re.IGNORECASE,
)
_WEEKS_BEFORE = re.compile(
    rf"(?P<num>\d+|{_COUNT_WORD})[- ]?(?P<period>weeks?|wks?|wk|months?|mos?)(?:[- ]long)?\s+"
    r"(?:(?:adequate\s+|full\s+)?(?:trial|course)\s+)?(?:of|on|with)\s+(?:therapy\s+with\s+|treatment\s+with\s+)?$",
    re.IGNORECASE,
)
_WEEKS_AFTER = re.compile(
    r"^\s*\)?\s*(?:[\d,.]+\s*k?\s*(?:units|U|IU|mcg|µg|ug|mg/kg|mg)?\s*"
    r"(?:/\s*wk|weekly|q\.?\s*\d+\s*(?:weeks?|wks?|w|days?|d)\b|q\s*\w+|every\s+\w+\s+(?:weeks?|days?))?"
    r"(?=\s*(?:x|×|for|over|during)\b)\s*)?"
    r"(?:therapy|treatment)?\s*(?:\(\s*|(?:[a-z-]+\s+){0,3}?(?:for|over|during|after|lasted|lasting)\s+|x\s*|×\s*)?"
    rf"(?P<num>\d+|{_COUNT_WORD})\s*-?\s*(?P<period>weeks?|wks?|wk|w|months?|mos?)(?![\w])"
    r"(?!\s+(?:of|on)\b)",  # "... after 8 weeks of Procrit" describes the next drug
    re.IGNORECASE,
)
_CONJUNCTION = re.compile(r"^\s*(?:,|/|&|\band\b|\bor\b|\bthen\b|followed\s+by|,\s*(?:and|or|then)\b)\s*$",
                          re.IGNORECASE)
_IRON_DEFICIENT = re.compile(
    r"\b(?:iron[- ]deficien(?:t|cy)|not\s+iron[- ]replete|(?:without|no)\s+iron\s+repletion|iron[- ]depleted|inadequate\s+iron|low\s+iron|"
    r"iron\s+stores?\s+(?:(?:are|were|is|was)\s+)?(?:low|depleted|inadequate))\b",
    re.IGNORECASE,
)
_IRON_REPLETE = re.compile(
    r"\b(?:iron[- ]replete|iron[- ]repleted|iron\s+repletion|replete\s+iron|(?:adequate|sufficient|normal)\s+iron(?:\s+stores?)?|iron[- ]sufficient|"
    r"iron\s+(?:stores?|studies|status)\s+(?:(?:are|were|is|was)\s+)?(?:adequate|replete|normal|sufficient))\b",
    re.IGNORECASE,
)


def _find_mentions(draft: _Draft) -> list[_Mention]:
    mentions = []
    for match in _DRUG_MENTION.finditer(draft.text):
        if not draft.is_free(match.start(), match.end()):
            continue  # e.g. the "EPO" of "EPO 620 U/L" is a lab, already read
        kind = match.lastgroup or ""
        if kind.startswith("generic_"):
            if re.search(r"\bserum\s*$|\bs-?$", draft.text[max(0, match.start() - 12):match.start()], re.IGNORECASE):
                continue
            _, agent, note = _GENERIC_NAMES[kind.removeprefix("generic_")]
            mentions.append(_Mention(match.start(), match.end(), agent, note))
        else:
            mentions.append(_Mention(match.start(), match.end(), kind, None))
    return mentions


# A statement longer than this is cut here: keeps pasted notes linear-time.
_MAX_CLAUSE = 400


def _clause_start(text: str, position: int) -> int:
    floor = max(0, position - _MAX_CLAUSE)
    ends = [m.end() for m in _CLAUSE_END.finditer(text, floor, position)]
    return ends[-1] if ends else floor


def _clause_end(text: str, position: int) -> int:
    ceiling = min(len(text), position + _MAX_CLAUSE)
    match = _CLAUSE_END.search(text, position, ceiling)
    return match.start() if match else ceiling


def _assign_cues(text: str, mentions: list[_Mention]) -> None:
    """Give each response / duration cue to the one drug it describes.

    A cue followed only by filler up to a drug ("failed 8 weeks of Procrit",
    "intolerant to Revlimid") points forward; otherwise it describes the drug
    before it in the same clause ("Aranesp with loss of response").
    """
    for rank, (response, pattern) in enumerate(_RESPONSE_CUES):
        for cue in pattern.finditer(text):
            target = _cue_target(text, mentions, cue.start(), cue.end())
            if target is not None and (target.response is None or rank < target.response_rank):
                target.response, target.response_rank = response, rank
    for i, mention in enumerate(mentions):
        left_limit = max(mentions[i - 1].end if i else 0, _clause_start(text, mention.start))
        right_limit = min(mentions[i + 1].start if i + 1 < len(mentions) else len(text),
                          _clause_end(text, mention.end))
        duration = _WEEKS_BEFORE.search(text[left_limit:mention.start])
        if duration is None:
            duration = _WEEKS_AFTER.match(text[mention.end:right_limit])
        if duration:
            amount = int(_parse_number(duration.group("num")))
            if duration.group("period").lower().startswith("mo"):
                mention.weeks = amount * 4
                name = text[mention.start:mention.end]
                mention.weeks_note = (f"{name} '{_fragment(duration)}': {amount} month(s) counted as "
                                      f"{amount * 4} weeks (1 month = 4 weeks).")
            else:
                mention.weeks = amount


def _cue_target(text: str, mentions: list[_Mention], start: int, end: int) -> _Mention | None:
    following = next((m for m in mentions if m.start >= end), None)
    preceding = next((m for m in reversed(mentions) if m.end <= start), None)
    if preceding and re.fullmatch(r"[\s-]*", text[preceding.end:start]):
        return preceding  # "ESA-refractory", "ESA failure" even when another drug follows
    if following and _FORWARD_FILLER.match(text[end:following.start]):
        return following
    if preceding and _clause_start(text, start) <= preceding.start:
        return preceding
    if following and _clause_end(text, end) >= following.end:
        return following
    return None


def _classify(text: str, mentions: list[_Mention]) -> None:
    for i, mention in enumerate(mentions):
        previous = mentions[i - 1] if i else None
        left_limit = max(previous.end if previous else 0, _clause_start(text, mention.start),
                         text.rfind(",", 0, mention.start) + 1)
        left = text[left_limit:mention.start]
        if _NEGATED_BEFORE.search(left) or _NEGATED_AFTER.match(text[mention.end:]):
            mention.role = "negated"
            continue
        if previous and previous.role != "negated" and _CONJUNCTION.match(text[previous.end:mention.start]):
            mention.role = previous.role  # "failed Procrit and Aranesp", "Reblozyl or Rytelo"
            if mention.role == "history" and mention.response is None:
                mention.response = previous.response
            continue
        asked = [m.end() for m in _ASKED_CUE.finditer(left)]
        history = [m.end() for m in _HISTORY_CUE.finditer(left)]
        if asked and (not history or asked[-1] >= history[-1]):
            mention.role = "asked"
        elif history or mention.response or mention.weeks is not None:
            mention.role = "history"


def _therapies(draft: _Draft, mentions: list[_Mention]) -> list[dict[str, Any]]:
    history = [m for m in mentions if m.role == "history"]
    named = {m.agent for m in history if m.generic_note is None}
    entries: dict[str, dict[str, Any]] = {}
    ranges: dict[str, list[tuple[int, int]]] = {}
    for mention in history:
        agent = mention.agent
        if mention.generic_note:
            # "prior ESA (darbepoetin) x 12 weeks": the class name refers to the named agent.
            same_class = [a for a in named if (a in ESA_AGENTS) == (agent in ESA_AGENTS)
                          and (a in HMA_AGENTS) == (agent in HMA_AGENTS)]
            if same_class:
                agent = sorted(same_class)[0]
            else:
                draft.note(mention.generic_note)
        entry = entries.setdefault(agent, {"agent": agent})
        if mention.weeks is not None and "weeks" not in entry:
            entry["weeks"] = mention.weeks
            if mention.weeks_note:
                draft.note(mention.weeks_note)
        if mention.response and "response" not in entry:
            entry["response"] = mention.response
        start, end = _therapy_range(draft.text, mentions, mention)
        ranges.setdefault(agent, []).append((start, end))
    for agent, agent_ranges in ranges.items():
        draft.spans[f"therapies.{agent}"] = " | ".join(
            re.sub(r"\s+", " ", draft.text[start:end]).strip(" ,") for start, end in _union(agent_ranges))
    return list(entries.values())


def _union(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


_FRAGMENT_BREAK = re.compile(r",\s|\s(?:and|but)\s", re.IGNORECASE)


def _therapy_fragment(text: str, mentions: list[_Mention], mention: _Mention) -> str:
    start, end = _therapy_range(text, mentions, mention)
    return re.sub(r"\s+", " ", text[start:end]).strip(" ,")


def _therapy_range(text: str, mentions: list[_Mention], mention: _Mention) -> tuple[int, int]:
    """The part of the clause about this one drug, cut at commas and at neighbouring drugs."""
    index = next(i for i, other in enumerate(mentions) if other is mention)
    start = max(_clause_start(text, mention.start), mentions[index - 1].end if index else 0)
    end = min(_clause_end(text, mention.end), mentions[index + 1].start if index + 1 < len(mentions) else len(text))
    breaks_before = list(_FRAGMENT_BREAK.finditer(text, start, mention.start))
    if breaks_before:
        start = breaks_before[-1].end()
    break_after = _FRAGMENT_BREAK.search(text, mention.end, end)
    if break_after:
        end = break_after.start()
    return start, end


def _extract_drugs_and_therapies(draft: _Draft) -> list[str]:
    """Fill ``therapies`` and return the drugs asked about, in order."""
    mentions = _find_mentions(draft)
    _assign_cues(draft.text, mentions)
    _classify(draft.text, mentions)

    asked: list[str] = []
    for mention in mentions:
        if mention.role != "asked" or mention.agent in asked:
            continue
        name = draft.text[mention.start:mention.end]
        if mention.agent not in SUPPORTED_DRUGS:
            draft.note(f"{name}: no medical-necessity rules for this drug; only "
                       f"{', '.join(_DISPLAY_AGENT[d] for d in SUPPORTED_DRUGS)} can be checked.")
            continue
        asked.append(mention.agent)
        if mention.generic_note:
            draft.note(mention.generic_note)
        draft.spans.setdefault("drug", name)

    entries = _therapies(draft, mentions)
    esa_naive = any(m.role == "negated" and m.generic_note and m.agent in ESA_AGENTS for m in mentions)
    nothing_before = _NOTHING_BEFORE.search(draft.text)
    if esa_naive:
        entries = [e for e in entries if e["agent"] not in ESA_AGENTS]
        draft.spans["therapies"] = next(_therapy_fragment(draft.text, mentions, m)
                                        for m in mentions if m.role == "negated" and m.agent in ESA_AGENTS)
    if nothing_before:
        draft.spans["therapies"] = nothing_before.group(0)
    _attach_iron_status(draft, entries, follow_up=not asked and not esa_naive and not nothing_before)
    if entries or esa_naive or nothing_before:
        draft.facts["therapies"] = entries
    return asked


def _attach_iron_status(draft: _Draft, entries: list[dict[str, Any]], follow_up: bool) -> None:
    """Iron status only qualifies an ESA course (was the ESA trial adequate?).

    ``follow_up``: the message names no drug and denies no therapy, so a bare
    iron status can only be about an ESA course discussed in an earlier turn.
    """
    deficient, replete = _IRON_DEFICIENT.search(draft.text), _IRON_REPLETE.search(draft.text)
    match = deficient or replete
    if match is None:
        return
    status = deficient is None
    esa_entries = [e for e in entries if e["agent"] in ESA_AGENTS]
    draft.spans["iron_replete"] = _fragment(match)
    if esa_entries:
        for entry in esa_entries:
            entry["iron_replete"] = status
    elif follow_up and not entries:
        # A follow-up ("she was iron replete") about the ESA course discussed before;
        # merge_facts applies it to that course.
        entries.append({"agent": "epoetin_alfa", "iron_replete": status})
        draft.note("Iron status applies to the prior ESA course.")
    else:
        draft.note(f"'{_fragment(match)}' noted; iron status is recorded only with a prior ESA course.")


# --------------------------------------------------------------------------- #
# Public API
# --------------------------------------------------------------------------- #

# Order matters: label-first readings claim their numbers before value-first ones.
_FIELD_EXTRACTORS: tuple[Callable[[_Draft], None], ...] = (
    _extract_transfusions,
    _extract_serum_epo,
    _extract_hemoglobin,
    _extract_age,
    _extract_risk,
    _extract_percentages_label_first,
    _extract_percentages_value_first,
    _extract_mutations,
    _extract_del5q,
)


def extract_facts(text: str) -> ExtractedFacts:
    """Read the patient facts and the drug(s) asked about from one message."""
    draft = _Draft(text=text)
    for extractor in _FIELD_EXTRACTORS:
        extractor(draft)
    drugs = _extract_drugs_and_therapies(draft)
    return ExtractedFacts(
        drug=drugs[0] if drugs else None,
        drugs=drugs,
        facts=draft.facts,
        notes=draft.notes,
        spans=draft.spans,
    )


# Cues that the user asks about a patient, not about the drug in general.
_STRONG_ELIGIBILITY_CUE = re.compile(
    r"\b(?:eligib\w*|qualif(?:y|ies|ied)|medically\s+necessary|medical\s+necessity|candidate|appropriate|"
    r"meets?\s+(?:the\s+)?(?:\w+\s+)?criteria|"
    r"can\s+(?:my|the|this|our)\s+(?:patient|pt)\s+(?:\w+\s+)?(?:get|receive|have|start|use|be)|"
    r"can\s+(?:she|he|they|i|we)\s+(?:\w+\s+)?(?:get|receive|have|start|use|give|prescribe|try|add|switch|"
    r"go\s+on|be\s+(?:started|put|switched|given|treated))|"
    r"should\s+(?:i|we|she|he|they)\s+(?:\w+\s+)?(?:start|use|give|try|switch|get|receive|be\s+started)|"
    r"indicated\s+for\s+(?:this|my|her|him|the|our)\s+(?:patient|pt)|"
    r"ok(?:ay)?\s+to\s+(?:start|give|use)|prior\s+auth\w*)\b",
    re.IGNORECASE,
)
_WEAK_ELIGIBILITY_CUE = re.compile(
    r"\b(?:approv\w*|indicated|criteria|cover(?:ed|age)?|option|reasonable|recommend\w*|"
    r"benefit|start|use|give)\b",
    re.IGNORECASE,
)
# Words that make a message about one patient rather than about the literature (also used by
# the router and the guard, through mentions_a_patient).
_PATIENT_REFERENCE = re.compile(
    r"\b(?:my|our|this|that|the)\s+(?:[\w-]+\s+){0,3}?(?:patient|pt|client|man|woman|gentleman|lady)\b"
    r"|\ba patient (?:with|who|whose|on|after)\b|\bpatient\s+(?:has|had|is|was|with|who)\b"
    r"|\b(?:she|he|her|him|his)\b|\b\d{1,3}\s*[- ]?(?:years?[- ]old|yo\b|y/o)|\bpt\b",  # not "1-year TI"
    re.IGNORECASE,
)
_GENERAL_QUESTION = re.compile(
    r"\bwhat\s+(?:is|are|was|were|did|does|do)\b|\bhow\s+(?:does|do|many|much|often|long|is|was)\b|"
    r"\bdos(?:e|es|ing|age)\b|response\s+rates?|side[- ]effects?|adverse|mechanism|\bMEDALIST\b|\bCOMMANDS\b|"
    r"\bIMerge\b|\btrials?\b|\bstud(?:y|ies)\b|\befficacy\b",
    re.IGNORECASE,
)


def mentions_a_patient(text: str) -> bool:
    """'my patient', 'she', 'a 72-year-old'...: the text is about one patient (router, guard)."""
    return bool(_PATIENT_REFERENCE.search(text))


def is_eligibility_question(text: str) -> bool:
    """True when the message asks whether this patient can get a supported drug.

    Needs a drug asked about plus either eligibility wording or patient facts;
    a general question about a drug ("what did MEDALIST show?", "the dose of
    imetelstat?") is not one, unless it clearly talks about a patient.
    """
    extracted = extract_facts(text)
    if not extracted.drugs:
        return False
    if _STRONG_ELIGIBILITY_CUE.search(text):
        return True
    about_patient = mentions_a_patient(text)
    has_patient_facts = bool(extracted.facts)
    if _WEAK_ELIGIBILITY_CUE.search(text) and (about_patient or has_patient_facts):
        return True
    if has_patient_facts:
        return about_patient or not _GENERAL_QUESTION.search(text)
    return False


def merge_facts(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Combine facts across turns: the later turn wins, field by field.

    Therapies merge by agent (a later "lost response" updates the same course).
    An explicit empty list ("no prior therapy") replaces the history. An entry
    carrying only iron status ("she was iron replete") qualifies the earlier ESA
    course(s) and is dropped when there is none to qualify.
    """
    merged = {key: value for key, value in old.items() if key != "therapies"}
    merged.update({key: value for key, value in new.items() if key != "therapies"})
    if "therapies" not in new:
        if "therapies" in old:
            merged["therapies"] = [dict(entry) for entry in old["therapies"]]
        return merged
    if not new["therapies"]:
        merged["therapies"] = []
        return merged
    therapies = [dict(entry) for entry in old.get("therapies", [])]
    added = False
    for entry in new["therapies"]:
        if set(entry) == {"agent", "iron_replete"} and entry["agent"] in ESA_AGENTS:
            for course in therapies:
                if course["agent"] in ESA_AGENTS:
                    course["iron_replete"] = entry["iron_replete"]
            continue
        added = True
        existing = next((course for course in therapies if course["agent"] == entry["agent"]), None)
        if existing is None:
            therapies.append(dict(entry))
        else:
            existing.update(entry)
    if added or "therapies" in old:  # an unattached iron status must not read as "no prior therapy"
        merged["therapies"] = therapies
    return merged


_CATEGORY_DISPLAY = {
    "very_low": "very low", "low": "low", "intermediate": "intermediate", "high": "high",
    "very_high": "very high", "int1": "intermediate-1", "int2": "intermediate-2",
}
_RESPONSE_DISPLAY = {"none": "no response", "lost": "lost response", "intolerant": "intolerant",
                     "responding": "responding"}


def _describe_therapy(entry: dict[str, Any]) -> str:
    parts = [_DISPLAY_AGENT.get(entry["agent"], str(entry["agent"]))]
    if entry.get("weeks") is not None:
        parts.append(f"{entry['weeks']} weeks")
    if entry.get("response"):
        parts.append(_RESPONSE_DISPLAY.get(entry["response"], str(entry["response"])))
    if entry.get("iron_replete") is not None:
        parts.append("iron replete" if entry["iron_replete"] else "not iron replete")
    return ", ".join(parts)


def describe_facts(facts: dict[str, Any]) -> list[str]:
    """One human line per fact, in a stable clinical order, for the user to check."""
    lines = []
    if "age_years" in facts:
        lines.append(f"Age: {facts['age_years']} years")
    if "ipss_r" in facts:
        lines.append(f"IPSS-R: {_CATEGORY_DISPLAY.get(facts['ipss_r'], facts['ipss_r'])}")
    if "ipss" in facts:
        lines.append(f"IPSS: {_CATEGORY_DISPLAY.get(facts['ipss'], facts['ipss'])}")
    if "bone_marrow_blasts_pct" in facts:
        lines.append(f"Bone marrow blasts: {_format_number(facts['bone_marrow_blasts_pct'])}%")
    if "ring_sideroblasts_pct" in facts:
        lines.append(f"Ring sideroblasts: {_format_number(facts['ring_sideroblasts_pct'])}%")
    for gene in ("sf3b1", "idh1", "idh2"):
        if gene in facts:
            lines.append(f"{gene.upper()}: {'mutated' if facts[gene] == 'mutated' else 'wild-type'}")
    if "del5q" in facts:
        lines.append(f"del(5q): {'present' if facts['del5q'] else 'absent'}")
    if "serum_epo" in facts:
        lines.append(f"Serum EPO: {_format_number(facts['serum_epo']['value'])} {facts['serum_epo']['unit']}")
    if "hemoglobin" in facts:
        lines.append(f"Hemoglobin: {_format_number(facts['hemoglobin']['value'])} {facts['hemoglobin']['unit']}")
    if "rbc_units_last_8_weeks" in facts:
        lines.append(f"RBC transfusions: {facts['rbc_units_last_8_weeks']} units / 8 weeks")
    if "therapies" in facts:
        if facts["therapies"]:
            lines.extend(f"Prior therapy: {_describe_therapy(entry)}" for entry in facts["therapies"])
        else:
            lines.append("Prior therapy: none")
    return lines
