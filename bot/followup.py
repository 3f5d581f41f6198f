"""Follow-up questions read against the conversation's subject (issue 12: subject resolution across turns).

- names no subject: a pronoun ("were del5q pts in it?"), a dose wording, or a short elliptical turn
  ("what was the comparator") is about the last subject named; "the first one" / "the former" and
  "the latter" / "the second one" pick among the last two named;
- names only a new subject ("what about imetelstat?", "and darbepoetin?"): the previous question is
  asked again about it ("common AEs with luspatercept?" -> "common AEs with imetelstat?").

Subjects are the lexicon's mentions (drugs, classes, trials): a trial is kept as the trial, so
"what was the comparator" after a trial asks about that trial, not every trial of its drug.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from bot.followup_swaps import about_instead, figure_swapped, replaceable, sibling_swapped, spans_replaced
from corpus.lexicon import Lexicon
from corpus.lexicon_entries import Mention
from corpus.vocabulary import QUESTION_WORDS, STOPWORDS, words

PRONOUN = re.compile(
    r"\b(?:its|it|this drug|that drug|the drug|this agent|that agent|that one|this one|this trial|that trial|"
    r"the trial|that study|the study|their|them|they(?!\s+(?:say|said|name|report|mention|state|recommend|suggest|"
    r"describe|give|list|cite)))\b",  # "what do they say": the sources
    re.IGNORECASE,
)
# "why was that trial stopped?" after an answer about a drug: the trial that answer quoted, not the drug.
_TRIAL_REFERENCE = re.compile(r"\b(?:this|that|the)\s+(?:trial|study)\b", re.IGNORECASE)
# What a turn about a trial calls it: replaced by its name, the turn reads as the question naming it.
_TRIAL_REFERRING = re.compile(rf"{_TRIAL_REFERENCE.pattern}|\bit\b(?!['’])", re.IGNORECASE)
_FIRST = re.compile(r"\b(?:the\s+)?(?:first\s+one|former|first\s+(?:drug|agent|trial))\b", re.IGNORECASE)
_LATTER = re.compile(r"\b(?:the\s+)?(?:latter|second\s+one|second\s+(?:drug|agent|trial)|last\s+one)\b", re.IGNORECASE)
_SWITCH_LEAD = re.compile(
    # "ok and imetelstat's?", "thanks - what about X?": an acknowledgement before the switch is no topic of its own
    r"^\s*(?:(?:ok(?:ay)?|alright|all right|right|so|sure|thanks|thank you|great|cool|got it|i see)\b[\s,.!-]*)?"
    # "hmm I meant darbepoetin", "my bad, was thinking of lusp": a correction of the subject is a switch
    r"(?:(?:(?:hmm+|sorry|oops|no|my\s+bad)[\s,.!-]*)?(?:i\s+meant|i\s+mean|was\s+thinking\s+of|meant)|"
    r"and|or|what\s+about|how\s+about|(?:the\s+)?same\s+(?:q|qs|question|thing)?\s*(?:for|with|in)|and\s+for|what\s+of|vs\.?|versus)\b",
    re.IGNORECASE,
)
_DANGLING = re.compile(r"\s+(?:in|for|with|of|on|from)(?=\s*[?.!]*\s*$)", re.IGNORECASE)
# A drug named as the patients' past therapy ("pts who had HMA before", "after prior len"): who is asked about.
_PRIOR_THERAPY = re.compile(r"\b(?:who\s+(?:had|have\s+had|received|got|failed)|after(?:\s+prior)?|prior|previous(?:ly)?"
                            r"(?:\s+(?:treated\s+with|on))?|pre-?treated\s+with|post|exposed\s+to|refractory\s+to)\s*[-\w]*\s*$",
                            re.IGNORECASE)
# "sorry meant 24wk", "oops I meant the placebo arm": a correction of what the last question asked.
_MEANT = re.compile(r"^\s*(?:(?:hmm+|sorry|oops|no|my\s+bad)[\s,.!-]*)?(?:i\s+)?(?:meant|mean)\s+(.+?)[\s?.!]*$", re.IGNORECASE)
# "same q for idh1", "same question in kids?": the last question again, about what follows.
_SAME_FOR = re.compile(r"^\s*(?:and\s+)?(?:the\s+)?same\s+(?:q|qs|question|thing)?\s*(?:for|with|in)\s+(.+?)[\s?.!]*$",
                       re.IGNORECASE)
# Only a question word: the last question, asked that way ("when?", "how long?", "and why?").
_BARE_QUESTION = re.compile(r"^\s*(?:(?:and|so|ok(?:ay)?|but)[\s,]+)?(?:when|why|where|since when|by how much|"
                            r"how(?:\s+(?:long|often|much|many|so|come))?)\s*[?!.]*\s*$", re.IGNORECASE)
# A turn that carries on the last question rather than asking a new one ("so how much after 20u", "and at 40?").
# "and for high risk?" names something else to ask about (a switch), not a continuation.
_CONTINUATION = re.compile(r"^\s*(?:(?:ok(?:ay)?|right)[\s,]+)?(?:so|then|and\s+(?:then|after|at|over|by|within))\b",
                           re.IGNORECASE)
_QUALIFIED_ONE = re.compile(r"\bthe\s+([\w()/-]+)\s+one\b", re.IGNORECASE)
_QUESTION_LEAD = re.compile(
    r"^\s*(?:what|which|who|whom|when|where|why|how|is|are|was|were|did|does|do|can|could|any|tell|list|give)\b",
    re.IGNORECASE,
)
ELLIPTICAL_MAX_WORDS = 6  # a turn this short, naming no subject, continues the last one ("what was the comparator")
SWITCH_MAX_EXTRA_WORDS = 1  # "what about imetelstat?" has no topic words of its own besides the subject


class Topic(BaseModel):
    """What the conversation's questions were about, latest last."""

    model_config = ConfigDict(frozen=True)

    subjects: tuple[tuple[str, str], ...] = Field(default=(), description="(kind, id) of drugs, classes, trials named.")
    question: str | None = Field(default=None, description="The last question about the sources, as searched.")
    answered: tuple[tuple[str, str], ...] = Field(
        default=(), description="Drugs the last answer gave as what applies at a value the question gave ('what if "
        "sEPO is 800?' -> the drug the sources attach to sEPO >500): what 'dose of that?' then refers to.")
    answer_trials: tuple[str, ...] = Field(
        default=(), description="Trials the last answer quoted, first quoted first ('is <drug> first-line?' -> the "
        "trial it quoted): what 'that trial' then refers to when the question named a drug, not a trial.")


