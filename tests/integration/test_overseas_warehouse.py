"""9810 export to an overseas warehouse: stock arrives on release, sales trace back to it."""

from __future__ import annotations

from datetime import datetime

import pytest
from export_support import (
    PROFILE,
    export_order,
    invt_no,
    item,
    post_order,
    post_xml,
    register,
    released,
    summary_result,
)
from lxml import etree
from support import REFERENCE, headers

from declarations.ceb.receipts import CHINA_TIME

FRANKFURT = {
    "kind": "overseas",
    "name": "Frankfurt public overseas warehouse",
    "country": "DE",
    "operator": "EuroFulfil GmbH",
}
RELEASE_1 = datetime(2026, 11, 3, 10, 0, tzinfo=CHINA_TIME)
RELEASE_2 = datetime(2026, 11, 10, 10, 0, tzinfo=CHINA_TIME)


@pytest.fixture
def parties(client, make_user):
    seller, broker = make_user("seller"), make_user("broker")
    client.put("/api/v1/profile", json=PROFILE, headers=headers(seller))
    return seller, broker


def stock(client, who, warehouse_id, **query) -> dict:
    r = client.get(
        f"/api/v1/warehouses/{warehouse_id}/stock", query_string=query, headers=headers(who)
    )
    assert r.status_code == 200, r.json
    return {(i["sku"]): i["quantity"] for i in r.json["items"]}


def sell(client, who, warehouse_id, ref, sku, qty, **more):
    body = {"reference": ref, "sku": sku, "quantity": qty, "sold_on": "2026-11-20", **more}
    return client.post(f"/api/v1/warehouses/{warehouse_id}/sales", json=body, headers=headers(who))


def shipment(client, seller, warehouse_id, order_no, items) -> dict:
    body = export_order(
        order_no=order_no, trade_mode="9810", warehouse_id=warehouse_id, items=items
    )
    return post_order(client, seller, body)


def test_shipment_and_three_sales_traced_to_the_export_declaration(client, parties):
    seller, broker = parties
    wh = register(client, broker, **FRANKFURT)
    assert wh["public"] is True and wh["seller_id"] is None
    one = shipment(
        client,
        seller,
        wh["id"],
        "OW-1",
        [item("TS-RED-M", 100, "8.50"), item("MUG-01", 20, "6.00", hs_code="691110")],
    )
    assert (one["trade_mode"], one["warehouse_id"]) == ("9810", wh["id"])
    # Declared but not released: nothing has arrived.
    assert stock(client, seller, wh["id"]) == {}
    released(client, broker, [one], RELEASE_1)
    two = shipment(client, seller, wh["id"], "OW-2", [item("TS-RED-M", 50, "8.40")])
    released(client, broker, [two], RELEASE_2)
    assert stock(client, seller, wh["id"]) == {"MUG-01": "20", "TS-RED-M": "150"}

    first = sell(client, seller, wh["id"], "AMZ-DE-1", "TS-RED-M", 60)
    second = sell(
        client, seller, wh["id"], "AMZ-DE-2", "TS-RED-M", 60, amount="899.40", currency="EUR"
    )
    third = sell(client, seller, wh["id"], "AMZ-DE-3", "MUG-01", 5)
    assert [r.status_code for r in (first, second, third)] == [201, 201, 201]
    trace = [
        [(t["order_no"], t["line_no"], t["invt_no"], t["quantity"]) for t in r.json["trace"]]
        for r in (first, second, third)
    ]
    # First in, first out: the second sale takes OW-1's last 40 and 20 of OW-2.
    assert trace == [
        [("OW-1", 1, invt_no(RELEASE_1, 1), "60")],
        [("OW-1", 1, invt_no(RELEASE_1, 1), "40"), ("OW-2", 1, invt_no(RELEASE_2, 1), "20")],
        [("OW-1", 2, invt_no(RELEASE_1, 1), "5")],
    ]
    assert first.json["trace"][0]["arrived_at"] == "2026-11-03T02:00:00+00:00"
    assert first.json["trace"][0]["declaration"] is None  # not summarised yet
    assert stock(client, seller, wh["id"]) == {"MUG-01": "15", "TS-RED-M": "30"}

    # Customs summarise November: OW-1's lines land on declaration lines 1 and 2.
    parcel = one["parcels"][0]["item_id"]
    result = summary_result(
        "530120261200000001",
        "530120261200000101",
        [
            (invt_no(RELEASE_1, 1), parcel, 1, 1, "6109100021"),
            (invt_no(RELEASE_1, 1), parcel, 2, 2, "6911101000"),
        ],
        datetime(2026, 12, 5, 9, 0, tzinfo=CHINA_TIME),
        entry_id="530120261000123456",
    )
    assert post_xml(client, broker, "/api/v1/summaries/results", result).status_code == 200
    listed = client.get(f"/api/v1/warehouses/{wh['id']}/sales", headers=headers(seller)).json
    by_ref = {s["reference"]: s for s in listed}
    assert by_ref["AMZ-DE-2"]["amount"] == "899.4"
    decl = [(t["order_no"], t["declaration"]) for t in by_ref["AMZ-DE-2"]["trace"]]
    assert decl == [
        (
            "OW-1",
            {
                "sum_no": "530120261200000001",
                "decl_seq_no": "530120261200000101",
                "entry_id": "530120261000123456",
                "gseqno": 1,
                "gcode": "6109100021",
            },
        ),
        ("OW-2", None),
    ]
    assert by_ref["AMZ-DE-3"]["trace"][0]["declaration"]["gseqno"] == 2


