"""Who the patient is: age, and the IPSS-R / IPSS risk category (or a score read as one)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from bot.eligibility.cues import lexicon_cue
from bot.eligibility.draft import Draft, fragment
from corpus.text import format_number

_AGE_PATTERNS = (
    re.compile(r"\b(?P<num>\d{1,3})[- ]?(?:years?|yrs?|yr)[- ]?old\b", re.IGNORECASE),
    re.compile(r"\b(?P<num>\d{1,3})\s*(?:yo|y/o|y\.o\.)(?!\w)", re.IGNORECASE),
    re.compile(r"\bage[d]?\s*(?:[:=]|\bof\b|\bis\b)?\s*(?P<num>\d{1,3})\b", re.IGNORECASE),
    re.compile(r"\b(?P<num>\d{1,3})\s+years\s+of\s+age\b", re.IGNORECASE),
    re.compile(r"(?<![\w.,-])(?P<num>\d{2,3})\s?(?:M|F|yo\s?[MF])(?![\w])"),  # "74M", "81F": age and sex
    re.compile(r"\bturned\s+(?P<num>\d{2,3})(?![\d.,%/])", re.IGNORECASE),  # "turned 73 this year"
    # an age at an event, said of the patient: "Was 69 when first transfused", "she was 70 at diagnosis"
    re.compile(r"(?:^|[.;]\s*|\b(?:she|he|patient|pt)\s+)was\s+(?P<num>\d{2,3})\s+(?:when|at\s+diagnosis)\b",
               re.IGNORECASE),
)


@cache
def _age_now() -> re.Pattern[str]:
    """ "age 71 at diagnosis, now 74": the age today; "Age 70, sorry 71": the age corrected."""
    return re.compile(rf"[^.;\d]{{0,30}}?(?:\bnow|(?<!\w){lexicon_cue('corrections')}),?\s+(?:aged?\s+)?"
                      r"(?P<num>\d{2,3})\b(?!\s*(?:%|[a-zA-Z/]))", re.IGNORECASE)


def extract_age(draft: Draft) -> None:
    """Every stated age: two different ones ("72-year-old man. Age 68.") are weighed by Draft.settle,
    never the first one taken."""
    for pattern in _AGE_PATTERNS:
        for match in pattern.finditer(draft.text):
            age = int(match.group("num"))
            if 0 < age < draft.reading.max_age_years and draft.record("age_years", age, match):
                later = _age_now().match(draft.text, match.end())
                if later and 0 < int(later.group("num")) < draft.reading.max_age_years:
                    draft.state("age_years", int(later.group("num")), later.start("num"), later.end("num"),
                                f"now {later.group('num')}")


_IPSSR_LABEL = r"(?:IPSS[- ]?R|R[- ]?IPSS|revised\s+IPSS|IPSS\s+revised)(?!\w)"
_IPSS_LABEL = r"(?<![\w-])(?<!R\s)IPSS(?![- ]?[RM](?!\w))(?!\w)"
_IPSSR_CATEGORY = r"(?P<cat>very[- ]?low|very[- ]?high|low|high|intermediate|int)(?!\w)"
# Chart shorthand ("IPSS-R VL", "IPSS-R lo", "IPSS-R hi"), read only right after the label: before it, "hi" greets.
_IPSSR_SHORT_CATEGORY = r"(?P<cat>very[- ]?low|very[- ]?high|vl|vh|low|lo|high|hi|intermediate|int)(?!\w)"
_IPSS_CATEGORY = (
    r"(?P<cat>low|high|int(?:ermediate)?[- ]?(?:1|2|II|I|one|two)(?![\w])|intermediate)(?![\w-]\d)(?!\w)"
)
_LABEL_TO_CATEGORY = (
    r"\s*(?:risk\s*)?(?:category|group|class|stratum)?\s*(?:[:=]|\bis\b|\bwas\b|\bof\b|-)?\s*"
    r"(?:(?:actually|really|now|in fact)\s+)?(?:\(\s*)?"  # corrections: "the IPSS-R is actually high"
    # a category denied, then the one that holds: "IPSS-R is not high - it is low", "not low but intermediate"
    r"(?:not\s+(?:very[- ]?)?\w+(?:-\w+)?\s*(?:[-–—,;:]|\bbut\b)\s*(?:(?:it|this|that)(?:\s+is|\s+was|'s)\s+|"
    r"(?:rather|actually|instead)\s+)*)?"
    r"(?:(?:score\s*)?\d+(?:\.\d+)?\s*[,(]?\s*)?"  # a score before the category word: "R-IPSS 2.5 low"
)
_CATEGORY_TO_LABEL = r"(?:[- ]risk)?\s*(?:\(|\bby\b|\bper\b|\bon\b|according\s+to|using)?\s*(?:the\s+)?"
_SCORE = r"\s*score\s*(?:[:=]|\bof\b|\bis\b)?\s*(?P<score>\d+(?:\.\d+)?)"

# Published score bands, highest score of each category (Greenberg 1997 IPSS; 2012 IPSS-R).
_IPSSR_BANDS = ((1.5, "very_low"), (3, "low"), (4.5, "intermediate"), (6, "high"))
_IPSS_BANDS = ((0, "low"), (1, "int1"), (2, "int2"))


def _category_from_score(bands: tuple[tuple[float, str], ...], above: str) -> Callable[[float], str]:
    return lambda score: next((category for top, category in bands if score <= top), above)


def _ipssr_category(word: str) -> str:
    word = re.sub(r"[- ]", "", word.lower())
    return {"verylow": "very_low", "veryhigh": "very_high", "int": "intermediate", "vl": "very_low", "vh": "very_high",
            "lo": "low", "hi": "high"}.get(word, word)


def _ipss_category(word: str) -> str | None:
    word = re.sub(r"[- ]", "", word.lower())
    if word in {"low", "high"}:
        return word
    tail = re.sub(r"^int(?:ermediate)?", "", word)
    return {"1": "int1", "i": "int1", "one": "int1", "2": "int2", "ii": "int2", "two": "int2"}.get(tail)


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
                 category_from_score: Callable[[float], str], after_label: str | None = None) -> _RiskSystem:
    return _RiskSystem(
        field=field_name,
        display=display,
        category_patterns=(
            re.compile(label + _LABEL_TO_CATEGORY + (after_label or category), re.IGNORECASE),
            re.compile(r"(?<![\w-])" + category + _CATEGORY_TO_LABEL + label, re.IGNORECASE),
        ),
        score_pattern=re.compile(label + _SCORE, re.IGNORECASE),
        parse_category=parse_category,
        category_from_score=category_from_score,
    )


# IPSS-R first: its label contains "IPSS", and its matches claim the text.
_RISK_SYSTEMS = (
    _risk_system("ipss_r", "IPSS-R", _IPSSR_LABEL, _IPSSR_CATEGORY, _ipssr_category,
                 _category_from_score(_IPSSR_BANDS, "very_high"), _IPSSR_SHORT_CATEGORY),
    _risk_system("ipss", "IPSS", _IPSS_LABEL, _IPSS_CATEGORY, _ipss_category,
                 _category_from_score(_IPSS_BANDS, "high")),
)
_UNSCORED_LOWER_RISK = re.compile(r"\b(?:lower|low)[- ]risk\b|\bLR[- ]MDS\b", re.IGNORECASE)


# "IPSS-R low at diagnosis, re-scored as intermediate this month": a later category of the same score.
_RESCORED = re.compile(
    r"[^.;]{0,60}?\b(?:re-?scored|re-?stratified|re-?classified|re-?assessed|upgraded|downgraded)\s+"
    r"(?:(?:as|to|at)\s+)?(?:an?\s+)?" + _IPSSR_CATEGORY + r"(?![- ]dose)",
    re.IGNORECASE,
)


def _read_rescored(draft: Draft, system: _RiskSystem, match: re.Match[str]) -> None:
    later = _RESCORED.match(draft.text, match.end())
    value = system.parse_category(later.group("cat")) if later else None
    if later and value and draft.is_free(later.start("cat"), later.end("cat")):
        shown = draft.text[later.start("cat"):later.end()].strip()
        draft.state(system.field, value, later.start("cat"), later.end("cat"), f"{shown} (re-scored)")


def _read_category(draft: Draft, system: _RiskSystem) -> None:
    for pattern in system.category_patterns:
        for match in pattern.finditer(draft.text):
            if not draft.is_free(match.start(), match.end()):
                continue
            value = system.parse_category(match.group("cat"))
            if value is None:
                draft.note(f"{system.display} '{fragment(match)}': intermediate-1 or -2? Not recorded.")
                draft.claim(match.start(), match.end())
                continue
            if draft.record(system.field, value, match) and system.field == "ipss_r":
                _read_rescored(draft, system, match)


def _read_score(draft: Draft, system: _RiskSystem) -> None:
    for match in system.score_pattern.finditer(draft.text):
        score = float(match.group("score"))
        value = system.category_from_score(score)
        note = f"{system.display} score {format_number(score)} read as category {value.replace('_', ' ')}."
        if draft.record(system.field, value, match, note):
            return


def extract_risk(draft: Draft) -> None:
    for system in _RISK_SYSTEMS:
        _read_category(draft, system)
        if system.field not in draft.facts:
            _read_score(draft, system)
    if "ipss_r" not in draft.facts and "ipss" not in draft.facts:
        match = _UNSCORED_LOWER_RISK.search(draft.text)
        if match:
            draft.note(f"'{match.group(0)}' given without an IPSS-R or IPSS category: not recorded.")
