"""Brokers look up a CBEC buyer's annual quota (the ledger behind ``GET /buyers/…/quota``)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from ...errors import ValidationFailed
from ...services import quota_report
from .. import nav
from .. import web as web_bp
from ..session import page

nav.add("web.buyer_quota", _l("Buyer quota"), "broker")


def _year() -> int:
    raw = request.args.get("year", "").strip()
    if not raw:
        return datetime.now(UTC).year
    if not (raw.isdigit() and 2000 <= int(raw) <= 2100):
        raise ValidationFailed("The year is not valid.", {"year": ["2000 to 2100"]})
    return int(raw)


@web_bp.get("/buyers/quota")
@page("broker")
def buyer_quota():
    id_number = request.args.get("id_number", "").strip()
    year = _year()
    report = None
    if id_number:
        if len(id_number) > 30:
            raise ValidationFailed("The buyer ID is 1 to 30 characters.", {"id_number": ["length"]})
        report = quota_report.buyer_quota(id_number, year)
    return render_template("buyers/quota.html", id_number=id_number, year=year, report=report)