def test_sales_never_take_more_than_the_stock(client, parties):
    seller, broker = parties
    wh = register(client, seller, **FRANKFURT)
    assert wh["public"] is False
    order = shipment(client, seller, wh["id"], "OW-1", [item("TS-RED-M", 10, "8.50")])
    released(client, broker, [order], RELEASE_1)
    r = sell(client, seller, wh["id"], "S-1", "TS-RED-M", 11)
    assert r.status_code == 409
    assert r.json["message"] == (
        f"Not enough stock in {FRANKFURT['name']}: SKU TS-RED-M: 11 wanted, 10 in stock."
    )
    assert r.json["errors"] == {"quantity": ["SKU TS-RED-M: 11 wanted, 10 in stock"]}
    assert sell(client, seller, wh["id"], "S-2", "NO-SUCH", 1).status_code == 409
    assert sell(client, seller, wh["id"], "S-3", "TS-RED-M", 10).status_code == 201
    # The same sale again is the stored one; another under its reference is refused.
    assert sell(client, seller, wh["id"], "S-3", "TS-RED-M", 10).status_code == 200
    assert sell(client, seller, wh["id"], "S-3", "TS-RED-M", 9).status_code == 409
    assert stock(client, seller, wh["id"]) == {"TS-RED-M": "0"}


def test_adjustments_and_the_ledger(client, parties):
    seller, broker = parties
    wh = register(client, broker, **FRANKFURT)
    order = shipment(client, seller, wh["id"], "OW-1", [item("TS-RED-M", 10, "8.50")])
    released(client, broker, [order], RELEASE_1)
    base = f"/api/v1/warehouses/{wh['id']}"
    lost = {"sku": "TS-RED-M", "quantity": "-2", "reason": "damaged in the racking"}
    r = client.post(f"{base}/adjustments", json=lost, headers=headers(seller))
    assert r.status_code == 201 and (r.json["quantity"], r.json["balance"]) == ("-2", "8")
    found = {"sku": "TS-RED-M", "quantity": "1.5", "reason": "found at stocktake"}
    assert (
        client.post(f"{base}/adjustments", json=found, headers=headers(seller)).status_code == 201
    )
    too_many = {**lost, "quantity": "-10"}
    r = client.post(f"{base}/adjustments", json=too_many, headers=headers(seller))
    assert r.status_code == 409 and "10 wanted, 9.5 in stock" in r.json["message"]
    for bad in ({**lost, "quantity": 0}, {**lost, "reason": " "}, {**lost, "quantity": "1.0001"}):
        assert (
            client.post(f"{base}/adjustments", json=bad, headers=headers(seller)).status_code == 422
        )
    sell(client, seller, wh["id"], "S-1", "TS-RED-M", "9.5")
    ledger = client.get(f"{base}/movements", headers=headers(seller)).json
    assert [(m["kind"], m["quantity"], m["balance"]) for m in ledger["items"]] == [
        ("export_in", "10", "10"),
        ("adjustment", "-2", "8"),
        ("adjustment", "1.5", "9.5"),
        ("sale", "-9.5", "0"),
    ]
    sale = client.get(f"{base}/sales", headers=headers(seller)).json[0]
    # 8 left of the export after the loss, then the 1.5 found.
    assert [(t["arrival"], t["quantity"]) for t in sale["trace"]] == [
        ("export_in", "8"),
        ("adjustment", "1.5"),
    ]
    assert sale["trace"][1]["reason"] == "found at stocktake"


def test_orders_name_a_warehouse_their_trade_mode_fits(client, parties):
    seller, broker = parties
    overseas = register(client, broker, **FRANKFURT)
    bonded = register(
        client, broker, kind="bonded", name="Ningbo bonded", country="CN", operator="Ningbo FTZ Co"
    )
    ok = shipment(client, seller, overseas["id"], "OW-OK", [item("A", 1, "1")])
    assert ok["trade_mode"] == "9810"
    cases = {
        "no warehouse": (export_order(order_no="X1", trade_mode="9810"), 422, "warehouse_id"),
        "import 9810": (
            export_order(
                order_no="X2", trade_mode="9810", warehouse_id=overseas["id"], flow="import"
            ),
            422,
            "trade_mode",
        ),
        "no sku": (
            export_order(
                order_no="X3",
                trade_mode="9810",
                warehouse_id=overseas["id"],
                items=[{**item("A", 1, "1"), "sku": None}],
            ),
            422,
            "items.0.sku",
        ),
    }
    for name, (body, code, field) in cases.items():
        r = client.post("/api/v1/orders", json=body, headers=headers(seller))
        assert (r.status_code, field in r.json["errors"]) == (code, True), name
    wrong = export_order(order_no="X4", trade_mode="9810", warehouse_id=bonded["id"])
    wrong["items"] = [item("A", 1, "1")]
    r = client.post("/api/v1/orders", json=wrong, headers=headers(seller))
    assert r.status_code == 409
    assert (
        r.json["message"]
        == "trade mode 9810 needs a overseas or border warehouse; Ningbo bonded is bonded"
    )
    ghost = {**wrong, "order_no": "X5", "warehouse_id": "no-such"}
    r = client.post("/api/v1/orders", json=ghost, headers=headers(seller))
    assert (r.status_code, r.json["message"]) == (409, "warehouse no-such is not registered")


