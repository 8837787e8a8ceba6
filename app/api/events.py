"""Tracking events: carrier scan batches in, a parcel's timeline out."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from ..auth import current_user, roles_required
from ..errors import PayloadTooLarge
from ..schemas.tracking import ParcelEventsOut, ScanIn, ScanReportOut
from ..services import scans, tracking

blp = Blueprint("events", __name__, url_prefix="", description="Tracking events")

_SCAN_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {"type": "array", "items": ScanIn, "maxItems": scans.MAX_SCAN_ROWS}
        },
        "text/csv": {
            "schema": {
                "type": "string",
                "description": "A header row of the scan fields (s10, code, office, time "
                f"required; note, reason, action optional), then one scan per row; at most "
                f"{scans.MAX_SCAN_ROWS} rows and {scans.MAX_SCAN_BYTES} bytes",
            }
        },
    },
}


@blp.route("/events", methods=["POST"])
@roles_required("carrier")
@blp.doc(requestBody=_SCAN_BODY)
@blp.response(200, ScanReportOut)
@blp.alt_response(413, description="Over the byte or row limit")
@blp.alt_response(415, description="Neither JSON nor CSV")
@blp.alt_response(422, description="Not a list, no rows, or not a scan header")
def post_events():
    """Store a batch of carrier scans: good rows are stored (repeats are harmless), bad
    rows are reported with their row number and field."""
    if (request.content_length or 0) > scans.MAX_SCAN_BYTES:
        raise PayloadTooLarge(f"A scan batch may hold at most {scans.MAX_SCAN_BYTES} bytes.")
    body = request.get_data(cache=False)
    return scans.ingest(current_user(), body, request.mimetype)


@blp.route("/parcels/<string:parcel_id>/events", methods=["GET"])
@roles_required("seller", "broker", "carrier")
@blp.response(200, ParcelEventsOut)
def parcel_events(parcel_id):
    """The parcel's tracking timeline, in the order things happened (a seller sees only
    its own parcels)."""
    return tracking.parcel_events(current_user(), parcel_id)
