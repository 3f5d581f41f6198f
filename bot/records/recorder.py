"""Recording the decisions of a long-running process (the web app: its forms, chat and API).

The CLI records one decision per process (bot/cli/rules.py); the app makes many, from many
threads, so it keeps one store, opened on the first decision (a pharmacist who never checks a
patient never opens the database) and tried again after a failure. ``MDSBOT_RECORD_DECISIONS=false``
decides without storing (the CLI's --no-record): ``stamp`` and the surface-bound ``Recording``
respect it; ``record`` always stores.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from bot.records.models import DecisionRecord, RecordFilter, RecordsError, Surface, new_record

if TYPE_CHECKING:  # pragma: no cover
    from bot.records.store import DecisionStore
    from bot.settings import Settings
    from rules_core import Decision, PatientFacts


class DecisionRecorder:
    """Stores decisions in the configured store (SQLite in the data dir, or ``settings.database_url``)."""

    def __init__(self, settings: Settings, surface: Surface | None = None):
        self.settings = settings
        self.surface = surface  # the default surface of ``record`` and ``stamp``
        self._store: DecisionStore | None = None
        self._corpus_hash: str | None = None
        self._lock = threading.Lock()  # handlers run on several threads; open the store once

    @property
    def enabled(self) -> bool:
        return self.settings.record_decisions

    def store(self) -> DecisionStore:
        """The store, migrated on first use; RecordsError (one line) when it cannot be opened."""
        with self._lock:
            if self._store is None:
                from bot.records.store import open_store

                try:
                    self._store = open_store(self.settings.database_url, self.settings.data_dir)
                except OSError as exc:  # the data dir cannot be made or read: one line, like a database error
                    raise RecordsError(f"decision store in {self.settings.data_dir}: {exc.strerror or exc}") from None
            return self._store

    def corpus_hash(self) -> str:
        if self._corpus_hash is None:
            from corpus.ingest import MANIFEST
            from corpus.models import manifest_fingerprint

            self._corpus_hash = manifest_fingerprint(self.settings.manifest or MANIFEST)
        return self._corpus_hash

    def record(self, decision: Decision, facts: PatientFacts, surface: Surface | None = None,
               **people: str | None) -> DecisionRecord:
        """Store the decision (people: reviewer, prescriber, patient_ref; blanks dropped); the stored record."""
        cleaned = {k: v.strip()[:200] for k, v in people.items() if isinstance(v, str) and v.strip()}
        where = surface or self.surface
        if where is None:
            raise ValueError("surface: say where the decision was made (cli, batch, app_form, chat or api)")
        return self.store().add(new_record(decision, facts, where, self.corpus_hash(), **cleaned))

    def stamp(self, decision: Decision, facts: PatientFacts, surface: Surface | None = None,
              **people: str | None) -> Decision:
        """The decision carrying its ``decision_id`` once stored; unchanged when recording is off."""
        if not self.enabled:
            return decision
        return decision.model_copy(update={"decision_id": self.record(decision, facts, surface, **people).id})

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
        return self.recorder.stamp(decision, facts, self.surface)
