"""Clearance case schemas: the review queue, a case, and what brokers and sellers send."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..services.case_states import STATES
from ..services.cases import MAX_BULK
from ..services.review import MAX_REASON
from .orders import FLOWS
from .query import QuerySchema
from .times import Instant


class CaseQuery(QuerySchema):
    status = fields.String(validate=validate.OneOf(STATES))
    seller_id = fields.String(validate=validate.Length(max=36))
    risk = fields.String(
        validate=validate.Regexp(r"^[a-z0-9_]{1,40}$", error="a risk code"),
        metadata={"description": "Only cases with a risk of this code (e.g. quota_near)"},
    )
    flow = fields.String(validate=validate.OneOf(FLOWS))
    destination = fields.String(
        validate=validate.Regexp(r"^[A-Za-z]{2}$", error="a two-letter country code"),
        metadata={"description": "Only cases whose order goes to this country (ISO code)"},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class ProblemOut(Schema):
    """Something that blocks the filing: where it was found, the field, what is wrong."""

    source = fields.String(
        metadata={"description": "A document kind, envelope, quote, broker or risk:<code>"}
    )
    field = fields.String(allow_none=True, metadata={"description": "e.g. items.0.hs_code"})
    message = fields.String()


class RiskOut(Schema):
    code = fields.String()
    severity = fields.String(validate=validate.OneOf(("info", "warning", "blocking")))
    field = fields.String(allow_none=True)
    message = fields.String()
    explanation = fields.String()
    source = fields.String(allow_none=True)


class CaseOut(Schema):
    id = fields.String()
    order_id = fields.String()
    order_no = fields.String()
    parcel_id = fields.String()
    seller_id = fields.String()
    flow = fields.String()
    status = fields.String(validate=validate.OneOf(STATES))
    version = fields.Integer(metadata={"description": "Declaration snapshot version filed"})
    app_type = fields.String(metadata={"description": "CEB appType: 1 new, 2 change"})
    problems = fields.List(fields.Nested(ProblemOut))
    risks = fields.List(fields.Nested(RiskOut))
    error = fields.String(allow_none=True)
    claimed_by = fields.String(allow_none=True)
    claim_expires_at = Instant(allow_none=True)
    customs_status = fields.String(allow_none=True)
    invt_no = fields.String(allow_none=True)
    pre_no = fields.String(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    submitted_at = Instant(allow_none=True)
    created_at = Instant()
    updated_at = Instant()


class CaseEventOut(Schema):
    id = fields.Integer()
    at = Instant()
    actor_id = fields.String(allow_none=True)
    action = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    details = fields.Dict(allow_none=True)


class AuditOut(Schema):
    at = Instant()
    actor_id = fields.String(allow_none=True)
    action = fields.String()
    entity_type = fields.String()
    entity_id = fields.String()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


class CaseDocumentOut(Schema):
    kind = fields.String()
    title = fields.String()
    sha256 = fields.String()
    size = fields.Integer()
    created_at = Instant()
    url = fields.String()


class MessageOut(Schema):
    """A message handed to the customs gateway, under its file name."""

    name = fields.String()
    kind = fields.String()
    version = fields.Integer()
    app_type = fields.String()
    sha256 = fields.String()
    size = fields.Integer()
    created_at = Instant()


class CaseDetailOut(CaseOut):
    quote = fields.Dict(allow_none=True)
    quote_error = fields.String(allow_none=True)
    documents = fields.List(fields.Nested(CaseDocumentOut))
    messages = fields.List(fields.Nested(MessageOut))
    events = fields.List(fields.Nested(CaseEventOut))
    audit = fields.List(fields.Nested(AuditOut))
    customs = fields.Dict(metadata={"description": "Receipts and the state per document"})


class CasePageOut(Schema):
    items = fields.List(fields.Nested(CaseOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    counts = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "Per state"}
    )


def _ids(name: str) -> fields.List:
    return fields.List(
        fields.String(validate=validate.Length(min=1, max=36)),
        required=True,
        validate=validate.Length(min=1, max=MAX_BULK),
        metadata={"description": f"1 to {MAX_BULK} {name}"},
    )


class HandOverIn(Schema):
    order_ids = _ids("order ids")


class HandOverOut(Schema):
    cases = fields.List(fields.Nested(CaseOut))
    refused = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": "Order id: why"}
    )


class ApproveManyIn(Schema):
    case_ids = _ids("case ids")


class ApproveManyOut(Schema):
    approved = fields.List(fields.String())
    refused = fields.Dict(keys=fields.String(), values=fields.String())


def _reason(required: bool = True) -> fields.String:
    return fields.String(
        required=required,
        allow_none=not required,
        validate=validate.Length(min=1, max=MAX_REASON),
    )


class ReasonIn(Schema):
    reason = _reason()


class RequestChangesIn(Schema):
    reason = _reason()
    paths = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)),
        data_key="fields",
        load_default=list,
        validate=validate.Length(max=100),
        metadata={"description": "Field paths as in the error envelope: items.0.description"},
    )


class AmendIn(Schema):
    # (1 to 200 paths: checked by the amendment itself, stated here as properties)
    changes = fields.Dict(
        data_key="fields",
        keys=fields.String(validate=validate.Length(min=1, max=200)),
        values=fields.Raw(allow_none=True),
        required=True,
        metadata={
            "description": "Field path (as in the error envelope) to its new value, e.g. "
            '{"items.0.hs_code": "8510100000"}; the amended order is validated as a new '
            "order would be",
            "minProperties": 1,
            "maxProperties": 200,
        },
    )
    reason = _reason(required=False)
