"""The decisions table (SQLAlchemy Core). Alembic migrations in migrations/ create and evolve it."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Index, MetaData, String, Table, Text

metadata = MetaData()

decisions = Table(
    "decisions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("surface", String(16), nullable=False),
    Column("drug", String(64), nullable=False),
    Column("request_type", String(16), nullable=False),
    Column("decision", String(40), nullable=False),
    Column("pathway", String(128)),
    Column("summary", Text, nullable=False),
    Column("patient", JSON, nullable=False),
    Column("warnings", JSON, nullable=False),
    Column("conflicts", JSON, nullable=False),
    Column("ruleset_id", String(128), nullable=False),
    Column("ruleset_version", String(32), nullable=False),
    Column("ruleset_fingerprint", String(64), nullable=False),
    Column("policy", JSON, nullable=False),
    Column("corpus_hash", String(64), nullable=False),
    Column("decision_json", JSON, nullable=False),
    Column("reviewer", String(200)),
    Column("prescriber", String(200)),
    Column("patient_ref", String(200)),
    Index("ix_decisions_recorded_at", "recorded_at"),
    Index("ix_decisions_drug", "drug"),
)
