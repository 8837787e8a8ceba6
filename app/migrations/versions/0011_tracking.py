"""tracking events, partner-post files, webhooks and their deliveries

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10 10:00:00

Names follow the models' naming convention (``app.extensions.NAMING``), written out here
so that this file never changes with it.
"""

import sqlalchemy as sa
from alembic import op

from app.models.base import AwareDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ID = sa.String(36)
STAMP = sa.DateTime(timezone=True)
INSTANT = AwareDateTime()


def required(name: str, *args, **kwargs) -> sa.Column:
    return sa.Column(name, *args, nullable=False, **kwargs)


def optional(name: str, *args, **kwargs) -> sa.Column:
    return sa.Column(name, *args, nullable=True, **kwargs)


def ref(table: str, column: str, target: str, nullable: bool = False) -> sa.Column:
    fk = sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}")
    return sa.Column(column, ID, fk, nullable=nullable)


def upgrade():
    _events()
    _webhooks()


def _events():
    op.create_table(
        "tracking_events",
        required("id", sa.Integer(), autoincrement=True),
        required("item_id", sa.String(13)),
        ref("tracking_events", "parcel_id", "parcels", nullable=True),
        required("code", sa.String(3)),
        required("occurred_at", INSTANT),
        required("utc_offset", sa.Integer()),
        optional("office", sa.String(17)),
        required("source", sa.String(10)),
        required("source_key", sa.String(80)),
        optional("reason", sa.String(20)),
        optional("action", sa.String(20)),
        optional("receptacle_id", sa.String(29)),
        optional("despatch_id", sa.String(20)),
        optional("lane_id", sa.String(36)),
        optional("mode", sa.String(8)),
        optional("note", sa.Text()),
        optional("details", sa.JSON()),
        optional("message_id", sa.String(64)),
        required("recorded_at", STAMP),
        sa.PrimaryKeyConstraint("id", name="pk_tracking_events"),
        sa.UniqueConstraint(
            "item_id", "code", "occurred_at", "source_key", name="uq_tracking_events_key"
        ),
    )
    op.create_index("ix_tracking_events_parcel_id", "tracking_events", ["parcel_id"])
    op.create_index("ix_tracking_events_lane_id", "tracking_events", ["lane_id"])
    op.create_table(
        "partner_post_files",
        required("id", sa.Integer(), autoincrement=True),
        required("sha256", sa.String(64)),
        required("name", sa.String(255)),
        required("state", sa.String(12)),
        optional("message_id", sa.String(64)),
        optional("sender", sa.String(35)),
        required("events", sa.Integer()),
        required("new_events", sa.Integer()),
        optional("reason", sa.Text()),
        required("received_at", STAMP),
        sa.PrimaryKeyConstraint("id", name="pk_partner_post_files"),
        sa.UniqueConstraint("sha256", name="uq_partner_post_files_sha256"),
    )


def _webhooks():
    op.create_table(
        "webhooks",
        required("id", ID),
        ref("webhooks", "seller_id", "sellers"),
        required("url", sa.String(2000)),
        required("events", sa.JSON()),
        required("secret", sa.String(80)),
        required("active", sa.Boolean()),
        required("created_at", STAMP),
        optional("deleted_at", INSTANT),
        sa.PrimaryKeyConstraint("id", name="pk_webhooks"),
    )
    op.create_index("ix_webhooks_seller_id", "webhooks", ["seller_id"])
    op.create_table(
        "webhook_deliveries",
        required("id", ID),
        ref("webhook_deliveries", "webhook_id", "webhooks"),
        required("kind", sa.String(40)),
        required("event_key", sa.String(80)),
        required("body", sa.Text()),
        required("status", sa.String(10)),
        required("attempts", sa.Integer()),
        optional("next_attempt_at", INSTANT),
        optional("last_attempt_at", INSTANT),
        optional("last_status_code", sa.Integer()),
        optional("last_error", sa.Text()),
        optional("delivered_at", INSTANT),
        required("attempt_log", sa.JSON()),
        required("created_at", STAMP),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
        sa.UniqueConstraint("webhook_id", "event_key", name="uq_webhook_deliveries_event"),
    )
    op.create_index("ix_webhook_deliveries_webhook_id", "webhook_deliveries", ["webhook_id"])
    op.create_index("ix_webhook_deliveries_status", "webhook_deliveries", ["status"])


def downgrade():
    op.drop_table("webhook_deliveries")
    op.drop_table("webhooks")
    op.drop_table("partner_post_files")
    op.drop_table("tracking_events")
