"""The guard: every response is checked against the corpus and the rules core before a user sees it.

Whoever drafted the response (extractive answerer, rules renderer, a language model),
``Guard.review(response, question)`` parses its answer into statements with their ``[n]``
markers and runs the named checks below (each returns a ``Check``). Then it

* passes the response through unchanged (``checks`` filled) when every check passes;
* repairs it: drops unsupported statements, renumbers markers, rebuilds citations from the
  corpus, adds the missing side of a known conflict, prefixes a premise note, turns an answer
  to a dose question the sources cannot answer into a refusal; the repair is checked again;
* or blocks it (``blocked``, status "refused", a plain message) when nothing verifiable is
  left or a rules verdict contradicts its decision.

Pure and deterministic: the corpus and the rules core are read once in ``__init__``;
``review`` only reads them. No ML import, ~1-5 ms per response (benchmarks/bench_guard.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

from bot.citing import make_citation
from bot.conflicts import KnownConflict, load_conflicts, position_sentences
from bot.eligibility import mentions_a_patient
from bot.models import BotResponse, Check, Citation, Conflict
from corpus.ingest import Corpus
from corpus.models import Passage, Sentence
from corpus.text import DOSE_UNITS, Figure, extract_figures, split_sentences, unsupported_figures
from corpus.vocabulary import CONCEPTS, STOPWORDS, Concept, concepts_in, stem, words

_DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "−": "-", "\u2011": "-", "µ": "u", "μ": "u"})


# --------------------------------------------------------------------------------------------
# Drugs and what a sentence claims about them
# --------------------------------------------------------------------------------------------

_DRUG_OF_CONCEPT = {
    "cluspatercept": ("luspatercept",), "cimetelstat": ("imetelstat",), "clenalidomide": ("lenalidomide",),
    "cepoetin": ("epoetin_alfa",), "cdarbepoetin": ("darbepoetin_alfa",), "civosidenib": ("ivosidenib",),
    "cenasidenib": ("enasidenib",), "cazacitidine": ("azacitidine",), "cdecitabine": ("decitabine",),
}
_CLASS_MENTIONS = (
    (r"esas?|erythropoiesis[- ]stimulating agents?", ("epoetin_alfa", "darbepoetin_alfa")),
    (r"hmas?|hypomethylating agents?", ("azacitidine", "decitabine")),
    (r"idh(?:mut)? inhibitors?", ("ivosidenib", "enasidenib")),
)
_DRUG_MENTION = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(
        [f"(?P<{c.key}>{'|'.join(c.patterns)})" for c in CONCEPTS if c.key in _DRUG_OF_CONCEPT]
        + [f"(?P<class{i}>{pattern})" for i, (pattern, _) in enumerate(_CLASS_MENTIONS)]
    )
    + r")(?!\w)",
    re.IGNORECASE,
)
_ESAS = frozenset({"epoetin_alfa", "darbepoetin_alfa"})
# "ESA failure", "failed ESA", "ESA-naive", "refractory to ESAs": a patient's state, not the drug.
_STATE_AFTER = re.compile(
    r"[- ]?(?:na[iï]ve|failure|failed|ineligib\w*|refractory|relapsed|r/r\S*|intolerant|trial|response|benefit"
    r"|exposure|initiation)",
    re.IGNORECASE,
)
_STATE_BEFORE = re.compile(r"(?:failed|after|prior|post|to|of|upon|with|on)\s+$", re.IGNORECASE)
TRIALS = frozenset({"medalist", "commands", "imerge", "maxilus", "pace"})
DRUG_LABELS = MappingProxyType(
    {
        "luspatercept": "luspatercept", "imetelstat": "imetelstat", "lenalidomide": "lenalidomide",
        "epoetin_alfa": "epoetin alfa", "darbepoetin_alfa": "darbepoetin alfa", "ivosidenib": "ivosidenib",
        "enasidenib": "enasidenib", "azacitidine": "azacitidine", "decitabine": "decitabine",
    }
)


class Mention(NamedTuple):
    drugs: tuple[str, ...]
    start: int
    end: int
    is_class: bool


def drug_mentions(text: str) -> list[Mention]:
    """Drugs named in the text, in order, skipping ESA words that describe a patient's state."""
    out = []
    for m in _DRUG_MENTION.finditer(text):
        group = m.lastgroup or ""
        is_class = group.startswith("class")
        drugs = _CLASS_MENTIONS[int(group[5:])][1] if is_class else _DRUG_OF_CONCEPT[group]
        if set(drugs) & _ESAS and (_STATE_AFTER.match(text, m.end()) or _STATE_BEFORE.search(text, 0, m.start())):
            continue
        out.append(Mention(drugs, m.start(), m.end(), is_class))
    return out


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


class Claim(NamedTuple):
    """'<drug> is (not) indicated / eligible / first-line / second-line'."""

    drugs: tuple[str, ...]
    line: str | None  # "first" | "second" | None (indicated, eligible, approved ... without a line)
    negated: bool
    text: str


def extract_claims(sentence: str) -> list[Claim]:
    """Eligibility and line-of-therapy claims, one per clause. The subject is the drug named nearest
    before the last claim word of the clause, else the one a "First-line:" label introduces, else the
    drug named last before the clause ("... transitions to luspatercept, but ... first-line option")."""
    claims = []
    mentions = drug_mentions(sentence)
    start = 0
    for end in [m.start() for m in _CLAUSE_BREAK.finditer(sentence)] + [len(sentence)]:
        clause = sentence[start:end]
        lines = list(_LINE.finditer(clause))
        anchors = sorted(lines + list(_ELIGIBILITY.finditer(clause)), key=lambda m: m.start())
        if anchors and mentions:
            at = start + anchors[-1].start()
            before = [m for m in mentions if start <= m.start and m.end <= at]
            labelled = [
                m for m in mentions for a in lines if re.fullmatch(r"\s*:\s*", sentence[start + a.end() : m.start])
            ]
            earlier = [m for m in mentions if m.end <= start]
            subject = before[-1] if before else labelled[0] if labelled else earlier[-1] if earlier else None
            if subject is not None:
                negated = bool(_NEGATION.search(sentence, subject.end if before else start, at))
                line = None if not lines else "first" if lines[0].group("first") else "second"
                claims.append(Claim(subject.drugs, line, negated, clause.strip()))
        start = end
    return claims


