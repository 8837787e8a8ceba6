"""Customs summary declarations: a seller's month filed as CEB701 applications, CEB792
summary results in, declaration lines out."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..auth import current_user, roles_required
from ..errors import Forbidden, UnsupportedMediaType
from ..extensions import db
from ..models import SummaryDeclaration, SummaryFiling
from ..schemas.query import QuerySchema
from ..schemas.summaries import SummaryIn, SummaryOut, SummaryQuery
from ..schemas.times import Instant
from ..services import summaries, summary_filing, summary_views

blp = Blueprint("summaries", __name__, url_prefix="/summaries", description="Summary declarations")

XML_TYPES = ("application/xml", "text/xml")


class ResultLineOut(Schema):
    invt_no = fields.String()
    logistics_no = fields.String()
    gseqno = fields.Integer(metadata={"description": "The customs declaration line"})
    gnum = fields.Integer(metadata={"description": "The inventory line"})
    gcode = fields.String()
    order_id = fields.String(allow_none=True)
    order_line_id = fields.String(allow_none=True)


class DeclarationOut(Schema):
    id = fields.String()
    seller_id = fields.String(allow_none=True)
    sum_no = fields.String()
    decl_seq_no = fields.String()
    entry_id = fields.String(allow_none=True)
    dec_state = fields.String()
    op_time = Instant()
    lines = fields.List(fields.Nested(ResultLineOut))
    unmapped_lines = fields.Integer()


class ResultsOut(Schema):
    declarations = fields.List(fields.Nested(DeclarationOut))
    lines_added = fields.Integer()


class DeclarationQuery(QuerySchema):
    seller_id = fields.String(validate=validate.Length(min=1, max=36))


@blp.route("", methods=["POST"])
@roles_required("seller", "broker")
@blp.arguments(SummaryIn)
@blp.response(202, SummaryOut)
@blp.alt_response(
    503,
    description="The job queue is unreachable: nothing was stored; retry after Retry-After s",
)
def post_summary(body):
    """Summarise the seller's released exports of a month into CEB701 summary applications,
    filed through the gateway by a job. Asking again while one of that month stands
    (queued, filed, accepted, declared) gives that one."""
    found = summary_filing.request(current_user(), body["month"], body.get("seller_id"))
    return summary_views.view(found), 202


@blp.route("", methods=["GET"])
@roles_required("seller", "broker")
@blp.arguments(SummaryQuery, location="query")
@blp.response(200, SummaryOut(many=True))
def list_summaries(query):
    """Summaries, newest first (at most 100; a seller sees its own)."""
    stmt = summary_views.visible(current_user(), query.get("seller_id"))
    if query.get("month"):
        stmt = stmt.where(SummaryFiling.month == query["month"])
    found = db.session.execute(stmt.limit(100)).scalars()
    return [summary_views.view(f, detail=False) for f in found]


@blp.route("/<string:summary_id>", methods=["GET"])
@roles_required("seller", "broker")
@blp.response(200, SummaryOut)
@blp.alt_response(404, description="No such summary (or another seller's)")
def get_summary(summary_id):
    """A summary: its applications, customs' receipts and the declaration lines."""
    return summary_views.view(summary_views.get(current_user(), summary_id))


@blp.route("/results", methods=["POST"])
@roles_required("broker")
@blp.doc(
    requestBody={
        "required": True,
        "content": {
            "application/xml": {
                "schema": {"type": "string", "description": "A CEB792 message or a DxpMsg"}
            }
        },
    }
)
@blp.response(200, ResultsOut)
def post_results():
    """Book CEB792 summary results: each inventory line's customs declaration line.
    Repeats and split messages add each line once."""
    if request.mimetype not in XML_TYPES:
        raise UnsupportedMediaType("Send the summary result as application/xml.")
    return summaries.ingest_results(request.get_data(cache=False), current_user())


@blp.route("/declarations", methods=["GET"])
@roles_required("seller", "broker")
@blp.arguments(DeclarationQuery, location="query")
@blp.response(200, DeclarationOut(many=True))
def list_declarations(query):
    """The customs declarations formed from the seller's summaries, with their lines."""
    user, seller_id = current_user(), query.get("seller_id")
    if user.role == "seller":
        own = user.seller.id if user.seller else None
        if seller_id not in (None, own):
            raise Forbidden("Sellers see only their own declarations.")
        seller_id = own
    stmt = db.select(SummaryDeclaration).order_by(SummaryDeclaration.op_time)
    if seller_id:
        stmt = stmt.where(SummaryDeclaration.seller_id == seller_id)
    return [summaries.declaration_view(d) for d in db.session.execute(stmt).scalars()]
