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
from datetime import datetime, timezone
from pathlib import Path

from bot.records.models import DecisionRecord

HEAD_REVISION = "0001_decisions"  # the latest migration in migrations/versions (a test keeps them equal)
COLUMNS = tuple(DecisionRecord.model_fields)
_INSERT = f"INSERT INTO decisions ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"


def at_head(db: sqlite3.Connection) -> bool:
    """The store's schema is the latest migration (else the full store must migrate it first)."""
    try:
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == HEAD_REVISION


def append(path: Path, record: DecisionRecord) -> bool:
    """Insert the record if the store exists at the latest schema; False means: use the full store."""
    if not path.is_file():
        return False
    with closing(sqlite3.connect(path, timeout=10)) as db:
        if not at_head(db):
            return False
        with db:
            db.execute(_INSERT, [_encode(name, value) for name, value in record.model_dump(mode="python").items()])
    return True


def insert_rows(db: sqlite3.Connection, rows: list[tuple]) -> None:
    """Many rows in one transaction; each row holds the DecisionRecord columns in order, JSON columns as
    JSON text and ``recorded_at`` as :func:`sqlite_time` (bot/records/bulk.py builds them)."""
    with db:
        db.executemany(_INSERT, rows)


def sqlite_time(moment: datetime) -> str:
    """A time as SQLAlchemy's SQLite dialect stores it (UTC, no zone)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def _encode(name: str, value: object) -> object:
    if name == "recorded_at":
        return sqlite_time(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value
