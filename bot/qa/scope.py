"""Whether the sources can answer a question: decided from the retrieved evidence.

Words the sources never use do not refuse a question by themselves ("respectively",
"payer", a typed shorthand): the question is compared in meaning with itself less those
words, and only when they carry its meaning ("... in beta-thalassemia", "... cost") is it
out of scope. The refusal never repeats the user's words back.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from bot.settings import AnswerTuning

NOT_COVERED = "The source documents do not cover this question."
NO_TOPIC = "The question names no topic the source documents discuss."


class ScopeEvidence(BaseModel):
    """What retrieval found for one question, as the scope decision reads it."""

    model_config = ConfigDict(frozen=True)

    known_terms: int = Field(ge=0, description="Topic terms of the question the sources use.")
    unknown_words: int = Field(ge=0, description="Topic words (not numbers) the sources never use.")
    meaning_kept: float = Field(description="Cosine of the question with itself less the unknown words (1.0 if none).")
    coverage: float = Field(description="Share of known terms in the best sentence and its section (0..1).")
    context_coverage: float = Field(description="The same over the best sentence's whole passage (0..1).")
    aspect_coverage: float = Field(
        default=0.0, description="Share of known terms covered by the best sentence of each named drug or trial together."
    )
    top_dense: float = Field(description="Best cosine similarity of the question with a top-5 sentence.")
    on_entity: bool = Field(description="The best sentence is about a drug or trial the question names.")
    aspects: int = Field(default=0, ge=0, description="Drugs and trials the question names.")


# A capitalised word inside a sentence ("Is Onureg an option?"), not an acronym ("LFTs", "CBC").
_PROPER = re.compile(r"(?<![.?!:;]\s)(?<!^)\b([A-Z][a-z]{3,}[A-Za-z0-9-]*)\b")
# English word endings a coined brand name does not have ("Infusion", "Treatment").
_ENGLISH_ENDING = re.compile(r"(?:tion|sion|ment|ness|ity|ing|ed|ous|ive|al|ly|ence|ance|ism|ist|ers?|ies)$")
MIN_DRUG_NAME = 8  # "roxadustat"; shorter words with a drug ending are English ("accept", "concept")


def unnamed_names(corrected: str, unknown_terms: list[str], endings: tuple[str, ...],
                  common_words: frozenset[str] = frozenset(), known_words: frozenset[str] = frozenset()) -> list[str]:
    """Names in the question the sources never use: a capitalised word inside a sentence that is no common
    word nor a variant of a corpus word (a brand: "Onureg"), or a long word with a drug-name ending
    ("roxadustat"). The refusal names them."""
    unknown = {w for w in unknown_terms if w.isalpha() and w not in common_words}
    proper = [m.group(1) for m in _PROPER.finditer(corrected.strip())
              if m.group(1).lower() in unknown and not _ENGLISH_ENDING.search(m.group(1).lower())
              and not _variant_of_known(m.group(1).lower(), known_words)]
    stems = [w for w in unknown if len(w) >= MIN_DRUG_NAME and w.endswith(endings)]
    return list(dict.fromkeys([*proper, *sorted(stems)]))


def _variant_of_known(word: str, known_words: frozenset[str]) -> bool:
    """'Europe' beside the sources' 'European': a form of a word they use, not a new name."""
    head = word[:5]
    return len(word) >= 5 and any(k.startswith(head) for k in known_words)


def refusal_reason(evidence: ScopeEvidence, tuning: AnswerTuning) -> str | None:
    """None when the evidence answers the question; else the plain reason to refuse."""
    if evidence.known_terms == 0:
        return NO_TOPIC
    if evidence.meaning_kept < required_meaning(evidence, tuning):
        return NOT_COVERED
    # A question naming several drugs or trials is covered when their passages together cover it.
    if evidence.aspects >= 2 and evidence.aspect_coverage >= tuning.min_coverage:
        return None
    # A question about a named drug or trial the best sentence is about needs less word overlap:
    # false premises and loose wording ("why was <trial> stopped early?") still get the facts.
    threshold = tuning.min_entity_coverage if evidence.on_entity else tuning.min_coverage
    weak_meaning = evidence.top_dense < tuning.min_dense
    if evidence.context_coverage < threshold or (weak_meaning and evidence.coverage < 1.0):
        return NOT_COVERED
    return None


def required_meaning(evidence: ScopeEvidence, tuning: AnswerTuning) -> float:
    """The cosine the question must keep without its unknown words: more when those words are
    most of the question (then what is left may match anything)."""
    total = evidence.known_terms + evidence.unknown_words
    unknown_share = evidence.unknown_words / total if total else 0.0
    return tuning.min_meaning_kept + tuning.unknown_share_penalty * max(0.0, unknown_share - 0.5)


# A value given to a measurement: "ferritin low", "low ferritin", "ferritin 1800", "ferritin of 40 ng/mL".
_VALUE_WORDS = r"(?:very\s+)?(?:low|high|normal|elevated|raised|rising|climbing|increased|decreased|reduced|borderline)"
_BEFORE = r"(?:\d[\d.,]*|" + _VALUE_WORDS + r")\s+(?:serum\s+)?{0}"
_AFTER = r"{0}\s+(?:(?:level\s+)?(?:is|was|of|at|=|:)\s*|now\s+)?(?:~|<|>)?\s*(?:\d|" + _VALUE_WORDS + r"\b)"


def stated_values(text: str, measured: list[str]) -> set[str]:
    """The measured qualifiers the text gives a value for (a patient fact, not the question's topic)."""
    found = set()
    for word in measured:
        name = re.escape(word)
        if re.search(_BEFORE.format(name), text, re.IGNORECASE) or re.search(_AFTER.format(name), text, re.IGNORECASE):
            found.add(word)
    return found

