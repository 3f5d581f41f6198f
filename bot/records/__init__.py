"""Decision records: every medical-necessity decision, stored with what it rested on.

A pharmacist finds last week's determination, sees which ruleset, policy and
documents it used, and (`recheck`) which stored decisions today's rules would
decide differently. SQLAlchemy Core over SQLite (default, in the data dir) or
PostgreSQL (MDSBOT_DATABASE_URL); the schema is kept by Alembic migrations.

The store (bot.records.store) imports SQLAlchemy; this package's top level does
not, so making a record costs nothing on the fast `mdsbot check` path.
"""

from bot.records.models import (
    SQLITE_FILE,
    DecisionRecord,
    RecheckChange,
    RecordFilter,
    RecordsError,
    Surface,
    new_record,
)

__all__ = ["SQLITE_FILE", "DecisionRecord", "RecheckChange", "RecordFilter", "RecordsError", "Surface", "new_record"]
