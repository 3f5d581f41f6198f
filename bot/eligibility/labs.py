"""Lab values: marrow blasts and ring sideroblasts (%), serum EPO, hemoglobin."""

from __future__ import annotations

import re
from functools import cache

from bot.eligibility.cues import lexicon_cue
from bot.eligibility.draft import Draft, fragment
from bot.eligibility.values import COMPARATOR, LINK, PERCENT, VALUE, bound_alternatives, bounded_value
from corpus.text import NUMBER, format_number, parse_number_as_written

# --------------------------------------------------------------------------- #
# Percentages: blasts, ring sideroblasts
# --------------------------------------------------------------------------- #

_BLASTS_LABEL = (r"(?:(?:(?:bone[- ]marrow|BM|marrow)\s+)?(?:myelo)?blasts?(?:\s+count)?"
                 # chart shorthand "BM bl 3%", "BMBx: bl 4%": "bl" is blasts only after a marrow word
                 r"|(?:bone[- ]marrow|BM|marrow|BMBx|BMB|BMA)(?:\s*(?:bx|biopsy|aspirate))?\s*:?\s*bl(?!\w))")
_RS_LABEL = r"(?:RS|ring(?:ed)?[- ]?sideroblasts?|ring(?:ed)?[- ]sids?|sideroblasts)"
_NOT_MARROW = re.compile(r"(?:\bPB|peripheral(?:\s+blood)?|circulating|blood)\s*$", re.IGNORECASE)
_NOT_MARROW_LOOKBACK = 30  # characters before a blast count searched for "peripheral blood"
_NOT_MARROW_AFTER = re.compile(r"\s*(?:in|on|of)\s+(?:the\s+)?(?:PB|peripheral(?:\s+blood)?|blood|circulation|smear)\b",
                               re.IGNORECASE)  # "1% in peripheral blood"


def _label_first(label: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){label}{LINK}{COMPARATOR}{VALUE}(?:{PERCENT})?(?![\d\w/])", re.IGNORECASE)


def _value_first(label: str) -> re.Pattern[str]:
    return re.compile(rf"{COMPARATOR}(?<![\w.]){VALUE}{PERCENT}\s*(?:of\s+)?{label}(?!\w)", re.IGNORECASE)


_PERCENT_FIELDS = (
    # (field, display, label-first, value-first)
    ("ring_sideroblasts_pct", "Ring sideroblasts", _label_first(_RS_LABEL), _value_first(_RS_LABEL)),
    ("bone_marrow_blasts_pct", "Blasts", _label_first(_BLASTS_LABEL), _value_first(_BLASTS_LABEL)),
)


def _record_percent(draft: Draft, name: str, display: str, match: re.Match[str]) -> None:
    before = draft.text[max(0, match.start() - _NOT_MARROW_LOOKBACK):match.start()]
    if name == "bone_marrow_blasts_pct" and (_NOT_MARROW.search(before)
                                             or _NOT_MARROW_AFTER.match(draft.text, match.end())):
        return  # peripheral-blood blasts are not the marrow count the criteria use
    if _is_negative(draft, match):
        _refuse_value(draft, name, match, "a negative value is an error")
        return
    value = bounded_value(draft, display, match)
    if 0 <= value <= 100:
        draft.record(name, value, match,
                     alternatives=bound_alternatives(match, value, draft.reading.strict_bound_step, ceiling=100))


# A later bare percentage is the same count again ("blasts 4% at diagnosis; repeat marrow showed 2%",
# "blasts 3% and 6% on two reads") only when nothing but these words comes between: any other word
# may be another measure's label ("SF3B1 VAF 35%", "cellularity 40%").
_SAME_COUNT_WORDS = (
    r"(?:[\s,;:()-]|\b(?:and|or|then|vs|versus|to|now|on|at|in|of|the|a|was|were|is|showed|shows|showing|"
    r"repeat(?:ed)?|marrow|bone|biopsy|aspirate|BMBx|re-?biopsy|follow-?up|diagnosis|baseline|last|this|month|"
    r"week|year|today|latest|recent(?:ly)?|current(?:ly)?|later|since|after|down|up|rose|fell|from|"
    r"reads?|second|first|initial(?:ly)?|(?:19|20)\d\d)\b)"
)


