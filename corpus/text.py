"""The one implementation of each text mechanism: sentence spans, numbers, figures.

Ingestion, the answerer, the guard, fact extraction and the eval all call these,
so a sentence, a number or a dose is read the same way everywhere. Import-light
(re + the lexicon): the rules core and the CLI start fast.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from corpus.lexicon import load_lexicon

# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------

# A sentence ends at . ! ? followed by space and a capital, a digit, an opening bracket,
# a quotation mark or a bullet ...
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[~\"“•])")
# ... except after an abbreviation the sources use mid-sentence, or a list number
# ("hierarchy: 1. First-line ESA"), which opens an item rather than ending a sentence.
_NO_BREAK_AFTER = re.compile(r"(?:\b(?:e\.g|i\.e|vs|Dr|approx|et al|Fig|No)\.|(?:^|[\s:;])\d{1,2}\.)$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence of the text, surrounding whitespace excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if _NO_BREAK_AFTER.search(text, start, match.start()):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [trimmed for a, b in spans if (trimmed := _trim(text, a, b))]


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def collapse_spaces(text: str) -> str:
    """Runs of whitespace as one space, ends trimmed: how quotes and answers are compared."""
    return " ".join(text.split())


# A clause of typed chat text ends at ; ? ! a line break, or a full stop that is not a
# decimal point. Chat is often lower-case and terse ("failed epo. can she get ..."), so
# unlike a source sentence no capital is needed after the stop.
_CLAUSE_END = re.compile(r"[;?!\n]|\.(?!\d)")


def clause_start(text: str, position: int, limit: int) -> int:
    """Start of the clause holding ``position``, looking back at most ``limit`` characters."""
    floor = max(0, position - limit)
    ends = [m.end() for m in _CLAUSE_END.finditer(text, floor, position)]
    return ends[-1] if ends else floor


def clause_end(text: str, position: int, limit: int) -> int:
    """End of the clause holding ``position``, looking ahead at most ``limit`` characters."""
    ceiling = min(len(text), position + limit)
    match = _CLAUSE_END.search(text, position, ceiling)
    return match.start() if match else ceiling


def _trim(text: str, a: int, b: int) -> tuple[int, int] | None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if a < b else None


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------

_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}


_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_DIGIT_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
# A number written in words, as a regex: "twenty-four" first, then the longest word first.
NUMBER_WORD = (
    rf"(?:{'|'.join(_TENS)})-(?:{'|'.join(_DIGIT_WORDS)})|" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
)
# A number in digits as parse_number reads it: "1,200", "8.5", or "8,5" (a decimal comma has 1-2 decimals).
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+|,\d{1,2}(?!\d))?"


def parse_number(token: str) -> float:
    """'1,200' -> 1200, '8,5' -> 8.5 (a decimal comma), '1.0' -> 1.0, 'twelve' -> 12, 'twenty-four' -> 24."""
    token = token.strip().lower()
    if token in WORD_NUMBERS:
        return float(WORD_NUMBERS[token])
    tens, _, digit = token.partition("-")
    if tens in _TENS and digit in _DIGIT_WORDS:
        return float(WORD_NUMBERS[tens] + WORD_NUMBERS[digit])
    if _THOUSANDS.fullmatch(token):
        return float(token.replace(",", ""))
    return float(token.replace(",", "."))


def parse_number_as_written(token: str) -> int | float:
    """parse_number, kept an int when written without decimals: '20' -> 20, '20.0' -> 20.0, '8,5' -> 8.5.

    Counts (units, weeks, years) stay ints, and a value keeps the precision it was stated with.
    """
    value = parse_number(token)
    digits = token.strip()
    has_decimals = "." in digits if _THOUSANDS.fullmatch(digits) else ("." in digits or "," in digits)
    return int(value) if value.is_integer() and not has_decimals else value


def normalise_number(token: str) -> str:
    """The canonical spelling of a number: '1.0' -> '1', '150.0' -> '150', '1,000' -> '1000', '1,5' -> '1.5'."""
    if _THOUSANDS.fullmatch(token):
        token = token.replace(",", "")
    else:
        token = token.replace(",", ".")
    whole, _, fraction = token.partition(".")
    fraction = fraction.rstrip("0")
    whole = whole.lstrip("0") or "0"
    return f"{whole}.{fraction}" if fraction else whole


def format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# --------------------------------------------------------------------------------------------
# Figures: a number with its unit and comparator, as answers, passages and questions state them
# --------------------------------------------------------------------------------------------

_DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "−": "-", "\u2011": "-", "µ": "u", "μ": "u"})


def fold_dashes(text: str) -> str:
    """En/em/minus dashes as '-', micro signs as 'u': spellings OCR and authors vary."""
    return text.translate(_DASHES)


_WORD_NUMBER = re.compile(r"\b(" + "|".join(w for w in WORD_NUMBERS if w != "one") + r")\b", re.IGNORECASE)
# "one" is a number before a unit ("one unit of blood"), not in "one of the options".
_ONE = re.compile(r"\bone(?=[\s-]+(?:units?|weeks?|months?|years?|days?|doses?|cycles?)\b)", re.IGNORECASE)
_CMP_CLASS = {
    **dict.fromkeys([">", ">=", "=>", "≥", "at least", "more than", "greater than", "over", "above", "exceeding"], "gt"),
    **dict.fromkeys(["<", "<=", "=<", "≤", "less than", "fewer than", "below", "under", "up to", "at most"], "lt"),
}
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"


class Figure(NamedTuple):
    """One number as compared: '1.0' == '1', '≥8' == '>8', '1–24' == '1-24', '~150.0' == '150'."""

    value: str
    unit: str | None  # canonical unit from the lexicon: "%", "weeks", "U/L", ...
    cmp: str | None  # "gt" | "lt" | None
    raw: str  # the text it was read from (shown in notes)
    start: int

    def matches(self, other: Figure) -> bool:
        """Same value; units and comparators agree wherever both sides state one."""
        return (
            self.value == other.value
            and (self.unit is None or other.unit is None or self.unit == other.unit)
            and (self.cmp is None or other.cmp is None or self.cmp == other.cmp)
        )


class _FigureReader:
    """The figure regex, built once from the lexicon's unit spellings."""

    def __init__(self) -> None:
        lexicon = load_lexicon()
        self.unit_of = {spelling: unit for unit, spellings in lexicon.units.items() for spelling in spellings}
        self.dose_units = frozenset(lexicon.dose_units)
        # Longest spelling first so "mg/kg" wins over "mg"; a bare "g" only before a space.
        spellings = sorted(self.unit_of, key=len, reverse=True)
        units = "|".join(re.escape(s) + (r"(?=\s)" if s == "g" else "") for s in spellings)
        self.regex = re.compile(
            r"(?P<cmp>>=|<=|=>|=<|[<>≥≤]|\b(?:at least|more than|greater than|over|above|exceeding|less than|fewer than"
            r"|below|under|up to|at most)\b)?\s*(?:~|approximately |approx\. |about |around )?\s*"
            rf"(?<![A-Za-z0-9.])(?P<num>{_NUM})(?:\s*(?:-|to)\s*(?P<num2>{_NUM}))?"
            rf"(?:\s*-?\s*(?P<unit>{units}))?(?![A-Za-z0-9])",
            re.IGNORECASE,
        )
        # A whole typed field: one number as parse_number reads it, then at most one unit.
        cmps = "|".join(re.escape(c) for c in sorted(_CMP_CLASS, key=len, reverse=True))
        self.typed = re.compile(
            rf"\s*(?P<cmp>{cmps})?\s*(?P<num>{NUMBER})\s*(?P<unit>{'|'.join(map(re.escape, spellings))})?\s*\.?\s*",
            re.IGNORECASE,
        )


