"""movement_filings: export returns, return tallies, arrivals and departures filed through
the gateway; gateway_outbox.movement_id

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "movement_filings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("message", sa.String(length=6), nullable=False),
        sa.Column("cop_no", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("order_id", sa.String(length=36), nullable=True),
        sa.Column("despatch_id", sa.String(length=36), nullable=True),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("parcel_ids", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("receipt_status", sa.String(length=10), nullable=True),
        sa.Column("info", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["clearance_cases.id"],
            name=op.f("fk_movement_filings_case_id_clearance_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_movement_filings_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["despatch_id"], ["post_despatches.id"],
            name=op.f("fk_movement_filings_despatch_id_post_despatches"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["movement_filings.id"],
            name=op.f("fk_movement_filings_parent_id_movement_filings"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_movement_filings_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movement_filings")),
        sa.UniqueConstraint("message", "cop_no", name="uq_movement_filings_cop_no"),
    )  # fmt: skip
    with op.batch_alter_table("movement_filings", schema=None) as batch_op:
        for column in ("cop_no", "case_id", "order_id", "despatch_id"):
            batch_op.create_index(batch_op.f(f"ix_movement_filings_{column}"), [column])
    with op.batch_alter_table("gateway_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("movement_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_gateway_outbox_movement_id"), ["movement_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_gateway_outbox_movement_id_movement_filings"),
            "movement_filings",
            ["movement_id"],
            ["id"],
        )


def downgrade():
    op.execute("DELETE FROM gateway_outbox WHERE movement_id IS NOT NULL")
    with op.batch_alter_table("gateway_outbox", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_gateway_outbox_movement_id_movement_filings"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_gateway_outbox_movement_id"))
        batch_op.drop_column("movement_id")
    with op.batch_alter_table("movement_filings", schema=None) as batch_op:
        for column in ("despatch_id", "order_id", "case_id", "cop_no"):
            batch_op.drop_index(batch_op.f(f"ix_movement_filings_{column}"))
    op.drop_table("movement_filings")
