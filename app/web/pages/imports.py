"""Sellers upload order files and watch them being imported; row errors as a table or CSV."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from ...errors import DomainError, Forbidden, PayloadTooLarge, ValidationFailed
from ...jobs.intake import enqueue_import
from ...services import imports as import_service
from ...services import tabular
from .. import downloads, nav, order_template
from .. import web as web_bp
from ..session import page, signed_in_user

nav.add("web.upload", _l("Upload orders"), "seller", admin=False)  # orders belong to a seller

ERROR_COLUMNS = ("row", "order_no", "field", "message")
MAX_ERRORS_SHOWN = 1000
MAX_ERRORS_DOWNLOADED = 1_000_000


@web_bp.get("/imports/new")
@page("seller")
def upload():
    return render_template("imports/upload.html", problem=None)


@web_bp.post("/imports")
@page("seller")
def upload_post():
    """Store the file as a batch (the same service as ``POST /api/v1/imports``), queue it."""
    user = signed_in_user()
    if user.seller is None:
        raise Forbidden("Only sellers import orders.")
    try:
        batch = import_service.create_batch(user.seller, *_uploaded_file(), user)
    except DomainError as exc:
        return render_template("imports/upload.html", problem=exc), exc.code
    enqueue_import(batch.id)
    return redirect(url_for("web.import_batch", batch_id=batch.id), code=303)


def _uploaded_file() -> tuple[str, bytes]:
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed(str(_l("Choose a file to upload.")), {"file": ["missing"]})
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"The file is larger than the {limit} byte limit.")
    return upload.filename, data


def _batch(batch_id: str) -> dict:
    batch = import_service.get_batch(signed_in_user(), batch_id)
    return import_service.batch_view(batch, error_limit=MAX_ERRORS_SHOWN)


@web_bp.get("/imports/<string:batch_id>")
@page("seller", "broker")
def import_batch(batch_id):
    return render_template("imports/batch.html", batch=_batch(batch_id))


@web_bp.get("/imports/<string:batch_id>/progress")
@page("seller", "broker")
def import_progress(batch_id):
    """The progress fragment a page polls until the batch is done (htmx swaps it in)."""
    return render_template("imports/_progress.html", batch=_batch(batch_id))


@web_bp.get("/imports/<string:batch_id>/errors.csv")
@page("seller", "broker")
def import_errors_csv(batch_id):
    batch = import_service.get_batch(signed_in_user(), batch_id)
    view = import_service.batch_view(batch, error_limit=MAX_ERRORS_DOWNLOADED)
    text = tabular.csv_text(view["errors"], ERROR_COLUMNS)
    return downloads.csv_file(text, f"import-{batch.id}-errors.csv")


@web_bp.get("/import-template.<any(csv, xlsx):fmt>")
@page("seller")
def import_template(fmt):
    if fmt == "csv":
        body, mimetype = order_template.template_csv(), downloads.CSV_TYPE
    else:
        body, mimetype = order_template.template_xlsx(), downloads.XLSX_TYPE
    return downloads.attachment(body, mimetype, f"silkpost-orders-template.{fmt}")
