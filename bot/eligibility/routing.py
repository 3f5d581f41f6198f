"""Which path a user turn takes, decided by explicit rules (so every routing can be explained).

- eligibility: a supported drug plus eligibility words or patient facts, or patient
  facts / a drug switch while an eligibility check is in progress -> rules core
- question: anything about the sources -> retrieval
- smalltalk: greetings, thanks, questions about the bot -> a short refusal

``mentions_a_patient`` is the one "is this about a patient?" rule: the router and the
guard both use it.
"""

from __future__ import annotations

import re

from bot.eligibility.models import ExtractedFacts, Routing
from bot.eligibility.reader import extract_facts
from bot.settings import FactReading
from corpus.lexicon import load_lexicon
from corpus.lexicon_entries import OutsideEntry

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
# Words that make a message about one patient rather than about the literature.
_PATIENT_REFERENCE = re.compile(
    r"\b(?:my|our|this|that|the)\s+(?:[\w-]+\s+){0,3}?(?:patient|pt|client|man|woman|gentleman|lady)\b"
    r"|\ba patient (?:with|who|whose|on|after)\b|\bpatient\s+(?:has|had|is|was|with|who)\b"
    r"|\b(?:she|he|her|him|his)\b|\b\d{1,3}\s*[- ]?(?:years?[- ]old|yo\b|y/o)|\bpt\b"  # not "1-year TI"
    # a pasted note ("Patient note: 70M ...", "case: 68 F"): an adult age and sex, upper-case (not "6m", months)
    r"|\b(?:patient|pt)\s+(?:note|summary|case|profile)\b|\b(?:1[89]|[2-9]\d)\s?(?-i:[MF])\b",
    re.IGNORECASE,
)
# A question about the literature (a trial named counts too: see _names_a_trial).
_GENERAL_QUESTION = re.compile(
    r"\bwhat\s+(?:is|are|was|were|did|does|do)\b|\bhow\s+(?:does|do|many|much|often|long|is|was)\b|"
    r"\bdos(?:e|es|ing|age)\b|response\s+rates?|side[- ]effects?|adverse|mechanism|"
    r"\btrials?\b|\bstud(?:y|ies)\b|\befficacy\b",
    re.IGNORECASE,
)
_ASKS_A_THRESHOLD = re.compile(
    r"\b(?:what|which)\s+(?:[\w-]+\s+){0,2}(?:makes?|qualif(?:y|ies)|counts?\s+as|defines?|level|cut-?off|threshold|"
    r"value|criteria|requirements?)\b", re.IGNORECASE)
_DOSE_WORD = re.compile(r"\bdos(?:e|es|ing|age)\b|\bposology\b", re.IGNORECASE)
_SMALLTALK = re.compile(
    r"^\s*(?:(?:hi|hello|hey)(?: there)?|yo|good (?:morning|afternoon|evening)|thanks?(?: you)?|thank you|ok(?:ay)?|"
    r"bye|goodbye|who are you|what are you|what can you do|how are you(?: doing)?|tell me a joke|"
    r"what(?:'s| is) your name)\b[\s!.?]*$",
    re.IGNORECASE,
)
_SWITCH = re.compile(r"\b(?:what|how) about\b|\band\b.*\?|\binstead\b|\balso\b|\bwhat if\b", re.IGNORECASE)
_SOURCE_QUESTION = re.compile(
    r"\b(?:what|why|how|when|which|who|describe|explain|summari[sz]e|tell me)\b.*\b(?:trial|study|data|results?|"
    r"rates?|dose|dosing|mechanism|work|show|showed|report|evidence|side effects?|safety|toxicity|approved|"
    r"approval)\b",
    re.IGNORECASE,
)


def mentions_a_patient(text: str) -> bool:
    """'my patient', 'she', 'a 72-year-old'...: the text is about one patient (router, guard)."""
    return bool(_PATIENT_REFERENCE.search(text))


def _names_a_trial(text: str) -> bool:
    return any(mention.kind == "trial" for mention in load_lexicon().mentions(text))


# "<trial>-eligible", "eligible for <trial>", "enrolled in <trial>": a trial's entry criteria, not medical necessity.
_TRIAL_ENTRY_BEFORE = re.compile(r"(?:eligib\w*|qualif\w*|enrol+(?:ed|ment)?|included|entered)\s+(?:for|in|into|to)\s+(?:the\s+)?$",
                                 re.IGNORECASE)
_TRIAL_ENTRY_AFTER = re.compile(r"^[- ](?:eligib\w*|criteria|entry|inclusion|like)", re.IGNORECASE)


def asks_about_trial_entry(text: str) -> bool:
    """The eligibility words are about a trial the text names ('would they have been <trial>-eligible?')."""
    for mention in load_lexicon().mentions(text):
        if mention.kind != "trial":
            continue
        if _TRIAL_ENTRY_BEFORE.search(text[max(0, mention.start - 30):mention.start]) or \
                _TRIAL_ENTRY_AFTER.match(text[mention.end:mention.end + 20]):
            return True
    return False


