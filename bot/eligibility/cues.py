"""Words around a drug name that say what it is to the patient: asked for, taken before, or
never taken (negation), how a course ended (response), and how long it lasted (time).

Patterns only; therapies.py decides which drug each cue belongs to.
"""

from __future__ import annotations

import re
from functools import cache

from corpus.lexicon import load_lexicon
from corpus.text import NUMBER_WORD


@cache
def lexicon_cue(role: str) -> str:
    """The lexicon's `fact_cues` words for ``role`` as one regex alternation (a group, no anchors)."""
    return "(?:" + "|".join(load_lexicon().fact_cues[role]) + ")"

# Words that put the next drug in the question ("can she get", "eligible for").
ASKED = re.compile(
    r"\b(?:eligib\w*|qualif\w*|candidate|approv\w*|authori[sz]\w*|cover(?:ed|age)?|"
    r"(?<!before\s)(?<!since\s)start|(?<!before\s)(?<!since\s)starting|(?<!since\s)initiat\w*|"
    r"begin(?:ning)?|get|getting|receive|give|giving|prescrib\w*|try|switch(?:ing)?\s+(?:\w+\s+)?to|"
    r"mov(?:e|ing)\s+(?:\w+\s+)?to|escalat\w*\s+to|add|adding|consider(?:ing)?|recommend\w*|order(?:ing)?|for|"
    r"(?:put|start|begin|initiate|switch|move|change|go|be)\s+(?:\w+\s+){0,2}on|about|is|are|would|should|have)\b",
    re.IGNORECASE,
)
# Words that put the next drug in the history ("failed", "after", "on").
HISTORY = re.compile(
    r"\b(?:fail\w*|after|following|post|s/p|status\s+post|prior|previous(?:ly)?|history\s+of|hx\s+of|"
    r"received|receiving|was\s+on|been\s+on|on|treated\s+with|had|tried|took|taking|started|exposure\s+to|"
    r"exposed\s+to|refractory|resistant|intoleran\w*|lost|loss|relapsed?|progressed|responded|"
    r"weeks?|wks?|months?|course|despite|currently\s+on|"
    r"since\s+(?:start(?:ing|ed)?|beginning|initiat\w*)(?:\s+on)?)\b",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------- #
# Negation: a drug never taken, or no therapy at all
# --------------------------------------------------------------------------- #

NEGATED_BEFORE = re.compile(
    r"(?:\bnever\s+(?:had|received|got|gotten|been\s+(?:on|given|treated\s+with|exposed\s+to)|tried|taken|used|on|"
    r"exposed\s+to|started|given)"
    r"|\bden(?:ies|ied|ying)\s+(?:any\s+)?(?:prior\s+|previous\s+)?(?:use\s+of\s+|exposure\s+to\s+)?"
    r"|\b(?:has|have)(?:n't|\s+not)\s+(?:yet\s+)?(?:started|been\s+started\s+on|begun)"
    r"|\bnot\s+yet\s+(?:started|on|begun)(?:\s+on)?"
    r"|\bno\s+(?:prior\s+|previous\s+|history\s+of\s+|exposure\s+to\s+)?"
    r"|\bnot\s+(?:previously\s+)?(?:treated\s+with|received|been\s+on|on)"
    r"|\bhas(?:n't|\s+not)\s+(?:had|received|got|gotten|been\s+on|tried)"
    r"|\bwithout\s+(?:prior\s+|previous\s+|any\s+)?|\bna[iï]ve\s+to)\s*(?:an?\s+|any\s+)?$",
    re.IGNORECASE,
)
NEGATED_AFTER = re.compile(r"^[- ]?(?:na[iï]ve|untreated)\b", re.IGNORECASE)
NOTHING_BEFORE = re.compile(
    r"\b(?:no\s+(?:prior|previous)\s+(?:MDS[- ](?:directed\s+)?)?(?:therap(?:y|ies)|treatments?)"
    r"|(?:treatment|therapy)[- ]na[iï]ve|previously\s+untreated|not\s+previously\s+treated"
    r"|never\s+(?:been\s+)?treated|no\s+(?:MDS[- ]directed\s+)?(?:therapy|treatment)\s+(?:to\s+date|so\s+far|yet))\b",
    re.IGNORECASE,
)
# A class name right after these is the lab, not the therapy ("serum EPO", "s-EPO").
LAB_BEFORE = re.compile(r"\bserum\s*$|\bs-?$", re.IGNORECASE)
LAB_AFTER = re.compile(r"^\s*levels?\b", re.IGNORECASE)
LAB_LOOKBACK = 12  # characters searched for LAB_BEFORE

# --------------------------------------------------------------------------- #
# Response: how a prior course ended, most specific first (its index is its rank: lower wins)
# --------------------------------------------------------------------------- #

RESPONSES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (response, re.compile(pattern, re.IGNORECASE))
    for response, pattern in (
        ("intolerant", r"\bintol(?:eran(?:t|ce))?\b|\b(?:did|could)(?:n't|\s+not)\s+tolerate\b|\bnot\s+tolerated\b|"
                       r"\b(?:stopped|discontinued)\s+(?:due\s+to|because\s+of|for)\s+"
                       r"(?:side[- ]effects|toxicity|adverse)"),
        ("lost", r"\blost\s+(?:the\s+|her\s+|his\s+|their\s+)?(?:response|resp)\b|\bloss\s+of\s+(?:\w+\s+)?response\b|"
                 r"\brelapsed?\b|\bstopped\s+responding\b|\bno\s+longer\s+respon\w*|\bresponse\s+(?:was\s+)?lost\b"),
        ("none", r"\bfail(?:ed|ing|ure|s)?\b|\bNR\b|\bnone\s+(?:to|with)\b|"
                 r"\bdespite\b|\bno\s+(?:\w+\s+)?response\b|\bnon[- ]?respon\w*|\bunresponsive\b|"
                 r"\bnot\s+respon\w*|\bdid(?:n't|\s+not)\s+respond\b|\bnever\s+responded\b|\brefractory\b|"
                 r"\bresistant\b|\b(?:inadequate|insufficient|suboptimal|poor)\s+response\b|"
                 r"\bwithout\s+(?:a\s+|any\s+)?response\b|\b(?:neither|none)\s+(?:of\s+them\s+)?(?:worked|helped)\b|"
                 r"\bdid(?:n't|\s+not)\s+work\b|\bineffective\b|\bno\s+(?:Hb\s+|hemoglobin\s+|erythroid\s+)?improvement\b"),
        ("responding", r"\brespon(?:ding|sive|ded)\b|\bresponse\s+(?:ongoing|maintained)\b|\bgood\s+response\b|"
                       r"\bwith\s+(?:a\s+|good\s+|ongoing\s+)?response\b"),
    )
)
@cache
def neither_before() -> re.Pattern[str]:
    """ "Neither <drug> ...": the start of a negated list (the lexicon's `neither`)."""
    return re.compile(rf"(?<!\w){lexicon_cue('neither')}\s+(?:an?\s+|any\s+|the\s+)?$", re.IGNORECASE)


