"""Days, date-times and integers the API reads are bounded. A day at the edge of the
calendar used to overflow once moved a day or a zone further, and a huge integer reached the
database (500 each); now 422 by field, 1900-01-01 … 2999-12-31 and 64-bit integers. Found by
the OpenAPI fuzz test (``GET /reports/export-rebates?from=0001-01-01``)."""

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


def test_an_integer_parameter_too_large_for_the_database_is_refused(client, make_user):
    """Found by the OpenAPI fuzz test: ``GET /inbound-items?offset=<27 digits>`` was a 500."""
    broker = make_user("broker")
    huge = "258237926783459231543590912"
    r = client.get(f"/api/v1/inbound-items?offset={huge}", headers=headers(broker))
    assert r.status_code == 422, r.json
    assert r.json["errors"] == {"offset": [f"must be at most {2**63 - 1} in size"]}
    assert client.get("/api/v1/inbound-items?offset=5", headers=headers(broker)).status_code == 200
