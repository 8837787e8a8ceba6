"""Every date-time the API returns is ISO 8601 with an offset (the database gives naive UTC
values back on SQLite; they leave as ``+00:00``)."""

import importlib
import pkgutil
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from marshmallow import Schema, fields
from support import cbec_import_order, headers, order_rows, write_csv

from app.schemas.times import Instant, JSONProvider, iso_instant

DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
HTTP_DATE = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4}")


def date_times(value, path=""):
    """(path, text) of every string in a JSON document that starts like a date-time."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from date_times(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from date_times(item, f"{path}.{n}")
    elif isinstance(value, str) and (DATE_TIME.match(value) or HTTP_DATE.search(value)):
        yield path, value


def test_iso_instant_reads_naive_values_as_utc_and_keeps_offsets():
    assert iso_instant(datetime(2026, 12, 1, 7, 28, 13, 747978)) == (
        "2026-12-01T07:28:13.747978+00:00"
    )
    cst = timezone(timedelta(hours=8))
    assert iso_instant(datetime(2026, 11, 28, 10, 0, tzinfo=cst)) == "2026-11-28T10:00:00+08:00"
    assert iso_instant(datetime(2026, 11, 28, 2, 0, tzinfo=UTC)) == "2026-11-28T02:00:00+00:00"


def test_the_json_provider_writes_iso_dates(app):
    provider = JSONProvider(app)
    text = provider.dumps({"at": datetime(2026, 12, 1, 7, 28, 13), "on": datetime(2026, 12, 1)})
    assert text == '{"at": "2026-12-01T07:28:13+00:00", "on": "2026-12-01T00:00:00+00:00"}'
    assert provider.dumps({"day": datetime(2026, 12, 1).date()}) == '{"day": "2026-12-01"}'


@pytest.fixture
def everything(app, client, make_user, tmp_path):
    """An order with a payment, a frozen declaration, a receipt, an import and a label
    batch: each endpoint that returns times has something to return."""
    seller, broker = make_user("seller"), make_user("broker")
    client.put(
        "/api/v1/profile",
        json={"customs_code": "1105910159", "customs_name": "示例", "dxp_id": "DXPENT0000000001"},
        headers=headers(seller),
    )
    payment = {
        "pay_code": "1101110323",
        "pay_name": "示例支付有限公司",
        "transaction_id": "P0242250007",
        "paid_at": "2026-11-20T10:16:30",
    }
    r = client.post(
        "/api/v1/orders",
        json=cbec_import_order(order_no="T-1", payment=payment),
        headers=headers(seller),
    )
    assert r.status_code == 201, r.json
    oid, parcel_id = r.json["id"], r.json["parcels"][0]["id"]
    assert client.post(f"/api/v1/orders/{oid}/declarations", headers=headers(seller)).status_code
    receipt = (
        '<?xml version="1.0" encoding="UTF-8"?><CEB622Message version="1.0" '
        'xmlns="http://www.chinaport.gov.cn/ceb" guid="4CDE1CFD-EDED-46B1-946C-B8022E42FC94">'
        "<InventoryReturn><guid>4CDE1CFD-EDED-46B1-946C-B8022E42FC94</guid>"
        "<customsCode>1501</customsCode><ebpCode>1105910159</ebpCode>"
        "<ebcCode>1105910159</ebcCode><agentCode>1105980159</agentCode>"
        "<copNo>T-1</copNo><preNo>B20261128000001882</preNo><returnStatus>120</returnStatus>"
        "<returnTime>20261128101000000</returnTime><returnInfo>ok</returnInfo>"
        "</InventoryReturn></CEB622Message>"
    )
    r = client.post(
        "/api/v1/receipts",
        data=receipt.encode(),
        headers={**headers(broker), "Content-Type": "application/xml"},
    )
    assert r.status_code == 200 and r.json["orders"] == [oid], r.json
    path = tmp_path / "o.csv"
    write_csv(path, order_rows(cbec_import_order(order_no="T-2")))
    with open(path, "rb") as fh:
        r = client.post(
            "/api/v1/imports",
            data={"file": (fh, "o.csv")},
            headers=headers(seller),
            content_type="multipart/form-data",
        )
    assert r.status_code == 202, r.json
    import_id = r.json["id"]
    r = client.post(
        "/api/v1/labels/batches", json={"parcel_ids": [parcel_id]}, headers=headers(seller)
    )
    assert r.status_code == 202, r.json
    from app.jobs.runner import make_worker

    make_worker(app, simple=True).work(burst=True)
    return {"seller": seller, "order": oid, "import": import_id, "batch": r.json["id"]}


def test_every_endpoint_that_returns_times_gives_an_offset(client, everything):
    seller, oid = everything["seller"], everything["order"]
    responses = {
        "order": client.get(f"/api/v1/orders/{oid}", headers=headers(seller)),
        "orders": client.get("/api/v1/orders", headers=headers(seller)),
        "declarations": client.get(f"/api/v1/orders/{oid}/declarations", headers=headers(seller)),
        "clearance": client.get(f"/api/v1/orders/{oid}/clearance", headers=headers(seller)),
        "label batch": client.get(
            f"/api/v1/labels/batches/{everything['batch']}", headers=headers(seller)
        ),
        "import": client.get(f"/api/v1/imports/{everything['import']}", headers=headers(seller)),
    }
    seen = {}
    for name, r in responses.items():
        assert r.status_code == 200, (name, r.json)
        found = dict(date_times(r.json))
        assert found, f"{name} returned no date-time"
        seen[name] = found
        bad = {p: v for p, v in found.items() if not WITH_OFFSET.match(v)}
        assert bad == {}, name
    order = responses["order"].json
    assert order["payment"]["paid_at"] == "2026-11-20T10:16:30+00:00"
    assert order["created_at"].endswith("+00:00")
    assert set(seen["import"]) == set(seen["label batch"]) == {"created_at", "finished_at"}
    assert "declaration.created_at" in seen["declarations"]
    assert set(seen["clearance"]) == {"events.0.time", "documents.inventory.0.time"}


def _app_schemas():
    import app

    for info in pkgutil.walk_packages(app.__path__, "app."):
        if ".migrations" not in info.name:
            importlib.import_module(info.name)
    stack, found = list(Schema.__subclasses__()), []
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("app."):
            found.append(cls)
    return found


def test_every_date_time_field_of_the_app_is_an_instant():
    """One rule for date-times: no schema of the app declares a plain DateTime field."""
    plain = []
    for cls in _app_schemas():
        for name, field in cls._declared_fields.items():
            inner = getattr(field, "inner", field)
            if isinstance(inner, fields.DateTime) and not isinstance(inner, Instant):
                plain.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert plain == []
