"""Receipts of payment from the bank and purchase invoices: what comes in and goes out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .fields import Currency, ExactDecimal, Text
from .query import QuerySchema
from .times import Day, Instant

REFERENCE = validate.Regexp(r"^[\w\-./#: ]+$", error="letters, digits, spaces and - _ . / # : only")


def reference_text(max_len: int, **kw: Any) -> fields.String:
    return Text(max_len, validate=REFERENCE, **kw)


class PaymentIn(Schema):
    """One receipt of payment as the bank statement shows it (a JSON item or a CSV row)."""

    amount = ExactDecimal(places=5, required=True)
    currency = Currency(required=True)
    received_on = Day(
        required=True, data_key="date", metadata={"description": "Value date (到账日期)"}
    )
    payer = Text(200, required=True)
    bank_reference = reference_text(
        60, required=True, metadata={"description": "The bank's reference: identifies the receipt"}
    )
    order_no = Text(
        60,
        load_default=None,
        allow_none=True,
        metadata={"description": "The export order the remittance names, if it names one"},
    )
    settled_cny = ExactDecimal(
        places=2,
        load_default=None,
        allow_none=True,
        metadata={"description": "CNY the bank credited when it settled the receipt (结汇)"},
    )
    settled_on = Day(load_default=None, allow_none=True)

    @validates_schema
    def _settlement_pair(self, data: dict, **kwargs: Any) -> None:
        if (data.get("settled_cny") is None) != (data.get("settled_on") is None):
            raise ValidationError("settled_cny and settled_on go together", "settled_on")
        if data.get("settled_on") and data.get("received_on"):
            if data["settled_on"] < data["received_on"]:
                raise ValidationError("must not be before the value date", "settled_on")
        if data.get("received_on") and data["received_on"] > datetime.now(UTC).date():
            raise ValidationError("a receipt's value date cannot be in the future", "date")

    @staticmethod
    def columns() -> tuple[str, ...]:
        return tuple(f.data_key or name for name, f in PaymentIn().fields.items())


class PaymentQuery(QuerySchema):
    unmatched = fields.Boolean(
        metadata={"description": "true: only receipts matching no order; false: only matched"}
    )
    order_id = fields.String(validate=validate.Length(min=1, max=36))
    currency = Currency()
    seller_id = fields.String(validate=validate.Length(min=1, max=36))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class PaymentSellerQuery(QuerySchema):
    seller_id = fields.String(
        validate=validate.Length(min=1, max=36),
        metadata={"description": "Brokers and admins: the seller the money is for"},
    )


class OrderStandingOut(Schema):
    order_no = fields.String()
    due = ExactDecimal(places=5)
    received = ExactDecimal(places=5)
    outstanding = ExactDecimal(places=5)
    state = fields.String(metadata={"description": "unpaid | partial | paid"})


class PaymentOut(Schema):
    id = fields.String()
    seller_id = fields.String()
    bank_reference = fields.String()
    amount = ExactDecimal(places=5)
    currency = fields.String()
    date = Day(attribute="received_on")
    payer = fields.String()
    order_no = fields.String(allow_none=True)
    order_id = fields.String(allow_none=True)
    matched_by = fields.String(
        allow_none=True, metadata={"description": "order_no | amount_payer; null: unmatched"}
    )
    unmatched_reason = fields.String(allow_none=True)
    applied = ExactDecimal(places=5, metadata={"description": "What it pays of the order"})
    excess = ExactDecimal(places=5, metadata={"description": "Over-payment beyond the order"})
    settled_cny = ExactDecimal(places=2, allow_none=True)
    settled_on = Day(allow_none=True)
    status = fields.String(metadata={"description": "unmatched | partial | paid | over_payment"})
    order = fields.Nested(OrderStandingOut, allow_none=True)
    created_at = Instant()


class PaymentPageOut(Schema):
    items = fields.List(fields.Nested(PaymentOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class PaymentResultOut(Schema):
    row = fields.Integer(metadata={"description": "CSV row (header = 1), or list index"})
    status = fields.String(metadata={"description": "created | duplicate | conflict | invalid"})
    bank_reference = fields.String(allow_none=True)
    id = fields.String()
    error = fields.String()
    field = fields.String()


class PaymentBatchOut(Schema):
    created = fields.Integer()
    duplicates = fields.Integer()
    conflicts = fields.Integer()
    invalid = fields.Integer()
    results = fields.List(fields.Nested(PaymentResultOut))


class PurchaseInvoiceIn(Schema):
    order_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    line_no = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=100),
        metadata={"description": "The order line; may be left out for a one-line order"},
    )
    invoice_no = reference_text(40, required=True)
    amount_excl_vat = ExactDecimal(places=2, required=True)
    vat = ExactDecimal(places=2, allow_zero=True, required=True)
    issued_on = Day(load_default=None, allow_none=True)
    supplier = Text(200, load_default=None, allow_none=True)


class PurchaseInvoiceOut(PurchaseInvoiceIn):
    id = fields.String()
    seller_id = fields.String()
    order_line_id = fields.String()
    created_at = Instant()


class PurchaseInvoiceQuery(QuerySchema):
    order_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