class Reading(BaseModel):
    """How one turn is read: the text to search and, when it was completed, a note saying so."""

    model_config = ConfigDict(frozen=True)

    query: str
    note: str | None = None
    subject: tuple[str, str] | None = Field(default=None, description="(kind, id) the turn was read as about.")
    named: bool = Field(default=False, description="The query is a question of its own, judged by the guard as if "
                        "typed so: the turn with 'that trial' replaced by the trial's name, 'same q for X' asked of X, "
                        "or a turn carrying on the last question ('so how much after 20u').")


def subjects_of(text: str, lexicon: Lexicon) -> list[tuple[str, str]]:
    return list(dict.fromkeys((m.kind, m.id) for m in lexicon.mentions(text) if m.kind in ("drug", "class", "trial")))


def label_of(subject: tuple[str, str], lexicon: Lexicon) -> str:
    kind, entity_id = subject
    if kind == "trial":
        return lexicon.trial(entity_id).label
    if kind == "class":
        return lexicon.drug_class(entity_id).label
    return lexicon.label(entity_id)


def drug_of(subject: tuple[str, str] | None, lexicon: Lexicon) -> str | None:
    """The drug a subject stands for (a trial: the drug it tested; a class: none)."""
    if subject is None or subject[0] == "class":
        return None
    return lexicon.trial(subject[1]).drug if subject[0] == "trial" else subject[1]


