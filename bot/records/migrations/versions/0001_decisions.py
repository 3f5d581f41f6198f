"""Create the decisions table.

Revision ID: 0001_decisions
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_decisions"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("surface", sa.String(16), nullable=False),
        sa.Column("drug", sa.String(64), nullable=False),
        sa.Column("request_type", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(40), nullable=False),
        sa.Column("pathway", sa.String(128)),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("patient", sa.JSON, nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.Column("conflicts", sa.JSON, nullable=False),
        sa.Column("ruleset_id", sa.String(128), nullable=False),
        sa.Column("ruleset_version", sa.String(32), nullable=False),
        sa.Column("ruleset_fingerprint", sa.String(64), nullable=False),
        sa.Column("policy", sa.JSON, nullable=False),
        sa.Column("corpus_hash", sa.String(64), nullable=False),
        sa.Column("decision_json", sa.JSON, nullable=False),
        sa.Column("reviewer", sa.String(200)),
        sa.Column("prescriber", sa.String(200)),
        sa.Column("patient_ref", sa.String(200)),
    )
    op.create_index("ix_decisions_recorded_at", "decisions", ["recorded_at"])
    op.create_index("ix_decisions_drug", "decisions", ["drug"])


def downgrade() -> None:
    op.drop_index("ix_decisions_drug", "decisions")
    op.drop_index("ix_decisions_recorded_at", "decisions")
    op.drop_table("decisions")
