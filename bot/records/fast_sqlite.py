"""Append a record to the embedded SQLite store without importing SQLAlchemy.

Importing SQLAlchemy and Alembic costs ~0.4 s, more than the whole of a cold
`mdsbot check`. Once the store exists at the latest migration, a record is one
INSERT through the standard library, with the values encoded as SQLAlchemy's
SQLite dialect stores them; tests read such a record back through the store.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import timezone
from pathlib import Path

from bot.records.models import DecisionRecord

HEAD_REVISION = "0001_decisions"  # the latest migration in migrations/versions (a test keeps them equal)
_COLUMNS = tuple(DecisionRecord.model_fields)
_INSERT = f"INSERT INTO decisions ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"


def append(path: Path, record: DecisionRecord) -> bool:
    """Insert the record if the store exists at the latest schema; False means: use the full store."""
    if not path.is_file():
        return False
    with closing(sqlite3.connect(path, timeout=10)) as db:
        try:
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            return False
        if row is None or row[0] != HEAD_REVISION:
            return False
        with db:
            db.execute(_INSERT, [_encode(name, value) for name, value in record.model_dump(mode="python").items()])
    return True


def _encode(name: str, value: object) -> object:
    if name == "recorded_at":
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value
