"""Schemas of the summary declarations a seller's month is filed as (CEB701 → CEB702/792)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .query import QuerySchema
from .times import Instant

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
STATUSES = ("queued", "filed", "accepted", "rejected", "declared", "empty", "failed")


class SummaryIn(Schema):
    month = fields.String(
        required=True,
        validate=validate.Regexp(MONTH, error="not YYYY-MM"),
        metadata={"description": "The month whose releases (China time) are summarised"},
    )
    seller_id = fields.String(
        validate=validate.Length(min=1, max=36),
        metadata={"description": "Required for brokers and admins; a seller's own otherwise"},
    )


class SummaryQuery(QuerySchema):
    seller_id = fields.String(validate=validate.Length(min=1, max=36))
    month = fields.String(validate=validate.Regexp(MONTH, error="not YYYY-MM"))


class SkippedOut(Schema):
    order_no = fields.String()
    invt_no = fields.String()
    reason = fields.String()


class PreviewLineOut(Schema):
    gseqno = fields.Integer()
    gcode = fields.String()
    item_name = fields.String()
    country = fields.String(metadata={"description": "Destination, customs country code"})
    currency = fields.String(metadata={"description": "Customs currency code (502 USD…)"})
    total_price = fields.String(metadata={"description": "Decimal, in that currency"})
    inventory_lines = fields.Integer()


class PreviewOut(Schema):
    part = fields.Integer()
    trade_mode = fields.String()
    country = fields.String()
    port_code = fields.String()
    traf_mode = fields.String()
    inventories = fields.Integer()
    lines = fields.List(fields.Nested(PreviewLineOut))


class ApplicationOut(Schema):
    id = fields.String()
    cop_no = fields.String()
    customs_code = fields.String()
    loct_no = fields.String()
    status = fields.String(
        metadata={"enum": ["planned", "filed", "declaring", "accepted", "rejected"]}
    )
    pre_no = fields.String(allow_none=True)
    sum_no = fields.String(allow_none=True)
    info = fields.String(allow_none=True, metadata={"description": "Customs' text (refusals)"})
    invt_nos = fields.List(fields.String())
    preview = fields.List(
        fields.Nested(PreviewOut),
        metadata={"description": "The declarations the grouping rule makes of it"},
    )
    messages = fields.List(fields.String(), metadata={"description": "Outbox file names"})


class SummaryReceiptOut(Schema):
    message_type = fields.String()
    cop_no = fields.String()
    status = fields.String()
    label = fields.String()
    time = Instant()
    info = fields.String()
    sum_no = fields.String(allow_none=True)
    part = fields.String(allow_none=True)


class DeclaredOut(Schema):
    sum_no = fields.String()
    decl_seq_no = fields.String()
    entry_id = fields.String(allow_none=True)
    dec_state = fields.String()
    op_time = Instant()
    lines = fields.Integer()


class DeclaredLineOut(Schema):
    decl_seq_no = fields.String()
    gseqno = fields.Integer(metadata={"description": "The customs declaration line"})
    invt_no = fields.String()
    gnum = fields.Integer(metadata={"description": "The inventory line"})
    gcode = fields.String()
    logistics_no = fields.String()
    order_id = fields.String(allow_none=True)
    order_line_id = fields.String(allow_none=True)


class SummaryOut(Schema):
    id = fields.String()
    seller_id = fields.String()
    month = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    error = fields.String(allow_none=True)
    created_at = Instant()
    filed_at = Instant(allow_none=True)
    inventories = fields.Integer()
    skipped = fields.List(fields.Nested(SkippedOut))
    applications = fields.List(fields.Nested(ApplicationOut))
    receipts = fields.List(fields.Nested(SummaryReceiptOut))
    declarations = fields.List(fields.Nested(DeclaredOut))
    lines = fields.List(fields.Nested(DeclaredLineOut))
