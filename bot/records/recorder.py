"""Recording the decisions one long-running surface makes (the app's Medical necessity tab).

The store (SQLite in the data dir, or ``settings.database_url``) and the corpus hash are made on
the first decision and kept: the app must serve at once, and a pharmacist who never checks a
patient never opens the database.
"""

from __future__ import annotations

import threading
from typing import Any

from bot.records.models import DecisionRecord, RecordsError, Surface, new_record


class DecisionRecorder:
    """``record(decision, facts, reviewer=…, prescriber=…, patient_ref=…)`` → the stored record.

    Raises ``RecordsError`` (one line) when the store cannot be opened or written.
    """

    def __init__(self, settings: Any, surface: Surface):
        self.settings = settings
        self.surface = surface
        self._lock = threading.Lock()  # handlers run on several threads; open the store once
        self._store: Any = None
        self._corpus_hash: str | None = None

    def record(self, decision: Any, facts: Any, **people: str | None) -> DecisionRecord:
        store, corpus_hash = self._open()
        cleaned = {k: v.strip() for k, v in people.items() if isinstance(v, str) and v.strip()}
        return store.add(new_record(decision, facts, self.surface, corpus_hash, **cleaned))

    def _open(self) -> tuple[Any, str]:
        with self._lock:
            if self._store is None:
                from bot.records.store import open_store
                from corpus.ingest import MANIFEST
                from corpus.models import manifest_fingerprint

                try:
                    self._corpus_hash = manifest_fingerprint(self.settings.manifest or MANIFEST)
                    self._store = open_store(self.settings.database_url, self.settings.data_dir)
                except OSError as exc:  # the data dir cannot be made or read: one line, like a database error
                    raise RecordsError(f"decision store in {self.settings.data_dir}: {exc.strerror or exc}") from None
            return self._store, str(self._corpus_hash)
