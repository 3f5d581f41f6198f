"""RBC transfusion burden, normalised to units per 8 weeks (the criteria's measure)."""

from __future__ import annotations

import math
import re
from functools import cache

from bot.eligibility.cues import lexicon_cue
from bot.eligibility.draft import Draft, fragment
from corpus.text import NUMBER_WORD, format_number, parse_number_as_written

_WINDOW_WEEKS = 8  # the criteria count RBC units over the last 8 weeks
_FLOAT_SLACK = 1e-9  # 4 units/4 weeks * 8 computes as 7.999...; not a reason to round down

_COUNT = rf"(?P<count>\d+(?:\.\d+)?|{NUMBER_WORD})"
_RBC_UNITS = (
    r"(?:(?:p?RBCs?|PRBCs?|red(?:\s+blood)?\s+cells?|blood)\s+)?(?:units?|u(?=\s*(?:p?RBCs?\b|PRBCs?\b|/|q\.?\s*\d|every\b|per\b|in\b|over\b|weekly\b|monthly\b)))"
    r"(?:\s+(?:of\s+)?(?:p?RBCs?|PRBCs?|packed\s+(?:red\s+)?(?:blood\s+)?cells|red\s+(?:blood\s+)?cells|blood))?"
)
_TRANSFUSED = r"(?:\s+(?:transfused|transfusions?|required|needed|received|given))?"
_TIMES = r"(?P<times>once|twice|thrice|(?:\d+|two|three|four)\s+times)"
_PER = (r"(?:(?P<per>in|over|within|during|per|every|each|a|an|q\.?|/)\s*(?:the\s+)?"
        r"(?:last|past|prior|previous|preceding|most\s+recent)?|last|past|(?:in\s+)?(?:the\s+)?most\s+recent)\s*")
# "(?!\s*\d)": "2 units in week 1" names a week, it is not a rate of 2 units a week.
_PERIOD = rf"(?P<length>\d+|{NUMBER_WORD})?\s*-?\s*(?P<period>weeks?|wks?|wk|w|months?|mos?|mo|days?)(?![\w])(?!\s*\d)"
# A count over a window ("in / over the last 4 weeks"), not a rate ("per", "every", "q"): a window shorter
# than the criteria's says nothing of the weeks before it.
_RATE_WORDS = frozenset({"per", "every", "each", "a", "an", "q", "q.", "/"})
_FREQUENCY = r"(?P<freq>monthly|weekly|fortnightly|every\s+other\s+week)(?![\w])"
_FREQUENCY_WEEKS = {"weekly": 1, "fortnightly": 2, "every other week": 2}  # "monthly": a month, from settings
_TRANSFUSION_NOUN = r"transfus\w*(?:[- ]dependent)?(?:\s+(?:with\s+)?(?:p?RBCs?|PRBCs?|blood))?"
_DAYS_PER_WEEK = 7
# "-6 units": a minus sign right before the count.
_NEGATIVE_COUNT = re.compile(r"(?:^|[\s:=(])[-−–]\s*$")
_NAMED_TIMES = {"once": 1, "twice": 2, "thrice": 3}
# What a zero counts must be named in its sentence: "none" alone may count anything.
_COUNTED_THING = re.compile(r"\bunits?\b|\btransfus|\bp?RBCs?\b|\bblood\b", re.IGNORECASE)

_PERIOD_WORD = r"(?:weeks?|wks?|w|months?|mos?|days?)\b"


@cache
def _units_over_period() -> re.Pattern[str]:
    """ "4 units in 8 weeks", "2 units twice a month", "2 units on each of two occasions in the last 8 weeks"."""
    # "on 2 occasions" alone may share the count between them: only "each" repeats it
    occasions = rf"(?:\d+|{NUMBER_WORD})\s+(?:separate\s+)?{lexicon_cue('occasions')}(?!\w)"
    times = (rf"(?P<times>once|twice|thrice|(?:on\s+|at\s+)?each\s+of\s+(?:the\s+|those\s+)?{occasions}|"
             rf"(?:on\s+|at\s+)?{occasions},?\s+each\b|[x×]\s*\d+(?!\s*{_PERIOD_WORD}))")
    return re.compile(
        rf"(?<![\w.,]){_COUNT}\s*{_RBC_UNITS}{_TRANSFUSED}\s*(?:{times}\s*)?(?:{_PER}{_PERIOD}|{_FREQUENCY})",
        re.IGNORECASE,
    )