def read_turn(text: str, topic: Topic, lexicon: Lexicon, dose_question: bool) -> Reading:
    """The turn as a question about the sources, completed from the conversation where it leans on it."""
    named = lexicon.mentions(text)
    if named:
        return _switched(text, named, topic, lexicon) or Reading(query=text)
    if topic.question and _BARE_QUESTION.match(text):  # "when?" after "is it approved in the EU?": that, when
        return _continued(text, topic, bare=True)
    meant = _MEANT.match(text)
    if meant and topic.question:  # "sorry meant 24wk" after "<drug> 8wk TI vs pbo?": that question, so corrected
        corrected = figure_swapped(meant.group(1), topic.question)
        if corrected:
            return Reading(query=corrected, note=f"Read as: {corrected}", named=True)
        return _continued(meant.group(1), topic, bare=True)
    same = _SAME_FOR.match(text)
    if same and topic.question:  # "same q for idh1": the last question, about what it names (no drug or trial)
        query = about_instead(same.group(1), topic.question, lexicon)
        return Reading(query=query, note=f"Read as: {query}", named=True)
    if lexicon.outside_named(text):  # "and for beta thal pts?": about them
        return Reading(query=text)
    if not (topic.subjects or topic.answered):
        return _continued(text, topic) or Reading(query=text)
    subject = _referred(text, topic, lexicon) or _trial_referred(text, topic, lexicon)
    if subject is None and not (PRONOUN.search(text) or dose_question or _is_elliptical(text)):
        return Reading(query=text)
    answered = topic.answered[0] if subject is None and len(topic.answered) == 1 else None
    subject = subject or answered or topic.subjects[-1]
    name = label_of(subject, lexicon)
    # a dose question is not carried into a turn asking something else ("what dose was that?" -> "and cytogenetic response?")
    carries_dose = bool(lexicon.dose_question.search(topic.question or "")) and not dose_question
    if (topic.question and answered is None and _is_elliptical(text) and not carries_dose
            and not (_QUESTION_LEAD.search(text) or PRONOUN.search(text))):
        # "EMA?" after "when did <drug> get FDA approval?": the same question, the named alternative swapped in;
        # "placebo arm?" after "<trial>: what % reached TI?": the same question, about that part
        query = sibling_swapped(text, topic.question, lexicon) or f"{topic.question.rstrip(' ?.')}: {text}"
        return Reading(query=query, note=f"Read as: {query}", subject=subject)
    if subject[0] == "trial" and _TRIAL_REFERRING.search(text):  # "why was that trial stopped?" -> "why was <trial> stopped?"
        query = _TRIAL_REFERRING.sub(name, text, count=1)
        return Reading(query=query, note=f"Read as: {query}", subject=subject, named=True)
    return Reading(query=f"{text} ({name})", note=f"Read as a question about {name}, discussed before.", subject=subject)


def remembered(topic: Topic, reading: Reading, lexicon: Lexicon) -> Topic:
    """The topic after a question turn: its subjects (or the one it was read as about) come last."""
    named = subjects_of(reading.query, lexicon) or ([reading.subject] if reading.subject else [])
    if not named:
        return topic.model_copy(update={"question": reading.query})
    kept = [s for s in topic.subjects if s not in named]
    return Topic(subjects=tuple([*kept, *named][-4:]), question=reading.query)


