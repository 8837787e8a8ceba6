"""posts: offices of exchange, lanes, despatch series, despatches, receptacles and their items

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 10:00:00

The tables of the postal channel after the CN23 (``app.models.posts``). The offices and lanes
are filled from ``declarations/data/offices.yaml`` and ``lanes.yaml`` by the application's
seed step (``app.services.post_network.seed``), not here, so the reviewed data can change
without a migration.
"""

import sqlalchemy as sa
from alembic import op

from app.models.base import AwareDateTime, ExactNumeric

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ID = sa.String(36)
STAMP = sa.DateTime(timezone=True)
WEIGHT = ExactNumeric(12, 3)
SERIES = ("origin_office", "destination_office", "category", "subclass", "year")


def required(name: str, *args, **kwargs) -> sa.Column:
    return sa.Column(name, *args, nullable=False, **kwargs)


def optional(name: str, *args, **kwargs) -> sa.Column:
    return sa.Column(name, *args, nullable=True, **kwargs)


def fk(table: str, column: str, target: str, key: str = "id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.{key}"], name=f"fk_{table}_{column}_{target}"
    )


def office(table: str, column: str) -> list:
    return [required(column, sa.String(6)), fk(table, column, "post_offices", "code")]


def stamp(table: str) -> list:
    """Who made the row and when."""
    return [
        optional("created_by", ID),
        required("created_at", STAMP),
        fk(table, "created_by", "users"),
    ]


def upgrade():
    _network()
    _despatches()
    _receptacles()


def _network():
    op.create_table(
        "post_offices",
        required("code", sa.String(6)),
        required("name", sa.String(100)),
        required("country", sa.String(2)),
        optional("operator_code", sa.String(6)),
        optional("operator_name", sa.String(100)),
        required("timezone", sa.String(64)),
        optional("valid_from", sa.Date()),
        optional("valid_to", sa.Date()),
        required("reviewed", sa.Boolean(), server_default=sa.false()),
        required("source", sa.Text()),
        optional("note", sa.Text()),
        required("origin", sa.String(4)),
        *stamp("post_offices"),
        sa.PrimaryKeyConstraint("code", name="pk_post_offices"),
    )
    op.create_table(
        "post_lanes",
        required("id", ID),
        required("code", sa.String(40)),
        *office("post_lanes", "origin_office"),
        *office("post_lanes", "destination_office"),
        required("mode", sa.String(4)),
        optional("border_crossing", sa.String(20)),
        optional("gateway", sa.String(100)),
        optional("carrier", sa.String(100)),
        required("reviewed", sa.Boolean(), server_default=sa.false()),
        required("source", sa.Text()),
        optional("note", sa.Text()),
        required("origin", sa.String(4)),
        *stamp("post_lanes"),
        sa.PrimaryKeyConstraint("id", name="pk_post_lanes"),
        sa.UniqueConstraint("code", name="uq_post_lanes_code"),
    )
    op.create_table(
        "post_despatch_series",
        required("origin_office", sa.String(6)),
        required("destination_office", sa.String(6)),
        required("category", sa.String(1)),
        required("subclass", sa.String(2)),
        required("year", sa.Integer(), autoincrement=False),
        required("last_number", sa.Integer()),
        optional("open_number", sa.Integer()),
        required("open_serial", sa.Integer()),
        sa.PrimaryKeyConstraint(*SERIES, name="pk_post_despatch_series"),
    )


def _despatches():
    op.create_table(
        "post_despatches",
        required("id", ID),
        required("lane_id", ID),
        *office("post_despatches", "origin_office"),
        *office("post_despatches", "destination_office"),
        required("category", sa.String(1)),
        required("subclass", sa.String(2)),
        required("year", sa.Integer()),
        required("despatch_number", sa.Integer()),
        required("status", sa.String(10)),
        required("transport", sa.JSON()),
        required("departure_at", AwareDateTime()),
        optional("arrival_at", AwareDateTime()),
        optional("closed_at", AwareDateTime()),
        optional("closed_by", ID),
        optional("pre_advice", sa.LargeBinary()),
        optional("pre_advice_sha256", sa.String(64)),
        optional("pre_advice_message_id", sa.String(36)),
        optional("pre_advice_sent_at", AwareDateTime()),
        *stamp("post_despatches"),
        fk("post_despatches", "lane_id", "post_lanes"),
        fk("post_despatches", "closed_by", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_post_despatches"),
        sa.UniqueConstraint(*SERIES, "despatch_number", name="uq_post_despatches_number"),
    )
    op.create_index("ix_post_despatches_lane_id", "post_despatches", ["lane_id"])


def _receptacles():
    op.create_table(
        "post_receptacles",
        required("id", ID),
        required("s9_id", sa.String(29)),
        *office("post_receptacles", "origin_office"),
        *office("post_receptacles", "destination_office"),
        required("category", sa.String(1)),
        required("subclass", sa.String(2)),
        required("year", sa.Integer()),
        required("despatch_number", sa.Integer()),
        required("serial", sa.Integer()),
        required("last", sa.Boolean()),
        required("registered", sa.Boolean()),
        required("gross_weight_kg", WEIGHT),
        optional("declared_weight_kg", WEIGHT),
        required("contents_weight_kg", WEIGHT),
        optional("tare_kg", WEIGHT),
        optional("despatch_id", ID),
        *stamp("post_receptacles"),
        fk("post_receptacles", "despatch_id", "post_despatches"),
        sa.PrimaryKeyConstraint("id", name="pk_post_receptacles"),
        sa.UniqueConstraint(
            *SERIES, "despatch_number", "serial", name="uq_post_receptacles_serial"
        ),
    )
    op.create_index("ix_post_receptacles_s9_id", "post_receptacles", ["s9_id"])
    op.create_index("ix_post_receptacles_despatch_id", "post_receptacles", ["despatch_id"])
    op.create_table(
        "post_receptacle_items",
        required("parcel_id", ID),
        required("receptacle_id", ID),
        required("seq", sa.Integer()),
        fk("post_receptacle_items", "parcel_id", "parcels"),
        fk("post_receptacle_items", "receptacle_id", "post_receptacles"),
        sa.PrimaryKeyConstraint("parcel_id", name="pk_post_receptacle_items"),
    )
    op.create_index(
        "ix_post_receptacle_items_receptacle_id", "post_receptacle_items", ["receptacle_id"]
    )


def downgrade():
    for table in (
        "post_receptacle_items",
        "post_receptacles",
        "post_despatches",
        "post_despatch_series",
        "post_lanes",
        "post_offices",
    ):
        op.drop_table(table)
