"""The OpenAPI document states the constraints the server enforces, and the server enforces
what the document states: each rule is found by walking the document, then a request that
breaks it gets the 4xx envelope naming the field. Also: a PUT without a body is a 422, and
a 405 names the allowed methods in ``Allow``."""

import io
import re

import pytest
from support import headers

from tariff_tables import nomenclature

INPUT_SCHEMAS = ("OrderIn", "QuoteIn", "Party", "Line", "Payment", "ProfileIn", "BatchFilter")


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json


def _strings(spec, name):
    """Every string property of a component (nested components by their own name)."""
    for prop, schema in spec["components"]["schemas"][name]["properties"].items():
        if schema.get("type") == "string":
            yield prop, schema


def test_every_input_string_is_bounded(spec):
    unbounded = [
        f"{name}.{prop}"
        for name in INPUT_SCHEMAS
        for prop, schema in _strings(spec, name)
        if not ({"maxLength", "enum", "pattern", "format"} & set(schema))
    ]
    assert unbounded == []


def test_a_stated_length_is_enforced(client, spec, make_user, order_payload):
    seller = make_user("seller")
    limit = spec["components"]["schemas"]["Party"]["properties"]["name"]["maxLength"]
    body = order_payload()
    body["sender"]["name"] = "x" * (limit + 1)
    r = client.post("/api/v1/orders", json=body, headers=headers(seller))
    assert r.status_code == 422
    assert r.json["errors"] == {"sender.name": [f"at most {limit} characters"]}
    body["sender"]["name"] = "x" * limit
    assert client.post("/api/v1/orders", json=body, headers=headers(seller)).status_code == 201


def test_hs_codes_state_the_pattern_the_server_checks(client, spec, make_user, order_payload):
    pattern = spec["components"]["schemas"]["Line"]["properties"]["hs_code"]["pattern"]
    assert pattern == nomenclature.WRITTEN_PATTERN
    for written in ("6109.10", "6109 10 00 21", "691110"):
        assert re.fullmatch(pattern, written) and nomenclature.check(written) is None
    seller = make_user("seller")
    for n, bad in enumerate(("6109", "61091000211", "6109-10", "")):
        assert not re.fullmatch(pattern, bad)
        body = order_payload(order_no=f"HS-{n}")
        body["items"][0]["hs_code"] = bad
        r = client.post("/api/v1/orders", json=body, headers=headers(seller))
        assert r.status_code == 422, bad
        assert "must be 6 to 10 digits" in r.json["errors"]["items.0.hs_code"][0]


def _parameter(spec, path, name):
    (param,) = [p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == name]
    return param


@pytest.mark.parametrize(
    ("path", "start", "end", "role"),
    [
        ("/api/v1/reports/export-rebates", "from", "to", "seller"),
        ("/api/v1/orders", "created_from", "created_to", "seller"),
    ],
)
def test_date_ranges_state_and_enforce_from_before_to(
    client, spec, make_user, path, start, end, role
):
    assert f"on or after `{start}`" in _parameter(spec, path, end)["description"].lower()
    auth = headers(make_user(role))
    r = client.get(f"{path}?{start}=2026-02-01&{end}=2026-01-31", headers=auth)
    assert r.status_code == 422 and list(r.json["errors"]) == [end]
    assert (
        client.get(f"{path}?{start}=2026-01-31&{end}=2026-01-31", headers=auth).status_code == 200
    )


def test_label_batches_state_and_enforce_parcel_ids_xor_filter(client, spec, make_user):
    batch_in = spec["components"]["schemas"]["BatchIn"]
    assert batch_in["oneOf"] == [{"required": ["parcel_ids"]}, {"required": ["filter"]}]
    carrier = headers(make_user("carrier"))
    for body in ({}, {"parcel_ids": ["p"], "filter": {"flow": "export"}}):
        r = client.post("/api/v1/labels/batches", json=body, headers=carrier)
        assert r.status_code == 422
        assert r.json["errors"] == {"parcel_ids": ["give either parcel_ids or filter"]}


def test_imports_state_and_enforce_the_file_types(client, spec, make_user):
    media = spec["paths"]["/api/v1/imports"]["post"]["requestBody"]["content"]
    stated = media["multipart/form-data"]["encoding"]["file"]["contentType"].split(", ")
    assert stated == [
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
    seller = headers(make_user("seller"))
    r = client.post(
        "/api/v1/imports",
        data={"file": (io.BytesIO(b"order_no\n1\n"), "orders.txt")},
        headers=seller,
        content_type="multipart/form-data",
    )
    assert r.status_code == 422
    assert r.json["errors"] == {"file": ["the file must be .csv or .xlsx"]}


def test_a_required_body_that_is_missing_is_a_422(client, spec, make_user):
    assert spec["paths"]["/api/v1/profile"]["put"]["requestBody"]["required"] is True
    seller = headers(make_user("seller"))
    for extra in ({}, {"content_type": "application/json", "data": b""}):
        r = client.put("/api/v1/profile", headers=seller, **extra)
        assert r.status_code == 422
        assert r.json == {
            "code": 422,
            "status": "Unprocessable Entity",
            "message": "A JSON body is required.",
            "errors": {"_body": ["send a JSON object"]},
        }
    assert client.put("/api/v1/profile", json={}, headers=seller).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", "/api/v1/orders", {"GET", "HEAD", "OPTIONS", "POST"}),
        ("post", "/api/v1/profile", {"GET", "HEAD", "OPTIONS", "PUT"}),
        ("patch", "/healthz", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_405_names_the_allowed_methods_in_the_envelope(client, make_user, method, path, allowed):
    r = getattr(client, method)(path, headers=headers(make_user("seller")))
    assert r.status_code == 405
    assert set(r.headers["Allow"].split(", ")) == allowed
    assert r.json == {
        "code": 405,
        "status": "Method Not Allowed",
        "message": "The method is not allowed for the requested URL.",
        "errors": {},
    }
