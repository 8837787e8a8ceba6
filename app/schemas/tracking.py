"""Tracking, carrier scans, the public lookup, webhooks and the lane analysis: In/Out/Query."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from declarations import emsevt

from .query import LARGEST_INTEGER, QuerySchema
from .times import Instant

_CODES = [c.code for c in emsevt.CODES]


class OffsetInstant(Instant):
    """A date-time that must state its offset: a scan's local time is meaningless without."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("metadata", {})["description"] = (
            "ISO 8601 date-time with its offset, e.g. 2026-12-03T08:15:00+01:00"
        )
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if result.tzinfo is None or result.utcoffset() is None:
            raise ValidationError("needs an offset, e.g. 2026-12-03T08:15:00+01:00")
        return result


def _upper(text: str) -> str:
    return text.strip().upper()


class ScanIn(Schema):
    """One carrier scan (a JSON object, or a CSV row with these columns)."""

    s10 = fields.String(required=True, metadata={"description": "S10 item id"})
    code = fields.String(
        required=True, metadata={"description": "EMSEVT event code", "enum": _CODES}
    )
    office = fields.String(
        required=True, metadata={"description": "Office of exchange (IMPC) or location code"}
    )
    time = OffsetInstant(required=True)
    note = fields.String(
        allow_none=True,
        validate=validate.Length(max=emsevt.MAX_NOTE),
        metadata={"description": "Not shown to the public"},
    )
    reason = fields.String(
        allow_none=True,
        metadata={"description": "Retention reason (holds) or non-delivery reason (EMH)"},
    )
    action = fields.String(allow_none=True, metadata={"description": "EMH only: action taken"})


class ScanErrorOut(Schema):
    row = fields.Integer(
        metadata={"description": "CSV: the file's row number (header = 1); JSON: list index"}
    )
    field = fields.String(allow_none=True)
    message = fields.String()


class ScanReportOut(Schema):
    received = fields.Integer()
    stored = fields.Integer(metadata={"description": "New events"})
    duplicates = fields.Integer(metadata={"description": "Events already on the timeline"})
    rejected = fields.Integer(metadata={"description": "Rows refused (see errors)"})
    errors = fields.List(fields.Nested(ScanErrorOut))
    unmatched = fields.List(
        fields.String(), metadata={"description": "Item ids of no parcel here (stored)"}
    )


class EventOut(Schema):
    id = fields.Integer()
    code = fields.String()
    label = fields.String()
    office = fields.String(allow_none=True)
    time = Instant(metadata={"description": "With the offset the event was reported in"})
    source = fields.String(metadata={"enum": list(emsevt.SOURCES)})
    reason = fields.String(allow_none=True)
    action = fields.String(allow_none=True)
    receptacle_id = fields.String(allow_none=True)
    despatch_id = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    recorded_at = Instant()


class ParcelEventsOut(Schema):
    parcel_id = fields.String()
    item_id = fields.String()
    events = fields.List(fields.Nested(EventOut))


class PublicEventOut(Schema):
    code = fields.String()
    label = fields.String()
    city = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    time = Instant()


class TrackOut(Schema):
    item_id = fields.String()
    events = fields.List(fields.Nested(PublicEventOut))


class WebhookIn(Schema):
    url = fields.String(required=True, validate=validate.Length(min=8, max=2000))
    events = fields.List(
        fields.String(),
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "tracking.<EMSEVT code>, tracking.*, case.<status>, case.*"},
    )


class WebhookOut(Schema):
    id = fields.String()
    url = fields.String()
    events = fields.List(fields.String())
    created_at = Instant()


class WebhookCreatedOut(WebhookOut):
    secret = fields.String(metadata={"description": "Signs every delivery; shown only now"})


class AttemptOut(Schema):
    attempt = fields.Integer()
    at = fields.String(metadata={"description": "ISO 8601 with an offset"})
    status = fields.Integer(allow_none=True, metadata={"description": "HTTP status answered"})
    error = fields.String(allow_none=True)
    ms = fields.Integer(allow_none=True)


class DeliveryOut(Schema):
    id = fields.String()
    webhook_id = fields.String()
    kind = fields.String()
    status = fields.String(metadata={"enum": ["pending", "delivered", "failed", "cancelled"]})
    attempts = fields.Integer()
    next_attempt_at = Instant(allow_none=True)
    last_attempt_at = Instant(allow_none=True)
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    delivered_at = Instant(allow_none=True)
    created_at = Instant()
    attempt_log = fields.List(fields.Nested(AttemptOut))
    body = fields.Dict(metadata={"description": "The JSON body POSTed"})


class DeliveryQuery(QuerySchema):
    status = fields.String(validate=validate.OneOf(("pending", "delivered", "failed", "cancelled")))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=LARGEST_INTEGER))


class DurationOut(Schema):
    count = fields.Integer(metadata={"description": "Parcels with both events"})
    median_hours = fields.Float(allow_none=True)
    p90_hours = fields.Float(allow_none=True)


class LaneStatsOut(Schema):
    lane_id = fields.String()
    mode = fields.String(allow_none=True)
    parcels = fields.Integer()
    receptacles = fields.Integer()
    weight_kg = fields.String(metadata={"description": "Decimal kilograms"})
    handover_to_release = fields.Nested(DurationOut)
    despatch_to_delivery = fields.Nested(DurationOut)
    held_by_customs_share = fields.Float(
        allow_none=True, metadata={"description": "Share of the parcels held by customs (0–1)"}
    )


class LaneAnalyticsOut(Schema):
    source = fields.String(metadata={"description": "What the figures are computed from"})
    lanes = fields.List(fields.Nested(LaneStatsOut))


class LaneQuery(QuerySchema):
    since = Instant(metadata={"description": "Only parcels despatched at or after"})
    until = Instant(metadata={"description": "Only parcels despatched before"})
