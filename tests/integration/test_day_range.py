"""Days and date-times the API reads are bounded (1900-01-01 … 2999-12-31): a day at the edge
of the calendar used to overflow once moved a day or a zone further (500); now 422 by field.
Found by the OpenAPI fuzz test (``GET /reports/export-rebates?from=0001-01-01``)."""

from support import headers


def test_a_report_period_at_the_edge_of_the_calendar_is_refused(client, make_user):
    seller = make_user("seller")
    for edge in ("0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01"):
        query = {"from": edge, "to": edge}
        r = client.get(
            "/api/v1/reports/export-rebates", query_string=query, headers=headers(seller)
        )
        assert r.status_code == 422, (edge, r.json)
        assert r.json["errors"]["from"] == ["Must be a day between 1900-01-01 and 2999-12-31."]
    ok = {"from": "1900-01-01", "to": "2999-12-31"}
    r = client.get("/api/v1/reports/export-rebates", query_string=ok, headers=headers(seller))
    assert r.status_code == 200, r.json


def test_an_instant_at_the_edge_of_the_calendar_is_refused(client, make_user, order_payload):
    seller = make_user("seller")
    payment = {
        "pay_code": "1101110323",
        "pay_name": "示例支付有限公司",
        "transaction_id": "PAY-1",
        "paid_at": "0001-01-01T00:00:00+08:00",
    }
    r = client.post("/api/v1/orders", json=order_payload(payment=payment), headers=headers(seller))
    assert r.status_code == 422, r.json
    assert r.json["errors"]["payment.paid_at"] == [
        "Must be a day between 1900-01-01 and 2999-12-31."
    ]


def test_the_document_states_the_range(client):
    spec = client.get("/api/v1/openapi.json").json
    (param,) = [
        p
        for p in spec["paths"]["/api/v1/reports/export-rebates"]["get"]["parameters"]
        if p["name"] == "from"
    ]
    assert "between 1900-01-01 and 2999-12-31" in param["description"]