@cache
def outcome_verb() -> re.Pattern[str]:
    """ "... nor Y helped": the list names courses given, with their outcome (the lexicon's `outcome_verbs`)."""
    return re.compile(rf"(?<!\w){lexicon_cue('outcome_verbs')}(?!\w)", re.IGNORECASE)


# "Tolerating it well": not a response, but it denies intolerance of the same drug (therapies.py asks).
TOLERATING = "tolerating"


@cache
def responses() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """RESPONSES, then tolerating (the lexicon's `tolerating`), ranked last: any stated response outranks it."""
    return (*RESPONSES, (TOLERATING, re.compile(rf"(?<!\w){lexicon_cue('tolerating')}(?!\w)", re.IGNORECASE)))


# A response cue right after these is denied ("did not fail", "never lost response", "not intolerant").
NEGATED_CUE = re.compile(
    r"(?:\b(?:did|does|do|has|have|had|is|was|were|are)(?:n't|\s+not)|\bnever|\bnot|\bno\s+sign\s+of|\bwithout)"
    r"\s+(?:yet\s+|really\s+|actually\s+|been\s+)?$",
    re.IGNORECASE,
)
# A response cue in a condition or a plan is not an outcome ("add imetelstat if luspatercept fails",
# "switch in case the ESA fails", "should she fail len").
HYPOTHETICAL_CUE = re.compile(
    r"\b(?:if|unless|in\s+case|should|whether)\s+(?:\S+\s+){0,3}$",
    re.IGNORECASE,
)
# "Not ESA-naive", "no longer treatment-naive": exposed, the opposite of naive.
NOT_NAIVE_BEFORE = re.compile(r"\b(?:not|no\s+longer|isn't|wasn't)\s*$", re.IGNORECASE)
# Mentions joined by these share a role and a response ("never had len or HMA", "lenalidomide and
# azacitidine both failed", "luspatercept for 16 weeks and imetelstat for 24 weeks, both stopped").
JOINED = re.compile(
    r"^\s*(?:(?:for|x|×)?\s*\d+\s*(?:weeks?|wks?|months?|mos?|cycles?)\s*)?"
    r"(?:,|/|&|\band\b|\bor\b|\bnor\b|\bthen\b|\bplus\b|,\s*(?:and|or|nor|then)\b|\band\s+then(?:\s+to)?\b)\s*(?:to\s+)?$",
    re.IGNORECASE,
)

