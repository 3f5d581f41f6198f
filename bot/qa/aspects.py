"""Synthesis: a question naming several drugs, trials or contrasted populations is searched once per aspect.

"Compare the primary endpoints of <trial A>, <trial B> and <trial C>" is three questions
("the primary endpoints of <trial A>", ...): each is retrieved and scored on its own, so
every aspect gets its own best sentence instead of the one passage that names them all.
A contrasting question ("del(5q) vs ring sideroblasts: which agent for each?") splits the same
way on the populations and settings it contrasts (lexicon `aspect_concepts`, `contrast_cues`).
"""

from __future__ import annotations

import re
from corpus.lexicon import Lexicon
from corpus.lexicon_entries import Mention, whole_words

Span = tuple[int, int]


def entity_key(lexicon: Lexicon, mention: Mention) -> str | None:
    """The answerer's key of a named drug ("c" + its search key) or trial (its id); None for a class."""
    if mention.kind == "drug":
        return f"c{lexicon.drug(mention.id).key}"
    return mention.id if mention.kind == "trial" else None


def aspect_queries(lexicon: Lexicon, text: str, entities: list[str]) -> dict[str, str]:
    """For each aspect (in order of appearance), the question with the other aspects' mentions taken out."""
    spans = _aspect_spans(lexicon, text, entities)
    if len(spans) < 2:
        return {}
    order = sorted(spans, key=lambda key: min((s[0] for s in spans[key]), default=len(text)))
    # Each aspect's query asks about it alone: the contrast itself ("vs", "each") is no topic of it.
    cues = _cue_spans(lexicon, text)
    return {
        key: _without(text, cues + [s for other in order if other != key for s in spans[other] if s not in spans[key]])
        for key in order
    }


_BETWEEN_SIDES = re.compile(r"^(?:\W|\b(?:and|or|nor|vs|versus|with|to|compared|than|either)\b)*$", re.IGNORECASE)


def side_by_side(lexicon: Lexicon, text: str, entities: list[str]) -> bool:
    """Whether the aspects are named side by side ("<A> or <B>", "<A> vs <B>", "<A>, <B> and <C>"), not related to
    each other ("<A> after <B>": then a sentence naming both is the answer)."""
    spans = sorted(s for key_spans in _aspect_spans(lexicon, text, entities).values() for s in key_spans)
    return len(spans) >= 2 and all(_BETWEEN_SIDES.match(text[a[1]:b[0]]) for a, b in zip(spans, spans[1:]) if a[1] <= b[0])


def asked_of_each(lexicon: Lexicon, text: str, entities: list[str]) -> str:
    """What the question asks of every aspect: the question with all of them (and the contrast) taken out
    ("durability of TI: <drug> (<trial>) vs <drug> (<trial>)?" -> "durability of TI")."""
    spans = _aspect_spans(lexicon, text, entities)
    return _without(text, _cue_spans(lexicon, text) + _aside_spans(lexicon, text) + [s for key in spans for s in spans[key]])


_ASIDE_WORDS = r"((?:\s+[\w-]+){1,3})"  # the few words after the cue, never across punctuation


def _aside_spans(lexicon: Lexicon, text: str) -> list[Span]:
    """What the question sets aside ("more than just fix anemia"): its cue and the words after it."""
    if not lexicon.aside_cues:
        return []
    regex = re.compile(whole_words(lexicon.aside_cues).pattern[:-len(r"(?!\w)")] + _ASIDE_WORDS, re.IGNORECASE)
    return [m.span() for m in regex.finditer(text)]


def set_aside(lexicon: Lexicon, text: str) -> frozenset[str]:
    """The answerer's keys of the drugs and trials a question sets aside ("besides <trial>, which trial ...?",
    "other than <drug>, what options?"): what it already has, not what it asks for."""
    spans = _aside_spans(lexicon, text)
    keys = (entity_key(lexicon, m) for m in lexicon.mentions(text) if any(a <= m.start < b for a, b in spans))
    return frozenset(k for k in keys if k)


