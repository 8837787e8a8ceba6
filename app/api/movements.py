"""Export returns (CEB213 and the tally CEB215) and export movements (arrival CEB507,
departure CEB509, waybill list CEB607), filed through the clearance gateway by jobs."""

from __future__ import annotations

from flask_smorest import Blueprint

from ..auth import current_user, roles_required
from ..errors import NotFound
from ..extensions import db
from ..models import MovementFiling
from ..schemas.movements import CustomsMovementOut, ExportMovementIn, ExportReturnIn, TallyIn
from ..services import export_movements, export_returns, movement_views

blp = Blueprint("movements", __name__, description="Export returns and movements")
QUEUE_DOWN = "The job queue is unreachable: nothing was stored; retry after Retry-After s"


@blp.route("/export-returns", methods=["POST"])
@roles_required("broker")
@blp.arguments(ExportReturnIn)
@blp.response(202, CustomsMovementOut)
@blp.alt_response(404, description="No such clearance case")
@blp.alt_response(409, description="The case is not a released (or closed) export")
@blp.alt_response(503, description=QUEUE_DOWN)
def post_return(body):
    """Return goods of a released export (CEB213, filed by a job); customs' release of the
    return (CEB214 800) moves the case to ``returned``. Asking again while a return of
    the case stands gives that one."""
    user = current_user()
    found = export_returns.request(
        user, body["case_id"], body["reason"], body.get("lines"), body.get("transport")
    )
    return movement_views.view(found), 202


@blp.route("/export-returns/<string:return_id>", methods=["GET"])
@roles_required("seller", "broker")
@blp.response(200, CustomsMovementOut)
@blp.alt_response(404, description="No such return (or another seller's)")
def get_return(return_id):
    """A return: its application, outbox files, customs' receipts and its tally."""
    return movement_views.view(export_returns.get(current_user(), return_id))


@blp.route("/export-returns/<string:return_id>/tally", methods=["POST"])
@roles_required("broker", "carrier")
@blp.arguments(TallyIn)
@blp.response(202, CustomsMovementOut)
@blp.alt_response(409, description="The return application is not filed")
@blp.alt_response(503, description=QUEUE_DOWN)
def post_tally(body, return_id):
    """The returned parcel arrived at the supervised site: file its tally (CEB215)."""
    found = export_returns.tally(current_user(), return_id, body.get("location", ""))
    return movement_views.view(found), 202


@blp.route("/export-movements", methods=["POST"])
@roles_required("broker", "carrier")
@blp.arguments(ExportMovementIn)
@blp.response(202, CustomsMovementOut)
@blp.alt_response(404, description="No such despatch")
@blp.alt_response(409, description="The despatch is not closed")
@blp.alt_response(503, description=QUEUE_DOWN)
def post_movement(body):
    """Report the arrival at the supervised site (CEB507), the departure (CEB509) or the
    master/sub waybill list (CEB607) of a closed despatch or of a batch of export parcels
    (filed by a job). Closing a despatch of released 9610 exports files its waybill list
    by itself; asking again while one of the despatch stands gives that one."""
    return movement_views.view(export_movements.request(current_user(), body)), 202


@blp.route("/export-movements/<string:movement_id>", methods=["GET"])
@roles_required("broker", "carrier")
@blp.response(200, CustomsMovementOut)
@blp.alt_response(404, description="No such movement")
def get_movement(movement_id):
    """An arrival, departure or waybill list: its files and customs' receipts."""
    found = db.session.get(MovementFiling, movement_id)
    if found is None or found.kind not in export_movements.MESSAGES:
        raise NotFound("No such movement.")
    return movement_views.view(found)