def _asks_about_eligibility(text: str, extracted: ExtractedFacts) -> bool:
    """Needs a drug asked about plus either eligibility wording or patient facts; a general
    question about a drug ("what did the trial show?", "the dose?") is not one, unless it
    clearly talks about a patient."""
    if not extracted.drugs or asks_about_trial_entry(text):
        return False
    if _ASKS_A_THRESHOLD.search(text) and not extracted.facts:
        return False  # "what sEPO makes a pt ESA-ineligible?": the sources' threshold, no patient to check
    if _STRONG_ELIGIBILITY_CUE.search(text):
        return True
    if _DOSE_WORD.search(text) and not set(extracted.facts) - {"age_years"}:
        return False  # "<drug> dose for a 90 year old?": the sources' dose; an age alone is no patient to check
    about_patient = mentions_a_patient(text)
    has_patient_facts = bool(extracted.facts)
    if _WEAK_ELIGIBILITY_CUE.search(text) and (about_patient or has_patient_facts):
        return True
    if has_patient_facts:
        return about_patient or not (_GENERAL_QUESTION.search(text) or _names_a_trial(text))
    return False


def is_eligibility_question(text: str, reading: FactReading | None = None) -> bool:
    """True when the message asks whether this patient can get a supported drug."""
    return _asks_about_eligibility(text, extract_facts(text, reading))


def is_about_a_patient(text: str, extracted: ExtractedFacts) -> bool:
    """A patient is named, or at least two patient facts besides the therapy history are given.

    "What documentation is required for <drug>?" or "What was the 1-year TI rate?" use
    eligibility words but ask about the sources.
    """
    if mentions_a_patient(text):
        return True
    # A history alone ("after a prior ESA", "ESA-naive") describes a population, not a patient.
    return len([f for f in extracted.facts if f != "therapies"]) >= 2


def outside_rules_core(text: str, extracted: ExtractedFacts | None = None) -> list[OutsideEntry]:
    """Conditions and populations the text names, or the patient's stated age puts them in, that the rules
    core's criteria (lower-risk MDS, adults) are not for (lexicon `outside_sources`: CMML, beta thalassemia,
    children...). A named risk group is left to the rules core only when it read the patient's risk category."""
    lexicon = load_lexicon()
    facts = extracted.facts if extracted else {}
    risk_read = bool({"ipss_r", "ipss"} & facts.keys())
    named = [e for e in lexicon.outside_named(text) if e.kind in ("condition", "population") or (e.kind == "risk" and not risk_read)]
    age = facts.get("age_years")
    by_age = lexicon.outside_by_age(age) if isinstance(age, int) else []
    return named + [e for e in by_age if e not in named]


def _continues_with_a_patient(text: str, extracted: ExtractedFacts, topic_drug: str | None) -> bool:
    """'My pt: IPSS-R low, RS 20% ... does she qualify?' after a question about a drug with rules, naming no
    drug asked: this patient, checked for that drug."""
    known = load_lexicon().drugs_by_id.get(topic_drug) if topic_drug else None  # a drug an added document taught has no rules
    if known is None or extracted.drugs or not known.rules:
        return False
    facts = [f for f in extracted.facts if f != "therapies"]
    return is_about_a_patient(text, extracted) and (len(facts) >= 2 or bool(_STRONG_ELIGIBILITY_CUE.search(text)))


def route(text: str, checking_eligibility: bool, reading: FactReading | None = None,
          topic_drug: str | None = None) -> Routing:
    """Classify one turn; `checking_eligibility` is true while the conversation has an eligibility check open;
    `topic_drug` is the drug the conversation was about (a patient described next is checked for it)."""
    extracted = extract_facts(text, reading)
    if _SMALLTALK.match(text):
        return Routing(intent="smalltalk", reason="greeting or question about the bot", extracted=extracted)
    outside = outside_rules_core(text, extracted)
    if outside:  # never checked as if it were lower-risk MDS: the question path says what the sources cover
        reason = f"names {', '.join(e.label for e in outside)}: not a lower-risk MDS patient for the rules core"
        return Routing(intent="question", reason=reason, extracted=extracted, outside=tuple(e.id for e in outside))
    if _asks_about_eligibility(text, extracted) and is_about_a_patient(text, extracted):
        reason = "a supported drug with eligibility words, about a patient"
        return Routing(intent="eligibility", reason=reason, extracted=extracted)
    if not checking_eligibility and _continues_with_a_patient(text, extracted, topic_drug):
        reason = f"a patient described after a question about {topic_drug}: checked for it"
        return Routing(intent="eligibility", reason=reason, extracted=extracted, subject_drug=topic_drug)
    if checking_eligibility and not _SOURCE_QUESTION.search(text):
        if extracted.facts:
            reason = "patient facts added to the open eligibility check"
            return Routing(intent="eligibility", reason=reason, extracted=extracted)
        if extracted.drug and _SWITCH.search(text):
            reason = f"the same patient checked for {extracted.drug}"
            return Routing(intent="eligibility", reason=reason, extracted=extracted)
    return Routing(intent="question", reason="a question about the source documents", extracted=extracted)
