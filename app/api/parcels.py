"""Parcel forms (CN23, CN22, label) as PDF, and label batches rendered on a worker."""

from __future__ import annotations

from flask import Response, send_file
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..auth import current_user, roles_required
from ..jobs.documents import enqueue_label_batch
from ..jobs.queues import queues
from ..jobs.reconcile import submit
from ..models.orders import ORDER_STATUSES
from ..schemas.batches import BatchProgressOut
from ..schemas.query import QuerySchema
from ..schemas.times import Day
from ..services import declaring, labels

blp = Blueprint("parcels", __name__, url_prefix="", description="Customs forms and labels")

PDF_ROLES = ("seller", "broker", "carrier")


def _pdf(parcel_id: str, kind: str) -> Response:
    doc = declaring.parcel_document(current_user(), parcel_id, kind)
    return Response(
        doc.content,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{kind}-{parcel_id}.pdf"',
            "ETag": doc.sha256,
        },
    )


class Cn23Query(QuerySchema):
    page = fields.String(load_default="a4", validate=validate.OneOf(("a4", "thermal")))


@blp.route("/parcels/<string:parcel_id>/cn23.pdf", methods=["GET"])
@roles_required(*PDF_ROLES)
@blp.arguments(Cn23Query, location="query")
@blp.response(
    200,
    description="CN23 (A4, two copies; or 100x150 mm with page=thermal)",
    content_type="application/pdf",
)
def cn23(query, parcel_id):
    return _pdf(parcel_id, "cn23" if query["page"] == "a4" else "cn23_thermal")


@blp.route("/parcels/<string:parcel_id>/cn22.pdf", methods=["GET"])
@roles_required(*PDF_ROLES)
@blp.response(200, description="CN22 (100x150 mm)", content_type="application/pdf")
@blp.alt_response(409, description="The item needs a CN23 (300 SDR rule)")
def cn22(parcel_id):
    return _pdf(parcel_id, "cn22")


@blp.route("/parcels/<string:parcel_id>/label.pdf", methods=["GET"])
@roles_required(*PDF_ROLES)
@blp.response(
    200,
    description="4x6 in label: addresses, S10 barcode, CN22 or CN23 note",
    content_type="application/pdf",
)
def label(parcel_id):
    return _pdf(parcel_id, "label")


class BatchFilter(Schema):
    order_status = fields.String(validate=validate.OneOf(ORDER_STATUSES))
    flow = fields.String(validate=validate.OneOf(("export", "import")))
    created_from = Day()
    created_to = Day()
    seller_id = fields.String(validate=validate.Length(min=1, max=36))


class BatchIn(Schema):
    kind = fields.String(load_default="label", validate=validate.OneOf(tuple(labels.BATCH_KINDS)))
    parcel_ids = fields.List(fields.String(), validate=validate.Length(min=1, max=5000))
    filter = fields.Nested(BatchFilter)

    openapi_rules = {
        "oneOf": [{"required": ["parcel_ids"]}, {"required": ["filter"]}],
        "description": "Select the parcels by `parcel_ids` or by `filter`, not both.",
    }

    @validates_schema
    def _one_selection(self, data, **kwargs):
        if ("parcel_ids" in data) == ("filter" in data):
            raise ValidationError("give either parcel_ids or filter", "parcel_ids")


class BatchOut(BatchProgressOut):
    kind = fields.String()
    total = fields.Integer()
    done = fields.Integer()
    pages = fields.Integer()
    download_url = fields.String(
        allow_none=True, metadata={"description": "Where the PDF is, once the batch is done"}
    )


@blp.route("/labels/batches", methods=["POST"])
@roles_required(*PDF_ROLES)
@blp.arguments(BatchIn)
@blp.response(202, BatchOut)
def create_batch(body):
    """Render many parcels' forms into one PDF on a worker; poll the batch for progress.

    503 (with Retry-After, nothing stored) while the job queue is unreachable.
    """
    queues.ensure_reachable()
    batch = labels.create_batch(
        current_user(), body["kind"], body.get("parcel_ids"), body.get("filter") or {}
    )
    submit(enqueue_label_batch, batch.id)
    return labels.batch_view(batch)


@blp.route("/labels/batches/<string:batch_id>", methods=["GET"])
@roles_required(*PDF_ROLES)
@blp.response(200, BatchOut)
def get_batch(batch_id):
    return labels.batch_view(labels.get_batch(current_user(), batch_id))


@blp.route("/labels/batches/<string:batch_id>/download", methods=["GET"])
@roles_required(*PDF_ROLES)
@blp.response(200, description="The batch PDF", content_type="application/pdf")
def download(batch_id):
    path = labels.batch_file(current_user(), batch_id)
    return send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name=f"labels-{batch_id}.pdf"
    )
