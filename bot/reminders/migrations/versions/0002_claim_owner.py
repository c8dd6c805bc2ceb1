"""Each claim names the tick that made it (`owner`), so a claim is settled only once its owner
is known to be over; failed rows get an index (each tick folds them into the next milestone).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reminder_ledger") as batch:
        batch.add_column(sa.Column("owner", sa.String(80)))
    failed = sa.text("state = 'failed'")
    op.create_index("ix_reminder_failed", "reminder_ledger", ["state"],
                    sqlite_where=failed, postgresql_where=failed)


def downgrade() -> None:
    op.drop_index("ix_reminder_failed", "reminder_ledger")
    with op.batch_alter_table("reminder_ledger") as batch:
        batch.drop_column("owner")