@cache
def _rate_then_count() -> re.Pattern[str]:
    """The rate first, the count after: "q2wk transfusions of 2u", "weekly RBC transfusions of 1 unit"."""
    return re.compile(
        rf"(?<![\w])(?:(?P<per>every|each|per|q\.?)\s*{_PERIOD}|{_FREQUENCY}),?\s+(?:RBC\s+|red[- ]cell\s+|blood\s+)?"
        rf"transfusions?\s+(?:of\s+)?{_COUNT}\s*(?:{_RBC_UNITS}|u(?![\w/]))",
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
    r"|never\s+(?:been\s+)?transfused"
    r"|do(?:es)?(?:n't|\s+not)\s+(?:require|need)\s+(?:RBC\s+|any\s+)?transfusions?)",
    re.IGNORECASE,
)
# "not / isn't / no longer / never been (yet) transfusion dependent", "not TD yet": below a threshold
_NOT_DEPENDENT = re.compile(
    r"(?:\bnot|n't|\bno\s+longer|\bnever)\s+(?:(?:yet|currently|been|really)\s+)*"
    r"(?:RBC[- ])?(?:transfusion[- ]dependent\b|TD\b)",
    re.IGNORECASE,
)
_TRANSFUSION_DEPENDENT = re.compile(r"\b(?:RBC[- ])?transfusion[- ]dependen(?:t|ce)\b|\bRBC[- ]TD\b", re.IGNORECASE)


def _period_weeks(draft: Draft, match: re.Match[str]) -> tuple[float, bool]:
    """Length of the stated period in weeks, and whether months were converted."""
    groups = match.groupdict()
    frequency = re.sub(r"\s+", " ", (groups.get("freq") or "").lower())
    if frequency:
        if frequency == "monthly":
            return float(draft.reading.weeks_per_month), True
        return float(_FREQUENCY_WEEKS[frequency]), False
    length = parse_number_as_written(groups["length"]) if groups.get("length") else 1
    if groups["period"].lower().startswith("day"):
        return float(length) / _DAYS_PER_WEEK, False
    is_month = groups["period"].lower().startswith("mo")
    return float(length) * (draft.reading.weeks_per_month if is_month else 1), is_month


def _times(match: re.Match[str]) -> int:
    times = (match.groupdict().get("times") or "once").lower()
    if times in _NAMED_TIMES:
        return _NAMED_TIMES[times]
    number = re.search(rf"\b(?:\d+|{NUMBER_WORD})\b", times)
    return int(parse_number_as_written(number.group(0))) if number else 1


def _burden_note(draft: Draft, match: re.Match[str], exact: float, units: int, assumed_unit: bool,
                 from_months: bool) -> str:
    explained = []
    if from_months:
        explained.append(f"1 month counted as {draft.reading.weeks_per_month} weeks")
    if assumed_unit:
        explained.append("assumed 1 unit per transfusion")
    note = f"{fragment(match)} = {format_number(round(exact, 1))} units per {_WINDOW_WEEKS} weeks"
    if units != exact:
        note += f", recorded as {units}"
    return note + (f" ({'; '.join(explained)})." if explained else ".")


def _short_window(match: re.Match[str], weeks: float) -> bool:
    """ "6 units over the last 4 weeks": weeks 5-8 are unknown, so the count is not scaled up."""
    groups = match.groupdict()
    if groups.get("freq") or groups.get("times") or weeks >= _WINDOW_WEEKS - _FLOAT_SLACK:
        return False
    return (groups.get("per") or "").lower() not in _RATE_WORDS and groups.get("length") is not None