# After a drug name: words that make it a course given, not one asked about
# ("<HMA> 4 cycles", "luspatercept dose escalated", "imetelstat 7.5 mg/kg IV q4w, currently cycle 3").
HISTORY_AFTER = re.compile(
    r"^\s*(?:[\d.,]+\s*(?:mg/kg|mg|mcg|µg|ug|k?IU|U|units)(?:\s*/\s*(?:week|wk|kg))?\s*(?:IV|SC|SQ|PO)?\s*"
    r"(?:q\.?\s*\d+\s*\w+|weekly|daily)?\s*,?\s*)?"
    r"(?:(?:dose\s+)?(?:escalated|increased|reduced)|(?:was\s+)?(?:stopped|started|discontinued|begun)|"
    r"(?:x|×)\s*\d+|\d+\s*cycles?|currently\s+(?:on\s+)?cycle)\b",
    re.IGNORECASE,
)
# "started 8 weeks ago": how long a course has run.
WEEKS_AGO = re.compile(
    rf"^\s*(?:was\s+)?(?:started|begun|initiated)\s+(?P<num>\d+|{NUMBER_WORD})\s*(?P<period>weeks?|wks?|months?)\s+ago\b",
    re.IGNORECASE,
)
# Facts about someone else ("her husband had MDS with an SF3B1 mutation") are not the patient's.
OTHER_PERSON = re.compile(
    r"\b(?:her|his|their|the\s+patient's|patient's)\s+(?:husband|wife|partner|mother|father|sister|brother|son|"
    r"daughter|sibling|twin|relative|cousin|aunt|uncle)\b|\bfamily\s+history\b",
    re.IGNORECASE,
)
# A value after these in its clause is a goal or a cut-off, not the patient's ("transfusion threshold is
# Hb 8 g/dL", "target Hb above 10", "goal: transfusion independence").
TARGET_BEFORE = re.compile(r"\b(?:thresholds?|targets?(?:ed|ing)?|goals?|aim(?:ed|ing)?\s+(?:for|at)|"
                           r"trigger|cut-?offs?)\b", re.IGNORECASE)
# "Not on any ESA now": a current status, not a history without that drug.
NOW_AFTER = re.compile(r"^\s*(?:\w+\s+)?(?:now|currently|at\s+present|at\s+the\s+moment)\b", re.IGNORECASE)
# "epoetin beta": a different agent that shares a name stem; not read as the lexicon's drug.
OTHER_AGENT_AFTER = re.compile(r"^[- ]?(?:beta|theta|delta|omega)\b", re.IGNORECASE)

# What may sit between a cue and the drug it points forward to ("failed 8 weeks of ...").
FORWARD_FILLER = re.compile(
    r"^(?:[\s,(-]|\b(?:to|of|on|after|with|from|an?|the|her|his|their|prior|previous|initial|first[- ]line|"
    rf"therapy|treatment|course|trial|weeks?|wks?|wk|months?|mos?|\d+(?:\.\d+)?|{NUMBER_WORD}|full|adequate|"
    r"standard[- ]dose|high[- ]dose|dose|x|×)\b)*$",
    re.IGNORECASE,
)
# Drugs listed as two courses, not alternatives ("failed epo and darbe", but not "epo or darbe").
BOTH = re.compile(r"^\s*(?:,|&|\band\b|\bplus\b|\bthen\b|followed\s+by|,\s*(?:and|then)\b|\band\s+then\b)\s*$",
                  re.IGNORECASE)
# Drugs offered as alternatives for one course ("EPO or darbe"; "/" often means "i.e." in notes).
EITHER = re.compile(r"^\s*,?\s*\bor\b\s*$", re.IGNORECASE)
ONLY_SPACE_OR_HYPHEN = re.compile(r"[\s-]*")  # "ESA-refractory", "ESA failure"
# Drugs listed together share a role ("failed epoetin and darbepoetin", "luspatercept or imetelstat").
CONJUNCTION = re.compile(r"^\s*(?:,|/|&|\band\b|\bor\b|\bthen\b|\bplus\b|followed\s+by|,\s*(?:and|or|then)\b)\s*$",
                         re.IGNORECASE)

# --------------------------------------------------------------------------- #
# Time: how long a course lasted
# --------------------------------------------------------------------------- #

