"""Lab values: marrow blasts and ring sideroblasts (%), serum EPO, hemoglobin."""

from __future__ import annotations

import re

from bot.eligibility.draft import Draft, fragment
from bot.eligibility.values import COMPARATOR, LINK, PERCENT, VALUE, bounded_value
from corpus.text import format_number

# --------------------------------------------------------------------------- #
# Percentages: blasts, ring sideroblasts
# --------------------------------------------------------------------------- #

_BLASTS_LABEL = r"(?:(?:bone[- ]marrow|BM|marrow)\s+)?(?:myelo)?blasts?(?:\s+count)?"
_RS_LABEL = r"(?:RS|ring(?:ed)?[- ]?sideroblasts?|sideroblasts)"
_NOT_MARROW = re.compile(r"(?:\bPB|peripheral(?:\s+blood)?|circulating|blood)\s*$", re.IGNORECASE)
_NOT_MARROW_LOOKBACK = 30  # characters before a blast count searched for "peripheral blood"


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
    if name == "bone_marrow_blasts_pct" and _NOT_MARROW.search(before):
        return  # peripheral-blood blasts are not the marrow count the criteria use
    value = bounded_value(draft, display, match)
    if 0 <= value <= 100:
        draft.record(name, value, match)


def extract_percentages_label_first(draft: Draft) -> None:
    for name, display, label_first, _ in _PERCENT_FIELDS:
        for match in label_first.finditer(draft.text):
            _record_percent(draft, name, display, match)


def extract_percentages_value_first(draft: Draft) -> None:
    for name, display, _, value_first in _PERCENT_FIELDS:
        for match in value_first.finditer(draft.text):
            _record_percent(draft, name, display, match)


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


def extract_serum_epo(draft: Draft) -> None:
    for match in _EPO_LEVEL.finditer(draft.text):
        if not draft.is_free(match.start(), match.end()) or draft.ignore_repeat("serum_epo", "Serum EPO", match):
            continue
        value = bounded_value(draft, "Serum EPO", match)
        unit = _epo_unit(match, value)
        if unit is None:
            draft.note(f"Serum EPO '{fragment(match)}': unit not recognised, not recorded.")
            draft.claim(match.start(), match.end())
            continue
        draft.record("serum_epo", {"value": value, "unit": unit[0]}, match, unit[1])


def _hb_unit(draft: Draft, match: re.Match[str], value: int | float) -> tuple[str, str | None] | None:
    """The recorded unit and its note; None for a unit the rules do not take."""
    spelled = _unit_text(match)
    if spelled:
        return (_HB_UNITS[spelled], None) if spelled in _HB_UNITS else None
    unit = "g/dL" if value <= draft.reading.hemoglobin_g_per_dl_max else "g/L"
    return unit, f"Hemoglobin '{fragment(match)}' given without a unit: assumed {unit}."


def extract_hemoglobin(draft: Draft) -> None:
    for match in _HB_LEVEL.finditer(draft.text):
        if not draft.is_free(match.start(), match.end()) or draft.ignore_repeat("hemoglobin", "Hemoglobin", match):
            continue
        value = bounded_value(draft, "Hemoglobin", match)
        unit = _hb_unit(draft, match, value)
        if unit is None:
            draft.note(f"Hemoglobin '{fragment(match)}': please give it in g/dL or g/L; not recorded.")
            draft.claim(match.start(), match.end())
            continue
        if value > 0:
            draft.record("hemoglobin", {"value": value, "unit": unit[0]}, match, unit[1])
