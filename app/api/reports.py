"""Export-side reports: the export rebate and FX settlement (JSON, or CSV on request)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate, validates_schema

from ..auth import current_user, roles_required
from ..schemas.query import QuerySchema
from ..schemas.times import Day
from ..services import reports, tabular

blp = Blueprint("reports", __name__, url_prefix="/reports", description="Seller reports")


class ReportQuery(QuerySchema):
    date_from = Day(required=True, data_key="from")
    date_to = Day(
        required=True, data_key="to", metadata={"description": "On or after `from` (422 otherwise)"}
    )
    seller_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36))
    basis = fields.String(
        load_default=None,
        validate=validate.OneOf(reports.BASES),
        metadata={
            "description": "customs: the customs declaration lines of CEB792 summary results; "
            "orders: export order lines. Default: customs when declarations of the period "
            "are on file, else orders (the answer always states its basis)"
        },
    )

    @validates_schema
    def _ordered(self, data, **kwargs):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError("must not be before 'from'", field_name="to")


class SettlementQuery(ReportQuery):
    as_of = Day(
        load_default=None,
        metadata={"description": "The day ageing is counted to (default: today, China time)"},
    )


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


def report(path: str, query: type[ReportQuery] = ReportQuery) -> Callable:
    """A GET report for sellers and brokers: the period in the query, JSON or CSV out."""

    def decorator(view: Callable) -> Callable:
        view = blp.doc(**_CSV_DOC)(blp.response(200)(view))
        view = blp.arguments(query, location="query")(view)
        return blp.route(path, methods=["GET"])(roles_required("seller", "broker")(view))

    return decorator


def _period_args(query: dict) -> tuple:
    return current_user(), query["date_from"], query["date_to"], query["seller_id"], query["basis"]


@report("/export-rebates")
def export_rebates(query):
    """The lines the export rebate is claimed on in the period, on the stated `basis`:
    customs declaration lines (CEB792) when on file, else export order lines. Each has its
    dated rebate rate, the official CNY rate (named, with its date) and the 免退 refund
    (purchase invoices for all its order lines) or else the 免抵退 ceiling, saying which.

    Sellers see their own; brokers and admins all, or one seller's with `seller_id`.
    Send `Accept: text/csv` for the rows as CSV (columns depend on the basis).
    """
    data = reports.export_rebates(*_period_args(query))
    if _wants_csv():
        columns = reports.rebate_columns(data["basis"])
        return _csv(tabular.csv_text(data["rows"], columns), "export-rebates", query)
    return data


@report("/fx-settlement", SettlementQuery)
def fx_settlement(query):
    """Per currency, for the orders behind the period's rebate lines (same `basis`):
    declared export value, amount due, receipts matched, outstanding, unmatched receipts,
    CNY at the official rate and as settled by the bank, ageing of the outstanding amount
    since release, and the rebate claimable. Send `Accept: text/csv` for CSV.
    """
    data = reports.fx_settlement(*_period_args(query), as_of=query["as_of"])
    if _wants_csv():
        text = tabular.csv_text(data["currencies"], reports.SETTLEMENT_COLUMNS)
        return _csv(text, "fx-settlement", query)
    return data