@cache
def _same_count_words() -> re.Pattern[str]:
    """The words above, or a correction ("RS 16%, I mean 6%": the same count, restated)."""
    return re.compile(rf"(?:{_SAME_COUNT_WORDS}|(?<!\w){lexicon_cue('corrections')}(?!\w))*", re.IGNORECASE)
_WORD_AFTER = re.compile(r"\s*(?:of\s+)?(?P<word>[A-Za-z][\w-]*)")  # "20% RS", "30% cellular"
_LATER_PERCENT = re.compile(rf"(?<![\w.,-])(?P<num>{NUMBER})(?![.,]?\d)\s*%")


def _read_later_percents(draft: Draft, name: str, match: re.Match[str]) -> None:
    end = _sentence_end(draft, match.end())
    for later in _LATER_PERCENT.finditer(draft.text, match.end(), end):
        if not _same_count_words().fullmatch(draft.text, match.end(), later.start()):
            return
        word = _WORD_AFTER.match(draft.text, later.end())
        if word and not _same_count_words().fullmatch(word.group("word")) or _NOT_MARROW_AFTER.match(
                draft.text, later.end()):
            return  # "blasts 4%, 20% ring sideroblasts", "1% in peripheral blood": not this count
        value = parse_number_as_written(later.group("num"))
        if draft.is_free(later.start(), later.end()) and 0 <= value <= 100:
            draft.state(name, value, later.start(), later.end(), fragment(later))


def extract_percentages_label_first(draft: Draft) -> None:
    for name, display, label_first, _ in _PERCENT_FIELDS:
        for match in label_first.finditer(draft.text):
            if draft.is_free(match.start(), match.end()):
                _record_percent(draft, name, display, match)
                if not match.group("cmp") and name in draft.statements:
                    _read_later_percents(draft, name, match)


def extract_percentages_value_first(draft: Draft) -> None:
    for name, display, _, value_first in _PERCENT_FIELDS:
        for match in value_first.finditer(draft.text):
            _record_percent(draft, name, display, match)
    _read_absent_ring_sideroblasts(draft)


@cache
def _ring_sideroblasts_absent() -> re.Pattern[str]:
    """ "No ring sideroblasts seen on the iron stain", "RS: none", "ring sideroblasts absent" (the lexicon's cues)."""
    seen = lexicon_cue("not_seen")
    return re.compile(
        rf"(?<![\w-])(?:no|zero)\s+{_RS_LABEL}(?:\s+(?:were|was|are|is))?(?:\s+{seen}(?!\w)|\s*(?=[.;,]|$)|"
        rf"\s+(?=on\s+(?:the\s+)?iron\s+stain))"
        rf"|(?<![\w-]){_RS_LABEL}\s*(?::|\b(?:were|was|are|is)\b)?\s*{lexicon_cue('absent')}(?!\w)"
        rf"(?!\s+{lexicon_cue('not_stated')}(?!\w))",  # "RS: none documented" is a value not given
        re.IGNORECASE,
    )


def _read_absent_ring_sideroblasts(draft: Draft) -> None:
    for match in _ring_sideroblasts_absent().finditer(draft.text):
        draft.record("ring_sideroblasts_pct", 0, match, note=f"'{fragment(match)}' read as ring sideroblasts 0%.")


# --------------------------------------------------------------------------- #
# Serum EPO, hemoglobin
# --------------------------------------------------------------------------- #

_EPO_LEVEL = re.compile(
    r"(?<![\w])(?:s[- ]?EPO|serum\s+(?:EPO|erythropoietin)|EPO|erythropoietin)(?:\s+levels?)?"
    + LINK + COMPARATOR + VALUE
    + r"(?:\s*(?P<unit>m?I?U\s*/\s*m?L)(?![\w]))?"
    + r"(?!\s*(?:units?|U|IU|mcg|µg|ug|mg|weeks?|wks?|months?|days?|x|×|times)(?![\w/]))",
    re.IGNORECASE,
)
_HB_LEVEL = re.compile(
    r"(?<![\w])(?:Hb|Hgb|ha?emoglobin)(?:\s+level)?"
    + LINK + COMPARATOR + VALUE
    + r"(?:\s*(?P<unit>g\s*/\s*dL|gm?\s*/\s*dl|g\s*/\s*L|mmol\s*/\s*L)(?![\w]))?",
    re.IGNORECASE,
)
_DISPLAY = {"serum_epo": "Serum EPO", "hemoglobin": "Hemoglobin", "bone_marrow_blasts_pct": "Blasts",
            "ring_sideroblasts_pct": "Ring sideroblasts"}