def _aspect_spans(lexicon: Lexicon, text: str, entities: list[str]) -> dict[str, list[Span]]:
    return {**_entity_spans(lexicon, text, entities), **contrasted_concepts(lexicon, text)}


def _cue_spans(lexicon: Lexicon, text: str) -> list[Span]:
    cue, _ = _contrast_patterns(lexicon)
    return [m.span() for m in cue.finditer(text)] if cue is not None else []


def _entity_spans(lexicon: Lexicon, text: str, entities: list[str]) -> dict[str, list[Span]]:
    """Named drugs and trials; "<drug> in <its trial>" is one aspect (the trial's passages are about the drug)."""
    mentions = [(m, entity_key(lexicon, m)) for m in lexicon.mentions(text)]
    drug_of = {t.id: f"c{lexicon.drug(t.drug).key}" for t in lexicon.trials if t.id in entities}
    aspects = [e for e in entities if e not in drug_of.values()]
    if len(aspects) < 2:
        return {}
    spans: dict[str, list[Span]] = {e: [] for e in aspects}
    for mention, key in mentions:
        if key in spans:
            spans[key].append((mention.start, mention.end))
    for trial, drug in drug_of.items():  # the trial's own drug goes with it, never into another aspect's query
        if trial in spans:
            spans[trial] += [(m.start, m.end) for m, key in mentions if key == drug]
    return spans


def contrasted_concepts(lexicon: Lexicon, text: str) -> dict[str, list[Span]]:
    """The populations and settings a contrasting question names (two at least), with where it names them."""
    cue, regexes = _contrast_patterns(lexicon)
    if cue is None or not cue.search(text):
        return {}
    found = {key: [m.span() for m in regex.finditer(text)] for key, regex in regexes}
    found = {key: spans for key, spans in found.items() if spans}
    return found if len(found) >= 2 else {}


def _contrast_patterns(lexicon: Lexicon) -> tuple[re.Pattern[str] | None, tuple[tuple[str, re.Pattern[str]], ...]]:
    cue = whole_words(lexicon.contrast_cues) if lexicon.contrast_cues else None
    wanted = {f"c{key}" for key in lexicon.aspect_concepts}
    return cue, tuple((c.key, regex) for c, regex in lexicon.concept_regexes if c.key in wanted)


def _without(text: str, spans: list[Span]) -> str:
    for start, end in sorted(set(spans), reverse=True):
        text = text[:start] + " " + text[end:]
    return text


# "When should ESAs be started and how long before you call them a failure?" is two questions: split where a
# new question starts (after "?", or "and"/"-"/";" followed by a question word).
# A request in the imperative starts a part too ("describe X and contrast it with Y", "... and give Z").
_QUESTION_START = (r"(?:what|which|when|where|why|how|who|whose|would|will|is|are|was|were|does|do|did|can|could|should|has|have|"
                   r"describe|explain|give|list|contrast|compare|summari[sz]e|state|name|tell)\b")
_CLAUSE_BREAK = re.compile(rf"\?\s+(?=\S)|\s*;\s*|\s+(?:and|but|also|plus|or|-|–)\s+(?={_QUESTION_START})", re.IGNORECASE)
MIN_CLAUSE_WORDS = 3


def sub_questions(lexicon: Lexicon, text: str) -> list[str]:
    """The questions a compound question asks, each with the statements before them ("TD LR-MDS pt, prior HMA.")
    and, when it names nothing itself, the names before it ("how long before you call them a failure" asks
    about the ESAs named before it); [] for a single question."""
    context, questions = _statements_first(text)
    parts = [p.strip(" ?,.") for p in _CLAUSE_BREAK.split(questions)]
    parts = [p for p in parts if len(p.split()) >= MIN_CLAUSE_WORDS]
    if len(parts) < 2:
        return []
    # A part that names nothing refers back: it carries the names of the parts before it (or, for the first, of
    # the statements before the questions), never of a later part ("give the survival loss vs the general
    # population and what <trial> showed": the first part is not about the trial).
    named = [m.text for m in lexicon.mentions(context)]
    out = []
    for part in parts:
        own = [m.text for m in lexicon.mentions(part)]
        carried = [] if own or _CONTRASTED_WITH.match(part) else named
        named = [*named, *own]
        part = _REQUEST.sub("", part) or part  # "contrast it with the dose advice": the dose advice is asked
        part = f"{part} ({', '.join(dict.fromkeys(carried))})" if carried else part
        out.append(f"{context} {part}".strip())
    return out


