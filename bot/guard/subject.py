"""What a question is about (drugs, trials, conditions, populations) and what the corpus covers.

Coverage is read from the corpus as it stands: a drug is covered when a passage names it, an
`outside_sources` entry of the lexicon when a passage matches its names. Nothing here lists drugs.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from bot.guard.models import GuardContext
from corpus.lexicon import Lexicon


class Coverage(BaseModel):
    """The drugs, classes and `outside_sources` entries some corpus passage names."""

    model_config = ConfigDict(frozen=True)

    drugs: frozenset[str]
    classes: frozenset[str]
    outside: frozenset[str]

    @classmethod
    def of(cls, texts: Iterable[str], lexicon: Lexicon) -> Coverage:
        texts = list(texts)
        mentions = [m for text in texts for m in lexicon.mentions(text)]
        outside = {e.id for text in texts for e in lexicon.outside_named(text)}
        return cls(drugs=frozenset(m.id for m in mentions if m.kind == "drug"),
                   classes=frozenset(m.id for m in mentions if m.kind == "class"), outside=frozenset(outside))


class Subject(BaseModel):
    """What a question asks about, this turn or (for 'it', 'that one') the turns before."""

    model_config = ConfigDict(frozen=True)

    drugs: frozenset[str] = Field(default=frozenset(), description="Drug ids asked about (a class: its members; a trial: its drug).")
    uncovered: tuple[str, ...] = Field(default=(), description="Labels of what it names that no passage covers.")
    populations: tuple[str, ...] = Field(default=(), description="Labels of uncovered conditions / populations / risk groups.")
    not_for_rules: tuple[str, ...] = Field(
        default=(), description="Labels of uncovered conditions and populations: patients the rules core's criteria are not for."
    )


def subject_of(question: str, context: GuardContext, lexicon: Lexicon, coverage: Coverage) -> Subject:
    """The drugs a question asks about and what it names that the corpus does not cover."""
    mentions = lexicon.mentions(question)
    # Every drug the question names, even where it could read as a state ("a dose of darbepoetin").
    drugs = {d for m in mentions for d in lexicon.mention_drugs(m)}
    drugs |= {lexicon.trial(m.id).drug for m in mentions if m.kind == "trial"}
    outside = lexicon.outside_named(question)
    uncovered_drugs = [m.id for m in mentions if m.kind == "drug" and m.id not in coverage.drugs]
    if not drugs and not outside and context.subject_drug:
        drugs = {context.subject_drug}
        uncovered_drugs = [context.subject_drug] if context.subject_drug not in coverage.drugs else []
    # the conversation's population: a turn naming none is about it; "what about <drug>?" asks it of it too
    for known in (*context.subject_outside, *context.patient_outside):
        if all(e.id != known for e in outside):
            outside.append(lexicon.outside(known))
    uncovered = [e for e in outside if e.id not in coverage.outside]
    labels = [lexicon.label(d) for d in dict.fromkeys(uncovered_drugs)] + [e.label for e in uncovered]
    return Subject(drugs=frozenset(drugs), uncovered=tuple(labels),
                   populations=tuple(e.label for e in uncovered if e.population),
                   not_for_rules=tuple(e.label for e in uncovered if e.kind in ("condition", "population")))