def _longer_window(match: re.Match[str], weeks: float, from_months: bool) -> bool:
    """ "4 units in 2 months", "12 units over 16 weeks": a count over a window holding the last 8 weeks and more.
    A month is 4 to 4.4 weeks, so 2 months or more always hold the 8 weeks, never exactly."""
    groups = match.groupdict()
    if groups.get("freq") or (groups.get("per") or "").lower() in _RATE_WORDS:
        return False
    return weeks > _WINDOW_WEEKS + _FLOAT_SLACK or (from_months and weeks >= _WINDOW_WEEKS - _FLOAT_SLACK)


def _assume_window_share(draft: Draft, match: re.Match[str], units: int, total: float, note: str) -> bool:
    """The even-rate share of a longer window's count is an assumption: the last 8 weeks may hold any part of
    it, so the chat asks for their count when the verdict turns on it, and shows the share when it cannot."""
    most = math.floor(total + _FLOAT_SLACK)
    shown = fragment(match)
    question = (f"RBC transfusions '{shown}' cover more than the last {_WINDOW_WEEKS} weeks the criteria count, and "
                f"the verdict depends on how many fell in those {_WINDOW_WEEKS} weeks: please give the RBC units in "
                f"the last {_WINDOW_WEEKS} weeks.")
    assumed = (f"{note} Read at an even rate: the last {_WINDOW_WEEKS} weeks may hold 0 to "
               f"{format_number(most)} of them.")
    alternatives = [n for n in range(most + 1) if n != units]
    return draft.record("rbc_units_last_8_weeks", units, match, alternatives=alternatives, wording=(question, assumed))


def _record_transfusions(draft: Draft, match: re.Match[str], count: float, assumed_unit: bool) -> bool:
    weeks, from_months = _period_weeks(draft, match)
    if weeks <= 0 or not draft.is_free(match.start(), match.end()):
        return False
    window = "per" in match.groupdict()
    if window and _short_window(match, weeks):
        draft.note(f"RBC transfusions '{fragment(match)}' cover less than the last {_WINDOW_WEEKS} weeks: "
                   f"not recorded; please give the units in the last {_WINDOW_WEEKS} weeks.")
        draft.claim(match.start(), match.end())
        return True
    total = count * _times(match)
    exact = total * _WINDOW_WEEKS / weeks
    units = math.floor(exact + _FLOAT_SLACK)  # floor: never lifts a burden over an integer threshold
    note = None
    if weeks != _WINDOW_WEEKS or from_months or _times(match) != 1 or assumed_unit or units != exact:
        note = _burden_note(draft, match, exact, units, assumed_unit, from_months)
    if window and total > 0 and _longer_window(match, weeks, from_months):
        return _assume_window_share(draft, match, units, total, note or fragment(match))
    return draft.record("rbc_units_last_8_weeks", units, match, note)


def _read_counted_units(draft: Draft) -> bool:
    """Every count with its period; several are weighed by Draft.settle ("3 units before ..., 1 unit now")."""
    found = False
    matches = [*_units_over_period().finditer(draft.text), *_rate_then_count().finditer(draft.text)]
    for match in matches:
        count = parse_number_as_written(match.group("count"))
        if _NEGATIVE_COUNT.search(draft.text, 0, match.start()):
            draft.note(f"RBC transfusions '{fragment(match)}': a negative count is an error; not recorded, "
                       "please restate it.")
            draft.claim(match.start(), match.end())
            draft.unresolved.append("rbc_units_last_8_weeks")
            found = True
            continue
        # a large count of "units" is a drug dose ("40,000 units weekly"), not RBC units
        if count < draft.reading.rbc_units_max and _record_transfusions(draft, match, count, assumed_unit=False):
            found = True
    return found


def _read_no_transfusions(draft: Draft) -> bool:
    found = False
    for match in _NO_TRANSFUSIONS.finditer(draft.text):
        found = draft.record("rbc_units_last_8_weeks", 0, match) or found
    for match in _NOT_DEPENDENT.finditer(draft.text):
        # below a dependence threshold is not "no transfusions": ask for the count
        draft.note(f"'{fragment(match)}' is not a unit count: please give RBC units in the last "
                   f"{_WINDOW_WEEKS} weeks.")
        draft.claim(match.start(), match.end())
    return found


