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

from rules_core.policy import SitePolicy

CriterionStatus = Literal["met", "not_met", "missing"]
PathwayStatus = Literal["eligible", "not_eligible", "incomplete", "not_applicable"]
# initial: a first request for the drug; renewal: the patient is on it now (an ongoing therapies[] entry).
Request = Literal["initial", "renewal"]
DecisionValue = Literal["meets_criteria", "does_not_meet", "insufficient_documentation"]
CriterionKind = Literal["clinical", "documentation"]
# Where a criterion's threshold comes from: the cited quote, or a site-policy value the sources do not state.
Basis = Literal["source", "site_policy"]
LineOfTherapy = Literal["first_line", "second_line", "later_line", "any"]
# What a warning is about, so consumers can recognise one without parsing its id or text.
WarningKind = Literal[
    "sources_disagree",  # the sources take opposite positions (shown with both citations)
    "prior_use",  # the drug itself is already in the therapy history
    "prior_exposure",  # another agent in the history that the pivotal trial excluded
    "history_undocumented",  # a warning that depends on a therapy history that is absent
    "safety",  # toxicity to monitor
    "response_less_likely",  # a patient feature that lowers the expected response
    "alternative_preferred",  # the sources prefer another drug for this patient
    "limited_evidence",  # small cohorts or early data
    "reassessment",  # a renewal inside the response-assessment window: when to reassess
    "alternatives",  # the drug failed: the alternatives the sources name
]


@dataclass(frozen=True, slots=True)
class SourceQuote:
    """A verbatim excerpt of a shipped source document (whitespace collapsed)."""

    doc_id: Annotated[str, Field(description="Id of the shipped source document (file name without .txt).")]
    quote: Annotated[str, Field(description="Exact words of the document, whitespace collapsed.")]


@dataclass(frozen=True, slots=True)
class MissingFact:
    field: Annotated[str, Field(description="Patient field path, e.g. 'serum_epo' or 'therapies[0].weeks'.")]
    label: Annotated[str, Field(description="What to ask the pharmacist for, in plain words.")]

    def __str__(self) -> str:
        return f"{self.field} ({self.label})"


@dataclass(slots=True)
class CriterionResult:
    id: Annotated[str, Field(description="Criterion id, 'drug.pathway.criterion'.")]
    kind: Annotated[
        CriterionKind,
        Field(description="clinical: a condition on the patient; documentation: a fact the source requires on file."),
    ]
    statement: Annotated[str, Field(description="The criterion in plain words, with the threshold applied.")]
    status: Annotated[CriterionStatus, Field(description="met, not_met, or missing (not documented).")]
    evidence: Annotated[str, Field(description="The patient facts behind the status, e.g. 'serum EPO 620 U/L > 500 U/L'.")]
    citation: Annotated[SourceQuote, Field(description="The source quote the criterion rests on.")]
    supporting_citations: Annotated[tuple[SourceQuote, ...], Field(description="Further quotes behind the criterion.")]
    note: Annotated[str | None, Field(description="Where the ruleset interprets or fixes a threshold.")]
    missing_facts: Annotated[
        tuple[MissingFact, ...], Field(description="When status is missing: the facts that would settle it.")
    ]
    basis: Annotated[
        Basis,
        Field(description="source: the thresholds are in the cited quote; site_policy: it applies a site-policy "
              "value (see policy_keys and Decision.policy) that the sources do not state."),
    ]
    policy_keys: Annotated[
        tuple[str, ...], Field(description="Names of the Decision.policy values this criterion applies.")
    ]


@dataclass(slots=True)
class PathwayResult:
    id: Annotated[str, Field(description="Pathway id, 'drug.pathway'.")]
    title: Annotated[str, Field(description="The pathway in plain words, with its sources.")]
    status: Annotated[
        PathwayStatus, Field(description="eligible: all criteria met; not_eligible: one not met; else incomplete.")
    ]
    criteria: Annotated[list[CriterionResult], Field(description="Every criterion of the pathway, in order.")]
    line_of_therapy: Annotated[
        LineOfTherapy,
        Field(description="The line of therapy the pathway is for: first_line, second_line, later_line or any."),
    ]
    request: Annotated[
        Request,
        Field(description="initial: applies to a first request; renewal: to a continuation (the drug is ongoing). "
              "A pathway for the other kind of request is not_applicable, with no criteria."),
    ] = "initial"
    name: Annotated[
        str, Field(description="The pathway in plain words for readers, e.g. 'second line after ESA failure or "
                   "ineligibility' (ruleset `name`).")
    ] = ""


@dataclass(slots=True)
class WarningItem:
    id: Annotated[str, Field(description="Warning id, 'drug.warning'.")]
    text: Annotated[str, Field(description="The warning in plain words, with the patient's values.")]
    citation: Annotated[SourceQuote, Field(description="The primary source of the warning (first of `citations`).")]
    citations: Annotated[tuple[SourceQuote, ...], Field(description="Every source quote behind the warning.")]
    kind: Annotated[WarningKind, Field(description="What the warning is about, for consumers to recognise it.")]


@dataclass(frozen=True, slots=True)
class ConflictPosition:
    doc_id: Annotated[str, Field(description="Id of the source document taking this position.")]
    quote: Annotated[str, Field(description="Opening words of its verbatim sentence (corpus/conflicts.yaml).")]
    stance: Annotated[str, Field(description="The position in a few words, e.g. 'not indicated first-line'.")]


@dataclass(frozen=True, slots=True)
class ConflictNote:
    topic: Annotated[str, Field(description="What the sources disagree on (corpus/conflicts.yaml topic).")]
    positions: Annotated[tuple[ConflictPosition, ...], Field(description="Every source's position, verbatim.")]
    verdict: Annotated[str, Field(description="The verdict with both sides on one line, e.g. 'meets per … ; … says …'.")]


class RulesetInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Ruleset id.")
    version: str = Field(description="Ruleset version (bumped when a rule changes).")
    fingerprint: str = Field(
        description="sha256 (first 16 hex) of the ruleset data and the site policy: equal fingerprints, equal rules."
    )
    sources: list[str] = Field(description="Ids of the source documents the ruleset cites.")


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    drug: str = Field(description="Canonical generic name.")
    decision: DecisionValue = Field(description="meets_criteria, does_not_meet or insufficient_documentation.")
    pathway: str | None = Field(description="The first eligible pathway; null when none is eligible.")
    request: Request = Field(default="initial", description="initial, or renewal when therapies[] has an ongoing "
                             "entry for this drug (decided by its continuation pathway).")
    summary: str = Field(description="The decision in one sentence.")
    pathways: list[PathwayResult] = Field(description="Every pathway of the drug, in decision order.")
    missing_documentation: list[str] = Field(
        description="'field (label)' for each fact that could change the decision; empty unless insufficient_documentation."
    )
    missing_facts: list[MissingFact] = Field(description="The same facts as missing_documentation, as objects.")
    warnings: list[WarningItem] = Field(description="Warnings that apply to this patient, each cited.")
    conflicts: list[ConflictNote] = Field(
        default_factory=list,
        description="When the deciding pathway is one the sources disagree on: the topic and every position.")
    ruleset: RulesetInfo = Field(description="Which rules made the decision.")
    policy: SitePolicy = Field(description="The site-policy values the rules applied (thresholds the sources do not state).")
    decision_id: str | None = Field(
        default=None, description="Id of the stored decision record (mdsbot decisions show ID); null when not recorded."
    )