WEEKS_BEFORE = re.compile(
    rf"(?P<num>\d+|{NUMBER_WORD})[- ]?(?P<period>weeks?|wks?|wk|months?|mos?)(?:[- ]long)?\s+"
    r"(?:(?:adequate\s+|full\s+)?(?:trial|course)\s+)?(?:(?:of|on|with|into)\s+)?(?:therapy\s+with\s+|treatment\s+with\s+)?$",
    re.IGNORECASE,
)
WEEKS_AFTER = re.compile(
    r"^\s*\)?\s*(?:[\d,.]+\s*k?\s*(?:units|U|IU|mcg|µg|ug|mg/kg|mg)?\s*"
    r"(?:/\s*(?:wk|week|w|day|d)\b|weekly|daily|q\.?\s*\d+\s*(?:weeks?|wks?|w|days?|d)\b|q\s*\w+|"
    r"every\s+\w+\s+(?:weeks?|days?))?"
    r"(?=\s*(?:x|×|for|over|during)\b)\s*)?"
    r"(?:therapy|treatment)?\s*(?:\(\s*|(?:[a-z-]+\s+){0,3}?(?:for|over|during|after|lasted|lasting|at)\s+|x\s*|×\s*)?"
    rf"(?P<num>\d+|{NUMBER_WORD})\s*-?\s*(?P<period>weeks?|wks?|wk|w|months?|mos?)(?![\w])"
    r"(?!\s+(?:of|on)\b)",  # "... after 8 weeks of epoetin" describes the next drug
    re.IGNORECASE,
)
@cache
def week_now() -> re.Pattern[str]:
    """ "Luspatercept ..., now at week 15": a running course's week so far (the lexicon's `week_now`)."""
    return re.compile(rf"(?<!\w){lexicon_cue('week_now')}\s+(?P<num>\d+)(?P<period>)(?!\w)", re.IGNORECASE)


# A therapy's fragment shown back is cut at these.
FRAGMENT_BREAK = re.compile(r",\s|\s(?:and|but)\s", re.IGNORECASE)

# --------------------------------------------------------------------------- #
# Iron status: qualifies an ESA course (an ESA trial counts only with iron repletion)
# --------------------------------------------------------------------------- #

IRON_DEFICIENT = re.compile(
    r"\b(?:iron[- ]deficien(?:t|cy)|not\s+iron[- ]replete|(?:without|no)\s+iron\s+repletion|iron[- ]depleted|"
    r"inadequate\s+iron|low\s+iron|iron\s+stores?\s+(?:(?:are|were|is|was)\s+)?(?:low|depleted|inadequate))\b",
    re.IGNORECASE,
)
IRON_REPLETE = re.compile(
    r"\b(?:iron[- ]replete|iron[- ]repleted|iron\s+repletion|replete\s+iron|(?:adequate|sufficient|normal)\s+iron"
    r"(?:\s+stores?)?|iron[- ]sufficient|"
    r"iron\s+(?:stores?|studies|status)\s+(?:(?:are|were|is|was)\s+)?(?:adequate|replete|normal|sufficient)|"
    # "failed ESA x 12 wks w/ iron", "on IV iron": the course was given with iron support
    r"(?:with|w/|on|plus)\s*(?:iv\s+|oral\s+|adequate\s+)?iron(?:\s+(?:supplementation|support|repletion))?"
    r"(?!\s*(?:deficien|overload|chelat|stores?\s+(?:low|depleted))))\b",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------- #
# Time of a stated value: which of several values is current (timeline.py)
# --------------------------------------------------------------------------- #

CURRENT = re.compile(
    r"\b(?:now|today|currently|current|latest|most\s+recent(?:ly)?|recent|this\s+(?:week|morning|month|visit|year)|"
    r"repeat(?:ed)?|presently|at\s+present|nowadays)\b",
    re.IGNORECASE,
)
PAST = re.compile(
    r"\b(?:last\s+(?:year|spring|summer|autumn|fall|winter)|previous(?:ly)?|initial(?:ly)?|originally|"
    r"at\s+(?:diagnosis|baseline|presentation)|in\s+(?:19|20)\d\d|ago|was|were|used\s+to\s+be|formerly|"
    r"(?:before|prior\s+to)\s+(?:starting|start|treatment|therapy|an?\s+ESA|ESA))\b",
    re.IGNORECASE,
)
# "rose from 2 units ... to 6 units": the later value is the current one.
CHANGE_FROM_TO = re.compile(r"\b(?:rose|risen|fell|fallen|increased|decreased|dropped|went|changed|climbed)\s+from\b",
                            re.IGNORECASE)
