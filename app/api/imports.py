"""Imports: upload a CSV/XLSX order file, follow its progress."""

from __future__ import annotations

from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..auth import current_user, roles_required
from ..config import DEFAULT_MAX_UPLOAD_BYTES
from ..errors import Forbidden, PayloadTooLarge, ValidationFailed
from ..jobs.intake import enqueue_import
from ..jobs.queues import queues
from ..jobs.reconcile import submit
from ..schemas.batches import BatchProgressOut
from ..services import imports as import_service
from ..services import order_files

blp = Blueprint("imports", __name__, url_prefix="/imports", description="Order file imports")


class ImportErrorOut(Schema):
    row = fields.Integer(allow_none=True)
    order_no = fields.String(allow_none=True)
    field = fields.String(allow_none=True)
    message = fields.String()


class ImportOut(BatchProgressOut):
    filename = fields.String()
    total_rows = fields.Integer()
    processed_rows = fields.Integer()
    created = fields.Integer()
    duplicates = fields.Integer()
    failed = fields.Integer()
    errors = fields.List(fields.Nested(ImportErrorOut))


#: The media types of the file formats the import reads (``order_files.FORMATS``, chosen
#: by the file name's extension).
MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILE_TYPES = ", ".join(MEDIA_TYPES[kind] for kind in order_files.FORMATS.values())


class ImportFileIn(Schema):
    file = fields.Raw(
        required=True,
        metadata={
            "type": "string",
            "format": "binary",
            "description": f"A {' or '.join(order_files.FORMATS)} file, named so "
            f"(at most SILKPOST_MAX_UPLOAD_BYTES, {DEFAULT_MAX_UPLOAD_BYTES} by default)",
        },
    )


@blp.route("", methods=["POST"])
@roles_required("seller")
@blp.doc(
    requestBody={
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": ImportFileIn,
                "encoding": {"file": {"contentType": FILE_TYPES}},
            }
        },
    }
)
@blp.response(202, ImportOut)
@blp.alt_response(413, description="The file, or the workbook it expands to, is too large")
@blp.alt_response(
    503,
    description="The job queue is unreachable: nothing was stored; retry after Retry-After s",
)
def upload():
    """Queue an order file (CSV or XLSX); a worker process reads the rows.

    Only the header row is read while the client waits. A 202 means the batch is stored
    and will be processed even if the queue fails right after; while the queue is
    unreachable the upload is refused with 503 and nothing is stored, so a retry never
    makes a second batch of one upload.
    """
    user = current_user()
    if user.seller is None:
        raise Forbidden("Only sellers import orders.")
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    if request.content_length and request.content_length > current_app.config["MAX_CONTENT_LENGTH"]:
        raise PayloadTooLarge(f"The upload is larger than the {limit} byte limit.")
    if not request.mimetype.startswith("multipart/form-data"):
        raise ValidationFailed(
            "Upload the file as multipart/form-data.",
            {"file": ["send the file in a multipart 'file' field"]},
        )
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed("No file was sent.", {"file": ["missing"]})
    queues.ensure_reachable()
    data = upload.stream.read(limit + 1)
    batch = import_service.create_batch(user.seller, upload.filename, data, user)
    submit(enqueue_import, batch.id)
    return import_service.batch_view(batch), 202


@blp.route("/<string:batch_id>", methods=["GET"])
@roles_required("seller", "broker")
@blp.response(200, ImportOut)
def status(batch_id):
    """Progress and per-row errors of an import."""
    return import_service.batch_view(import_service.get_batch(current_user(), batch_id))