_READER = _FigureReader()
DOSE_UNITS = _READER.dose_units


def extract_figures(text: str) -> tuple[Figure, ...]:
    """Every number of a text with its unit and comparator; a range gives both ends."""
    text = _WORD_NUMBER.sub(lambda m: str(WORD_NUMBERS[m.group(1).lower()]), _ONE.sub("1", text.translate(_DASHES)))
    figures: list[Figure] = []
    for m in _READER.regex.finditer(text):
        unit = _READER.unit_of.get(m.group("unit").lower()) if m.group("unit") else None
        cmp = _CMP_CLASS.get(m.group("cmp").lower()) if m.group("cmp") else None
        raw = m.group(0).strip()
        figures.append(Figure(normalise_number(m.group("num")), unit, cmp, raw, m.start("num")))
        if m.group("num2"):
            figures.append(Figure(normalise_number(m.group("num2")), unit, None, raw, m.start("num2")))
    return tuple(figures)


class TypedValue(NamedTuple):
    """One value as typed into a field: '620 U/L', '20%', '8,5 g/dL', '<5%'."""

    value: int | float  # parse_number_as_written: '4' stays 4, '9.8' is 9.8
    unit: str | None  # canonical unit from the lexicon ("%", "U/L", "g/dL", "weeks", ...)
    spelled: str | None  # the unit as typed, spaces removed ("mU/mL")
    cmp: str | None  # "gt" | "lt" when typed as a bound


