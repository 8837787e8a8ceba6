"""Inbound postal items: the list query and what is shown of an item."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..models.inbound import INBOUND_STATUSES
from .fields import Amount
from .query import LARGEST_INTEGER, QuerySchema
from .times import Instant


class InboundQuery(QuerySchema):
    status = fields.String(validate=validate.OneOf(INBOUND_STATUSES))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=LARGEST_INTEGER))


class InboundRiskOut(Schema):
    code = fields.String()
    severity = fields.String()
    field = fields.String(allow_none=True)
    message = fields.String()


class InboundDecisionOut(Schema):
    outcome = fields.String(metadata={"description": "release | hold | refer | return"})
    decided_at = Instant()
    reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    tax = Amount(allow_none=True)
    currency = fields.String(allow_none=True)


class InboundItemOut(Schema):
    id = fields.String()
    item_id = fields.String(metadata={"description": "UPU S10 identifier"})
    status = fields.String(metadata={"description": " | ".join(INBOUND_STATUSES)})
    origin_post = fields.String()
    origin_country = fields.String()
    itmatt_message_id = fields.String()
    currency = fields.String()
    declared_value = Amount(metadata={"description": "Sum of the pieces' values"})
    tax_total = Amount(
        allow_none=True, metadata={"description": "行邮税 assessed (quote currency); None: not"}
    )
    quote_error = fields.String(allow_none=True)
    risks = fields.List(fields.Nested(InboundRiskOut))
    cusitm_name = fields.String(allow_none=True)
    presented_at = Instant(allow_none=True)
    decided_at = Instant(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    customs_tax = Amount(allow_none=True, metadata={"description": "Tax customs charge"})
    created_at = Instant()


class InboundItemDetailOut(InboundItemOut):
    quote = fields.Dict(allow_none=True, metadata={"description": "The tariff engine's quote"})
    snapshot = fields.Dict(metadata={"description": "The item as read from its ITMATT"})
    decisions = fields.List(fields.Nested(InboundDecisionOut))


class InboundListOut(Schema):
    items = fields.List(fields.Nested(InboundItemOut))
    total = fields.Integer()
