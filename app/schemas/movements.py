"""Schemas of export returns (CEB213/215), export movements (CEB507/509/607) and the
import-side movements shown with them (CEB711 site entries, CEB513 signed-for)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .fields import ExactDecimal
from .times import Instant

ID = validate.Length(min=1, max=36)
STATUSES = ("queued", "filed", "accepted", "refused", "failed")


class ReturnLineIn(Schema):
    gnum = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=999),
        metadata={"description": "The inventory line (1 = the order's first line)"},
    )
    qty = ExactDecimal(
        places=5,
        required=True,
        metadata={"description": "Returned, more than 0 and at most the declared quantity"},
    )


class ReturnTransportIn(Schema):
    """How the goods come back, where it differs from the original shipment (CEB213 needs
    the conveyance: trafName and voyageNo, which a postal export may not have stated)."""

    logistics_no = fields.String(
        validate=validate.Length(min=1, max=80),
        metadata={"description": "The return waybill (default: the original one)"},
    )
    bill_no = fields.String(validate=validate.Length(min=1, max=37))
    traf_mode = fields.String(
        validate=validate.Regexp(r"^[0-9A-Z]$"), metadata={"description": "Customs code"}
    )
    traf_name = fields.String(validate=validate.Length(min=1, max=100))
    voyage_no = fields.String(validate=validate.Length(min=1, max=32))
    country = fields.String(
        validate=validate.Regexp(r"^[A-Z]{2}$"),
        metadata={"description": "ISO country the goods come from (not CN)"},
    )
    port_code = fields.String(validate=validate.Regexp(r"^\d{4}$"))


class ExportReturnIn(Schema):
    case_id = fields.String(required=True, validate=ID)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    transport = fields.Nested(ReturnTransportIn)
    lines = fields.List(
        fields.Nested(ReturnLineIn),
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Lines returned in part; every line in full when omitted"},
    )


class TallyIn(Schema):
    location = fields.String(
        validate=validate.Length(max=250),
        metadata={"description": "Where at the site the returned parcel is tallied"},
    )


class ExportMovementIn(Schema):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(("arrival", "departure", "waybill_list")),
        metadata={
            "description": "arrival (CEB507), departure (CEB509) or waybill_list (CEB607: "
            "the master bill and its parcels with their inventories; needs traf_name, "
            "voyage_no and bill_no, which a despatch's leg gives unless named here)"
        },
    )
    despatch_id = fields.String(validate=ID, metadata={"description": "A closed despatch"})
    parcel_ids = fields.List(
        fields.String(validate=ID),
        validate=validate.Length(min=1, max=5000),
        metadata={"description": "The parcels of a batch (instead of a despatch)"},
    )
    domestic_traf_no = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "The vehicle that brought the batch (arrival: required)"},
    )
    traf_name = fields.String(validate=validate.Length(min=1, max=100))
    voyage_no = fields.String(validate=validate.Length(min=1, max=32))
    bill_no = fields.String(validate=validate.Length(min=1, max=37))
    note = fields.String(validate=validate.Length(max=1000))

    @validates_schema
    def _one_batch(self, data, **kwargs):
        if bool(data.get("despatch_id")) == bool(data.get("parcel_ids")):
            raise ValidationError("give despatch_id or parcel_ids", "despatch_id")
        if data.get("kind") == "arrival" and not data.get("domestic_traf_no"):
            raise ValidationError("required for an arrival", "domestic_traf_no")


class CustomsMovementReceiptOut(Schema):
    message_type = fields.String()
    status = fields.String()
    time = Instant()
    info = fields.String(allow_none=True)


class CustomsMovementBaseOut(Schema):
    id = fields.String()
    kind = fields.String(
        metadata={
            "enum": [
                "export_return",
                "return_tally",
                "arrival",
                "departure",
                "waybill_list",
                "site_entry",
                "signed_for",
            ]
        }
    )
    message = fields.String(
        metadata={"description": "CEB213, CEB215, CEB507, CEB509, CEB607, CEB711 or CEB513"}
    )
    cop_no = fields.String(metadata={"description": "coElNo / copNo the receipts carry"})
    status = fields.String(metadata={"enum": list(STATUSES)})
    case_id = fields.String(allow_none=True)
    order_id = fields.String(allow_none=True)
    despatch_id = fields.String(allow_none=True)
    entry_id = fields.String(allow_none=True, metadata={"description": "A bonded entry (CEB711)"})
    parent_id = fields.String(allow_none=True)
    parcel_ids = fields.List(fields.String())
    details = fields.Dict()
    receipt_status = fields.String(allow_none=True)
    info = fields.String(allow_none=True)
    error = fields.String(allow_none=True)
    created_at = Instant()
    filed_at = Instant(allow_none=True)
    messages = fields.List(fields.String(), metadata={"description": "Outbox file names"})
    receipts = fields.List(fields.Nested(CustomsMovementReceiptOut))


class CustomsMovementOut(CustomsMovementBaseOut):
    tally = fields.Nested(
        CustomsMovementBaseOut,
        allow_none=True,
        metadata={"description": "An export return's tally (CEB215), once asked for"},
    )
