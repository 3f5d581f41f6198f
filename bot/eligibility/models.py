"""What the eligibility flow hands to the conversation: facts read from one message, and its route."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Intent = Literal["eligibility", "question", "smalltalk"]


class ExtractedFacts(BaseModel):
    drug: str | None = Field(default=None, description="Canonical generic name of the drug asked about.")
    drugs: list[str] = Field(default_factory=list, description="All supported drugs asked about, in order.")
    facts: dict[str, Any] = Field(default_factory=dict, description="Fields found, valid for rules_core.PatientFacts.")
    notes: list[str] = Field(default_factory=list, description="Conversions and assumptions to show the user.")
    spans: dict[str, str] = Field(default_factory=dict, description="Field -> text fragment it came from.")


class Routing(BaseModel):
    """Which path one user turn takes, and why (every routing can be explained)."""

    model_config = ConfigDict(frozen=True)

    intent: Intent
    reason: str
    extracted: ExtractedFacts
