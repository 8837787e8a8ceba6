"""Initial schema: users and tokens, orders with lines and parcels, imports, declarations,
clearance events, the CBEC quota ledger and label batches.

Revision ID: 0001
Revises:
Create Date: 2026-12-01

The one migration of the unreleased product (the four development migrations were folded
into it). Constraint and index names follow the models' naming convention
(``app.extensions.NAMING``) and are made here, so that this file never changes with it:
primary keys ``pk_<table>``, unique constraints as written, foreign keys by :func:`ref`,
and the indexes of ``index=True`` columns ``ix_<table>_<column>`` (SQLAlchemy's default).
"""

import sqlalchemy as sa
from alembic import op

from app.models.base import ExactNumeric

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(36)  # uuid text: keys and references
STAMP = sa.DateTime(timezone=True)
MONEY = ExactNumeric(18, 5)
WEIGHT = ExactNumeric(12, 3)
QUANTITY = ExactNumeric(14, 3)


def required(name: str, *args, **kwargs) -> sa.Column:
    return sa.Column(name, *args, nullable=False, **kwargs)


def optional(name: str, *args, **kwargs) -> sa.Column:
    return sa.Column(name, *args, nullable=True, **kwargs)


def ref(table: str, column: str, target: str, nullable: bool = False, **kwargs) -> sa.Column:
    """``table.column``, referring to ``target.id`` by a foreign key of the convention's name."""
    fk = sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}")
    return sa.Column(column, ID, fk, nullable=nullable, **kwargs)


def entity(table: str, *items: sa.schema.SchemaItem) -> None:
    """A table keyed by a uuid ``id`` and stamped ``created_at`` (the models' ``id_column``
    and ``created_column``), with ``items`` between them."""
    key = sa.PrimaryKeyConstraint("id", name=f"pk_{table}")
    op.create_table(table, required("id", ID), *items, required("created_at", STAMP), key)


def progress() -> list[sa.Column]:
    """The columns of ``BatchProgress`` besides ``created_at``: import and label batches."""
    return [
        required("status", sa.String(10)),
        optional("message", sa.Text()),
        optional("finished_at", STAMP),
    ]


def upgrade():
    _accounts()
    _imports()
    _orders()
    _declarations()
    _clearance()


