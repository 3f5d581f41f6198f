"""Recording the decisions of a long-running process (the web app, its chat and API).

The CLI records one decision per process (bot/cli/rules.py); the app makes many,
from many threads, so it keeps one store, opened on first use. Setting
``MDSBOT_RECORD_DECISIONS=false`` decides without storing (the CLI's --no-record).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from bot.records.models import DecisionRecord, RecordFilter, Surface, new_record

if TYPE_CHECKING:  # pragma: no cover
    from bot.records.store import DecisionStore
    from bot.settings import Settings
    from rules_core import Decision, PatientFacts


class DecisionRecorder:
    """Stores decisions in the configured store; ``record`` returns the decision carrying its id."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.enabled = settings.record_decisions
        self._store: DecisionStore | None = None
        self._corpus_hash: str | None = None
        self._lock = threading.Lock()

    def store(self) -> DecisionStore:
        """The store, migrated on first use (RecordsError, one line, when it cannot be reached)."""
        with self._lock:
            if self._store is None:
                from bot.records.store import open_store

                self._store = open_store(self.settings.database_url, self.settings.data_dir)
            return self._store

    def corpus_hash(self) -> str:
        if self._corpus_hash is None:
            from corpus.ingest import MANIFEST
            from corpus.models import manifest_fingerprint

            self._corpus_hash = manifest_fingerprint(self.settings.manifest or MANIFEST)
        return self._corpus_hash

    def record(self, decision: Decision, facts: PatientFacts, surface: Surface, **people: str | None) -> Decision:
        """Store the decision (unless recording is off); the decision with its ``decision_id``."""
        if not self.enabled:
            return decision
        record = new_record(decision, facts, surface, self.corpus_hash(), **people)
        self.store().add(record)
        return decision.model_copy(update={"decision_id": record.id})

    def for_surface(self, surface: Surface) -> Recording:
        return Recording(self, surface)

    def list(self, where: RecordFilter | None = None) -> list[DecisionRecord]:
        return self.store().list(where)

    def get(self, record_id: str) -> DecisionRecord | None:
        return self.store().get(record_id)


class Recording:
    """A recorder bound to one surface: what a conversation calls with each verdict."""

    def __init__(self, recorder: DecisionRecorder, surface: Surface):
        self.recorder = recorder
        self.surface = surface

    def __call__(self, decision: Decision, facts: Any) -> Decision:
        return self.recorder.record(decision, facts, self.surface)
