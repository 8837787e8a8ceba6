"""Order input/output schemas; the same ``OrderIn`` validates JSON bodies and file rows."""

from __future__ import annotations

import re
from decimal import Decimal

from flask import current_app, has_app_context
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from ..models.orders import (
    CHANNELS,
    DEFAULT_CHANNEL,
    DEFAULT_TRADE_MODE,
    ORDER_STATUSES,
    TRADE_MODES,
)
from .fields import (
    Country,
    Currency,
    CustomsCode,
    ExactDecimal,
    HsCode,
    MemoNested,
    S10Field,
    Text,
    Unit,
)
from .query import QuerySchema
from .times import Day, Instant

FLOWS = ("export", "import")
REGIMES = ("cbec", "postal")
INCOTERMS = ("EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP")
PAYERS = ("sender", "recipient", "third_party")
CATEGORIES = (
    "gift",
    "documents",
    "commercial_sample",
    "returned_goods",
    "sale_of_goods",
    "other",
)
DEFAULT_PHONE_REQUIRED = ("CN", "BR", "KR", "RU", "KZ", "BY", "SA", "AE")

# Descriptions customs refuse because they do not say what the thing is (DOMAIN.md §3).
GENERIC_DESCRIPTIONS = frozenset(
    {
        "gift",
        "gifts",
        "present",
        "presents",
        "goods",
        "good",
        "sample",
        "samples",
        "stuff",
        "things",
        "clothes",
        "clothing",
        "apparel",
        "garments",
        "parts",
        "spare parts",
        "spares",
        "accessories",
        "item",
        "items",
        "merchandise",
        "product",
        "products",
        "misc",
        "miscellaneous",
        "various",
        "general merchandise",
        "personal items",
        "personal effects",
        "commercial goods",
        "electronics",
        "food",
        "toys",
        "other",
        "n/a",
        "na",
        "none",
        "unknown",
        "test",
    }
)


def _phone_required_destinations() -> tuple[str, ...]:
    if has_app_context():
        return tuple(current_app.config.get("PHONE_REQUIRED_DESTINATIONS", DEFAULT_PHONE_REQUIRED))
    return DEFAULT_PHONE_REQUIRED


def _text(max_len: int, required: bool = False, **kw) -> Text:
    return Text(max_len, required=required, **kw)


class PartySchema(Schema):
    name = _text(200, required=True)
    company = _text(200, allow_none=True)
    street = _text(300, required=True)
    city = _text(100, required=True)
    postcode = _text(20, allow_none=True)
    state = _text(100, allow_none=True)
    country = Country(required=True)
    phone = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^\+?[0-9][0-9 ()\-]{4,24}$", error="not a phone number"),
    )
    email = fields.Email(allow_none=True)
    tax_id = _text(40, allow_none=True)
    id_number = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^[0-9A-Za-z]{6,30}$", error="not an identity document number"),
    )


class LineSchema(Schema):
    sku = _text(60, allow_none=True)
    description = _text(300, required=True)
    description_local = _text(300, allow_none=True)
    hs_code = HsCode(required=True)
    quantity = ExactDecimal(places=3, required=True)
    unit = Unit(load_default="piece")
    net_weight_kg = ExactDecimal(places=3, required=True)
    unit_value = ExactDecimal(places=5, required=True)
    origin_country = Country(required=True)

    @validates("description")
    def _specific_description(self, value: str, data_key: str) -> None:
        words = re.sub(r"[^\w/ ]+", " ", value.lower()).split()
        if not words or " ".join(words) in GENERIC_DESCRIPTIONS:
            raise ValidationError(
                f"{value!r} is too generic; say what the item is (e.g. 'cotton T-shirt')"
            )


class PaymentSchema(Schema):
    """How the buyer paid (CBEC imports: the payment company's record, for CEB411)."""

    pay_code = CustomsCode(required=True)
    pay_name = _text(100, required=True)
    transaction_id = _text(60, required=True)
    paid_at = Instant(required=True)


