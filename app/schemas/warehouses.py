"""Warehouses, their stock, entries, sales, adjustments and releases."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from ..models.warehouses import BORDER_TRANSPORT, WAREHOUSE_KINDS
from .fields import Country, Currency, CustomsCode, ExactDecimal, Text
from .payments import reference_text
from .query import QuerySchema
from .times import Day, Instant


class InstantIn(Instant):
    """An instant read as aware: one sent without an offset is UTC."""

    def _deserialize(self, value: Any, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _seller_id() -> fields.String:
    return fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=36),
        metadata={"description": "Brokers and admins: the seller whose stock this is"},
    )


def _sku(**kw: Any) -> Text:
    return reference_text(60, **kw)


class WarehouseIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(WAREHOUSE_KINDS))
    name = Text(200, required=True)
    country = Country(required=True, metadata={"description": "Where the warehouse is"})
    operator = Text(200, required=True, metadata={"description": "Who runs it"})
    crossing = Text(
        100,
        load_default=None,
        allow_none=True,
        metadata={"description": "Border warehouses: the land border crossing (required)"},
    )
    transport = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(BORDER_TRANSPORT),
        metadata={"description": "Border warehouses: how despatches leave (road | rail)"},
    )
    lane_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=36),
        metadata={
            "description": "Border warehouses: the road or rail lane (GET /lanes) its despatches "
            "travel; crossing and transport are then the lane's"
        },
    )
    ems_no = Text(
        30,
        load_default=None,
        allow_none=True,
        metadata={"description": "Bonded warehouses: the customs ledger number (账册, emsNo)"},
    )
    area_code = CustomsCode(
        load_default=None,
        allow_none=True,
        metadata={"description": "Bonded warehouses: the zone warehouse company (areaCode)"},
    )

    operator_code = CustomsCode(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "Bonded warehouses: the operator's customs registration, who files "
            "the entries (CEB711 operatorCode; required to make an entry)"
        },
    )
    operator_dxp_id = Text(
        30,
        load_default=None,
        allow_none=True,
        metadata={
            "description": "Bonded warehouses: the DXP id the operator files from (needed "
            "unless the operator is the service's configured logistics operator)"
        },
    )
    customs_code = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^\d{4}$", error="a 4-digit customs office code"),
        metadata={
            "description": "Bonded warehouses: the customs office the entries are filed with "
            "(default: the service's SILKPOST_CUSTOMS_CODE)"
        },
    )

    @validates_schema
    def _kind_fields(self, data: dict, **kwargs: Any) -> None:
        kind, errors = data.get("kind"), {}
        if kind == "border" and not (data.get("crossing") or data.get("lane_id")):
            errors["crossing"] = ["required for a border warehouse"]
        for name, only in (
            ("crossing", "border"),
            ("transport", "border"),
            ("lane_id", "border"),
            ("ems_no", "bonded"),
            ("area_code", "bonded"),
            ("operator_code", "bonded"),
            ("operator_dxp_id", "bonded"),
            ("customs_code", "bonded"),
        ):
            if data.get(name) and kind != only:
                errors.setdefault(name, []).append(f"only for {only} warehouses")
        if errors:
            raise ValidationError(errors)


class WarehouseOut(WarehouseIn):
    id = fields.String()
    seller_id = fields.String(allow_none=True)
    public = fields.Boolean(metadata={"description": "Registered by a broker or admin"})
    created_at = Instant()


class WarehouseQuery(QuerySchema):
    kind = fields.String(validate=validate.OneOf(WAREHOUSE_KINDS))


class EntryLineIn(Schema):
    sku = _sku(required=True)
    quantity = ExactDecimal(places=3, required=True)
    description = Text(300, load_default=None, allow_none=True)
    item_record_no = Text(
        30,
        load_default=None,
        allow_none=True,
        metadata={"description": "The customs ledger's item number (账册备案料号)"},
    )


class EntryTransportIn(Schema):
    """How the goods of a bonded entry came in, as the site entry record (CEB711) states
    them: the conveyance, its voyage, the master bill, the carrier and its packages."""

    traf_mode = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[0-9A-Z]$", error="a customs transport mode code"),
        metadata={"description": "Customs transport mode code (default SILKPOST_TRAF_MODE)"},
    )
    traf_no = Text(100, required=True, metadata={"description": "The conveyance (trafNo)"})
    voyage_no = Text(32, required=True, metadata={"description": "Its voyage (voyageNo)"})
    bill_no = Text(37, required=True, metadata={"description": "The master bill (billNo)"})
    logistics_code = CustomsCode(
        required=True, metadata={"description": "The carrier's customs registration"}
    )
    logistics_name = Text(100, required=True)
    packages = fields.List(
        Text(60),
        required=True,
        validate=validate.Length(min=1, max=1000, error="1 to 1000 package numbers"),
        metadata={"description": "The carrier's waybill/package numbers (logisticsNo)"},
    )

    @validates("packages")
    def _distinct(self, value: list, data_key: str) -> None:
        if len(set(value)) != len(value):
            raise ValidationError("each package is listed once")


class EntryIn(Schema):
    reference = reference_text(
        60,
        required=True,
        metadata={"description": "The entry's reference (入库单 / 进境备案清单 number)"},
    )
    entered_at = InstantIn(load_default=None, allow_none=True)
    note = Text(1000, load_default=None, allow_none=True)
    seller_id = _seller_id()
    transport = fields.Nested(
        EntryTransportIn,
        load_default=None,
        metadata={
            "description": "Bonded warehouses (required): how the goods came in; the entry "
            "is reported to customs as a site entry record (CEB711)"
        },
    )
    lines = fields.List(
        fields.Nested(EntryLineIn),
        required=True,
        validate=validate.Length(min=1, max=500, error="an entry has 1 to 500 lines"),
    )


class EntryLineOut(EntryLineIn):
    line_no = fields.Integer()


class EntryCustomsOut(Schema):
    """The site entry record (CEB711) of a bonded entry and what customs made of it."""

    movement_id = fields.String()
    message = fields.String(metadata={"description": "CEB711"})
    cop_no = fields.String(metadata={"description": "The entry record's copNo"})
    status = fields.String(metadata={"enum": ["queued", "filed", "accepted", "refused", "failed"]})
    confirmed = fields.Boolean(metadata={"description": "Customs entered it (CEB712 120 海关入库)"})
    rkd_no = fields.String(
        allow_none=True, metadata={"description": "The entry number customs issued"}
    )
    receipt_status = fields.String(allow_none=True)
    info = fields.String(allow_none=True, metadata={"description": "Customs' last text"})
    error = fields.String(allow_none=True)
    filed_at = Instant(allow_none=True)


class EntryOut(Schema):
    id = fields.String()
    warehouse_id = fields.String()
    seller_id = fields.String()
    reference = fields.String()
    entered_at = Instant()
    note = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(EntryLineOut))
    transport = fields.Nested(EntryTransportIn, allow_none=True)
    customs = fields.Nested(
        EntryCustomsOut,
        allow_none=True,
        metadata={
            "description": "Bonded entries: the CEB711 filed for it (its stock counts from "
            "the entry; `confirmed` says whether customs have entered it)"
        },
    )
    created_at = Instant()


class SaleIn(Schema):
    reference = reference_text(
        60, required=True, metadata={"description": "The seller's reference for the sale"}
    )
    sku = _sku(required=True)
    quantity = ExactDecimal(places=3, required=True)
    sold_on = Day(required=True)
    buyer = Text(200, load_default=None, allow_none=True)
    amount = ExactDecimal(places=5, load_default=None, allow_none=True)
    currency = Currency(load_default=None, allow_none=True)
    seller_id = _seller_id()

    @validates_schema
    def _amount_pair(self, data: dict, **kwargs: Any) -> None:
        if (data.get("amount") is None) != (data.get("currency") is None):
            raise ValidationError("amount and currency go together", "currency")


class AdjustmentIn(Schema):
    sku = _sku(required=True)
    quantity = ExactDecimal(
        places=3,
        positive=False,
        required=True,
        metadata={"description": "Signed: positive adds to stock, negative takes from it"},
    )
    reason = Text(500, required=True)
    at = InstantIn(load_default=None, allow_none=True)
    seller_id = _seller_id()

    @validates("quantity")
    def _not_zero(self, value, data_key: str) -> None:
        if value == 0:
            raise ValidationError("must not be zero")


class ReleaseIn(Schema):
    order_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class StockQuery(QuerySchema):
    seller_id = fields.String(validate=validate.Length(min=1, max=36))
    sku = fields.String(validate=validate.Length(min=1, max=60))


class MovementQuery(StockQuery):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class StockLevelOut(Schema):
    seller_id = fields.String()
    sku = fields.String()
    quantity = ExactDecimal(places=3)
    unconfirmed = ExactDecimal(
        places=3,
        metadata={
            "description": "Of the quantity entered, what customs have not confirmed yet "
            "(bonded entries whose CEB711 is not answered 海关入库)"
        },
    )
    lots = fields.Integer(metadata={"description": "Arrivals with units left"})
    updated_at = Instant()


class StockOut(Schema):
    warehouse_id = fields.String()
    kind = fields.String()
    booked_exports = fields.Integer(
        metadata={"description": "Released 9810 export lines booked into stock by this read"}
    )
    items = fields.List(fields.Nested(StockLevelOut))


class MovementOut(Schema):
    id = fields.Integer()
    seller_id = fields.String()
    sku = fields.String()
    kind = fields.String(
        metadata={"description": "export_in | entry | adjustment | sale | release"}
    )
    quantity = ExactDecimal(places=3, positive=False)
    balance = ExactDecimal(places=3)
    reason = fields.String(allow_none=True)
    occurred_at = Instant()
    order_id = fields.String(allow_none=True)
    order_line_id = fields.String(allow_none=True)
    entry_line_id = fields.String(allow_none=True)
    sale_id = fields.String(allow_none=True)
    release_id = fields.String(allow_none=True)


class MovementPageOut(Schema):
    items = fields.List(fields.Nested(MovementOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class DeclarationLineOut(Schema):
    sum_no = fields.String()
    decl_seq_no = fields.String()
    entry_id = fields.String(allow_none=True)
    gseqno = fields.Integer()
    gcode = fields.String()


class TraceOut(Schema):
    """Where departed units came from: an export line, an entry line or an adjustment."""

    quantity = ExactDecimal(places=3)
    arrival = fields.String(metadata={"description": "export_in | entry | adjustment"})
    arrived_at = Instant()
    order_id = fields.String()
    order_no = fields.String()
    line_no = fields.Integer()
    hs_code = fields.String()
    invt_no = fields.String(allow_none=True, metadata={"description": "Export inventory number"})
    declaration = fields.Nested(DeclarationLineOut, allow_none=True)
    entry_id = fields.String()
    entry_reference = fields.String()
    item_record_no = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)


class SaleOut(SaleIn):
    id = fields.String()
    warehouse_id = fields.String()
    seller_id = fields.String()
    created_at = Instant()
    trace = fields.List(fields.Nested(TraceOut))


class ReleaseLineOut(Schema):
    line_no = fields.Integer()
    sku = fields.String()
    quantity = ExactDecimal(places=3)
    trace = fields.List(fields.Nested(TraceOut))


class ReleaseOut(Schema):
    id = fields.String()
    warehouse_id = fields.String()
    seller_id = fields.String()
    order_id = fields.String()
    order_no = fields.String()
    trade_mode = fields.String()
    crossing = fields.String(allow_none=True)
    transport = fields.String(allow_none=True)
    released_at = Instant()
    lines = fields.List(fields.Nested(ReleaseLineOut))
    documents = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": "URL per kind"}
    )
