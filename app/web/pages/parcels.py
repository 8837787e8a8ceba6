"""Counter and carrier: pick parcels (filters or scanned S10 ids), print a form batch.

Printing is the label batch service of ``POST /api/v1/labels/batches``: the batch is
rendered on a worker into one PDF while the page shows its progress.
"""

from __future__ import annotations

from flask import redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l

from ...errors import ValidationFailed
from ...jobs.documents import enqueue_label_batch
from ...models.orders import ORDER_STATUSES
from ...services import labels, parcel_search
from .. import nav
from .. import web as web_bp
from ..query import date_arg
from ..session import page, signed_in_user

# The same roles as the API's label batch endpoints.
PRINT_ROLES = ("seller", "broker", "carrier")
COUNTER_ROLES = ("carrier", "broker")
FLOWS = ("export", "import")
BATCH_KINDS = {
    "label": _l("4×6 in address labels"),
    "cn23": _l("CN23, A4 (two copies)"),
    "cn23_thermal": _l("CN23, 100×150 mm"),
    "customs_form": _l("CN22 or CN23 as each parcel needs, 100×150 mm"),
}

nav.add("web.parcels", _l("Print forms"), *COUNTER_ROLES)


def _filters() -> parcel_search.ParcelFilter:
    status = request.args.get("status") or None
    flow = request.args.get("flow") or None
    destination = (request.args.get("destination") or "").strip().upper() or None
    if status and status not in ORDER_STATUSES:
        raise ValidationFailed(
            "Unknown status.", {"status": [f"one of {', '.join(ORDER_STATUSES)}"]}
        )
    if flow and flow not in FLOWS:
        raise ValidationFailed("Unknown flow.", {"flow": [f"one of {', '.join(FLOWS)}"]})
    if destination and not (len(destination) == 2 and destination.isalpha()):
        raise ValidationFailed(
            "The destination is a two-letter country code.", {"destination": ["e.g. DE"]}
        )
    return parcel_search.ParcelFilter(
        created_from=date_arg("created_from"),
        created_to=date_arg("created_to"),
        destination=destination,
        status=status,
        flow=flow,
    )


def _selection_context() -> dict:
    searched = any(
        request.args.get(k)
        for k in ("scan", "created_from", "created_to", "destination", "status", "flow", "all")
    )
    results = None
    if searched:
        results = parcel_search.find_parcels(
            signed_in_user(), request.args.get("scan", ""), _filters()
        )
    return {
        "args": request.args,
        "results": results,
        "statuses": ORDER_STATUSES,
        "flows": FLOWS,
        "kinds": BATCH_KINDS,
    }


@web_bp.get("/parcels")
@page(*COUNTER_ROLES)
def parcels():
    return render_template("parcels/select.html", **_selection_context())


@web_bp.get("/parcels/results")
@page(*COUNTER_ROLES)
def parcel_results():
    """The selection table alone, refreshed after each scan (htmx)."""
    return render_template("parcels/_results.html", **_selection_context())


@web_bp.post("/labels/batches")
@page(*PRINT_ROLES)
def print_batch():
    kind = request.form.get("kind", "label")
    if kind not in BATCH_KINDS:
        raise ValidationFailed("Unknown form kind.", {"kind": [", ".join(BATCH_KINDS)]})
    parcel_ids = request.form.getlist("parcel_id")
    if not parcel_ids:
        raise ValidationFailed(
            str(_l("Select at least one parcel.")), {"parcel_id": ["none selected"]}
        )
    batch = labels.create_batch(signed_in_user(), kind, parcel_ids, {})
    enqueue_label_batch(batch.id)
    return redirect(url_for("web.label_batch", batch_id=batch.id), code=303)


def _batch(batch_id: str) -> dict:
    return labels.batch_view(labels.get_batch(signed_in_user(), batch_id))


@web_bp.get("/labels/batches/<string:batch_id>")
@page(*PRINT_ROLES)
def label_batch(batch_id):
    return render_template("parcels/batch.html", batch=_batch(batch_id), kinds=BATCH_KINDS)


@web_bp.get("/labels/batches/<string:batch_id>/progress")
@page(*PRINT_ROLES)
def label_batch_progress(batch_id):
    return render_template("parcels/_progress.html", batch=_batch(batch_id), kinds=BATCH_KINDS)


@web_bp.get("/labels/batches/<string:batch_id>/download")
@page(*PRINT_ROLES)
def label_batch_download(batch_id):
    path = labels.batch_file(signed_in_user(), batch_id)
    return send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name=f"labels-{batch_id}.pdf"
    )
