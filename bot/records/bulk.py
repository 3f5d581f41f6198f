"""A batch's decisions, stored in bulk: one transaction per chunk of the batch.

`check --batch` gives each decision the id ``<batch prefix>-<line number>`` (one prefix per
batch, made like a single check's id), so the result line and the record name each other.
The embedded SQLite store is written through the standard library (bot/records/fast_sqlite.py);
a team database (MDSBOT_DATABASE_URL) through the SQLAlchemy store.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.records.fast_sqlite import at_head, insert_rows, sqlite_time
from bot.records.models import SQLITE_FILE, RecordsError


def batch_id_prefix() -> str:
    """``YYYYMMDD-HHMMSS-<8 hex>``: the shape of a single check's id; a line's decision adds ``-<line>``."""
    return f"{datetime.now(timezone.utc):%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}"


class BatchRecorder:
    """Stores the decisions of one batch (``rules_core.batch.Decided``) as decision records."""

    def __init__(self, database_url: str | None, data_dir: Path, ruleset: Any, corpus_hash: str,
                 people: dict[str, str | None]) -> None:
        info = ruleset.info
        self._static = (info.id, info.version, info.fingerprint, json.dumps(ruleset.policy.model_dump(mode="json")),
                        corpus_hash)
        self._people = (people.get("reviewer") or None, people.get("prescriber") or None, people.get("patient_ref") or None)
        self._where = str(data_dir / SQLITE_FILE)
        self._db: sqlite3.Connection | None = None
        self._store = None
        if not database_url:
            self._db = self._open_sqlite(data_dir)
        if self._db is None:
            from bot.records.store import open_store

            self._store = open_store(database_url, data_dir)

    def _open_sqlite(self, data_dir: Path) -> sqlite3.Connection | None:
        """The embedded store through sqlite3, created and migrated first when it is new; None: use the full store."""
        path = data_dir / SQLITE_FILE
        if not path.is_file():
            from bot.records.store import open_store

            open_store(None, data_dir)  # creates the file at the latest migration
        try:
            db = sqlite3.connect(path, timeout=30)
            if at_head(db):
                return db
            db.close()
        except sqlite3.Error as exc:
            raise RecordsError(f"decision store {self._where}: {exc}") from None
        return None

    def add(self, decided: list) -> None:
        """Store one chunk's decisions in one transaction."""
        if not decided:
            return
        now = datetime.now(timezone.utc)
        if self._db is not None:
            at = sqlite_time(now)
            try:
                insert_rows(self._db, [self._row(d, at) for d in decided])
            except sqlite3.Error as exc:
                raise RecordsError(f"decision store {self._where}: {exc}") from None
        else:
            self._store.add_rows([self._mapping(d, now) for d in decided])

    def _row(self, d: Any, at: str) -> tuple:
        """The columns in DecisionRecord's order, JSON columns as text."""
        return (d.decision_id, at, "batch", d.drug, d.request, d.decision, d.pathway, d.summary, d.patient_json,
                d.warnings_json, d.conflicts_json, *self._static, d.decision_json, *self._people)

    def _mapping(self, d: Any, at: datetime) -> dict[str, Any]:
        from bot.records.fast_sqlite import COLUMNS

        row = dict(zip(COLUMNS, self._row(d, "")))
        json_columns = ("patient", "warnings", "conflicts", "policy", "decision_json")
        return row | {"recorded_at": at} | {name: json.loads(row[name]) for name in json_columns}

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
