"""The decision store: add, find, list and recheck records (SQLAlchemy Core, Alembic schema)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timezone
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.exc import SQLAlchemyError

from bot.records.models import SQLITE_FILE, DecisionRecord, RecheckChange, RecordFilter, RecordsError
from bot.records.tables import decisions

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DecisionStore:
    """Decisions in one database; the schema is brought to the latest migration on open."""

    def __init__(self, url: str):
        self.url = url
        try:
            self.engine: SqlEngine = create_engine(url)
            self._migrate()
        except SQLAlchemyError as exc:
            raise RecordsError(f"decision store {self.safe_url}: {_first_line(exc)}") from None

    @property
    def safe_url(self) -> str:
        """The URL without its password (shown in messages)."""
        return self.engine.url.render_as_string(hide_password=True) if hasattr(self, "engine") else self.url

    def _migrate(self) -> None:
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def add(self, record: DecisionRecord) -> DecisionRecord:
        with self._connect() as connection:
            connection.execute(insert(decisions).values(**record.model_dump(mode="json") | {"recorded_at": record.recorded_at}))
        return record

    def add_rows(self, rows: list[dict[str, Any]]) -> None:
        """Many records (column → value mappings, as bot/records/bulk.py builds them) in one transaction."""
        with self._connect() as connection:
            connection.execute(insert(decisions), rows)

    def get(self, record_id: str) -> DecisionRecord | None:
        """The record with this id, or with this unique id prefix (a batch's ``…-1`` is exact, not ``…-10``'s prefix)."""
        exact = select(decisions).where(decisions.c.id == record_id)
        query = select(decisions).where(decisions.c.id.startswith(record_id, autoescape=True)).limit(2)
        with self._connect() as connection:
            rows = connection.execute(exact).mappings().all() or connection.execute(query).mappings().all()
        return _record(rows[0]) if len(rows) == 1 else None

    def list(self, where: RecordFilter | None = None) -> list[DecisionRecord]:
        """Matching records, newest first."""
        where = where or RecordFilter()
        query = select(decisions).order_by(decisions.c.recorded_at.desc(), decisions.c.id.desc())
        if where.drug:
            query = query.where(decisions.c.drug == where.drug)
        if where.decision:
            query = query.where(decisions.c.decision == where.decision)
        if where.since:
            query = query.where(decisions.c.recorded_at >= where.since)
        if where.until:
            query = query.where(decisions.c.recorded_at < where.until)
        if where.text and where.text.strip():
            query = query.where(_mentions(where.text.strip()))
        if where.limit:
            query = query.limit(where.limit)
        with self._connect() as connection:
            return [_record(row) for row in connection.execute(query).mappings()]

    def recheck(self, where: RecordFilter | None = None, policy: Any = None) -> list[RecheckChange]:
        """Stored records whose decision or pathway today's ruleset (and this policy) would change."""
        from rules_core import evaluate

        changes = []
        for record in self.list(where):
            now = evaluate(record.drug, record.patient, policy)
            if (now.decision, now.pathway) != (record.decision, record.pathway):
                changes.append(_change(record, now))
        return changes

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        """One transaction; a database failure becomes a RecordsError of one line."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except SQLAlchemyError as exc:
            raise RecordsError(f"decision store {self.safe_url}: {_first_line(exc)}") from None


def open_store(database_url: str | None, data_dir: Path) -> DecisionStore:
    """The team database when a URL is set, else SQLite in the data dir."""
    if database_url:
        return DecisionStore(database_url)
    data_dir.mkdir(parents=True, exist_ok=True)
    return DecisionStore(f"sqlite:///{(data_dir / SQLITE_FILE).resolve()}")


def _mentions(text: str) -> Any:
    """Any of the people columns or the id contains the text, in any case."""
    columns = (decisions.c.patient_ref, decisions.c.prescriber, decisions.c.reviewer, decisions.c.id)
    return or_(*(column.icontains(text, autoescape=True) for column in columns))


def _record(row: Any) -> DecisionRecord:
    values = dict(row)
    at = values["recorded_at"]
    values["recorded_at"] = at if at.tzinfo else at.replace(tzinfo=timezone.utc)  # SQLite keeps no zone
    return DecisionRecord.model_validate(values)


def _change(record: DecisionRecord, now: Any) -> RecheckChange:
    return RecheckChange(
        id=record.id,
        drug=record.drug,
        recorded_at=record.recorded_at,
        old_decision=record.decision,
        new_decision=now.decision,
        old_pathway=record.pathway,
        new_pathway=now.pathway,
        old_fingerprint=record.ruleset_fingerprint,
        new_fingerprint=now.ruleset.fingerprint,
    )


def _first_line(exc: Exception) -> str:
    return (str(getattr(exc, "orig", None) or exc).strip().splitlines() or ["unknown error"])[0]