def _accounts():
    """Users, their tokens and customs profiles, sellers (the tenants), the audit log."""
    entity(
        "users",
        required("name", sa.String(200)),
        required("role", sa.String(16)),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    entity(
        "api_tokens",
        ref("api_tokens", "user_id", "users", index=True),
        required("token_hash", sa.String(64)),
        optional("label", sa.String(100)),
        required("revoked", sa.Boolean()),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_table(
        "profiles",
        ref("profiles", "user_id", "users"),
        optional("customs_code", sa.String(18)),
        optional("customs_name", sa.String(200)),
        optional("dxp_id", sa.String(30)),
        optional("platform_code", sa.String(18)),
        optional("platform_name", sa.String(200)),
        optional("updated_at", STAMP),
        sa.PrimaryKeyConstraint("user_id", name="pk_profiles"),
    )
    entity(
        "sellers",
        ref("sellers", "user_id", "users"),
        required("name", sa.String(200)),
        sa.UniqueConstraint("name", name="uq_sellers_name"),
        sa.UniqueConstraint("user_id", name="uq_sellers_user_id"),
    )
    op.create_table(
        "audit_log",
        required("id", sa.Integer(), autoincrement=True),
        required("at", STAMP),
        ref("audit_log", "actor_id", "users", nullable=True, index=True),
        required("action", sa.String(60)),
        required("entity_type", sa.String(40)),
        required("entity_id", ID, index=True),
        optional("before", sa.JSON()),
        optional("after", sa.JSON()),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )


def _imports():
    """The S10 number counters; uploaded order files and their row errors."""
    op.create_table(
        "s10_counters",
        required("service", sa.String(2)),
        required("country", sa.String(2)),
        required("next_serial", sa.Integer()),
        required("last_serial", sa.Integer()),
        sa.PrimaryKeyConstraint("service", "country", name="pk_s10_counters"),
    )
    entity(
        "import_batches",
        ref("import_batches", "seller_id", "sellers", index=True),
        required("filename", sa.String(255)),
        required("file_format", sa.String(8)),
        required("stored_path", sa.Text()),
        required("total_rows", sa.Integer()),
        required("processed_rows", sa.Integer()),
        required("created", sa.Integer()),
        required("duplicates", sa.Integer()),
        required("failed", sa.Integer()),
        required("next_chunk", sa.Integer()),
        *progress(),
    )
    op.create_table(
        "import_row_errors",
        required("id", sa.Integer(), autoincrement=True),
        ref("import_row_errors", "batch_id", "import_batches", index=True),
        optional("row", sa.Integer()),
        optional("order_no", sa.String(60)),
        optional("field", sa.String(100)),
        required("message", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_import_row_errors"),
    )


def _orders():
    """Orders with their lines and the parcels they ship in."""
    entity(
        "orders",
        ref("orders", "seller_id", "sellers", index=True),
        required("order_no", sa.String(60)),
        required("body_hash", sa.String(64)),
        required("status", sa.String(20), index=True),
        required("flow", sa.String(10)),
        optional("regime", sa.String(10)),
        required("incoterm", sa.String(3)),
        required("freight_payer", sa.String(12)),
        required("duty_payer", sa.String(12)),
        required("currency", sa.String(3)),
        required("shipping_cost", MONEY),
        required("insurance_cost", MONEY),
        required("category", sa.String(20)),
        optional("category_explanation", sa.String(200)),
        required("gross_weight_kg", WEIGHT),
        optional("ordered_at", sa.Date()),
        required("seller_collects_vat", sa.Boolean(), server_default=sa.false()),
        required("sender", sa.JSON()),
        required("recipient", sa.JSON()),
        required("goods_value", MONEY),
        required("net_weight_kg", WEIGHT),
        optional("payment", sa.JSON()),
        optional("quote", sa.JSON()),
        optional("quote_error", sa.Text()),
        ref("orders", "import_batch_id", "import_batches", nullable=True),
        sa.UniqueConstraint("seller_id", "order_no", name="uq_orders_seller_order_no"),
    )
    op.create_table(
        "order_lines",
        required("id", ID),
        ref("order_lines", "order_id", "orders", index=True),
        required("line_no", sa.Integer()),
        optional("sku", sa.String(60)),
        required("description", sa.String(300)),
        optional("description_local", sa.String(300)),
        required("hs_code", sa.String(10)),
        required("quantity", QUANTITY),
        required("unit", sa.String(10)),
        required("net_weight_kg", WEIGHT),
        required("unit_value", MONEY),
        required("line_value", MONEY),
        required("origin_country", sa.String(2)),
        sa.PrimaryKeyConstraint("id", name="pk_order_lines"),
    )
    entity(
        "parcels",
        ref("parcels", "order_id", "orders", index=True),
        required("seq", sa.Integer()),
        required("item_id", sa.String(13)),
        required("gross_weight_kg", WEIGHT),
        optional("note", sa.Text()),
        sa.UniqueConstraint("item_id", name="uq_parcels_item_id"),
    )


def _declarations():
    """Frozen declaration snapshots and the documents made from them."""
    entity(
        "declarations",
        ref("declarations", "order_id", "orders", index=True),
        required("version", sa.Integer()),
        required("schema_version", sa.Integer()),
        required("snapshot", sa.JSON()),
        ref("declarations", "created_by", "users", nullable=True),
        sa.UniqueConstraint("order_id", "version", name="uq_declarations_order_version"),
    )
    entity(
        "declaration_documents",
        ref("declaration_documents", "declaration_id", "declarations", index=True),
        required("kind", sa.String(16)),
        required("media_type", sa.String(40)),
        required("sha256", sa.String(64)),
        required("size", sa.Integer()),
        required("content", sa.LargeBinary()),
        sa.UniqueConstraint("declaration_id", "kind", name="uq_declaration_documents_kind"),
    )


def _clearance():
    """Customs status events, the CBEC quota ledger, label batches."""
    op.create_table(
        "status_events",
        required("id", sa.Integer(), autoincrement=True),
        ref("status_events", "order_id", "orders", nullable=True, index=True),
        required("message_type", sa.String(10)),
        required("business_key", sa.String(80), index=True),
        required("status", sa.String(10)),
        required("occurred_at", sa.DateTime()),
        optional("info", sa.Text()),
        optional("details", sa.JSON()),
        required("received_at", STAMP),
        sa.PrimaryKeyConstraint("id", name="pk_status_events"),
        sa.UniqueConstraint(
            "message_type", "business_key", "status", "occurred_at", name="uq_status_events_key"
        ),
    )
    op.create_table(
        "quota_ledger",
        ref("quota_ledger", "order_id", "orders"),
        required("buyer_id", sa.String(30), index=True),
        required("year", sa.Integer()),
        required("amount", MONEY),
        required("state", sa.String(12)),
        required("updated_at", STAMP),
        sa.PrimaryKeyConstraint("order_id", name="pk_quota_ledger"),
    )
    entity(
        "label_batches",
        ref("label_batches", "requested_by", "users"),
        required("kind", sa.String(10)),
        required("parcel_ids", sa.JSON()),
        required("total", sa.Integer()),
        required("done", sa.Integer()),
        required("pages", sa.Integer()),
        optional("file_path", sa.Text()),
        *progress(),
    )


def downgrade():
    for table in (
        "declaration_documents",
        "status_events",
        "quota_ledger",
        "parcels",
        "order_lines",
        "declarations",
        "orders",
        "import_row_errors",
        "import_batches",
        "sellers",
        "profiles",
        "label_batches",
        "audit_log",
        "api_tokens",
        "users",
        "s10_counters",
    ):
        op.drop_table(table)