# A minus sign right before a value, not a hyphen joining label and value ("sEPO-620" stays 620).
_NEGATIVE_SIGN = re.compile(r"(?:^|[\s:=(])[-−–]\s*(?:~\s*)?$")
# "1.250": a German thousands separator or three decimals? No lab reports to the thousandth.
_THOUSANDS_DOT = re.compile(r"\d{1,3}\.\d{3}")
_LAB_UNIT = r"m?I?U\s*/\s*m?L|g\s*/\s*dL|gm?\s*/\s*dl|g\s*/\s*L"
# A later value of the same lab: with its unit, or after a time word ("now 150").
_LATER_VALUE_WHEN = r"now|today|currently|latest(?:\s+value)?|most\s+recent(?:ly)?|recently"


@cache
def _later_value() -> re.Pattern[str]:
    """A later value of the same lab: with its unit, after a time word ("now 150") or a correction ("sorry, 540")."""
    return re.compile(
        rf"(?:(?P<when>(?<!\w)(?:{_LATER_VALUE_WHEN}|{lexicon_cue('corrections')})(?!\w))\s*"
        rf"(?:(?:is|at|of|was)\s+|[:=,]\s*)?)?(?<![\w.,-])(?P<num>{NUMBER})(?![.,]?\d)(?!\s*%)"
        rf"(?:\s*(?P<unit>{_LAB_UNIT})(?![\w]))?",
        re.IGNORECASE,
    )
# Another lab's label: the numbers after it are not this lab's.
_OTHER_LABEL = re.compile(
    r"(?<![\w])(?:s[- ]?EPO|EPO|erythropoietin|Hb|Hgb|ha?emoglobin|blasts?|RS|sideroblasts|units?|IPSS\S*|age)\b",
    re.IGNORECASE,
)
# Spelling (lower-case, no spaces) -> the patient model's unit, and the same-quantity unit it renames.
_EPO_UNITS = {"u/l": ("U/L", None), "mu/ml": ("mU/mL", None), "iu/l": ("U/L", "IU/L"), "miu/ml": ("mU/mL", "mIU/mL")}
_HB_UNITS = {"g/dl": "g/dL", "gm/dl": "g/dL", "g/l": "g/L"}


def _unit_text(match: re.Match[str]) -> str:
    return re.sub(r"\s", "", match.group("unit") or "").lower()


def _epo_unit(match: re.Match[str], value: int | float) -> tuple[str, str | None] | None:
    """The recorded unit and its note; None for a unit that is not an EPO unit."""
    spelled = _unit_text(match)
    if not spelled:
        return "U/L", f"Serum EPO '{fragment(match)}' given without a unit: assumed U/L."
    if spelled not in _EPO_UNITS:
        return None
    unit, renamed = _EPO_UNITS[spelled]
    if renamed is None:
        return unit, None
    return unit, f"Serum EPO {format_number(value)} {renamed} recorded as {unit} (same quantity)."


def _is_negative(draft: Draft, match: re.Match[str]) -> bool:
    """'sEPO -620', 'Hb: -8.2': a minus sign before the value (not a hyphen joining label and value)."""
    before = draft.text[:match.start("num")]
    return bool(_NEGATIVE_SIGN.search(before))


def _refuse_value(draft: Draft, name: str, match: re.Match[str], why: str) -> None:
    draft.note(f"{_DISPLAY[name]} '{fragment(match)}': {why}; not recorded, please restate it.")
    draft.claim(match.start(), match.end())
    draft.unresolved.append(name)


def _checked(draft: Draft, name: str, match: re.Match[str]) -> bool:
    """False (and the user told why) for a value no lab reports: a negative one, or '1.250' (1.25 or 1250?)."""
    if _is_negative(draft, match):
        _refuse_value(draft, name, match, "a negative value is an error")
        return False
    if _THOUSANDS_DOT.fullmatch(match.group("num")):
        _refuse_value(draft, name, match, "is that a decimal point or a thousands separator?")
        return False
    return True


