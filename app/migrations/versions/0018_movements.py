"""movement_filings.entry_id (a bonded entry's CEB711); warehouses.operator_code,
operator_dxp_id, customs_code (who files a bonded warehouse's site entries, and where)

Revision ID: 0018_movements
Revises: 0017
Create Date: 2026-12-01 16:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_movements"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("movement_filings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entry_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_movement_filings_entry_id"), ["entry_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_movement_filings_entry_id_stock_entries"),
            "stock_entries",
            ["entry_id"],
            ["id"],
        )
    with op.batch_alter_table("warehouses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("operator_code", sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column("operator_dxp_id", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("customs_code", sa.String(length=4), nullable=True))


def downgrade():
    with op.batch_alter_table("warehouses", schema=None) as batch_op:
        for column in ("customs_code", "operator_dxp_id", "operator_code"):
            batch_op.drop_column(column)
    op.execute("DELETE FROM gateway_outbox WHERE movement_id IN "
               "(SELECT id FROM movement_filings WHERE entry_id IS NOT NULL)")  # fmt: skip
    op.execute("DELETE FROM movement_filings WHERE entry_id IS NOT NULL")
    with op.batch_alter_table("movement_filings", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_movement_filings_entry_id_stock_entries"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_movement_filings_entry_id"))
        batch_op.drop_column("entry_id")
