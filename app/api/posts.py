"""The postal channel: offices of exchange, lanes, receptacles and despatches.

Anyone signed in reads offices and lanes; carriers and administrators add them and operate
receptacles and despatches. Sellers and brokers see no receptacle or despatch: those hold
many sellers' parcels.
"""

from __future__ import annotations

import hashlib

from flask import Response
from flask_smorest import Blueprint

from ..auth import current_user, roles_required
from ..schemas.posts import (
    DespatchIn,
    DespatchOut,
    LaneIn,
    LaneOut,
    LaneQuery,
    OfficeIn,
    OfficeOut,
    ReceptacleIn,
    ReceptacleOut,
)
from ..services import despatches, post_network, receptacles

blp = Blueprint(
    "posts", __name__, url_prefix="", description="Offices, lanes, receptacles and despatches"
)

OPERATORS = ("carrier",)  # and admin, who may do everything
_CLOSED_ONLY = "The despatch is not closed yet (its receptacle numbers are not final)"


def _document(content: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        content,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "ETag": hashlib.sha256(content).hexdigest(),
        },
    )


# -- offices and lanes ----------------------------------------------------------------------


@blp.route("/offices", methods=["GET"])
@roles_required()
@blp.response(200, OfficeOut(many=True))
def list_offices():
    """Offices of exchange (IMPC codes), each with its source and review state."""
    return post_network.offices()


@blp.route("/offices", methods=["POST"])
@roles_required(*OPERATORS)
@blp.arguments(OfficeIn)
@blp.response(201, OfficeOut)
@blp.alt_response(409, description="The code is already in the office table")
def create_office(body):
    return post_network.create_office(current_user(), body)


@blp.route("/lanes", methods=["GET"])
@roles_required()
@blp.arguments(LaneQuery, location="query")
@blp.response(200, LaneOut(many=True))
def list_lanes(query):
    """Lanes between offices with their mode and, for rail, the border crossing."""
    rows = post_network.lanes(
        query.get("mode"), query.get("origin_office"), query.get("destination_office")
    )
    return [post_network.lane_view(lane) for lane in rows]


@blp.route("/lanes", methods=["POST"])
@roles_required(*OPERATORS)
@blp.arguments(LaneIn)
@blp.response(201, LaneOut)
@blp.alt_response(409, description="The lane is already stored")
def create_lane(body):
    return post_network.lane_view(post_network.create_lane(current_user(), body))


# -- receptacles ----------------------------------------------------------------------------


@blp.route("/receptacles", methods=["POST"])
@roles_required(*OPERATORS)
@blp.arguments(ReceptacleIn)
@blp.response(201, ReceptacleOut)
@blp.alt_response(409, description="A parcel is not released for export or already despatched")
def create_receptacle(body):
    """Close released parcels into a receptacle: its S9 id (final when the despatch closes)
    and weight. The weight is the declared one when given (it must add up to the parcels'
    gross weights and the tare within max(0.1 kg, 1 %)), else parcels plus tare."""
    return receptacles.view(receptacles.create(current_user(), body))


@blp.route("/receptacles/<string:receptacle_id>", methods=["GET"])
@roles_required(*OPERATORS)
@blp.response(200, ReceptacleOut)
def get_receptacle(receptacle_id):
    return receptacles.view(receptacles.get(receptacle_id))


@blp.route("/receptacles/<string:receptacle_id>/label.pdf", methods=["GET"])
@roles_required(*OPERATORS)
@blp.response(
    200, description="6 x 4 in receptacle label, S9 barcode", content_type="application/pdf"
)
@blp.alt_response(409, description=_CLOSED_ONLY)
def receptacle_label(receptacle_id):
    pdf = despatches.label_pdf(receptacle_id)
    return _document(pdf, "application/pdf", f"receptacle-{receptacle_id}.pdf")


# -- despatches -----------------------------------------------------------------------------


@blp.route("/despatches", methods=["POST"])
@roles_required(*OPERATORS)
@blp.arguments(DespatchIn)
@blp.response(201, DespatchOut)
@blp.alt_response(409, description="A receptacle is already despatched")
def create_despatch(body):
    """Receptacles of one despatch number on a lane and a transport leg of its mode."""
    return despatches.view(despatches.create(current_user(), body))


@blp.route("/despatches/<string:despatch_id>", methods=["GET"])
@roles_required(*OPERATORS)
@blp.response(200, DespatchOut)
def get_despatch(despatch_id):
    return despatches.view(despatches.get(despatch_id))


@blp.route("/despatches/<string:despatch_id>/close", methods=["POST"])
@roles_required(*OPERATORS)
@blp.response(200, DespatchOut)
@blp.alt_response(409, description="Already closed, or an item's ITMATT cannot be produced")
def close_despatch(despatch_id):
    """Number the receptacles, flag the last, freeze the despatch, store and send its
    pre-advice (PREDES and the items' ITMATT) to the partner post's outbox."""
    return despatches.view(despatches.close(current_user(), despatch_id))


@blp.route("/despatches/<string:despatch_id>/delivery-bill.pdf", methods=["GET"])
@roles_required(*OPERATORS)
@blp.response(
    200,
    description="Delivery bill: CN 38 (air), CN 41 (S.A.L.) or CN 37 (surface)",
    content_type="application/pdf",
)
@blp.alt_response(409, description=_CLOSED_ONLY)
def delivery_bill(despatch_id):
    form, pdf = despatches.delivery_bill_pdf(despatch_id)
    return _document(pdf, "application/pdf", f"{form}-{despatch_id}.pdf")


@blp.route("/despatches/<string:despatch_id>/pre-advice", methods=["GET"])
@roles_required(*OPERATORS)
@blp.response(
    200,
    description="PREDES (schema urn:silkpost:predes:1, declarations/schemas/predes.xsd)",
    content_type="application/xml",
)
@blp.alt_response(409, description=_CLOSED_ONLY)
def pre_advice(despatch_id):
    xml = despatches.pre_advice_xml(despatch_id)
    return _document(xml, "application/xml", f"PREDES-{despatch_id}.xml")
