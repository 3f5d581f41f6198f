"""What the eligibility flow hands to the conversation: facts read from one message, and its route."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Intent = Literal["eligibility", "question", "smalltalk"]


class Assumption(BaseModel):
    """A value the text did not state, only allowed: an unnamed class member, a bound for a value.

    The chat evaluates the verdict with ``assumed`` and with each of ``alternatives``: if it
    cannot change, the assumption stands (shown as a note); if it can, the user is asked.
    """

    field: str = Field(description="Patient-model field the assumption fills ('therapies' adds one course).")
    read: str = Field(description="The words it was read from, shown back to the user.")
    assumed: Any = Field(description="The value used if the assumption stands (a course entry for 'therapies').")
    alternatives: list[Any] = Field(description="Other values consistent with what was read.")
    question: str = Field(description="What to ask when the verdict depends on it.")
    note: str = Field(description="What to say when it stands.")


class ExtractedFacts(BaseModel):
    drug: str | None = Field(default=None, description="Canonical generic name of the drug asked about.")
    drugs: list[str] = Field(default_factory=list, description="All supported drugs asked about, in order.")
    facts: dict[str, Any] = Field(default_factory=dict, description="Fields found, valid for rules_core.PatientFacts.")
    notes: list[str] = Field(default_factory=list, description="Conversions and assumptions to show the user.")
    spans: dict[str, str] = Field(default_factory=dict, description="Field -> text fragment it came from.")
    assumptions: list[Assumption] = Field(
        default_factory=list, description="Values allowed but not stated: kept out of `facts` until settled."
    )
    unresolved: list[str] = Field(
        default_factory=list,
        description="Fields stated but not recorded (conflicting values, impossible values): the user is asked.",
    )

    def assumed_facts(self) -> dict[str, Any]:
        """The facts with every assumption at its assumed value (what the chat uses when none can matter)."""
        return with_values(self.facts, [(a.field, a.assumed) for a in self.assumptions])


def with_values(facts: dict[str, Any], values: list[tuple[str, Any]]) -> dict[str, Any]:
    """``facts`` plus these values; a 'therapies' value is one more course."""
    out = dict(facts)
    for field, value in values:
        if field == "therapies":
            out["therapies"] = [*out.get("therapies", []), value]
        else:
            out[field] = value
    return out


class Routing(BaseModel):
    """Which path one user turn takes, and why (every routing can be explained)."""

    model_config = ConfigDict(frozen=True)

    intent: Intent
    reason: str
    extracted: ExtractedFacts
    outside: tuple[str, ...] = Field(
        default=(), description="Ids of lexicon `outside_sources` entries that kept the turn from the rules core."
    )
    subject_drug: str | None = Field(
        default=None, description="The conversation's drug a patient check continues with when the turn names none."
    )
