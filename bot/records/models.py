"""Typed shapes of a stored decision and of a recheck."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Surface = Literal["cli", "batch", "app_form", "chat", "api"]
SQLITE_FILE = "decisions.sqlite3"  # the embedded store, in the data dir


class RecordsError(RuntimeError):
    """The decision store cannot be reached or read: one line for the user."""
RequestType = Literal["initial", "renewal"]


class DecisionRecord(BaseModel):
    """One decision as it was made: enough to show it again and to decide it again."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Decision id, shown on every output that carries the decision.")
    recorded_at: datetime = Field(description="When the decision was made (UTC).")
    surface: Surface = Field(description="Where it was made: cli, batch, app_form, chat or api.")
    drug: str = Field(description="Canonical generic name of the drug requested.")
    request_type: RequestType = Field(description="initial, or renewal (the drug is an ongoing therapy).")
    decision: str = Field(description="meets_criteria, does_not_meet or insufficient_documentation.")
    pathway: str | None = Field(description="The eligible pathway, if any.")
    summary: str = Field(description="The decision in one sentence, as shown at the time.")
    patient: dict[str, Any] = Field(description="The patient facts the decision used (rules_core.PatientFacts as JSON).")
    warnings: list[dict[str, Any]] = Field(description="Warnings shown with the decision, each with its sources.")
    conflicts: list[dict[str, Any]] = Field(
        default_factory=list, description="Source disagreements the decision carried, if any."
    )
    ruleset_id: str = Field(description="Id of the ruleset that decided.")
    ruleset_version: str = Field(description="Its version.")
    ruleset_fingerprint: str = Field(description="sha256 prefix of the ruleset data and site policy used.")
    policy: dict[str, Any] = Field(description="The site-policy values applied (thresholds the sources do not state).")
    corpus_hash: str = Field(description="sha256 prefix of the manifest and source files the ruleset cites.")
    decision_json: dict[str, Any] = Field(description="The whole rules_core Decision, to show the record again.")
    reviewer: str | None = Field(default=None, description="Who reviewed the request (optional).")
    prescriber: str | None = Field(default=None, description="The prescriber (optional).")
    patient_ref: str | None = Field(default=None, description="The site's patient reference (optional; no PHI needed).")


class RecordFilter(BaseModel):
    """Which records to list or recheck; every field optional."""

    drug: str | None = Field(default=None, description="Canonical generic name.")
    decision: str | None = Field(default=None, description="meets_criteria, does_not_meet or insufficient_documentation.")
    since: datetime | None = Field(default=None, description="Only records made at or after this time (UTC).")
    until: datetime | None = Field(default=None, description="Only records made before this time (UTC).")
    text: str | None = Field(
        default=None, description="Words found (any case) in the patient reference, prescriber, reviewer or id."
    )
    limit: int | None = Field(default=None, ge=1, description="At most this many, newest first.")


class RecheckChange(BaseModel):
    """A stored decision that today's rules decide differently."""

    id: str = Field(description="Decision id of the stored record.")
    drug: str
    recorded_at: datetime
    old_decision: str
    new_decision: str
    old_pathway: str | None
    new_pathway: str | None
    old_fingerprint: str = Field(description="Ruleset fingerprint the record was decided under.")
    new_fingerprint: str = Field(description="Ruleset fingerprint of today's rules and policy.")


def new_record(decision: Any, patient: Any, surface: Surface, corpus_hash: str, **people: str | None) -> DecisionRecord:
    """A record of a rules_core Decision made for this PatientFacts (people: reviewer, prescriber, patient_ref)."""
    now = datetime.now(timezone.utc)
    return DecisionRecord(
        id=f"{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}",
        recorded_at=now,
        surface=surface,
        drug=decision.drug,
        request_type=_request_type(decision.drug, patient),
        decision=decision.decision,
        pathway=decision.pathway,
        summary=decision.summary,
        patient=patient.model_dump(mode="json", exclude_none=True),
        warnings=[_plain(w) for w in decision.warnings],
        conflicts=[_plain(c) for c in getattr(decision, "conflicts", []) or []],
        ruleset_id=decision.ruleset.id,
        ruleset_version=decision.ruleset.version,
        ruleset_fingerprint=decision.ruleset.fingerprint,
        policy=decision.policy.model_dump(mode="json"),
        corpus_hash=corpus_hash,
        decision_json=decision.model_dump(mode="json"),
        **{k: v for k, v in people.items() if v},
    )


def _request_type(drug: str, patient: Any) -> str:
    """A renewal when the patient's history has the requested drug as an ongoing therapy."""
    return "renewal" if any(t.agent == drug and getattr(t, "ongoing", False) for t in patient.therapies or ()) else "initial"


def _plain(item: Any) -> dict[str, Any]:
    from pydantic import TypeAdapter

    return TypeAdapter(type(item)).dump_python(item, mode="json")
