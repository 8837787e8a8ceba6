"""Export VAT rebate and FX-settlement reports: the API's report service, with filters and
CSV/XLSX downloads of the very rows the page shows.

Sellers see their own orders; brokers and admins every seller's, or one seller's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from ...api.reports import ReportQuery
from ...errors import ValidationFailed, flatten_errors
from ...services import reports, seller_directory, tabular
from .. import downloads, nav
from .. import web as web_bp
from ..session import page, signed_in_user

REPORT_ROLES = ("seller", "broker")
MAX_ROWS_SHOWN = 500


@dataclass(frozen=True)
class Report:
    title: object  # lazy text
    build: Callable[..., dict]
    records: str  # the key of the report's row list
    columns: Callable[[dict], Sequence[str]]  # the download's columns for the report's data


REPORTS = {
    "export-rebates": Report(
        _l("Export VAT rebates"),
        reports.export_rebates,
        "rows",
        lambda data: reports.rebate_columns(data["basis"]),
    ),
    "fx-settlement": Report(
        _l("FX settlement"),
        reports.fx_settlement,
        "currencies",
        lambda data: reports.SETTLEMENT_COLUMNS,
    ),
}

nav.add("web.reports_index", _l("Reports"), *REPORT_ROLES)


def _query() -> dict:
    """The period and seller (the API's report query); this month so far by default."""
    today = datetime.now(UTC).date()
    args = {k: v.strip() for k, v in request.args.items() if v.strip()}
    args.setdefault("from", today.replace(day=1).isoformat())
    args.setdefault("to", today.isoformat())
    try:
        return ReportQuery().load(args)
    except ValidationError as exc:
        raise ValidationFailed("The filters are not valid.", flatten_errors(exc.messages)) from exc


def _report(name: str) -> tuple[Report, dict, dict]:
    report = REPORTS.get(name) or abort(404)
    query = _query()
    data = report.build(signed_in_user(), query["date_from"], query["date_to"], query["seller_id"])
    return report, query, data


@web_bp.get("/reports")
@page(*REPORT_ROLES)
def reports_index():
    return render_template("reports/index.html", reports=REPORTS)


@web_bp.get("/reports/<any('export-rebates', 'fx-settlement'):name>")
@page(*REPORT_ROLES)
def report(name):
    report, query, data = _report(name)
    records = data[report.records]
    return render_template(
        f"reports/{name}.html",
        name=name,
        report=report,
        query=query,
        data=data,
        records=records[:MAX_ROWS_SHOWN],
        hidden_rows=max(0, len(records) - MAX_ROWS_SHOWN),
        sellers=seller_directory.sellers_for(signed_in_user()),
        download_args={k: v for k, v in request.args.items() if v},
    )


@web_bp.get("/reports/<any('export-rebates', 'fx-settlement'):name>.<any(csv, xlsx):fmt>")
@page(*REPORT_ROLES)
def report_download(name, fmt):
    report, query, data = _report(name)
    filename = f"{name}_{query['date_from']:%Y%m%d}-{query['date_to']:%Y%m%d}.{fmt}"
    records, columns = data[report.records], report.columns(data)
    if fmt == "csv":
        return downloads.csv_file(tabular.csv_text(records, columns), filename)
    return downloads.xlsx_file(records, columns, filename, sheet=name)