def test_a_sellers_own_warehouse_and_stock_are_its_own(client, parties, make_user):
    seller, broker = parties
    other = make_user("seller")
    private = register(client, seller, **{**FRANKFURT, "name": "Own warehouse"})
    public = register(client, broker, **FRANKFURT)
    order = shipment(client, seller, public["id"], "OW-1", [item("TS", 5, "1")])
    released(client, broker, [order], RELEASE_1)
    assert (
        client.get(f"/api/v1/warehouses/{private['id']}", headers=headers(other)).status_code == 404
    )
    names = [w["name"] for w in client.get("/api/v1/warehouses", headers=headers(other)).json]
    assert names == [FRANKFURT["name"]]
    # Another seller in the same public warehouse sees none of this seller's stock.
    assert stock(client, other, public["id"]) == {}
    assert sell(client, other, public["id"], "S", "TS", 1).status_code == 409
    body = export_order(order_no="P-1", trade_mode="9810", warehouse_id=private["id"])
    body["items"] = [item("TS", 1, "1")]
    r = client.post("/api/v1/orders", json=body, headers=headers(other))
    assert r.status_code == 409 and "is not registered" in r.json["message"]
    assert stock(client, broker, public["id"]) == {"TS": "5"}
    r = client.get(
        f"/api/v1/warehouses/{public['id']}/stock",
        query_string={"seller_id": "someone"},
        headers=headers(other),
    )
    assert r.status_code == 403


def test_registration_rules(client, parties, make_user):
    seller, broker = parties
    r = client.post("/api/v1/warehouses", json=FRANKFURT, headers=headers(broker))
    again = client.post("/api/v1/warehouses", json=FRANKFURT, headers=headers(broker))
    assert (r.status_code, again.status_code, again.json["id"]) == (201, 200, r.json["id"])
    moved = client.post(
        "/api/v1/warehouses", json={**FRANKFURT, "country": "NL"}, headers=headers(broker)
    )
    assert moved.status_code == 409
    border = {"kind": "border", "name": "Horgos", "country": "CN", "operator": "Horgos Port Co"}
    r = client.post("/api/v1/warehouses", json=border, headers=headers(broker))
    assert r.status_code == 422 and r.json["errors"] == {
        "crossing": ["required for a border warehouse"]
    }
    r = client.post(
        "/api/v1/warehouses", json={**FRANKFURT, "crossing": "Khorgos"}, headers=headers(broker)
    )
    assert r.json["errors"] == {"crossing": ["only for border warehouses"]}
    r = client.post(
        "/api/v1/warehouses", json={**FRANKFURT, "kind": "shop"}, headers=headers(broker)
    )
    assert set(r.json["errors"]) == {"kind"}
    carrier = make_user("carrier")
    r = client.post("/api/v1/warehouses", json=FRANKFURT, headers=headers(carrier))
    assert r.status_code == 403


CEB_DIR = REFERENCE / "ceb-202205"


@pytest.mark.skipif(not CEB_DIR.exists(), reason="shared/reference/ceb-202205 is not present")
def test_the_9810_export_inventory_states_its_trade_mode_and_is_valid(app, client, parties):
    seller, broker = parties
    app.config.update(
        OPERATOR_CODE="4403180EMS",
        OPERATOR_NAME="示例国际快递有限公司",
        CUSTOMS_CODE="5304",
        PORT_CODE="5304",
        EXPORT_POD="3040",
        CEB_XSD_DIR=str(CEB_DIR),
    )
    wh = register(client, broker, **FRANKFURT)
    china_code = item("TS-RED-M", 100, "8.50", hs_code="6109100021")
    order = shipment(client, seller, wh["id"], "OW-1", [china_code])
    r = client.get(f"/api/v1/orders/{order['id']}/declarations/ceb603", headers=headers(seller))
    assert r.status_code == 200, r.json
    doc = etree.fromstring(r.data)
    ns = {"c": "http://www.chinaport.gov.cn/ceb"}
    assert doc.findtext(".//c:InventoryHead/c:tradeMode", namespaces=ns) == "9810"
    schema = etree.XMLSchema(etree.parse(str(CEB_DIR / "ceb-export.xsd")))
    assert schema.validate(doc), schema.error_log
