"""status_events.occurred_at: an instant with its time zone (receipt times are UTC+08:00)

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-02 10:00:00

Receipt times used to be stored as naive China Standard Time wall clock (a CEB returnTime
as written). They become instants: PostgreSQL ``timestamp with time zone``; on SQLite, which
has no time zones, UTC wall clock (see ``app.models.base.AwareDateTime``). Existing rows are
read as UTC+08:00 (China keeps no daylight saving time, so 8 hours is exact).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLE = "status_events"


def _shift_sqlite(hours: str) -> None:
    """Move SQLite's stored wall clock ('YYYY-MM-DD HH:MM:SS.ffffff') by ``hours``, keeping
    the fraction as stored."""
    op.execute(
        f"UPDATE {TABLE} SET occurred_at = "
        f"strftime('%Y-%m-%d %H:%M:%S', occurred_at, '{hours} hours') || substr(occurred_at, 20)"
    )


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _shift_sqlite("-8")
        with op.batch_alter_table(TABLE) as batch_op:
            batch_op.alter_column(
                "occurred_at", type_=sa.DateTime(timezone=True), existing_nullable=False
            )
        return
    op.alter_column(
        TABLE,
        "occurred_at",
        type_=sa.DateTime(timezone=True),
        existing_type=sa.DateTime(),
        existing_nullable=False,
        postgresql_using="(occurred_at - interval '8 hours') AT TIME ZONE 'UTC'",
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(TABLE) as batch_op:
            batch_op.alter_column("occurred_at", type_=sa.DateTime(), existing_nullable=False)
        _shift_sqlite("+8")
        return
    op.alter_column(
        TABLE,
        "occurred_at",
        type_=sa.DateTime(),
        existing_type=sa.DateTime(timezone=True),
        existing_nullable=False,
        postgresql_using="(occurred_at AT TIME ZONE 'UTC') + interval '8 hours'",
    )
