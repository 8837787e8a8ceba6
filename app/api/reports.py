"""Export-side reports: VAT rebate ceilings and FX settlement (JSON, or CSV on request)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate, validates_schema

from ..auth import current_user, roles_required
from ..schemas.query import QuerySchema
from ..services import reports, tabular

blp = Blueprint("reports", __name__, url_prefix="/reports", description="Seller reports")


class ReportQuery(QuerySchema):
    date_from = fields.Date(required=True, data_key="from")
    date_to = fields.Date(
        required=True, data_key="to", metadata={"description": "On or after `from` (422 otherwise)"}
    )
    seller_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36))

    @validates_schema
    def _ordered(self, data, **kwargs):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError("must not be before 'from'", field_name="to")


def _wants_csv() -> bool:
    return request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv"


def _csv(text: str, name: str, query: dict) -> Response:
    filename = f"{name}_{query['date_from']:%Y%m%d}-{query['date_to']:%Y%m%d}.csv"
    return Response(
        text,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


_CSV_DOC = {
    "responses": {
        "200": {
            "description": "JSON by default; CSV with a header row for Accept: text/csv",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    }
}


def report(path: str) -> Callable:
    """A GET report for sellers and brokers: the period in the query, JSON or CSV out."""

    def decorator(view: Callable) -> Callable:
        view = blp.doc(**_CSV_DOC)(blp.response(200)(view))
        view = blp.arguments(ReportQuery, location="query")(view)
        return blp.route(path, methods=["GET"])(roles_required("seller", "broker")(view))

    return decorator


def _period_args(query: dict) -> tuple:
    return current_user(), query["date_from"], query["date_to"], query["seller_id"]


@report("/export-rebates")
def export_rebates(query):
    """Per export line in the period: value, dated rebate rate and the 免抵退 ceiling in CNY.

    Sellers see their own orders; brokers and admins all, or one seller's with `seller_id`.
    Send `Accept: text/csv` for the rows as CSV. The 免退 refund needs purchase invoices,
    which orders do not carry: the report says so in `notes`.
    """
    data = reports.export_rebates(*_period_args(query))
    if _wants_csv():
        text = tabular.csv_text(data["rows"], reports.REBATE_COLUMNS)
        return _csv(text, "export-rebates", query)
    return data


@report("/fx-settlement")
def fx_settlement(query):
    """Per currency: declared export value, receipts, CNY equivalent, rebate claimable.

    Receipts are not recorded yet (0, said in `notes`). Send `Accept: text/csv` for CSV.
    """
    data = reports.fx_settlement(*_period_args(query))
    if _wants_csv():
        text = tabular.csv_text(data["currencies"], reports.SETTLEMENT_COLUMNS)
        return _csv(text, "fx-settlement", query)
    return data