class OrderIn(Schema):
    """An order as a seller submits it (JSON API, or one group of rows of an import file)."""

    order_no = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=60),
            validate.Regexp(r"^[\w\-./#]+$", error="letters, digits and - _ . / # only"),
        ],
    )
    flow = fields.String(required=True, validate=validate.OneOf(FLOWS))
    regime = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(REGIMES))
    channel = fields.String(
        load_default=DEFAULT_CHANNEL,
        validate=validate.OneOf(CHANNELS),
        metadata={
            "description": "How the parcel travels: 'post' (postal, UPU) or 'express' "
            "(courier); the destination's thresholds and rates depend on it"
        },
    )
    trade_mode = fields.String(
        load_default=DEFAULT_TRADE_MODE,
        validate=validate.OneOf(TRADE_MODES),
        metadata={
            "description": "Customs trade mode: '9610' CBEC retail (default), '9810' export "
            "of stock to an overseas or border warehouse (warehouse_id required), '1210' "
            "bonded CBEC import released from a bonded warehouse (warehouse_id required). "
            "With a border warehouse's warehouse_id, a 9610 export leaves from its stock. "
            "Orders with a warehouse need a sku on every item."
        },
    )
    warehouse_id = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(min=1, max=36),
        metadata={"description": "A registered warehouse (see /api/v1/warehouses)"},
    )
    incoterm = fields.String(load_default="DAP", validate=validate.OneOf(INCOTERMS))
    freight_payer = fields.String(load_default="sender", validate=validate.OneOf(PAYERS))
    duty_payer = fields.String(load_default="recipient", validate=validate.OneOf(PAYERS))
    currency = Currency(required=True)
    shipping_cost = ExactDecimal(places=5, allow_zero=True, load_default=Decimal("0"))
    insurance_cost = ExactDecimal(places=5, allow_zero=True, load_default=Decimal("0"))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    category_explanation = _text(200, allow_none=True, load_default=None)
    item_id = S10Field(allow_none=True, load_default=None)
    gross_weight_kg = ExactDecimal(places=3, required=True)
    ordered_at = Day(allow_none=True, load_default=None)
    seller_collects_vat = fields.Boolean(
        load_default=False,
        metadata={
            "description": "The seller collects the destination's tax at checkout "
            "(EU IOSS, UK/AU/SG/MY low-value schemes, Brazil Remessa Conforme)"
        },
    )
    payment = fields.Nested(PaymentSchema, allow_none=True, load_default=None)
    sender = MemoNested(PartySchema, required=True)
    recipient = MemoNested(PartySchema, required=True)
    items = fields.List(
        fields.Nested(LineSchema),
        required=True,
        validate=validate.Length(min=1, max=100, error="an order has 1 to 100 items"),
    )

    @validates_schema(skip_on_field_errors=False)
    def _cross_field_rules(self, data: dict, **kwargs) -> None:
        errors: dict[str, list[str]] = {}
        flow, regime = data.get("flow"), data.get("regime")
        sender, recipient = data.get("sender") or {}, data.get("recipient") or {}
        if flow == "import":
            if regime is None:
                errors.setdefault("regime", []).append("required for imports: cbec or postal")
            if recipient.get("country") and recipient["country"] != "CN":
                errors.setdefault("recipient.country", []).append(
                    "an import is delivered to a recipient in CN"
                )
            if regime == "cbec" and not recipient.get("id_number"):
                errors.setdefault("recipient.id_number", []).append(
                    "the buyer's identity number is required for CBEC imports"
                )
        elif flow == "export":
            if regime is not None:
                errors.setdefault("regime", []).append("only imports have a regime")
            if sender.get("country") and sender["country"] != "CN":
                errors.setdefault("sender.country", []).append("an export is sent from CN")
        _trade_mode_rules(data, errors)
        if data.get("category") == "other" and not data.get("category_explanation"):
            errors.setdefault("category_explanation", []).append(
                "required when category is 'other'"
            )
        dest = recipient.get("country")
        if dest and dest in _phone_required_destinations() and not recipient.get("phone"):
            errors.setdefault("recipient.phone", []).append(
                f"a recipient phone number is required for deliveries to {dest}"
            )
        items = data.get("items") or []
        gross = data.get("gross_weight_kg")
        nets = [i.get("net_weight_kg") for i in items if isinstance(i, dict)]
        if gross is not None and nets and all(n is not None for n in nets):
            total_net = sum(nets, Decimal(0))
            if gross < total_net:
                errors.setdefault("gross_weight_kg", []).append(
                    f"total gross weight {gross} kg is less than the sum of net weights "
                    f"{total_net} kg"
                )
        if errors:
            raise ValidationError(errors)


