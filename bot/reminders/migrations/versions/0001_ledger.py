"""The ledger as it stood before migrations: created where there is none, and given the
`digest` column where a 0.1 draft made it without one (the old hand-written upgrade).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    insp = sa.inspect(op.get_bind())
    if not insp.has_table("reminder_ledger"):
        op.create_table(
            "reminder_ledger",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("item", sa.String(200), nullable=False),
            sa.Column("milestone", sa.String(40), nullable=False),
            sa.Column("version", sa.String(20), nullable=False),
            sa.Column("destination", sa.String(40), nullable=False),
            sa.Column("state", sa.String(10), nullable=False),
            sa.Column("digest", sa.String(32)),
            sa.Column("channel", sa.String(40)),
            sa.Column("ts", sa.String(40)),
            sa.Column("error", sa.Text),
            sa.Column("attempts", sa.Integer, nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.UniqueConstraint("item", "milestone", "version", "destination",
                                name="uq_reminder_key"))
    elif "digest" not in {c["name"] for c in insp.get_columns("reminder_ledger")}:
        op.add_column("reminder_ledger", sa.Column("digest", sa.String(32)))
    indexes = {i["name"] for i in sa.inspect(op.get_bind()).get_indexes("reminder_ledger")}
    if "ix_reminder_digest" not in indexes:
        op.create_index("ix_reminder_digest", "reminder_ledger", ["digest"])
    if "ix_reminder_pending" not in indexes:
        pending = sa.text("state = 'pending'")
        op.create_index("ix_reminder_pending", "reminder_ledger", ["state"],
                        sqlite_where=pending, postgresql_where=pending)
    if not insp.has_table("reminder_lease"):
        op.create_table(
            "reminder_lease",
            sa.Column("name", sa.String(40), primary_key=True),
            sa.Column("holder", sa.String(80), nullable=False),
            sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False))


def downgrade() -> None:
    op.drop_table("reminder_lease")
    op.drop_table("reminder_ledger")
