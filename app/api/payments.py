"""Receipts of payment from the bank (JSON or CSV), and purchase invoices of export lines."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from ..auth import current_user, roles_required
from ..errors import DomainError, ValidationFailed
from ..schemas.payments import (
    PaymentBatchOut,
    PaymentIn,
    PaymentOut,
    PaymentPageOut,
    PaymentQuery,
    PaymentSellerQuery,
    PurchaseInvoiceIn,
    PurchaseInvoiceOut,
    PurchaseInvoiceQuery,
)
from ..services import payment_files, payments_received, purchase_invoices

blp = Blueprint("payments", __name__, url_prefix="", description="Money received and invoices")

_STATEMENT = {
    "required": True,
    "content": {
        "application/json": {"schema": {"type": "array", "items": PaymentIn, "maxItems": 1000}},
        "text/csv": {
            "schema": {
                "type": "string",
                "description": "Header row, then one receipt per row; columns: "
                + ", ".join(PaymentIn.columns())
                + f"; at most {payment_files.MAX_ROWS} rows and {payment_files.MAX_BYTES} bytes",
            }
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
    },
}


def _statement() -> tuple[list[tuple[int, dict]], list[dict]]:
    """The receipts sent and the CSV rows refused (JSON is valid whole or refused)."""
    limit = payment_files.MAX_BYTES + 1
    if request.mimetype == "text/csv":
        return payment_files.read_csv(request.stream.read(limit))
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise ValidationFailed("No file was sent.", {"file": ["missing"]})
        return payment_files.read_csv(upload.stream.read(limit))
    if request.is_json:
        payload = request.get_json(silent=True)
        if payload is None:
            raise DomainError("The body is not valid JSON.", {"_body": ["malformed JSON"]})
        return payment_files.read_json(payload), []
    raise ValidationFailed(
        "Send receipts as a JSON list, a text/csv body or a multipart 'file'.",
        {"_body": ["application/json, text/csv or multipart/form-data"]},
    )


@blp.route("/payments-received", methods=["POST"])
@roles_required("seller", "broker")
@blp.arguments(PaymentSellerQuery, location="query")
@blp.doc(requestBody=_STATEMENT)
@blp.response(201, PaymentBatchOut, description="At least one receipt was stored")
@blp.alt_response(200, schema=PaymentBatchOut, description="Nothing new was stored")
def post_payments(query):
    """Record receipts of payment and match them to export orders (by order number, else
    by amount + currency + payer). A bank reference is recorded once; sending it again
    changes nothing. CSV rows are checked one by one: bad rows come back in `results`
    with their row number and field, the others are stored."""
    receipts, invalid = _statement()
    stored = payments_received.record(current_user(), query.get("seller_id"), receipts)
    results = sorted(stored + [{**p, "status": "invalid"} for p in invalid], key=lambda r: r["row"])
    counts = {s: sum(1 for r in stored if r["status"] == s) for s in ("created", "duplicate")}
    body = {
        "created": counts["created"],
        "duplicates": counts["duplicate"],
        "conflicts": sum(1 for r in stored if r["status"] == "conflict"),
        "invalid": len(invalid),
        "results": results,
    }
    return body, 201 if counts["created"] else 200


@blp.route("/payments-received", methods=["GET"])
@roles_required("seller", "broker")
@blp.arguments(PaymentQuery, location="query")
@blp.response(200, PaymentPageOut)
def list_payments(query):
    """Receipts, newest value date first, each with the standing of the order it paid;
    `unmatched=true` lists those that match no order, with the reason."""
    return payments_received.list_receipts(current_user(), query)


@blp.route("/payments-received/<string:receipt_id>", methods=["GET"])
@roles_required("seller", "broker")
@blp.response(200, PaymentOut)
def get_payment(receipt_id):
    return payments_received.get_receipt(current_user(), receipt_id)


@blp.route("/purchase-invoices", methods=["POST"])
@roles_required("seller")
@blp.arguments(PurchaseInvoiceIn)
@blp.response(201, PurchaseInvoiceOut, description="Recorded")
@blp.alt_response(200, schema=PurchaseInvoiceOut, description="Already recorded so")
def post_invoice(data):
    """Record a purchase invoice (amount excl. VAT and VAT, CNY) against an export order
    line: with invoices for all its lines, a rebate line shows the 免退 refund."""
    invoice, created = purchase_invoices.add(current_user(), data)
    return invoice, 201 if created else 200


@blp.route("/purchase-invoices", methods=["GET"])
@roles_required("seller", "broker")
@blp.arguments(PurchaseInvoiceQuery, location="query")
@blp.response(200, PurchaseInvoiceOut(many=True))
def list_invoices(query):
    return purchase_invoices.for_order(current_user(), query["order_id"])
