"""What the app does, without the UI: ask, check, check all drugs, write the report.

The gradio layer (``bot.webapp.ui``) wires these to widgets and to the named
API endpoints; errors are :class:`InputError` with the rules core's one-line
message naming the field, turned into ``gr.Error`` there.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.decision_report import RequestDetails
from bot.report_files import ReportFiles, write_options_report, write_report
from bot.models import BotResponse
from bot.webapp.lanes import Lanes, TurnTimeout
from bot.webapp.sessions import SessionStore, UnknownSession
from rules_core import (
    Decision,
    PatientFacts,
    RulesInputError,
    describe_error,
    evaluate,
    evaluate_options,
    normalise_drug,
)
from rules_core.inputs import parse_json


class ServiceError(RuntimeError):
    """The question was fine but could not be answered now (index unreadable, turn too slow); says why."""


def turn(lanes: Lanes | None, conversation: Any, text: str) -> BotResponse:
    """One chat turn on an engine lane (in this thread without lanes); a failure of the service,
    not of the input, is a ServiceError whose message says what is wrong."""
    from corpus.store import IndexUnavailable

    try:
        return lanes.send(conversation, text) if lanes else conversation.send(text)
    except (IndexUnavailable, TurnTimeout) as exc:
        raise ServiceError(str(exc)) from exc


class InputError(ValueError):
    """Bad input from a user or API caller; the message names the field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def parse_patient_json(text: str | None) -> dict[str, Any]:
    """JSON text → dict; a one-line InputError when it is not a JSON object."""
    if text is None or not str(text).strip():
        raise InputError("patient: no patient JSON given; paste or upload an object like {\"ipss_r\": \"low\"}", "patient")
    try:  # the rules core's strict reader: malformed JSON or a key given twice is a one-line error
        value = parse_json(str(text), "patient")
    except RulesInputError as exc:
        raise InputError(describe_error(exc), "patient") from exc
    if not isinstance(value, dict):
        raise InputError(f"patient: expected a JSON object of patient fields, got {type(value).__name__}", "patient")
    return value


def validated_patient(patient: dict[str, Any]) -> PatientFacts:
    try:
        return PatientFacts.model_validate(patient)
    except (ValidationError, RulesInputError) as exc:
        raise InputError(describe_error(exc), _first_field(exc)) from exc


def canonical_drug(drug: str | None) -> str:
    if drug is None or not str(drug).strip():
        raise InputError("drug: required; choose or type a drug (generic or brand name)", "drug")
    try:
        return normalise_drug(str(drug))
    except RulesInputError as exc:
        raise InputError(describe_error(exc), "drug") from exc


def check(drug: str | None, patient: dict[str, Any]) -> tuple[Decision, PatientFacts]:
    generic = canonical_drug(drug)
    facts = validated_patient(patient)
    return evaluate(generic, facts), facts


def record(recorder: Any, decision: Decision, facts: PatientFacts, surface: str,
           people: dict[str, str | None] | None = None) -> Decision:
    """Store the decision (unless recording is off); it comes back with its decision_id. A store that
    cannot be written is a ServiceError saying so and how to decide without storing."""
    from bot.records import RecordsError

    try:
        return recorder.stamp(decision, facts, surface, **(people or {}))
    except RecordsError as exc:
        raise ServiceError(f"{exc} (set MDSBOT_RECORD_DECISIONS=false to decide without storing)") from exc


def check_all(patient: dict[str, Any]) -> tuple[list[Decision], PatientFacts]:
    facts = validated_patient(patient)
    return evaluate_options(facts), facts


def _first_field(exc: BaseException) -> str | None:
    if isinstance(exc, ValidationError):
        errors = exc.errors()
        if errors and errors[0]["loc"]:
            return str(errors[0]["loc"][0])
    return getattr(exc, "field", None)


@dataclass
class Reports:
    """Report files of one app instance, each in its own folder under a private temp dir."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="mdsbot-reports-")))

    def write(self, decision: Decision, facts: PatientFacts, requested_drug: str | None = None,
              details: RequestDetails | None = None) -> ReportFiles:
        folder = Path(tempfile.mkdtemp(dir=self.root))
        return write_report(
            decision, facts, folder, requested_drug=requested_drug, generated_at=datetime.now(timezone.utc),
            details=details,
        )

    def write_options(self, decisions: list[Decision], facts: PatientFacts,
                      details: RequestDetails | None = None) -> ReportFiles:
        """The "check all drugs" report."""
        folder = Path(tempfile.mkdtemp(dir=self.root))
        return write_options_report(decisions, facts, folder, generated_at=datetime.now(timezone.utc), details=details)


def ask(
    store: SessionStore, question: str | None, session_id: str | None = "", *, lanes: Lanes | None = None
) -> dict[str, Any]:
    """One turn of an API caller's conversation: the BotResponse as JSON plus its ``session_id``."""
    if question is None or not str(question).strip():
        raise InputError("question: required; ask a question about lower-risk MDS", "question")
    try:
        session_id, conversation = store.open(session_id)
    except UnknownSession as exc:
        raise InputError(str(exc), "session_id") from exc
    response = turn(lanes, conversation, str(question))
    return {"session_id": session_id, **response.model_dump(mode="json")}