_DOSE_SCHEDULE = re.compile(
    r"\bevery\s+\d+(?:\s*-\s*\d+)?\s*(?:weeks?|days?|months?)\b|\bq\s*\d+\s*w(?:ee)?k?s?\b"
    r"|\b(?:once|twice|three times)\s+(?:daily|weekly|monthly|a (?:day|week|month))\b|\b(?:daily|weekly)\b",
    re.IGNORECASE,
)


class DoseFacts(NamedTuple):
    drugs: frozenset[str]  # drugs named as the subject of a dose or schedule
    unattributed: bool  # a dose or schedule with no drug named in the sentence


def dose_facts(text: str) -> DoseFacts:
    """Which drugs a sentence gives an amount or schedule for: the drug named nearest before each
    dose, else the next one named."""
    positions = [f.start for f in extract_figures(text) if f.unit in DOSE_UNITS]
    positions += [m.start() for m in _DOSE_SCHEDULE.finditer(text.translate(_DASHES))]
    if not positions:
        return DoseFacts(frozenset(), False)
    mentions = drug_mentions(text)
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
    return DoseFacts(frozenset(drugs), unattributed)


# "dose", "dosing", "how often" ... but not "low-dose lenalidomide" (an adjective, not a question of dose).
_DOSE_QUESTION = re.compile(r"(?<!-)\b(?:dos(?:e|es|ed|ing|age)|how (?:much|often)|schedule|regimen|titrat\w*)\b|mg/kg", re.I)

# --------------------------------------------------------------------------------------------
# Instructions smuggled into a question
# --------------------------------------------------------------------------------------------

INJECTION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.IGNORECASE | re.MULTILINE))
    for label, pattern in (
        ("ignore instructions",
         r"\b(?:ignore|disregard|forget|bypass|override)\b[^.?!\n]{0,40}\b(?:instructions?|sources?|rules?|context"
         r"|guidelines?|documents?|prompts?|citations?|constraints?|guard\w*|passages?)\b"),
        ("system override",
         r"\bsystem\s*(?:override|prompt|message|instructions?)\b|<\s*/?\s*system\s*>|\[/?INST\]"
         r"|^\s*(?:system|assistant|developer)\s*:"),
        ("rules disabled",
         r"\b(?:citations?|safety|guard|grounding)\s*(?:rules?|checks?|requirements?|mode)?\s*(?:are\s+|is\s+)?"
         r"(?:now\s+)?(?:disabled|off|suspended|removed|lifted|not required|turned off)\b"),
        ("role change",
         r"\byou are now\b|\bact as\b|\bpretend (?:to be|you are)\b|\bfrom now on\b|\bnew (?:role|persona|instructions?)\b"
         r"|\bdeveloper mode\b|\bjailbreak\w*\b"),
        ("prompt extraction",
         r"\b(?:print|reveal|show|repeat|output|display|dump|leak)\b[^.?!\n]{0,30}\b(?:your|the)\s+"
         r"(?:system\s+|hidden\s+|initial\s+)?(?:prompt|instructions)\b"),
        ("dictated answer",
         r"\brepeat after me\b|\bthe answer is always\b"
         r"|(?:^|[.!?:]\s*)(?:just\s+|only\s+|always\s+)?(?:say|reply|respond|write|answer)\s+(?:only\s+)?"
         r"(?:that|with|exactly|yes|no)\b"),
        ("no citations",
         r"\b(?:without|no|skip|omit|drop|don'?t (?:use|include|add|give))\s+(?:any\s+)?(?:citations?|references?)\b"),
    )
)
_QUOTED_PAYLOAD = re.compile(
    r"\b(?:say|output|print|respond with|reply with|answer with|write|repeat|state)\s*:?\s*[\"“'‘](?P<text>[^\"”'’]{2,200})[\"”'’]",
    re.IGNORECASE,
)
_BARE_PAYLOAD = re.compile(
    r"(?:^|\band\b|\bthen\b|\bjust\b|[:;,.])\s*(?:say|output|print|respond with|reply with|answer with|write|claim|state)"
    r"\s+(?:that\s+)?(?P<text>[^.?!\n\"“]{6,160})",
    re.IGNORECASE,
)


def injection_findings(text: str) -> list[str]:
    """Labels of the instruction patterns a text contains."""
    return [label for label, pattern in INJECTION_PATTERNS if pattern.search(text)]


def injected_payloads(question: str) -> list[str]:
    """Text an instruction asks the bot to output: quoted always, unquoted only beside an injection."""
    payloads = [m.group("text") for m in _QUOTED_PAYLOAD.finditer(question)]
    if injection_findings(question):
        payloads += [m.group("text") for m in _BARE_PAYLOAD.finditer(question)]
    return [_collapse(p).lower() for p in payloads if words(p)]


def strip_instructions(question: str) -> str:
    """The question without its instruction-like sentences, for retrieval ('' when nothing is left)."""
    return " ".join(s for s in split_sentences(_collapse(question)) if not injection_findings(s))


# --------------------------------------------------------------------------------------------
# Wording of paraphrased statements
# --------------------------------------------------------------------------------------------

# Words a faithful paraphrase may add without the passage using them.
_PARAPHRASE_WORDS = frozenset(
    """source sources document documents article review according state states stated says say note notes noted
    report reports reported describe describes described mention mentions mentioned show shows showed shown
    demonstrate demonstrates demonstrated find finds found finding findings trial study studies data evidence
    result results patient patients treatment treatments therapy therapies drug drugs agent agents option options
    use used using given receive received achieve achieved achieving least less fewer greater compared comparison
    respectively overall also however therefore thus additionally including include includes among approximately
    around roughly nearly cent percent rate rates proportion arm group groups whereas while""".split()
)
# Absolute or strong words a paraphrase may not add: its passage must use them itself.
_QUALIFIERS = frozenset(
    """all every any always never none only cure cures cured curative guarantee guarantees guaranteed completely
    entirely eliminate eliminates eliminated permanent permanently proven definitely certainly safe regardless
    universally""".split()
)
_SCHEDULE_EVERY = re.compile(r"\bevery\s+(?=\d)", re.IGNORECASE)  # "every 3 weeks" is a schedule, not "every patient"
_NEGATION_WORDS = frozenset({"not", "no", "never", "neither", "nor", "cannot", "lack"})
MIN_OVERLAP = 0.75  # share of a paraphrase's content words its passages must use

