"""Customs declarations of an order: the frozen snapshot and its XML documents."""

from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..auth import current_user, roles_required
from ..schemas.times import Instant
from ..services import declaring

blp = Blueprint("declarations", __name__, url_prefix="/orders", description="Customs declarations")


class DocumentOut(Schema):
    """One document kind that fits the order, and whether it is stored yet."""

    kind = fields.String(metadata={"description": "The document kind, as in its URL"})
    title = fields.String()
    url = fields.String(metadata={"description": "Where it is made (on first ask) and served"})
    stored = fields.Boolean(metadata={"description": "Whether the declaration holds it yet"})
    sha256 = fields.String(allow_none=True, metadata={"description": "Of the stored bytes"})
    created_at = Instant(allow_none=True)


class DeclarationRef(Schema):
    id = fields.String()
    version = fields.Integer()
    schema_version = fields.Integer()
    created_at = Instant()


class DeclarationsOut(Schema):
    order_id = fields.String()
    flow = fields.String()
    declaration = fields.Nested(DeclarationRef, allow_none=True)
    documents = fields.List(fields.Nested(DocumentOut))


@blp.route("/<string:order_id>/declarations", methods=["GET"])
@roles_required("seller", "broker", "carrier")
@blp.response(200, DeclarationsOut)
def list_declarations(order_id):
    """The documents that fit the order's flow, and which are already stored."""
    return declaring.overview(current_user(), order_id)


@blp.route("/<string:order_id>/declarations", methods=["POST"])
@roles_required("seller", "broker")
@blp.response(201, DeclarationsOut)
def new_declaration(order_id):
    """Freeze a new snapshot version (e.g. after a profile change); old documents stay."""
    user = current_user()
    order = declaring.get_order(user, order_id)
    declaring.declare(order, user, new_version=True)
    return declaring.overview(user, order_id)


@blp.route("/<string:order_id>/declarations/snapshot", methods=["GET"])
@roles_required("seller", "broker", "carrier")
@blp.response(200, description="The frozen declaration snapshot (JSON)")
def snapshot(order_id):
    return declaring.snapshot_json(current_user(), order_id)


@blp.route("/<string:order_id>/declarations/<string:kind>", methods=["GET"])
@roles_required("seller", "broker", "carrier")
@blp.response(200, description="The XML document", content_type="application/xml")
@blp.alt_response(409, description="The kind does not fit the order, or data is missing")
@blp.doc(
    description=f"Kinds: {', '.join(declaring.ORDER_KINDS)}. ``?envelope=dxp`` wraps a CEB "
    "message in the DxpMsg transport envelope."
)
def get_document(order_id, kind):
    """One XML document of the order."""
    if request.args.get("envelope") == "dxp":
        body = declaring.dxp_envelope(current_user(), order_id, kind)
        return Response(
            body,
            mimetype="application/xml",
            headers={"Content-Disposition": f'inline; filename="{kind}-{order_id}.dxp.xml"'},
        )
    doc = declaring.document(current_user(), order_id, kind)
    return Response(
        doc.content,
        mimetype=doc.media_type,
        headers={
            "Content-Disposition": f'inline; filename="{kind}-{order_id}.xml"',
            "ETag": doc.sha256,
        },
    )
