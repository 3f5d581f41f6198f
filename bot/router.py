"""Which path a user turn takes, decided by explicit rules (so every routing can be explained).

- eligibility: a supported drug plus eligibility words or patient facts, or patient
  facts / a drug switch while an eligibility check is in progress -> rules core
- question: anything about the sources -> retrieval
- smalltalk: greetings, thanks, questions about the bot -> a short refusal
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.facts import ExtractedFacts, extract_facts, is_eligibility_question, mentions_a_patient

Intent = Literal["eligibility", "question", "smalltalk"]

_SMALLTALK = re.compile(
    r"^\s*(?:(?:hi|hello|hey)(?: there)?|yo|good (?:morning|afternoon|evening)|thanks?(?: you)?|thank you|ok(?:ay)?|bye|goodbye|"
    r"who are you|what are you|what can you do|how are you(?: doing)?|tell me a joke|what(?:'s| is) your name)\b[\s!.?]*$",
    re.IGNORECASE,
)
_SWITCH = re.compile(r"\b(?:what|how) about\b|\band\b.*\?|\binstead\b|\balso\b|\bwhat if\b", re.IGNORECASE)
_SOURCE_QUESTION = re.compile(
    r"\b(?:what|why|how|when|which|who|describe|explain|summari[sz]e|tell me)\b.*\b(?:trial|study|data|results?|rates?|"
    r"dose|dosing|mechanism|work|show|showed|report|evidence|side effects?|safety|toxicity|approved|approval)\b",
    re.IGNORECASE,
)


def is_about_a_patient(text: str, extracted: ExtractedFacts) -> bool:
    """A patient is named, or at least two patient facts besides the therapy history are given.

    "What documentation is required for luspatercept?" or "What was the 1-year TI
    rate with imetelstat?" use eligibility words but ask about the sources.
    """
    if mentions_a_patient(text):
        return True
    # A history alone ("after prior luspatercept", "ESA-naive") describes a population, not a patient.
    return len([f for f in extracted.facts if f != "therapies"]) >= 2


@dataclass(frozen=True)
class Routing:
    intent: Intent
    reason: str
    extracted: ExtractedFacts


def route(text: str, checking_eligibility: bool) -> Routing:
    """Classify one turn; `checking_eligibility` is true while the conversation has an eligibility check open."""
    extracted = extract_facts(text)
    if _SMALLTALK.match(text):
        return Routing("smalltalk", "greeting or question about the bot", extracted)
    if is_eligibility_question(text) and is_about_a_patient(text, extracted):
        return Routing("eligibility", "a supported drug with eligibility words, about a patient", extracted)
    if checking_eligibility and not _SOURCE_QUESTION.search(text):
        if extracted.facts:
            return Routing("eligibility", "patient facts added to the open eligibility check", extracted)
        if extracted.drug and _SWITCH.search(text):
            return Routing("eligibility", f"the same patient checked for {extracted.drug}", extracted)
    return Routing("question", "a question about the source documents", extracted)