# --------------------------------------------------------------------------------------------
# Answers split into statements
# --------------------------------------------------------------------------------------------

# A marker follows a space or punctuation: "therapies[0].weeks" (a field name) is not one.
_MARKERS = re.compile(r"(?:\s*(?<![\w\]])\[\d{1,3}(?:\s*[,;]\s*\d{1,3})*\]|(?<=\])\[\d{1,3}\])+")
LEAD_INS = ("What they do say: ",)  # the answerer's words before a quote in a dose refusal
NOTE_PREFIX = "Note: the sources do not "
_NOTE = re.compile(re.escape(NOTE_PREFIX) + r".*?\.(?:\s+|$)")
_SEPARATOR = re.compile(r"[\s;.]*")


def strip_notes(answer: str) -> str:
    """The answer without guard premise notes (they are rebuilt on every review)."""
    answer = answer.lstrip()
    while answer.startswith(NOTE_PREFIX):
        m = _NOTE.match(answer)
        answer = "" if m is None else answer[m.end() :]
    return answer


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _loose(text: str) -> str:
    """Whitespace, dashes and bracket spacing folded: what OCR cleaning may change in a quote."""
    return re.sub(r"([(\[])\s+|\s+([)\]])", r"\1\2", _collapse(text.translate(_DASHES)))


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Unit:
    """Answer text up to a group of markers (or an uncited tail)."""

    prefix: str  # whitespace before it: rules-route line breaks survive a repair
    text: str
    markers: tuple[int, ...]
    statements: list[int] = field(default_factory=list)


@dataclass
class Statement:
    index: int
    unit: int
    text: str  # as written, markers removed
    markers: tuple[int, ...]  # as written (may name citations that do not exist)
    inherited: bool  # a sentence before its unit's markers (cited only if it quotes the passage)
    passages: tuple[Passage, ...] = ()  # cited passages that exist
    quoted: Mapping[str, tuple[Sentence, ...]] = field(default_factory=dict)  # passage id -> sentences reproduced

    @property
    def content(self) -> str:
        """The text without an answerer lead-in ("What they do say: ")."""
        for lead_in in LEAD_INS:
            if self.text.startswith(lead_in):
                return self.text[len(lead_in) :]
        return self.text

    @property
    def cited(self) -> bool:
        return bool(self.passages)

    @property
    def verbatim(self) -> bool:
        return bool(self.quoted)


@dataclass
class Draft:
    response: BotResponse
    question: str
    units: list[Unit]
    statements: list[Statement]
    valid: dict[int, Passage]  # marker number -> corpus passage, for citations naming a real passage
    citation_problems: list[str]  # unknown passages, numbers used twice
    mismatched: list[int]  # citations whose fields differ from their corpus passage

    @property
    def rules_route(self) -> bool:
        """Rules-renderer text (criteria, patient evidence) is the rules core's, not a corpus claim."""
        return self.response.route == "rules"

    @property
    def needs_citations(self) -> bool:
        return self.response.status == "answered" and not self.rules_route

    def claims(self) -> list[Statement]:
        """Statements whose content must be supported by their passages."""
        return [] if self.rules_route else [s for s in self.statements if s.cited]


class Outcome(NamedTuple):
    check: Check
    drop: frozenset[int] = frozenset()  # statements to remove


def _passed(name: str, detail: str) -> Outcome:
    return Outcome(Check(name=name, passed=True, detail=detail))


def _failed(name: str, detail: str, drop: Iterable[int] = ()) -> Outcome:
    return Outcome(Check(name=name, passed=False, detail=detail), frozenset(drop))


# --------------------------------------------------------------------------------------------
# Rules core: the lines of therapy each drug has a pathway for
# --------------------------------------------------------------------------------------------

# A pathway's line_of_therapy → the line a claim can state ("first-line", "second-line").
_CLAIM_LINE = MappingProxyType({"first_line": "first", "second_line": "second", "later_line": "second", "any": "any"})


def rules_lines() -> Mapping[str, frozenset[str]]:
    """drug -> subset of {"first", "second", "any"}: the lines of therapy of the rules core's pathways.

    Each pathway states its line of therapy; a later line counts as "second" (not first line),
    and "any" (lenalidomide in del(5q)) fixes no line.
    """
    from rules_core import SUPPORTED_DRUGS
    from rules_core.ruleset import RULES

    lines = {}
    for drug in SUPPORTED_DRUGS:
        found = {_CLAIM_LINE[pathway.line_of_therapy] for pathway in RULES[drug].pathways}
        lines[drug] = frozenset(found)
    return MappingProxyType(lines)


# --------------------------------------------------------------------------------------------
# The guard
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PassageFacts:
    figures: tuple[Figure, ...]
    stems: frozenset[str]
    concept_keys: frozenset[str]
    names: frozenset[str]  # words and concept keys: for drug, trial and qualifier words
    claims: tuple[Claim, ...]
    negated: bool
    forms: tuple[tuple[str, Sentence], ...]  # sentence texts (with and without final '.'), longest first
    flat: str  # the sentences joined by single spaces (list bullets gone), _loose


@dataclass(frozen=True)
class _SentenceFacts:
    """What a corpus sentence says, so a verbatim quote costs a lookup, not a parse."""

    claims: tuple[Claim, ...]
    dose: DoseFacts
    conflict_topics: frozenset[str]  # known conflicts whose triggers the sentence names


Additions = list[tuple[KnownConflict, list[tuple[Sentence, Passage]]]]


