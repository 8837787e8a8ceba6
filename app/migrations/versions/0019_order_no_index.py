"""orders.order_no indexed: preparing looks for the same order number under the same
e-commerce company code (customs refuse a second one, -301010), across sellers, for every case

Revision ID: 0019_order_no_index
Revises: 0018_movements
Create Date: 2026-12-01 18:10:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_order_no_index"
down_revision = "0018_movements"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_order_no"), ["order_no"])


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_order_no"))