def _read_frequency(draft: Draft) -> bool:
    for pattern in _TRANSFUSIONS_BY_FREQUENCY:
        for match in pattern.finditer(draft.text):
            if _record_transfusions(draft, match, 1, assumed_unit=True):
                return True
    return False


_COUNT_PLAIN = rf"(?:\d+(?:\.\d+)?|{NUMBER_WORD})"
_JOIN_ITEMS = r"\s*(?:,\s*(?:and\s+)?|\band\b|\bplus\b|&)\s*"
_WINDOW = rf"(?P<per>in|over|within|during|of)\s*(?:the\s+)?(?:last|past|prior|previous|preceding|most\s+recent)?\s*{_PERIOD}"


@cache
def _listed_item() -> str:
    """One count of a list: "2 units in week 1", "3 units of red cells", "2 units of platelets" (product named)."""
    product = rf"units?\s+(?:of\s+)?(?P<product>{lexicon_cue('non_red_cell_products')})(?!\w)"
    return (rf"(?P<count>{_COUNT_PLAIN})\s*(?:{product}|{_RBC_UNITS})"
            r"(?:\s+(?:in|on|during)\s+(?:week|wk|day)\s+\d+)?")


@cache
def _listed_counts() -> re.Pattern[str]:
    """Counts listed under one window, summed: "2 units in week 1 and 2 units in week 6 of the last 8 weeks"."""
    item = re.sub(r"\(\?P<\w+>", "(?:", _listed_item())
    return re.compile(rf"(?<![\w.,])(?P<items>{item}(?:{_JOIN_ITEMS}{item})+){_TRANSFUSED}\s*{_WINDOW}", re.IGNORECASE)


@cache
def _zero_count() -> re.Pattern[str]:
    """ "none in the last 8 weeks", "zero units over the past 12 weeks": a count of 0 over a window."""
    return re.compile(rf"(?<![\w-]){lexicon_cue('zero_counts')}(?:\s+(?:were\s+)?(?:transfused|required|needed|received|given))?"
                      rf"\s*{_WINDOW}", re.IGNORECASE)


def _read_listed_counts(draft: Draft) -> bool:
    """Red-cell counts of a list summed over its one window; a product that is not red cells is left out."""
    found = False
    item = re.compile(_listed_item(), re.IGNORECASE)
    for match in _listed_counts().finditer(draft.text):
        items = list(item.finditer(draft.text, match.start("items"), match.end("items")))
        red = [i for i in items if not i.group("product")]
        for other in (i for i in items if i.group("product")):
            draft.note(f"'{fragment(other)}' are not red cells: not counted as RBC units.")
        counts = [parse_number_as_written(i.group("count")) for i in red]
        if not red or max(counts) >= draft.reading.rbc_units_max:
            draft.claim(match.start(), match.end())
            continue
        if len(red) > 1:
            draft.note(f"RBC transfusions '{fragment(match)}': {' + '.join(format_number(c) for c in counts)} = "
                       f"{format_number(sum(counts))} units.")
        found = _record_transfusions(draft, match, sum(counts), assumed_unit=False) or found
    return found


def _read_zero_counts(draft: Draft) -> bool:
    """ "6 units last year but none in the last 8 weeks": 0, when the sentence counts units or transfusions."""
    found = False
    for match in _zero_count().finditer(draft.text):
        sentence = draft.text[max(draft.text.rfind(".", 0, match.start()), 0):match.end()]
        if _COUNTED_THING.search(sentence):
            found = _record_transfusions(draft, match, 0, assumed_unit=False) or found
    return found


def extract_transfusions(draft: Draft) -> None:
    listed = _read_listed_counts(draft)
    counted = _read_counted_units(draft) or listed
    counted = _read_zero_counts(draft) or counted
    if _read_no_transfusions(draft) or counted or _read_frequency(draft):
        return
    match = _TRANSFUSION_DEPENDENT.search(draft.text)
    if match and draft.is_free(match.start(), match.end()):
        draft.note("Transfusion dependence stated without a unit count: please give RBC units in the last 8 weeks.")