def _referred(text: str, topic: Topic, lexicon: Lexicon) -> tuple[str, str] | None:
    """'the first one' / 'the former', 'the latter': one of the last two subjects named; 'the IDH2 one'
    after a class: the member the lexicon names '<IDH2> <class head word>'."""
    qualified = _QUALIFIED_ONE.search(text)
    last = topic.subjects[-1] if topic.subjects else None
    if qualified and last and last[0] == "class":
        head = label_of(last, lexicon).split()[-1]
        members = [m for m in lexicon.mentions(f"{qualified.group(1)} {head}") if m.kind == "drug"]
        return ("drug", members[0].id) if members else None
    if len(topic.subjects) < 2:
        return None
    if _FIRST.search(text):
        return topic.subjects[-2]
    if _LATTER.search(text):
        return topic.subjects[-1]
    return None


def _continued(text: str, topic: Topic, bare: bool = False) -> Reading | None:
    """'so how much after 20u' after 'iron per unit prbc?': a short turn that carries on the last question
    (it opens with 'so', 'then', 'and after'; `bare`: it is only a question word), read with that question."""
    carries_on = bare or (_CONTINUATION.match(text) and len(words(text)) <= ELLIPTICAL_MAX_WORDS)
    if topic.question is None or not carries_on:
        return None
    query = f"{topic.question.rstrip(' ?.')}: {text}"
    return Reading(query=query, note=f"Read as: {query}", named=True)


def _trial_referred(text: str, topic: Topic, lexicon: Lexicon) -> tuple[str, str] | None:
    """'that trial' / 'the study' when the last subject is no trial: the first trial of the last subject's drug the
    last answer quoted, else the first it quoted."""
    last = topic.subjects[-1] if topic.subjects else None
    if not topic.answer_trials or not _TRIAL_REFERENCE.search(text) or (last and last[0] == "trial"):
        return None
    own = [t for t in topic.answer_trials if last and lexicon.trial(t).drug == drug_of(last, lexicon)]
    return ("trial", (own or list(topic.answer_trials))[0])


def trials_quoted(answer: str, lexicon: Lexicon) -> tuple[str, ...]:
    """The trials an answer names, in the order it names them."""
    return tuple(dict.fromkeys(m.id for m in lexicon.mentions(answer) if m.kind == "trial"))


def _is_elliptical(text: str) -> bool:
    """A short question ('what was the comparator', 'placebo arm?'), never a remark ('Great.')."""
    topic_words = [w for w in words(text) if w not in STOPWORDS]
    asks = "?" in text or bool(_QUESTION_LEAD.search(text))
    return asks and 0 < len(topic_words) and len(words(text)) <= ELLIPTICAL_MAX_WORDS


def _switched(text: str, named: list[Mention], topic: Topic, lexicon: Lexicon) -> Reading | None:
    """'what about imetelstat?': the last question, about the newly named subject instead."""
    if topic.question is None or not _SWITCH_LEAD.search(text):
        return None
    if all(_PRIOR_THERAPY.search(text[:m.start]) for m in named):  # "what about in pts who had HMA before": who
        return _continued(text, topic, bare=True)
    rest = text
    for mention in named:
        rest = rest.replace(mention.text, " ")
    extra = [w for w in words(_SWITCH_LEAD.sub(" ", rest)) if w not in STOPWORDS and w not in QUESTION_WORDS]
    previous = replaceable(topic.question, {m.kind for m in named}, lexicon)
    if len(extra) > SWITCH_MAX_EXTRA_WORDS or not previous:
        return None
    query = spans_replaced(topic.question, previous, " and ".join(m.text for m in named))
    query = re.sub(r"\s+([?.!])", r"\1", _DANGLING.sub("", query)).strip()  # "<drug> TI rate in ?": the trial removed
    asked_before = set(words(topic.question))
    added = [w for w in words(_SWITCH_LEAD.sub(" ", rest)) if w not in STOPWORDS and w not in asked_before]
    if added:  # "and placebo arm in <trial>?": what it adds is asked too
        query = f"{query.rstrip(' ?')} ({' '.join(added)})?"
    return Reading(query=query, note=f"Read as: {query}", named=True)
