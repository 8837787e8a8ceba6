"""clearance cases, their events, and the gateway's outbox and inbox records

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ID = sa.String(36)
STAMP = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}")


def _cases() -> None:
    t = "clearance_cases"
    op.create_table(
        t,
        sa.Column("id", ID, nullable=False),
        sa.Column("order_id", ID, _fk(t, "order_id", "orders"), nullable=False, index=True),
        sa.Column("parcel_id", ID, _fk(t, "parcel_id", "parcels"), nullable=False, index=True),
        sa.Column("open_parcel_id", sa.String(36), nullable=True),
        sa.Column("seller_id", ID, _fk(t, "seller_id", "sellers"), nullable=False, index=True),
        sa.Column("flow", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("declaration_id", ID, _fk(t, "declaration_id", "declarations")),
        sa.Column("app_type", sa.String(1), nullable=False),
        sa.Column("senders", sa.JSON()),
        sa.Column("problems", sa.JSON()),
        sa.Column("risks", sa.JSON()),
        sa.Column("risk_codes", sa.String(400)),
        sa.Column("error", sa.Text()),
        sa.Column("claimed_by", ID, _fk(t, "claimed_by", "users")),
        sa.Column("claim_expires_at", STAMP),
        sa.Column("customs_status", sa.String(20)),
        sa.Column("customs_epoch", STAMP),
        sa.Column("cancel_epoch", STAMP),
        sa.Column("invt_no", sa.String(40)),
        sa.Column("pre_no", sa.String(40)),
        sa.Column("cancel_reason", sa.Text()),
        sa.Column("submit_started_at", STAMP),
        sa.Column("submitted_at", STAMP),
        sa.Column("handed_over_by", ID, _fk(t, "handed_over_by", "users")),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("open_parcel_id", name=f"uq_{t}_open_parcel_id"),
    )
    e = "clearance_case_events"
    op.create_table(
        e,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", ID, _fk(e, "case_id", t), nullable=False, index=True),
        sa.Column("at", STAMP, nullable=False),
        sa.Column("actor_id", ID, _fk(e, "actor_id", "users")),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("from_status", sa.String(20)),
        sa.Column("to_status", sa.String(20)),
        sa.Column("reason", sa.Text()),
        sa.Column("details", sa.JSON()),
        sa.PrimaryKeyConstraint("id", name=f"pk_{e}"),
    )


def _gateway() -> None:
    o = "gateway_outbox"
    op.create_table(
        o,
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, _fk(o, "case_id", "clearance_cases"), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("app_type", sa.String(1), nullable=False),
        sa.Column("name", sa.String(160), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{o}"),
        sa.UniqueConstraint("name", name=f"uq_{o}_name"),
    )
    i = "gateway_inbox"
    op.create_table(
        i,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("result", sa.JSON()),
        sa.Column("received_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{i}"),
        sa.UniqueConstraint("name", "sha256", name=f"uq_{i}_name"),
    )


def upgrade():
    _cases()
    _gateway()


def downgrade():
    for table in ("gateway_inbox", "gateway_outbox", "clearance_case_events", "clearance_cases"):
        op.drop_table(table)