class Guard:
    def __init__(
        self,
        corpus: Corpus,
        lines: Mapping[str, frozenset[str]] | None = None,
        conflicts: tuple[KnownConflict, ...] | None = None,
    ):
        self.corpus = corpus
        self.lines = lines if lines is not None else rules_lines()
        self.conflicts = conflicts if conflicts is not None else load_conflicts(corpus)
        self._passages = MappingProxyType({p.id: self._passage_facts(p) for p in corpus.passages})
        self._sentences = MappingProxyType(
            {
                s.id: _SentenceFacts(
                    tuple(extract_claims(s.normalized)),
                    dose_facts(s.normalized),
                    frozenset(c.topic for c in self.conflicts if c.applies_to(s.normalized)),
                )
                for s in corpus.sentences
            }
        )
        # Drugs some source sentence gives a dose or schedule for (luspatercept, imetelstat).
        self.dosed = frozenset(d for f in self._sentences.values() for d in f.dose.drugs)
        self._positions = MappingProxyType(
            {
                c.topic: tuple((s, corpus.passage(s.passage_id)) for s in position_sentences(c, corpus))
                for c in self.conflicts
            }
        )

    def _passage_facts(self, passage: Passage) -> _PassageFacts:
        text = f"{passage.section} {passage.normalized}"
        title = self.corpus.document(passage.doc_id).info.title
        subject = {c.key for c in concepts_in(title) if c.key in _DRUG_OF_CONCEPT}  # 002 is about luspatercept
        keys = {c.key for c in concepts_in(text)} | subject
        tokens = words(text)
        forms = {(form, s) for s in passage.sentences for form in (s.normalized, s.normalized.rstrip(".:"))}
        return _PassageFacts(
            figures=extract_figures(passage.normalized),
            stems=frozenset(stem(t) for t in tokens),
            concept_keys=frozenset(keys),
            names=frozenset(tokens) | frozenset(keys),
            claims=tuple(c for s in passage.sentences for c in extract_claims(s.normalized)),
            negated=bool(set(tokens) & _NEGATION_WORDS),
            forms=tuple(sorted(forms, key=lambda pair: (-len(pair[0]), pair[1].id))),
            flat=_loose(" ".join(s.normalized for s in passage.sentences)),
        )

    def citation(self, n: int, passage: Passage, sentences: Iterable[Sentence] = ()) -> Citation:
        return make_citation(self.corpus, n, passage, sentences)

    def reproduces(self, text: str, passage: Passage) -> tuple[Sentence, ...]:
        """The passage sentences a text reproduces verbatim (joined by ' ', '; ' or '. '), or ()."""
        text = _collapse(text)
        for lead_in in LEAD_INS:
            text = text.removeprefix(lead_in)
        forms = self._passages[passage.id].forms
        used: list[Sentence] = []
        pos = 0
        while pos < len(text):
            match = next((pair for pair in forms if text.startswith(pair[0], pos)), None)
            if match is None:
                return ()
            used.append(match[1])
            pos = _SEPARATOR.match(text, pos + len(match[0])).end()
        return tuple(used)

    # -- parsing ----------------------------------------------------------------------------

    def parse(self, response: BotResponse, question: str) -> Draft:
        citations: dict[int, Citation] = {}
        problems: list[str] = []
        for c in response.citations:
            if c.n in citations:
                problems.append(f"citation number [{c.n}] used twice")
            else:
                citations[c.n] = c
        valid: dict[int, Passage] = {}
        mismatched: list[int] = []
        for n, c in citations.items():
            if not self.corpus.has_passage(c.passage_id):
                problems.append(f"[{n}] names passage {c.passage_id!r}, which is not in the corpus")
                continue
            valid[n] = self.corpus.passage(c.passage_id)
            if not self._citation_matches(c, valid[n]):
                mismatched.append(n)
        units, statements = self._statements(response.answer, valid)
        return Draft(response, question, units, statements, valid, problems, mismatched)

    def _citation_matches(self, c: Citation, passage: Passage) -> bool:
        title = self.corpus.document(passage.doc_id).info.title
        same = (c.doc_id, c.start, c.end, c.text, c.section, c.doc_title) == (
            passage.doc_id, passage.start, passage.end, passage.normalized, passage.section, title
        )
        if not same or c.quote is None:
            return same
        span = c.quote_start is not None and c.quote_end is not None
        inside = span and passage.start <= c.quote_start < c.quote_end <= passage.end
        if not inside:
            return False
        # A quote is cleaned sentences (possibly not adjacent), a cleaned fragment, or, as rules-core quotes
        # are, the shipped file's own text at [quote_start, quote_end) with whitespace collapsed ("/DH2", "3—4").
        raw = self.corpus.document(passage.doc_id).raw[c.quote_start : c.quote_end]
        return (
            _loose(c.quote) in self._passages[passage.id].flat
            or _collapse(raw) == _collapse(c.quote)
            or bool(self.reproduces(c.quote, passage))
        )

    def _statements(self, answer: str, valid: Mapping[int, Passage]) -> tuple[list[Unit], list[Statement]]:
        answer = strip_notes(answer)
        units: list[Unit] = []
        pos = 0
        for m in _MARKERS.finditer(answer):
            markers = tuple(dict.fromkeys(int(x) for x in re.findall(r"\d+", m.group(0))))
            units.append(_unit(answer[pos : m.start()], markers))
            pos = m.end()
        if answer[pos:].strip():
            units.append(_unit(answer[pos:], ()))
        statements: list[Statement] = []
        for u, unit in enumerate(units):
            if not re.search(r"\w", unit.text):
                continue
            passages = tuple({valid[n].id: valid[n] for n in unit.markers if n in valid}.values())
            whole = {p.id: q for p in passages if (q := self.reproduces(unit.text, p))}
            pieces = [unit.text] if whole or not unit.markers else split_sentences(unit.text)
            for i, piece in enumerate(pieces):
                inherited = i < len(pieces) - 1
                quoted = whole or {p.id: q for p in passages if (q := self.reproduces(piece, p))}
                cited_by = tuple(p for p in passages if p.id in quoted) if inherited else passages
                statement = Statement(len(statements), u, piece, unit.markers, inherited, cited_by, quoted)
                unit.statements.append(statement.index)
                statements.append(statement)
        return units, statements

    def _quoted_facts(self, s: Statement) -> list[_SentenceFacts]:
        return [self._sentences[x.id] for x in {x.id: x for q in s.quoted.values() for x in q}.values()]

    def _claims_of(self, s: Statement) -> list[Claim]:
        if s.verbatim:
            return [c for f in self._quoted_facts(s) for c in f.claims]
        return extract_claims(s.content)

    # -- 1. citations -----------------------------------------------------------------------

    def check_citations(self, draft: Draft) -> Outcome:
        """Every statement cites a passage that exists, and every citation matches its corpus passage."""
        drop, problems = set(), list(draft.citation_problems)
        for s in draft.statements:
            dangling = [n for n in s.markers if n not in draft.valid]
            if dangling:
                problems.append(f"'{_short(s.text, 40)}' cites {', '.join(f'[{n}]' for n in dangling)}: no such source")
                if not s.passages:
                    drop.add(s.index)
            elif not s.cited and draft.needs_citations:
                drop.add(s.index)
                problems.append(f"uncited: '{_short(s.text, 50)}'")
        problems += [f"[{n}] did not match passage {draft.valid[n].id} (rebuilt from the corpus)" for n in draft.mismatched]
        if problems:
            return _failed("citations", "; ".join(problems), drop)
        cited = sum(1 for s in draft.statements if s.cited)
        return _passed("citations", f"{cited} cited statement(s); every citation matches its corpus passage")

    def check_support(self, draft: Draft) -> Outcome:
        """A statement that is not a verbatim quote may only say what its passages say."""
        drop, problems = set(), []
        paraphrased = [s for s in draft.claims() if not s.verbatim]
        for s in paraphrased:
            reason = self._unsupported_wording(s)
            if reason:
                drop.add(s.index)
                problems.append(f"'{_short(s.text, 50)}': {reason}")
        if problems:
            return _failed("support", "; ".join(problems), drop)
        quoted = len(draft.claims()) - len(paraphrased)
        return _passed("support", f"{quoted} verbatim, {len(paraphrased)} paraphrased statement(s) supported")

    def _unsupported_wording(self, s: Statement) -> str | None:
        facts = [self._passages[p.id] for p in s.passages]
        names = frozenset().union(*(f.names for f in facts))
        text = s.content
        tokens = words(text)
        found = concepts_in(text)
        for key in sorted({c.key for c in found if c.key in _DRUG_OF_CONCEPT}):
            if key not in names:
                return f"names {key[1:]}, which its source does not"
        for word in sorted((TRIALS | _QUALIFIERS) & set(words(_SCHEDULE_EVERY.sub(" ", text)))):
            if word not in names:
                return f"adds '{word}', which its source does not say"
        if set(tokens) & _NEGATION_WORDS and not any(f.negated for f in facts):
            return "adds a negation its source does not have"
        stems = frozenset().union(*(f.stems for f in facts))
        named = _concept_words(text, [c for c in found if any(c.key in f.concept_keys for f in facts)])
        content = [t for t in tokens if t not in STOPWORDS and t not in _PARAPHRASE_WORDS and t[0].isalpha() and len(t) > 1]
        if len(content) < 2:
            return "too short to be a statement its source makes"
        missing = [t for t in content if stem(t) not in stems and t not in named]
        if len(missing) > (1 - MIN_OVERLAP) * len(content):
            return f"wording not in its source ({', '.join(missing[:4])})"
        return None

    # -- 2. numbers -------------------------------------------------------------------------

    def check_numbers(self, draft: Draft) -> Outcome:
        """Every number, percentage, dose and duration appears in a cited passage."""
        drop, problems, counted = set(), [], 0
        for s in draft.claims():
            if s.verbatim:  # the passage's own words: its numbers are the passage's numbers
                continue
            figures = extract_figures(s.content)
            counted += len(figures)
            missing = unsupported_figures(figures, (f for p in s.passages for f in self._passages[p.id].figures))
            if missing:
                drop.add(s.index)
                problems.append(f"{', '.join(f.raw for f in missing)} not in its source ('{_short(s.text, 40)}')")
        if problems:
            return _failed("numbers", "; ".join(problems), drop)
        quoted = sum(1 for s in draft.claims() if s.verbatim)
        return _passed("numbers", f"{quoted} quoted statement(s); {counted} paraphrased figure(s) found in their passages")

    # -- 3. eligibility, conflicts, rules verdicts ---------------------------------------------

    def check_eligibility(self, draft: Draft) -> Outcome:
        """Indicated / eligible / first-line / second-line claims agree with the rules core's pathways."""
        drop, problems, counted = set(), [], 0
        for s in draft.claims():
            for claim in self._claims_of(s):
                counted += 1
                reason = self.claim_problem(claim) or (None if s.verbatim else self._contradicts_source(claim, s))
                if reason:
                    drop.add(s.index)
                    problems.append(f"'{_short(claim.text, 50)}': {reason}")
        if problems:
            return _failed("eligibility", "; ".join(problems), drop)
        return _passed("eligibility", f"{counted} eligibility or line-of-therapy claim(s) agree with the rules core")

    def claim_problem(self, claim: Claim) -> str | None:
        """Why the rules core disagrees with a claim, or None."""
        for drug in claim.drugs:
            lines = self.lines.get(drug, frozenset())
            label = DRUG_LABELS.get(drug, drug)
            if not claim.negated:
                if not lines:
                    return f"the rules core has no pathway for {label}"
                if claim.line and claim.line not in lines and "any" not in lines:
                    return f"the rules core has no {claim.line}-line pathway for {label}"
            elif claim.line in lines and not self._disputed(drug, claim.line):
                # A line the sources disagree on: either side may be stated, with the other.
                return f"the rules core has a {claim.line}-line pathway for {label}"
        return None

    def _disputed(self, drug: str, line: str | None) -> bool:
        return any(c.rules is not None and (c.rules.drug, c.rules.line) == (drug, line) for c in self.conflicts)

    def _contradicts_source(self, claim: Claim, s: Statement) -> str | None:
        if claim.line is None:
            return None
        same = [
            c for p in s.passages for c in self._passages[p.id].claims if set(c.drugs) & set(claim.drugs) and c.line == claim.line
        ]
        if same and all(c.negated != claim.negated for c in same):
            return "its source says the opposite"
        return None

    def check_conflicts(self, draft: Draft, kept: list[Statement]) -> tuple[Outcome, Additions]:
        """An answer on a known conflict's topic carries every position."""
        additions: Additions = []
        problems, applied = [], []
        cited = {p.id for s in kept for p in s.passages}
        for conflict in self.conflicts:
            if not self._conflict_applies(conflict, draft, kept):
                continue
            applied.append(conflict.topic)
            if draft.rules_route:
                if not self._rules_warn(draft, conflict):
                    problems.append(f"{conflict.topic}: the decision lacks the sources-disagree warning")
                continue
            missing = [(s, p) for s, p in self._positions[conflict.topic] if p.id not in cited]
            if missing:
                additions.append((conflict, missing))
                docs = ", ".join(sorted({p.doc_id.split("_")[0] for _, p in missing}))
                problems.append(f"{conflict.topic}: position(s) of {docs} missing (added with citations)")
            elif not any(c.topic == conflict.topic for c in draft.response.conflicts):
                additions.append((conflict, []))
                problems.append(f"{conflict.topic}: not listed in conflicts (added)")
        if problems:
            return _failed("conflict", "; ".join(problems)), additions
        detail = f"both positions carried: {', '.join(applied)}" if applied else "no known conflict concerned"
        return _passed("conflict", detail), []

    def _conflict_applies(self, conflict: KnownConflict, draft: Draft, kept: list[Statement]) -> bool:
        rules = conflict.rules
        if draft.rules_route:
            decision = draft.response.decision
            return rules is not None and decision is not None and decision.drug == rules.drug
        if draft.response.status == "answered" and any(s.cited for s in kept) and conflict.applies_to(draft.question):
            return True
        for s in kept:
            if not s.cited:
                continue
            if s.verbatim and any(conflict.topic in f.conflict_topics for f in self._quoted_facts(s)):
                return True
            if not s.verbatim and conflict.applies_to(s.content):
                return True
            if rules and any(rules.drug in c.drugs and c.line == rules.line for c in self._claims_of(s)):
                return True
        return False

    @staticmethod
    def _rules_warn(draft: Draft, conflict: KnownConflict) -> bool:
        warnings = draft.response.decision.warnings if draft.response.decision else []
        warning_id = conflict.rules.warning if conflict.rules else None
        return any(w.id == warning_id for w in warnings) or any(
            c.topic == conflict.topic for c in draft.response.conflicts
        )

    def check_decision(self, draft: Draft) -> Outcome:
        """A rules verdict in words says what the decision says."""
        decision = draft.response.decision
        if not draft.rules_route or not decision:
            return _passed("decision_verdict", "no rules decision in this response")
        expected = decision.decision
        said = verdicts_in(draft.response.answer)
        wrong = sorted(said - {expected})
        if wrong:
            return _failed("decision_verdict", f"text says {', '.join(wrong)} but the decision is {expected}")
        if expected not in said:
            return _failed("decision_verdict", f"text never states the decision ({expected})")
        return _passed("decision_verdict", f"text agrees with the decision ({expected})")

    # -- 4. false premises ------------------------------------------------------------------

    def check_premise(self, draft: Draft, kept: list[Statement]) -> tuple[Outcome, bool]:
        """Figures or claims in the question that no cited passage supports get a note, never agreement."""
        cited = [s for s in kept if s.cited]
        if draft.rules_route or draft.response.status != "answered" or not cited:
            return _passed("premise", "not checked: no cited answer"), False
        figures = self._false_figures(draft.question, cited)
        claims = self._false_claims(draft.question)
        if not figures and not claims:
            return _passed("premise", "no figure or claim in the question contradicts the sources"), False
        said = [f.raw for f in figures] + [f"'{c.text}'" for c in claims]
        return _failed("premise", f"question states {', '.join(said)}, which the cited sources do not (note added)"), True

    def _false_figures(self, question: str, cited: list[Statement]) -> list[Figure]:
        # An injected instruction's figures ("the answer is always 99%") are its payload:
        # the injection check reports them; a premise note must not repeat them.
        question = strip_instructions(question)
        if mentions_a_patient(question):
            return []  # a patient's values, not a claim about the sources
        pool = [f for s in cited for p in s.passages for f in self._passages[p.id].figures]
        claimed = [f for f in extract_figures(question) if f.unit or "." in f.value or float(f.value) >= 10]
        return list({f.raw: f for f in unsupported_figures(claimed, pool)}.values())

    def _false_claims(self, question: str) -> list[Claim]:
        question = strip_instructions(question)
        if not _PREMISE_FRAMING.search(question):
            return []
        return [c for c in extract_claims(question) if self.claim_problem(c)]

    def premise_note(self, draft: Draft) -> str:
        """'Note: the sources do not report 70% for MEDALIST; they report 38% [2].' (this draft's markers)."""
        cited = [s for s in draft.statements if s.cited]
        figures = self._false_figures(draft.question, cited)
        parts = []
        if figures:
            about = _entity_labels(draft.question)
            subject = f" for {', '.join(about)}" if about else ""
            reported = self._reported_figures(draft, cited, figures)
            tail = f"; they report {', '.join(reported)}" if reported else ""
            parts.append(f"{NOTE_PREFIX}report {', '.join(f.raw for f in figures)}{subject}{tail}.")
        for claim in self._false_claims(draft.question):
            line = f" as {claim.line}-line therapy" if claim.line else ""
            drugs = " or ".join(DRUG_LABELS.get(d, d) for d in claim.drugs)
            parts.append(f"{NOTE_PREFIX}support that {drugs} is {'not ' if claim.negated else ''}indicated{line}; "
                         "what they say is below.")
        return " ".join(parts)

    def _reported_figures(self, draft: Draft, cited: list[Statement], false: list[Figure]) -> list[str]:
        """The answer's own figures of the same kind, preferring statements about what the question names."""
        units = {f.unit for f in false}
        entities = (set(words(draft.question)) & TRIALS) | {m.drugs for m in drug_mentions(draft.question)}

        def about(s: Statement) -> bool:
            return bool(entities & ((set(words(s.content)) & TRIALS) | {m.drugs for m in drug_mentions(s.content)}))

        out: dict[str, None] = {}
        for s in [s for s in cited if about(s)] or cited:
            marker = next(n for n in s.markers if n in draft.valid)
            for f in extract_figures(s.content):
                if f.unit in units and (f.unit is not None or float(f.value) >= 10):
                    out.setdefault(f"{f.raw} [{marker}]")
        return list(out)[:4]

    # -- 5. injected instructions ---------------------------------------------------------------

    def check_injection(self, draft: Draft) -> Outcome:
        """Instructions in the question change nothing: the answer never carries them out."""
        found = injection_findings(draft.question)
        payloads = [re.compile(rf"(?<!\w){re.escape(p)}(?!\w)") for p in injected_payloads(draft.question)]
        drop, echoed = set(), []
        for s in draft.statements:
            text = _collapse(s.text).lower()
            if any(p.search(text) for p in payloads) or (not s.verbatim and injection_findings(s.text)):
                drop.add(s.index)
                echoed.append(_short(s.text, 50))
        if echoed:
            return _failed("injection", f"answer carried injected text: {'; '.join(echoed)}", drop)
        if found:
            return _passed("injection", f"detected in the question ({', '.join(found)}); ignored, not followed")
        return _passed("injection", "no instructions in the question")

    # -- 6. doses the sources do not state -------------------------------------------------------

    def check_unstated_dose(self, draft: Draft) -> Outcome:
        """No dose or schedule for a drug the sources give none for (they dose only luspatercept, imetelstat)."""
        asked = frozenset(self.asked_doses(draft.question))
        drop, problems = set(), []
        for s in draft.claims():
            doses = [f.dose for f in self._quoted_facts(s)] if s.verbatim else [dose_facts(s.content)]
            unstated = {d for dose in doses for d in dose.drugs | (asked if dose.unattributed else frozenset())} - self.dosed
            if unstated:
                drop.add(s.index)
                names = ", ".join(DRUG_LABELS.get(d, d) for d in sorted(unstated))
                problems.append(f"a dose or schedule for {names}, which the sources do not state ('{_short(s.text, 40)}')")
        if problems:
            return _failed("unstated_dose", "; ".join(problems), drop)
        return _passed("unstated_dose", "no dose or schedule beyond those the sources state")

    def asked_doses(self, question: str) -> list[str]:
        """Drugs the question asks a dose or schedule of that the sources give none for."""
        if not _DOSE_QUESTION.search(question):
            return []
        return [d for d in dict.fromkeys(d for m in drug_mentions(question) for d in m.drugs) if d not in self.dosed]

    # -- review -----------------------------------------------------------------------------------

    def review(self, response: BotResponse, question: str) -> BotResponse:
        """Check, then pass through, repair or block. Never returns the draft unchecked."""
        draft = self.parse(response, question)
        outcomes = self._statement_checks(draft)
        drop = frozenset().union(*(o.drop for o in outcomes))
        kept = [s for s in draft.statements if s.index not in drop]
        conflict, additions = self.check_conflicts(draft, kept)
        premise, false_premise = self.check_premise(draft, kept)
        decision = self.check_decision(draft)
        unstated = [DRUG_LABELS.get(d, d) for d in self.asked_doses(question)]
        refuse_dose = bool(unstated) and response.status == "answered" and not draft.rules_route
        checks = [o.check for o in outcomes] + [conflict.check, decision.check, premise.check]
        if refuse_dose:
            why = f"the question asks a dose of {', '.join(unstated)}, which the sources do not state (refused)"
            checks = [
                c if c.name != "unstated_dose" else Check(name=c.name, passed=False, detail=why if c.passed else f"{c.detail}; {why}")
                for c in checks
            ]

        if not decision.check.passed:
            return _blocked(response, checks, "its verdict contradicts the rules-core decision")
        rebuild = bool(additions) or any(not o.check.passed for o in outcomes)
        noted = strip_notes(response.answer) != response.answer.lstrip()  # a note is the guard's: rebuilt each time
        if not rebuild and not false_premise and not refuse_dose and not noted:
            return response.model_copy(update={"checks": checks})
        if draft.needs_citations and not any(s.cited for s in kept):
            if refuse_dose:
                return _blocked(response, checks, f"it stated a dose or schedule for {', '.join(unstated)}, "
                                "which the source documents do not state")
            return _blocked(response, checks, "none of its statements could be verified against the source documents")

        repaired = self._repair(draft, kept, additions) if rebuild else response.model_copy(
            update={"answer": strip_notes(response.answer)}
        )
        if not repaired.answer.strip():
            return _blocked(response, checks, "nothing in it could be shown")
        if refuse_dose:
            repaired = _as_dose_refusal(repaired, unstated)
        elif false_premise:
            repaired = repaired.model_copy(update={"answer": f"{self.premise_note(self.parse(repaired, question))} {repaired.answer}"})
        if drop:
            removed = f"The guard removed {len(drop)} statement(s) of the draft that the sources do not support."
            repaired = repaired.model_copy(update={"notes": [*repaired.notes, removed]})
        still = self._recheck(repaired, question)
        if still:
            return _blocked(response, checks, f"its repair still failed ({still})")
        return repaired.model_copy(update={"checks": checks})

    def _statement_checks(self, draft: Draft) -> list[Outcome]:
        return [
            self.check_citations(draft),
            self.check_support(draft),
            self.check_numbers(draft),
            self.check_eligibility(draft),
            self.check_unstated_dose(draft),
            self.check_injection(draft),
        ]

    def _recheck(self, response: BotResponse, question: str) -> str | None:
        """A repair must pass every statement check and carry its conflicts; else the draft is blocked."""
        draft = self.parse(response, question)
        outcomes = [*self._statement_checks(draft), self.check_conflicts(draft, draft.statements)[0]]
        return "; ".join(f"{o.check.name}: {o.check.detail}" for o in outcomes if not o.check.passed) or None

    def _repair(self, draft: Draft, kept: list[Statement], additions: Additions) -> BotResponse:
        """Answer, citations and conflicts rebuilt from the kept statements and the added positions."""
        numbers: dict[str, int] = {}  # passage id -> new marker number, by first appearance
        quotes: dict[str, list[Sentence]] = {}
        passages: dict[str, Passage] = {}
        kept_ids = {s.index for s in kept}
        parts: list[str] = []

        def cite(group: list[Statement], passage_list: Iterable[Passage]) -> str:
            out = ""
            for p in passage_list:
                passages[p.id] = p
                out += f"[{numbers.setdefault(p.id, len(numbers) + 1)}]"
                quotes.setdefault(p.id, []).extend(self._quoted(group, p))
            return out

        for unit in draft.units:
            members = [draft.statements[i] for i in unit.statements if i in kept_ids]
            if not members:
                continue
            whole = len(members) == len(unit.statements)
            for text, group in [(unit.text, members)] if whole else [(s.text, [s]) for s in members]:
                markers = cite(group, {p.id: p for s in group for p in s.passages}.values())
                prefix = unit.prefix if "\n" in unit.prefix and parts else " " if parts else ""
                parts.append(f"{prefix}{text}{' ' + markers if markers else ''}")
        for _, missing in additions:
            for sentence, passage in missing:
                passages[passage.id] = passage
                quotes.setdefault(passage.id, []).append(sentence)
                parts.append(f"{' ' if parts else ''}{sentence.normalized} [{numbers.setdefault(passage.id, len(numbers) + 1)}]")
        citations = [self.citation(n, passages[pid], quotes.get(pid, ())) for pid, n in numbers.items()]
        update = {"answer": "".join(parts), "citations": citations, "conflicts": self._conflicts(draft, citations, additions)}
        return draft.response.model_copy(update=update)

    @staticmethod
    def _quoted(group: list[Statement], passage: Passage) -> list[Sentence]:
        """The passage sentences statements quote; for a paraphrase, the closest one."""
        return [x for s in group for x in s.quoted.get(passage.id, (closest_sentence(s.content, passage),))]

    def _conflicts(self, draft: Draft, citations: list[Citation], additions: Additions) -> list[Conflict]:
        known = {c.topic: c for c in self.conflicts}
        original = {c.topic: c for c in draft.response.conflicts}
        out = []
        for topic in dict.fromkeys([*original, *(c.topic for c, _ in additions)]):
            if topic in known:
                ids, summary = {p.id for _, p in self._positions[topic]}, known[topic].summary
            else:
                ids, summary = {c.passage_id for c in original[topic].positions}, original[topic].summary
            positions = [c for c in citations if c.passage_id in ids]
            if positions:
                out.append(Conflict(topic=topic, positions=positions, summary=summary))
        return out


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