def _trade_mode_rules(data: dict, errors: dict[str, list[str]]) -> None:
    """9810 exports stock, 1210 is a bonded CBEC import; both come from (or go to) a
    warehouse, whose stock is kept by SKU."""
    mode, flow, warehouse = data.get("trade_mode"), data.get("flow"), data.get("warehouse_id")
    if mode == "9810" and flow != "export":
        errors.setdefault("trade_mode", []).append("9810 is an export trade mode")
    if mode == "1210" and (flow != "import" or data.get("regime") != "cbec"):
        errors.setdefault("trade_mode", []).append("1210 is a bonded CBEC import (regime cbec)")
    if mode in ("9810", "1210") and not warehouse:
        errors.setdefault("warehouse_id", []).append(f"required for trade mode {mode}")
    if mode == DEFAULT_TRADE_MODE and warehouse and flow != "export":
        errors.setdefault("warehouse_id", []).append(
            "a 9610 order with a warehouse is an export from a border warehouse"
        )
    if warehouse:
        for n, item in enumerate(data.get("items") or []):
            if isinstance(item, dict) and not item.get("sku"):
                errors.setdefault(f"items.{n}.sku", []).append(
                    "required: the warehouse keeps its stock by SKU"
                )


class LineOut(LineSchema):
    """An order line as stored: the fields sent, its number and value."""

    line_no = fields.Integer()
    line_value = ExactDecimal(places=5)


class ParcelOut(Schema):
    id = fields.String()
    seq = fields.Integer()
    item_id = fields.String()
    gross_weight_kg = ExactDecimal(places=3)


class TotalsOut(Schema):
    currency = fields.String()
    goods_value = ExactDecimal(places=5)
    shipping_cost = ExactDecimal(places=5)
    insurance_cost = ExactDecimal(places=5)
    total_value = ExactDecimal(places=5)
    net_weight_kg = ExactDecimal(places=3)
    gross_weight_kg = ExactDecimal(places=3)
    line_count = fields.Integer()


class OrderOut(OrderIn):
    """An order as stored: the fields sent, plus what the service added."""

    id = fields.String()
    seller_id = fields.String()
    status = fields.String()
    items = fields.List(fields.Nested(LineOut), attribute="lines")
    parcels = fields.List(fields.Nested(ParcelOut))
    totals = fields.Nested(TotalsOut)
    quote = fields.Dict(allow_none=True, metadata={"description": "Frozen landed-cost quote"})
    quote_error = fields.String(allow_none=True, metadata={"description": "Why no quote"})
    created_at = Instant()


class OrderQuery(QuerySchema):
    """Filters of the order list; each one given narrows it (all must match)."""

    status = fields.String(validate=validate.OneOf(ORDER_STATUSES))
    order_no = fields.String(validate=validate.Length(min=1, max=60))
    flow = fields.String(validate=validate.OneOf(FLOWS))
    destination = Country(metadata={"description": "The recipient's country (ISO 3166-1)"})
    created_from = Day(metadata={"description": "Created on or after this UTC day"})
    created_to = Day(
        metadata={
            "description": "Created on or before this UTC day; on or after `created_from` "
            "(422 otherwise)"
        }
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))

    @validates_schema
    def _days_in_order(self, data: dict, **kwargs) -> None:
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and start > end:
            raise ValidationError(
                f"must not be before created_from ({start.isoformat()})", "created_to"
            )


class OrderPageOut(Schema):
    items = fields.List(fields.Nested(OrderOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
