"""inbound postal items from partner posts' ITMATT, customs' CUSRSP decisions, and the kind of
each partner-post file

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-12 10:00:00

Names follow the models' naming convention (``app.extensions.NAMING``), written out here
so that this file never changes with it.
"""

import sqlalchemy as sa
from alembic import op

from app.models.base import AwareDateTime, ExactNumeric

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

ID = sa.String(36)
STAMP = sa.DateTime(timezone=True)
INSTANT = AwareDateTime()
MONEY = ExactNumeric(18, 5)


def required(name: str, *args, **kwargs) -> sa.Column:
    return sa.Column(name, *args, nullable=False, **kwargs)


def optional(name: str, *args, **kwargs) -> sa.Column:
    return sa.Column(name, *args, nullable=True, **kwargs)


def upgrade():
    with op.batch_alter_table("partner_post_files") as batch:
        batch.add_column(required("kind", sa.String(8), server_default="emsevt"))
    op.create_table(
        "inbound_items",
        required("id", ID),
        required("item_id", sa.String(13)),
        required("origin_post", sa.String(35)),
        required("origin_country", sa.String(2)),
        required("itmatt_message_id", sa.String(64)),
        required("file_sha256", sa.String(64)),
        required("currency", sa.String(3)),
        required("declared_value", MONEY),
        required("snapshot", sa.JSON()),
        optional("quote", sa.JSON()),
        optional("quote_error", sa.Text()),
        optional("tax_total", MONEY),
        required("risks", sa.JSON()),
        required("status", sa.String(12)),
        optional("cusitm_name", sa.String(120)),
        optional("cusitm_message_id", sa.String(36)),
        optional("presented_at", INSTANT),
        optional("decided_at", INSTANT),
        optional("decision_reason", sa.String(20)),
        optional("customs_tax", MONEY),
        required("created_at", INSTANT),
        required("updated_at", STAMP),
        sa.PrimaryKeyConstraint("id", name="pk_inbound_items"),
        sa.UniqueConstraint("item_id", name="uq_inbound_items_item_id"),
    )
    op.create_index("ix_inbound_items_file_sha256", "inbound_items", ["file_sha256"])
    op.create_index("ix_inbound_items_status", "inbound_items", ["status"])
    op.create_table(
        "inbound_decisions",
        required("id", sa.Integer(), autoincrement=True),
        required(
            "inbound_item_id",
            ID,
            sa.ForeignKey(
                "inbound_items.id", name="fk_inbound_decisions_inbound_item_id_inbound_items"
            ),
        ),
        required("outcome", sa.String(8)),
        required("decided_at", INSTANT),
        optional("reason", sa.String(20)),
        optional("note", sa.Text()),
        optional("tax", MONEY),
        optional("currency", sa.String(3)),
        required("message_id", sa.String(64)),
        required("received_at", STAMP),
        sa.PrimaryKeyConstraint("id", name="pk_inbound_decisions"),
        sa.UniqueConstraint(
            "inbound_item_id", "outcome", "decided_at", name="uq_inbound_decisions_key"
        ),
    )
    op.create_index(
        "ix_inbound_decisions_inbound_item_id", "inbound_decisions", ["inbound_item_id"]
    )


def downgrade():
    op.drop_table("inbound_decisions")
    op.drop_table("inbound_items")
    with op.batch_alter_table("partner_post_files") as batch:
        batch.drop_column("kind")
