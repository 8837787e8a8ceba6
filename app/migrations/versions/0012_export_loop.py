"""export loop: receipts of payment, purchase invoices, warehouses and their stock ledger,
customs summary results; orders gain trade_mode (9610 default, 9810, 1210) and warehouse_id

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 12:00:00

Stock quantities are stored as whole thousandths (BIGINT, ``app.models.warehouses``), so
the CHECKs keeping balances and lots from going negative compare numbers on every database.
"""

import sqlalchemy as sa
from alembic import op

from app.models.base import ExactNumeric

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

MONEY = ExactNumeric(18, 5)
QTY = sa.BigInteger()


def upgrade():
    op.create_table(
        "summary_declarations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seller_id", sa.String(length=36), nullable=True),
        sa.Column("sum_no", sa.String(length=18), nullable=False),
        sa.Column("decl_seq_no", sa.String(length=18), nullable=False),
        sa.Column("entry_id", sa.String(length=18), nullable=True),
        sa.Column("dec_state", sa.String(length=3), nullable=False),
        sa.Column("ebc_code", sa.String(length=18), nullable=False),
        sa.Column("op_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_summary_declarations_seller_id_sellers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_declarations")),
        sa.UniqueConstraint("sum_no", "decl_seq_no", name="uq_summary_declarations_decl"),
    )
    with op.batch_alter_table("summary_declarations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_summary_declarations_seller_id"), ["seller_id"], unique=False
        )

    op.create_table(
        "warehouses",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("seller_id", sa.String(length=36), nullable=True),
        sa.Column("crossing", sa.String(length=100), nullable=True),
        sa.Column("transport", sa.String(length=10), nullable=True),
        sa.Column("ems_no", sa.String(length=30), nullable=True),
        sa.Column("area_code", sa.String(length=18), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_warehouses_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_warehouses_seller_id_sellers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warehouses")),
        sa.UniqueConstraint("seller_id", "name", name="uq_warehouses_seller_name"),
    )
    with op.batch_alter_table("warehouses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_warehouses_seller_id"), ["seller_id"], unique=False)

    op.create_table(
        "overseas_sales",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("warehouse_id", sa.String(length=36), nullable=False),
        sa.Column("seller_id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.Column("quantity", QTY, nullable=False),
        sa.Column("sold_on", sa.Date(), nullable=False),
        sa.Column("buyer", sa.String(length=200), nullable=True),
        sa.Column("amount", MONEY, nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_overseas_sales_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_overseas_sales_seller_id_sellers")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_overseas_sales_warehouse_id_warehouses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overseas_sales")),
        sa.UniqueConstraint("warehouse_id", "seller_id", "reference", name="uq_overseas_sales_ref"),
    )
    with op.batch_alter_table("overseas_sales", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_overseas_sales_seller_id"), ["seller_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_overseas_sales_warehouse_id"), ["warehouse_id"], unique=False
        )

    op.create_table(
        "stock_entries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("warehouse_id", sa.String(length=36), nullable=False),
        sa.Column("seller_id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_stock_entries_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_stock_entries_seller_id_sellers")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_stock_entries_warehouse_id_warehouses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_entries")),
        sa.UniqueConstraint("warehouse_id", "seller_id", "reference", name="uq_stock_entries_ref"),
    )
    with op.batch_alter_table("stock_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_entries_seller_id"), ["seller_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_stock_entries_warehouse_id"), ["warehouse_id"], unique=False
        )

    op.create_table(
        "stock_levels",
        sa.Column("warehouse_id", sa.String(length=36), nullable=False),
        sa.Column("seller_id", sa.String(length=36), nullable=False),
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.Column("quantity", QTY, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_stock_levels_not_negative")),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_stock_levels_seller_id_sellers")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_stock_levels_warehouse_id_warehouses"),
        ),
        sa.PrimaryKeyConstraint("warehouse_id", "seller_id", "sku", name=op.f("pk_stock_levels")),
    )
    op.create_table(
        "payments_received",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seller_id", sa.String(length=36), nullable=False),
        sa.Column("bank_reference", sa.String(length=60), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("payer", sa.String(length=200), nullable=False),
        sa.Column("order_no", sa.String(length=60), nullable=True),
        sa.Column("order_id", sa.String(length=36), nullable=True),
        sa.Column("matched_by", sa.String(length=12), nullable=True),
        sa.Column("unmatched_reason", sa.Text(), nullable=True),
        sa.Column("applied", MONEY, nullable=False),
        sa.Column("excess", MONEY, nullable=False),
        sa.Column("settled_cny", MONEY, nullable=True),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_payments_received_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_payments_received_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_payments_received_seller_id_sellers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments_received")),
        sa.UniqueConstraint("seller_id", "bank_reference", name="uq_payments_received_reference"),
    )
    with op.batch_alter_table("payments_received", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payments_received_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payments_received_seller_id"), ["seller_id"], unique=False
        )

    op.create_table(
        "stock_entry_lines",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.Column("quantity", QTY, nullable=False),
        sa.Column("description", sa.String(length=300), nullable=True),
        sa.Column("item_record_no", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["stock_entries.id"],
            name=op.f("fk_stock_entry_lines_entry_id_stock_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_entry_lines")),
    )
    with op.batch_alter_table("stock_entry_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stock_entry_lines_entry_id"), ["entry_id"], unique=False
        )

    op.create_table(
        "stock_releases",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("warehouse_id", sa.String(length=36), nullable=False),
        sa.Column("seller_id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("trade_mode", sa.String(length=4), nullable=False),
        sa.Column("crossing", sa.String(length=100), nullable=True),
        sa.Column("transport", sa.String(length=10), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_stock_releases_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_stock_releases_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_stock_releases_seller_id_sellers")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_stock_releases_warehouse_id_warehouses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_releases")),
        sa.UniqueConstraint("order_id", name=op.f("uq_stock_releases_order_id")),
    )
    with op.batch_alter_table("stock_releases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stock_releases_seller_id"), ["seller_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_stock_releases_warehouse_id"), ["warehouse_id"], unique=False
        )

    op.create_table(
        "purchase_invoices",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seller_id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("order_line_id", sa.String(length=36), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("invoice_no", sa.String(length=40), nullable=False),
        sa.Column("amount_excl_vat", MONEY, nullable=False),
        sa.Column("vat", MONEY, nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("supplier", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_purchase_invoices_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_purchase_invoices_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_purchase_invoices_order_line_id_order_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_purchase_invoices_seller_id_sellers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_invoices")),
        sa.UniqueConstraint("order_line_id", "invoice_no", name="uq_purchase_invoices_line_no"),
    )
    with op.batch_alter_table("purchase_invoices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purchase_invoices_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_purchase_invoices_order_line_id"), ["order_line_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_purchase_invoices_seller_id"), ["seller_id"], unique=False
        )

    op.create_table(
        "stock_movements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("warehouse_id", sa.String(length=36), nullable=False),
        sa.Column("seller_id", sa.String(length=36), nullable=False),
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("quantity", QTY, nullable=False),
        sa.Column("balance", QTY, nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=True),
        sa.Column("order_line_id", sa.String(length=36), nullable=True),
        sa.Column("entry_line_id", sa.String(length=36), nullable=True),
        sa.Column("sale_id", sa.String(length=36), nullable=True),
        sa.Column("release_id", sa.String(length=36), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity <> 0", name=op.f("ck_stock_movements_not_zero")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_stock_movements_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["entry_line_id"],
            ["stock_entry_lines.id"],
            name=op.f("fk_stock_movements_entry_line_id_stock_entry_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_stock_movements_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_stock_movements_order_line_id_order_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["stock_releases.id"],
            name=op.f("fk_stock_movements_release_id_stock_releases"),
        ),
        sa.ForeignKeyConstraint(
            ["sale_id"],
            ["overseas_sales.id"],
            name=op.f("fk_stock_movements_sale_id_overseas_sales"),
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_stock_movements_seller_id_sellers")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_stock_movements_warehouse_id_warehouses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
        sa.UniqueConstraint("kind", "order_line_id", name="uq_stock_movements_order_line"),
    )
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_movements_order_id"), ["order_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_stock_movements_release_id"), ["release_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_stock_movements_sale_id"), ["sale_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_stock_movements_warehouse_id"), ["warehouse_id"], unique=False
        )

    op.create_table(
        "summary_result_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("declaration_id", sa.String(length=36), nullable=False),
        sa.Column("invt_no", sa.String(length=20), nullable=False),
        sa.Column("logistics_no", sa.String(length=32), nullable=False),
        sa.Column("gseqno", sa.Integer(), nullable=False),
        sa.Column("gnum", sa.Integer(), nullable=False),
        sa.Column("gcode", sa.String(length=10), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=True),
        sa.Column("order_line_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["summary_declarations.id"],
            name=op.f("fk_summary_result_lines_declaration_id_summary_declarations"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_summary_result_lines_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_summary_result_lines_order_line_id_order_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_result_lines")),
        sa.UniqueConstraint(
            "declaration_id", "invt_no", "gnum", name="uq_summary_result_lines_gnum"
        ),
    )
    with op.batch_alter_table("summary_result_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_summary_result_lines_declaration_id"), ["declaration_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_summary_result_lines_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_summary_result_lines_order_line_id"), ["order_line_id"], unique=False
        )

    op.create_table(
        "stock_lots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("warehouse_id", sa.String(length=36), nullable=False),
        sa.Column("seller_id", sa.String(length=36), nullable=False),
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.Column("movement_id", sa.Integer(), nullable=False),
        sa.Column("quantity", QTY, nullable=False),
        sa.Column("remaining", QTY, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "remaining >= 0 AND remaining <= quantity",
            name=op.f("ck_stock_lots_remaining_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["movement_id"],
            ["stock_movements.id"],
            name=op.f("fk_stock_lots_movement_id_stock_movements"),
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_stock_lots_seller_id_sellers")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["warehouses.id"], name=op.f("fk_stock_lots_warehouse_id_warehouses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_lots")),
        sa.UniqueConstraint("movement_id", name=op.f("uq_stock_lots_movement_id")),
    )
    with op.batch_alter_table("stock_lots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stock_lots_stock", ["warehouse_id", "seller_id", "sku"], unique=False
        )

    op.create_table(
        "stock_allocations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("movement_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("quantity", QTY, nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_stock_allocations_positive")),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["stock_lots.id"], name=op.f("fk_stock_allocations_lot_id_stock_lots")
        ),
        sa.ForeignKeyConstraint(
            ["movement_id"],
            ["stock_movements.id"],
            name=op.f("fk_stock_allocations_movement_id_stock_movements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_allocations")),
    )
    with op.batch_alter_table("stock_allocations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_allocations_lot_id"), ["lot_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_stock_allocations_movement_id"), ["movement_id"], unique=False
        )

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("trade_mode", sa.String(length=4), server_default="9610", nullable=False)
        )
        batch_op.add_column(sa.Column("warehouse_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_orders_warehouse_id"), ["warehouse_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_orders_warehouse_id_warehouses"), "warehouses", ["warehouse_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_orders_warehouse_id_warehouses"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_orders_warehouse_id"))
        batch_op.drop_column("warehouse_id")
        batch_op.drop_column("trade_mode")

    with op.batch_alter_table("stock_allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_allocations_movement_id"))
        batch_op.drop_index(batch_op.f("ix_stock_allocations_lot_id"))

    op.drop_table("stock_allocations")
    with op.batch_alter_table("stock_lots", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_lots_stock")

    op.drop_table("stock_lots")
    with op.batch_alter_table("summary_result_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_summary_result_lines_order_line_id"))
        batch_op.drop_index(batch_op.f("ix_summary_result_lines_order_id"))
        batch_op.drop_index(batch_op.f("ix_summary_result_lines_declaration_id"))

    op.drop_table("summary_result_lines")
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_movements_warehouse_id"))
        batch_op.drop_index(batch_op.f("ix_stock_movements_sale_id"))
        batch_op.drop_index(batch_op.f("ix_stock_movements_release_id"))
        batch_op.drop_index(batch_op.f("ix_stock_movements_order_id"))

    op.drop_table("stock_movements")
    with op.batch_alter_table("purchase_invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_invoices_seller_id"))
        batch_op.drop_index(batch_op.f("ix_purchase_invoices_order_line_id"))
        batch_op.drop_index(batch_op.f("ix_purchase_invoices_order_id"))

    op.drop_table("purchase_invoices")
    with op.batch_alter_table("stock_releases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_releases_warehouse_id"))
        batch_op.drop_index(batch_op.f("ix_stock_releases_seller_id"))

    op.drop_table("stock_releases")
    with op.batch_alter_table("stock_entry_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_entry_lines_entry_id"))

    op.drop_table("stock_entry_lines")
    with op.batch_alter_table("payments_received", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_received_seller_id"))
        batch_op.drop_index(batch_op.f("ix_payments_received_order_id"))

    op.drop_table("payments_received")
    op.drop_table("stock_levels")
    with op.batch_alter_table("stock_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_entries_warehouse_id"))
        batch_op.drop_index(batch_op.f("ix_stock_entries_seller_id"))

    op.drop_table("stock_entries")
    with op.batch_alter_table("overseas_sales", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_overseas_sales_warehouse_id"))
        batch_op.drop_index(batch_op.f("ix_overseas_sales_seller_id"))

    op.drop_table("overseas_sales")
    with op.batch_alter_table("warehouses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_warehouses_seller_id"))

    op.drop_table("warehouses")
    with op.batch_alter_table("summary_declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_summary_declarations_seller_id"))

    op.drop_table("summary_declarations")
