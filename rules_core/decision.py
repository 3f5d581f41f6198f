"""The answer to "is this drug medically necessary?": the Decision model, JSON out.

``Decision`` is a pydantic model. Its parts (pathways, criteria, warnings) are
slotted stdlib dataclasses that pydantic validates, serialises and describes in
the JSON schema like models, but cost a fifth as much to build: one decision
holds ~20 of them and the rules core must make tens of thousands a second.
Treat them as read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

CriterionStatus = Literal["met", "not_met", "missing"]
PathwayStatus = Literal["eligible", "not_eligible", "incomplete"]
DecisionValue = Literal["meets_criteria", "does_not_meet", "insufficient_documentation"]


@dataclass(frozen=True, slots=True)
class Citation:
    """A verbatim excerpt of a shipped source document (whitespace collapsed)."""

    doc_id: str
    quote: str


@dataclass(frozen=True, slots=True)
class MissingFact:
    field: Annotated[str, Field(description="Patient field path, e.g. 'serum_epo' or 'therapies[0].weeks'.")]
    label: Annotated[str, Field(description="What to ask the pharmacist for, in plain words.")]

    def __str__(self) -> str:
        return f"{self.field} ({self.label})"


@dataclass(slots=True)
class CriterionResult:
    id: str
    kind: Annotated[
        Literal["clinical", "documentation"],
        Field(description="clinical: a condition on the patient; documentation: a fact the source requires on file."),
    ]
    statement: str
    status: CriterionStatus
    evidence: Annotated[str, Field(description="The patient facts behind the status, e.g. 'serum EPO 620 U/L > 500 U/L'.")]
    citation: Citation
    supporting_citations: tuple[Citation, ...]
    note: Annotated[str | None, Field(description="Where the ruleset interprets or fixes a threshold.")]
    missing_facts: Annotated[
        tuple[MissingFact, ...], Field(description="When status is missing: the facts that would settle it.")
    ]


@dataclass(slots=True)
class PathwayResult:
    id: str
    title: str
    status: PathwayStatus
    criteria: list[CriterionResult]


@dataclass(slots=True)
class WarningItem:
    id: str
    text: str
    citation: Annotated[Citation, Field(description="The primary source of the warning (first of `citations`).")]
    citations: tuple[Citation, ...]


class RulesetInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: str
    fingerprint: str = Field(description="sha256 (first 16 hex) of every rule id, statement, note and quote.")
    sources: list[str]


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    drug: str = Field(description="Canonical generic name.")
    decision: DecisionValue
    pathway: str | None = Field(description="The first eligible pathway; null when none is eligible.")
    summary: str
    pathways: list[PathwayResult]
    missing_documentation: list[str] = Field(
        description="'field (label)' for each fact that could change the decision; empty unless insufficient_documentation."
    )
    missing_facts: list[MissingFact]
    warnings: list[WarningItem]
    ruleset: RulesetInfo