_PREMISE_FRAMING = re.compile(r"^\s*(?:why|how come|given that|since|because)\b|\bexplain why\b", re.IGNORECASE)
_NOT_MEET = re.compile(
    r"\b(?:does not|doesn't|do not|did not|fails? to)\s+meet\b|\bnot medically necessary\b|\bcriteria (?:are|were) not met\b"
    r"|\bis not eligible\b",
    re.IGNORECASE,
)
_MEETS = re.compile(
    r"\bmeets?\s+(?:all\s+)?(?:the\s+)?(?:medical[- ]necessity\s+)?criteria\b|\bis medically necessary\b"
    r"|\bcriteria (?:are|were) met\b",
    re.IGNORECASE,
)
_INSUFFICIENT = re.compile(
    r"\binsufficient documentation\b|\bcannot be decided\b|\bdocumentation is missing\b|\bcannot (?:yet )?be determined\b"
    r"|\bI need\b|\bmore information\b",
    re.IGNORECASE,
)


def verdicts_in(text: str) -> set[str]:
    """Which rules-core decisions a text states in words."""
    said = set()
    if _NOT_MEET.search(text):
        said.add("does_not_meet")
    if _MEETS.search(_NOT_MEET.sub(" ", text)):
        said.add("meets_criteria")
    if _INSUFFICIENT.search(text):
        said.add("insufficient_documentation")
    return said