def question_after_statements(lexicon: Lexicon, text: str) -> list[str]:
    """The one question a message asks after its statements ("denial letter says <drug> is investigational.
    is it experimental?"), alone, with the statements' names when it names nothing itself: what is asked,
    which the statements' own words ("denial", "appeal") must not outweigh; [] without statements."""
    context, question = _statements_first(text)
    question = question.strip(" ?,.")
    if not context or len(question.split()) < MIN_CLAUSE_WORDS:
        return []
    if lexicon.mentions(question):
        return [question]
    named = [m.text for m in lexicon.mentions(context) if not _failed_before(context, m)]  # a prior therapy is the setting
    return [f"{question} ({', '.join(dict.fromkeys(named))})"] if named else []


def _failed_before(text: str, mention) -> bool:
    return bool(_FAILED_BEFORE.search(text[: mention.start]) or _FAILED_AFTER.match(text[mention.end :]))


# The request words that open a part ("list", "contrast it with"): no topic of it.
_REQUEST = re.compile(r"^(?:describe|explain|give|list|contrast|compare|summari[sz]e|state|name|tell(?: me)?)\s+"
                      r"(?:(?:it|this|that|them|these|those)\s+(?:with|to|against)\s+)?", re.IGNORECASE)
# "... and contrast it with <Y>": the part asks about Y; what "it" stands for is the other side, already asked.
_CONTRASTED_WITH = re.compile(r"^(?:contrast|compare)\s+(?:it|this|that|them|these|those)\s+(?:with|to|against)\b", re.IGNORECASE)


def _statements_first(text: str) -> tuple[str, str]:
    """(the statements before the first question, the questions): "Pt on X. Would Y work and is Z ...?"."""
    first_question = text.find("?")
    head = text[: first_question if first_question >= 0 else len(text)]
    cut = head.rfind(". ")
    return (text[: cut + 1], text[cut + 2 :]) if cut >= 0 else ("", text)


# "after <drug> fails", "failed <drug>", "<drug>-refractory", "no response to <drug>": the drug is the setting (a
# prior therapy), not what the question asks about.
_FAILED_BEFORE = re.compile(
    r"(?:\bafter (?:failure of|failing|progression on)|\bfailed|\bfailing|\bpost|\brefractory to|\bresistant to|\bno response to|\bprogress\w* on|\bloss of response to)"
    r"\s+(?:an?\s+|the\s+)?$", re.IGNORECASE)
_FAILED_AFTER = re.compile(
    r"^(?:[- ](?:failed|failure|refractory|r/r|resistant)\b|\s+(?:fail\w*|failure|stop(?:s|ped)? working|lost response|"
    r"is not working|isn't working|doesn't work|did not work|didn't work)\b)", re.IGNORECASE)


# "failed ESA and then lusp", "failed ESA, lusp": a drug joined to a failed one shares its failure.
_JOINED = re.compile(r"^\s*(?:,|/|\band\b|\bor\b|\bthen\b|\s)*\s*$", re.IGNORECASE)


def prior_therapies(lexicon: Lexicon, text: str) -> frozenset[str]:
    """The answerer's keys of drugs the question names as failed before ("after <drug> fails, what next?")."""
    keys = set()
    before = None  # the mention just before (a drug or a class), if it failed
    for mention in lexicon.mentions(text):
        joined = before is not None and bool(_JOINED.match(text[before.end : mention.start]))
        before = mention if _failed_before(text, mention) or joined else None
        if before is not None and mention.kind == "drug":
            keys.add(f"c{lexicon.drug(mention.id).key}")
    return frozenset(keys)
