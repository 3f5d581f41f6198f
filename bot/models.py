"""Typed boundary of everything the bot says to a user (CLI JSON, app, eval)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rules_core.decision import Decision

Status = Literal["answered", "refused", "needs_information"]
Route = Literal["retrieval", "rules", "refusal"]


class Citation(BaseModel):
    """One numbered source of an answer: a passage of a document (shipped or added), spans into its stored text."""

    n: int = Field(description="Marker number as it appears in the answer: [n].")
    doc_id: str
    doc_title: str
    doc_date: str | None = Field(default=None, description="Date the document itself states, if any.")
    doc_kind: str | None = Field(default=None, description="What the document is: label, policy, guideline, review, article.")
    section: str
    passage_id: str
    text: str = Field(description="The passage, cleaned for display (OCR repaired).")
    start: int = Field(description="Start of the passage in the shipped file (character offset).")
    end: int = Field(description="End (exclusive) of the passage in the shipped file.")
    quote: str | None = Field(default=None, description="The cited sentence(s) within the passage, cleaned.")
    quote_start: int | None = Field(default=None, description="Start of the cited sentence in the shipped file.")
    quote_end: int | None = Field(default=None, description="End of the cited sentence in the shipped file.")


class Check(BaseModel):
    """One guard rail's outcome, as the user and `--json` see it."""

    name: str = Field(description="The rail (bot/guard/rails/<name>.py).")
    passed: bool = Field(description="True when the rail allowed the draft as it was.")
    detail: str = ""
    outcome: Literal["allow", "repair", "block"] | None = Field(
        default=None, description="What the rail did: allowed the draft, repaired it, or blocked it."
    )


class Conflict(BaseModel):
    """Two sources that disagree, both shown to the user."""

    topic: str
    positions: list[Citation]
    summary: str


class BotResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status
    route: Route
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    decision: Decision | None = Field(default=None, description="The rules core's Decision, when route is rules.")
    extracted_facts: dict[str, Any] | None = None
    missing_facts: list[str] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    blocked: bool = Field(default=False, description="The guard withheld the draft.")
    notes: list[str] = Field(default_factory=list, description="Unit conversions, interpretations shown to the user.")