def closest_sentence(text: str, passage: Passage) -> Sentence:
    """The passage sentence sharing most word stems with a text (the quote of a paraphrase)."""
    mine = {stem(w) for w in words(text)}
    return max(passage.sentences, key=lambda s: (len(mine & {stem(w) for w in words(s.normalized)}), -s.start))


def _unit(raw: str, markers: tuple[int, ...]) -> Unit:
    return Unit(raw[: len(raw) - len(raw.lstrip())], raw.strip(), markers)


def _concept_words(text: str, concepts: Iterable[Concept]) -> set[str]:
    """Words of the text's mentions of these concepts ('Reblozyl' counts when the passage has luspatercept)."""
    named: set[str] = set()
    for concept in concepts:
        for m in re.finditer(rf"(?<![\w-])(?:{'|'.join(concept.patterns)})(?!\w)", text, re.IGNORECASE):
            named.update(words(m.group(0)))
    return named


def _entity_labels(question: str) -> list[str]:
    trials = [w.upper() for w in dict.fromkeys(words(question)) if w in TRIALS]
    drugs = [DRUG_LABELS.get(d, d) for m in drug_mentions(question) if not m.is_class for d in m.drugs]
    return list(dict.fromkeys(trials + drugs))


def _as_dose_refusal(response: BotResponse, names: list[str]) -> BotResponse:
    head = f"The source documents do not state a dose or schedule for {', '.join(names)}."
    answer = f"{head} {LEAD_INS[0]}{response.answer.strip()}"
    return response.model_copy(update={"status": "refused", "answer": answer})


def _blocked(response: BotResponse, checks: list[Check], why: str) -> BotResponse:
    failed = ", ".join(c.name for c in checks if not c.passed) or "none"
    message = (
        f"The drafted answer was withheld by the guard because {why} (failed checks: {failed}). "
        "Nothing from it is shown. Please rephrase the question or consult the source documents."
    )
    return BotResponse(
        status="refused",
        route=response.route,
        answer=message,
        checks=checks,
        blocked=True,
        notes=list(response.notes),
        missing_facts=list(response.missing_facts),
        extracted_facts=response.extracted_facts,
    )