def extract_serum_epo(draft: Draft) -> None:
    for match in _EPO_LEVEL.finditer(draft.text):
        if not draft.is_free(match.start(), match.end()) or not _checked(draft, "serum_epo", match):
            continue
        value = bounded_value(draft, "Serum EPO", match)
        unit = _epo_unit(match, value)
        if unit is None:
            draft.note(f"Serum EPO '{fragment(match)}': unit not recognised, not recorded.")
            draft.claim(match.start(), match.end())
            continue
        bound = bound_alternatives(match, value, draft.reading.strict_bound_step)
        alternatives = [{"value": v, "unit": unit[0]} for v in bound] if bound else None
        if draft.record("serum_epo", {"value": value, "unit": unit[0]}, match, unit[1], alternatives) and not bound:
            _read_later_values(draft, "serum_epo", match, unit[0], _EPO_UNITS)


def _read_later_values(draft: Draft, name: str, match: re.Match[str], unit: str, units: dict) -> None:
    """Values of the same lab later in the sentence ("..., now 150", "8.2 g/dL yesterday, 7.6 g/dL today")."""
    end = _sentence_end(draft, match.end())
    for later in _later_value().finditer(draft.text, match.end(), end):
        if _OTHER_LABEL.search(draft.text, match.end(), later.start()):
            break  # another lab's label came first: the numbers are its own
        spelled = re.sub(r"\s", "", later.group("unit") or "").lower()
        if spelled and _unit_of(spelled, units) != unit or not (spelled or later.group("when")):
            continue
        if not draft.is_free(later.start(), later.end()) or _is_negative(draft, later):
            continue
        value = parse_number_as_written(later.group("num"))
        draft.state(name, {"value": value, "unit": unit}, later.start(), later.end(), fragment(later))


def _unit_of(spelled: str, units: dict) -> str | None:
    found = units.get(spelled)
    return found[0] if isinstance(found, tuple) else found


def _sentence_end(draft: Draft, start: int) -> int:
    found = re.compile(r"\.(?!\d)|\n").search(draft.text, start)
    return found.start() if found else len(draft.text)


def _hb_unit(draft: Draft, match: re.Match[str], value: int | float) -> tuple[str, str | None] | None:
    """The recorded unit and its note; None for a unit the rules do not take."""
    spelled = _unit_text(match)
    if spelled:
        return (_HB_UNITS[spelled], None) if spelled in _HB_UNITS else None
    unit = "g/dL" if value <= draft.reading.hemoglobin_g_per_dl_max else "g/L"
    return unit, f"Hemoglobin '{fragment(match)}' given without a unit: assumed {unit}."


def _plausible_hb(draft: Draft, value: float, unit: str) -> bool:
    per_dl = value / 10 if unit == "g/L" else value
    return draft.reading.hemoglobin_g_per_dl_min <= per_dl <= draft.reading.hemoglobin_g_per_dl_max


def extract_hemoglobin(draft: Draft) -> None:
    for match in _HB_LEVEL.finditer(draft.text):
        if not draft.is_free(match.start(), match.end()) or not _checked(draft, "hemoglobin", match):
            continue
        value = bounded_value(draft, "Hemoglobin", match)
        unit = _hb_unit(draft, match, value)
        if unit is None:
            draft.note(f"Hemoglobin '{fragment(match)}': please give it in g/dL or g/L; not recorded.")
            draft.claim(match.start(), match.end())
            continue
        if not _plausible_hb(draft, value, unit[0]):
            _refuse_value(draft, "hemoglobin", match, f"not a plausible hemoglobin in {unit[0]}")
            continue
        floor = draft.reading.hemoglobin_g_per_dl_min * (10 if unit[0] == "g/L" else 1)
        bound = bound_alternatives(match, value, draft.reading.strict_bound_step, floor=floor)
        alternatives = [{"value": v, "unit": unit[0]} for v in bound] if bound else None
        if draft.record("hemoglobin", {"value": value, "unit": unit[0]}, match, unit[1], alternatives) and not bound:
            _read_later_values(draft, "hemoglobin", match, unit[0], _HB_UNITS)