def read_typed_value(text: str) -> TypedValue | None:
    """The one number a field holds, with its unit: units from the lexicon, the number read by
    parse_number (decimal comma included). None when the text is not one number and a known unit."""
    match = _READER.typed.fullmatch(fold_dashes(text))
    if match is None:
        return None
    spelled = re.sub(r"\s", "", match.group("unit")) if match.group("unit") else None
    return TypedValue(
        value=parse_number_as_written(match.group("num")),
        unit=_READER.unit_of.get(spelled.lower()) if spelled else None,
        spelled=spelled,
        cmp=_CMP_CLASS.get(match.group("cmp").lower()) if match.group("cmp") else None,
    )


def unsupported_figures(figures, supported) -> list[Figure]:
    """The figures no supported figure matches. A dose ('50 mg') needs a source figure in that unit: a bare
    50 of '50 x 10^9/L' does not state it."""
    pool = tuple(supported)
    return [f for f in figures if not any(f.matches(p) and (f.unit not in DOSE_UNITS or p.unit == f.unit) for p in pool)]


# --------------------------------------------------------------------------------------------
# Typed input: one spelling for text a user may have disguised
# --------------------------------------------------------------------------------------------

# Invisible characters that split a word without showing ("ign\u200bore").
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
# Cyrillic and Greek letters drawn like Latin ones ("lusрatercept" with a Cyrillic р).
_LOOKALIKES = str.maketrans(
    "аеорсхуіјѕԁһӏԛԝАВЕКМНОРСТХУІЈЅαοιρτυνκΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcxyijsdhlqwABEKMHOPCTXYIJSaoiptuvkABEZHIKMNOPTYX",
)
_WORD = re.compile(r"\w+")
_LATIN = re.compile(r"[A-Za-z]")


def _unmix(match: re.Match[str]) -> str:
    """A word mixing Latin with look-alike letters is the Latin word; a wholly Cyrillic or Greek one stays."""
    word = match.group(0)
    folded = word.translate(_LOOKALIKES)
    return folded if folded != word and (_LATIN.search(word) or (folded.isascii() and len(word) > 2)) else word


def fold_typed(text: str) -> str:
    """What a user typed, as the bot reads it: NFKC (full-width letters, ligatures), invisible
    characters removed, look-alike letters in mixed-script words as Latin."""
    import unicodedata

    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return _WORD.sub(_unmix, text)
