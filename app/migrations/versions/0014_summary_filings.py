"""summary filings: a seller's month of released export inventories filed as CEB701 summary
applications through the gateway; the gateway's outbox names a case or an application;
border warehouses name the posts' lane their despatches travel

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-05 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "summary_filings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seller_id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("skipped", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_summary_filings_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_summary_filings_seller_id_sellers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_filings")),
    )
    with op.batch_alter_table("summary_filings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_summary_filings_seller_id"), ["seller_id"])

    op.create_table(
        "summary_applications",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("filing_id", sa.String(length=36), nullable=False),
        sa.Column("cop_no", sa.String(length=30), nullable=False),
        sa.Column("customs_code", sa.String(length=4), nullable=False),
        sa.Column("loct_no", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("pre_no", sa.String(length=18), nullable=True),
        sa.Column("sum_no", sa.String(length=18), nullable=True),
        sa.Column("info", sa.Text(), nullable=True),
        sa.Column("invt_nos", sa.JSON(), nullable=False),
        sa.Column("preview", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["filing_id"],
            ["summary_filings.id"],
            name=op.f("fk_summary_applications_filing_id_summary_filings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_applications")),
        sa.UniqueConstraint("cop_no", name=op.f("uq_summary_applications_cop_no")),
    )
    with op.batch_alter_table("summary_applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_summary_applications_filing_id"), ["filing_id"])
        batch_op.create_index(batch_op.f("ix_summary_applications_sum_no"), ["sum_no"])

    with op.batch_alter_table("gateway_outbox", schema=None) as batch_op:
        batch_op.alter_column("case_id", existing_type=sa.String(length=36), nullable=True)
        batch_op.add_column(
            sa.Column("summary_application_id", sa.String(length=36), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_gateway_outbox_summary_application_id"), ["summary_application_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_gateway_outbox_summary_application_id_summary_applications"),
            "summary_applications",
            ["summary_application_id"],
            ["id"],
        )

    with op.batch_alter_table("warehouses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lane_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_warehouses_lane_id"), ["lane_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_warehouses_lane_id_post_lanes"), "post_lanes", ["lane_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("warehouses", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_warehouses_lane_id_post_lanes"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_warehouses_lane_id"))
        batch_op.drop_column("lane_id")
    op.execute("DELETE FROM gateway_outbox WHERE case_id IS NULL")
    with op.batch_alter_table("gateway_outbox", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_gateway_outbox_summary_application_id_summary_applications"),
            type_="foreignkey",
        )
        batch_op.drop_index(batch_op.f("ix_gateway_outbox_summary_application_id"))
        batch_op.drop_column("summary_application_id")
        batch_op.alter_column("case_id", existing_type=sa.String(length=36), nullable=False)

    with op.batch_alter_table("summary_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_summary_applications_sum_no"))
        batch_op.drop_index(batch_op.f("ix_summary_applications_filing_id"))
    op.drop_table("summary_applications")
    with op.batch_alter_table("summary_filings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_summary_filings_seller_id"))
    op.drop_table("summary_filings")
