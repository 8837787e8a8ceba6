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
    assert r.json["errors"] == {
        "offset": [f"Must be greater than or equal to 0 and less than or equal to {2**63 - 1}."]
    }
    assert client.get("/api/v1/inbound-items?offset=5", headers=headers(broker)).status_code == 200


def _integers_read(spec: dict) -> list[tuple[str, dict]]:
    """Every integer the API reads, by where: query and path parameters, and the request
    bodies' properties (through $refs, nested objects and arrays)."""
    schemas = spec["components"]["schemas"]
    found: list[tuple[str, dict]] = []

    def walk(where: str, schema: dict, seen: frozenset = frozenset()) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(where, schemas[name], seen | {name})
            return
        if schema.get("readOnly"):
            return
        if schema.get("type") == "integer":
            found.append((where, schema))
        for key in ("allOf", "oneOf", "anyOf"):
            for part in schema.get(key, []):
                walk(where, part, seen)
        for name, prop in schema.get("properties", {}).items():
            walk(f"{where}.{name}", prop, seen)
        if "items" in schema:
            walk(f"{where}[]", schema["items"], seen)

    for path, operations in spec["paths"].items():
        for param in operations.get("parameters", []):  # the path's own parameters
            walk(f"{path} ?{param['name']}", param.get("schema", {}))
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for param in operation.get("parameters", []):
                walk(f"{method} {path} ?{param['name']}", param.get("schema", {}))
            for media in operation.get("requestBody", {}).get("content", {}).values():
                walk(f"{method} {path} body", media.get("schema", {}))
    return found


def test_every_integer_the_api_reads_states_its_range(client):
    """An integer field without a stated range could carry a number the database cannot
    hold (a 500 on PostgreSQL): each one has a minimum and a maximum, shown in the document."""
    read = _integers_read(client.get("/api/v1/openapi.json").json)
    assert len(read) >= 10  # paging, limits, offsets, years, line numbers
    unbounded = [w for w, schema in read if "minimum" not in schema or "maximum" not in schema]
    assert unbounded == []
    assert all(schema["maximum"] <= 2**63 - 1 for _, schema in read)


def test_a_huge_integer_in_a_body_is_refused_by_field(client, make_user, order_payload):
    seller = make_user("seller")
    order = client.post("/api/v1/orders", json=order_payload(), headers=headers(seller)).json
    huge = 10**30
    invoice = {
        "order_id": order["id"],
        "line_no": huge,
        "invoice_no": "INV-1",
        "amount_excl_vat": "10.00",
        "vat": "1.30",
    }
    r = client.post("/api/v1/purchase-invoices", json=invoice, headers=headers(seller))
    assert r.status_code == 422, r.json
    assert r.json["errors"]["line_no"] == [
        "Must be greater than or equal to 1 and less than or equal to 100."
    ]
    body = order_payload(order_no="HUGE-1")
    body["items"][0]["quantity"] = huge
    r = client.post("/api/v1/orders", json=body, headers=headers(seller))
    assert r.status_code == 422, r.json
    assert "items.0.quantity" in r.json["errors"]
    digits = b'{"order_no": "HUGE-2", "gross_weight_kg": ' + b"9" * 5000 + b"}"
    r = client.post(
        "/api/v1/orders", data=digits, content_type="application/json", headers=headers(seller)
    )
    assert 400 <= r.status_code < 500 and r.json["code"] == r.status_code
