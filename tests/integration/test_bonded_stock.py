"""1210 bonded import: an entry by SKU, buyers' orders released from stock (never below
zero, within the quota), their CEB621 at trade mode 1210; the border warehouse's releases."""

from __future__ import annotations

import threading

import pytest
from export_support import PROFILE, export_order, item, post_order, register, seller_id_of
from lxml import etree
from support import REFERENCE, cbec_import_order, headers

CEB_DIR = REFERENCE / "ceb-202205"
BONDED_HEAD = ("tradeMode", "emsNo", "areaCode", "areaName", "country")
NINGBO = {
    "kind": "bonded",
    "name": "Ningbo Meishan bonded warehouse",
    "country": "CN",
    "operator": "Ningbo Meishan Bonded Logistics Co",
    "ems_no": "T3105W000123",
    "area_code": "3302960ABC",
    "operator_code": "3302960ABC",
    "operator_dxp_id": "DXPENT0000003302",
    "customs_code": "3105",
}
#: How the goods of a bonded entry came in (what its CEB711 states).
INBOUND = {
    "traf_mode": "2",
    "traf_no": "COSCO SHIPPING ARIES",
    "voyage_no": "031E",
    "bill_no": "COSU6312345670",
    "logistics_code": "3105980ABC",
    "logistics_name": "宁波示例物流有限公司",
    "packages": ["COSU6312345670-01", "COSU6312345670-02"],
}


def vitamins(quantity=1, unit_value="100.00") -> dict:
    return item(
        "VIT-C-60",
        quantity,
        unit_value,
        hs_code="2106909090",
        description="Vitamin C chewable tablets, 60 per bottle",
    )


def buyer_order(n: int, warehouse_id: str, buyer: int | None = None, **changes) -> dict:
    body = cbec_import_order(
        order_no=f"BW-{n:03d}", trade_mode="1210", warehouse_id=warehouse_id, items=[vitamins()]
    )
    number = f"3101011990010{(buyer if buyer is not None else n):05d}"
    body["recipient"] = {**body["recipient"], "id_number": number}
    body.update(changes)
    return body


@pytest.fixture
def bonded(client, make_user):
    seller, broker = make_user("seller"), make_user("broker")
    client.put("/api/v1/profile", json=PROFILE, headers=headers(seller))
    wh = register(client, broker, **NINGBO)
    return seller, broker, wh


def enter(client, who, wh, reference, lines, **more):
    """An entry of ``lines``; into a bonded warehouse with how the goods came in."""
    transport = {"transport": INBOUND} if wh["kind"] == "bonded" else {}
    body = {"reference": reference, "lines": lines, **transport, **more}
    return client.post(f"/api/v1/warehouses/{wh['id']}/entries", json=body, headers=headers(who))


def release(client, who, wh, order_id):
    return client.post(
        f"/api/v1/warehouses/{wh['id']}/releases", json={"order_id": order_id}, headers=headers(who)
    )


def level(client, who, wh, sku) -> str:
    r = client.get(
        f"/api/v1/warehouses/{wh['id']}/stock", query_string={"sku": sku}, headers=headers(who)
    )
    (found,) = r.json["items"]
    return found["quantity"]


def test_entry_fifty_releases_and_an_order_over_the_stock(client, bonded):
    seller, broker, wh = bonded
    entry = {"sku": "VIT-C-60", "quantity": 60, "item_record_no": "VITC0001"}
    r = enter(
        client, seller, wh, "RKD530120261100001", [entry, {"sku": "MILK-900", "quantity": 30}]
    )
    assert r.status_code == 201, r.json
    assert [ln["line_no"] for ln in r.json["lines"]] == [1, 2]
    assert (
        enter(
            client, seller, wh, "RKD530120261100001", [entry, {"sku": "MILK-900", "quantity": 30}]
        ).status_code
        == 200
    )
    assert enter(client, seller, wh, "RKD530120261100001", [entry]).status_code == 409

    orders = [post_order(client, seller, buyer_order(n, wh["id"], buyer=n % 5)) for n in range(50)]
    for order in orders:
        r = release(client, seller, wh, order["id"])
        assert r.status_code == 201, r.json
    body = r.json
    assert (body["trade_mode"], body["order_no"]) == ("1210", "BW-049")
    ((line),) = body["lines"]
    assert (line["sku"], line["quantity"]) == ("VIT-C-60", "1")
    assert [(t["entry_reference"], t["item_record_no"]) for t in line["trace"]] == [
        ("RKD530120261100001", "VITC0001")
    ]
    assert body["documents"] == {"ceb621": f"/api/v1/orders/{orders[-1]['id']}/declarations/ceb621"}
    assert level(client, seller, wh, "VIT-C-60") == "10"
    # Released from stock: its CEB621 is frozen; it is declared (and the buyer's quota
    # counts it) when the inventory is filed through its clearance case.
    got = client.get(f"/api/v1/orders/{orders[0]['id']}", headers=headers(seller)).json
    assert got["status"] == "received"
    again = release(client, seller, wh, orders[0]["id"])
    assert (again.status_code, again.json["id"]) == (200, release_id(client, seller, wh, "BW-000"))

    big = post_order(
        client,
        seller,
        buyer_order(100, wh["id"], items=[vitamins(11), item("MILK-900", 2, "80.00")]),
    )
    r = release(client, seller, wh, big["id"])
    assert r.status_code == 409
    assert r.json["message"] == (
        f"Not enough stock in {NINGBO['name']}: SKU VIT-C-60: 11 wanted, 10 in stock."
    )
    assert r.json["errors"] == {"items.0.quantity": ["SKU VIT-C-60: 11 wanted, 10 in stock"]}
    # Nothing moved: not the vitamins, not the milk that was there.
    assert (level(client, seller, wh, "VIT-C-60"), level(client, seller, wh, "MILK-900")) == (
        "10",
        "30",
    )
    got = client.get(f"/api/v1/orders/{big['id']}", headers=headers(seller)).json
    assert got["status"] == "received"


def release_id(client, who, wh, order_no) -> str:
    listed = client.get(f"/api/v1/warehouses/{wh['id']}/releases", headers=headers(who)).json
    return next(r["id"] for r in listed if r["order_no"] == order_no)


def test_the_buyers_annual_quota_refuses_a_release(client, bonded):
    seller, _, wh = bonded
    enter(client, seller, wh, "RKD-1", [{"sku": "VIT-C-60", "quantity": 100}])
    # 4,000 CNY each for one buyer: the seventh passes 26,000 in the year.
    orders = [
        post_order(
            client, seller, buyer_order(n, wh["id"], buyer=7, items=[vitamins(1, "4000.00")])
        )
        for n in range(7)
    ]
    for order in orders[:6]:
        assert release(client, seller, wh, order["id"]).status_code == 201
    r = release(client, seller, wh, orders[6]["id"])
    assert r.status_code == 409 and "-621018" in r.json["message"]
    assert level(client, seller, wh, "VIT-C-60") == "94"


def test_release_rules(client, bonded, make_user):
    seller, broker, wh = bonded
    other_wh = register(client, broker, **{**NINGBO, "name": "Another bonded"})
    enter(client, seller, wh, "RKD-1", [{"sku": "VIT-C-60", "quantity": 5}])
    order = post_order(client, seller, buyer_order(1, other_wh["id"]))
    r = release(client, seller, wh, order["id"])
    assert r.status_code == 409 and "is not an order from" in r.json["message"]
    other = make_user("seller")
    assert release(client, other, wh, order["id"]).status_code == 404
    assert enter(client, other, wh, "RKD-2", [{"sku": "X", "quantity": 0}]).status_code == 422
    r = client.post(
        f"/api/v1/warehouses/{wh['id']}/sales",
        json={"reference": "S", "sku": "VIT-C-60", "quantity": 1, "sold_on": "2026-11-20"},
        headers=headers(seller),
    )
    assert r.status_code == 409 and "sales are for overseas" in r.json["errors"]["warehouse_id"][0]
    # Brokers move stock for a seller they name.
    r = enter(client, broker, wh, "RKD-3", [{"sku": "VIT-C-60", "quantity": 1}])
    assert r.status_code == 422 and "seller_id" in r.json["errors"]
    r = enter(
        client,
        broker,
        wh,
        "RKD-3",
        [{"sku": "VIT-C-60", "quantity": 1}],
        seller_id=seller_id_of(seller),
    )
    assert r.status_code == 201
    assert level(client, seller, wh, "VIT-C-60") == "6"


def test_concurrent_releases_never_take_the_stock_below_zero(app, client, bonded):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from app.extensions import db

    seller, _, wh = bonded
    enter(client, seller, wh, "RKD-1", [{"sku": "VIT-C-60", "quantity": 5}])
    orders = [post_order(client, seller, buyer_order(n, wh["id"])) for n in range(8)]
    codes: list[int] = []
    start = threading.Barrier(len(orders))

    def one(order_id: str) -> None:
        with app.test_client() as own:
            start.wait()
            codes.append(release(own, seller, wh, order_id).status_code)

    threads = [threading.Thread(target=one, args=(o["id"],)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201] * 5 + [409] * 3
    db.session.expire_all()
    assert level(client, seller, wh, "VIT-C-60") == "0"
    moves = client.get(f"/api/v1/warehouses/{wh['id']}/movements", headers=headers(seller)).json
    assert sorted(m["balance"] for m in moves["items"] if m["kind"] == "release") == [
        "0",
        "1",
        "2",
        "3",
        "4",
    ]
    # And the database itself refuses a negative balance.
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE stock_levels SET quantity = quantity - 1000"))
        db.session.flush()
    db.session.rollback()


@pytest.mark.skipif(not CEB_DIR.exists(), reason="shared/reference/ceb-202205 is not present")
def test_the_released_orders_ceb621_is_trade_mode_1210_and_valid(app, client, bonded):
    seller, _, wh = bonded
    app.config.update(
        OPERATOR_CODE="3105980ABC",
        OPERATOR_NAME="宁波示例物流有限公司",
        CUSTOMS_CODE="3105",
        PORT_CODE="3105",
        CEB_XSD_DIR=str(CEB_DIR),
    )
    enter(
        client,
        seller,
        wh,
        "RKD-1",
        [{"sku": "VIT-C-60", "quantity": 5, "item_record_no": "VITC0001"}],
    )
    order = post_order(client, seller, buyer_order(1, wh["id"]))
    url = release(client, seller, wh, order["id"]).json["documents"]["ceb621"]
    r = client.get(url, headers=headers(seller))
    assert r.status_code == 200, r.json
    doc = etree.fromstring(r.data)
    ns = {"c": "http://www.chinaport.gov.cn/ceb"}
    head = {e: doc.findtext(f".//c:InventoryHead/c:{e}", namespaces=ns) for e in BONDED_HEAD}
    assert head == {
        "tradeMode": "1210",
        "emsNo": NINGBO["ems_no"],
        "areaCode": NINGBO["area_code"],
        "areaName": NINGBO["operator"],
        "country": "142",
    }
    assert doc.findtext(".//c:InventoryList/c:itemRecordNo", namespaces=ns) == "VITC0001"
    schema = etree.XMLSchema(etree.parse(str(CEB_DIR / "ceb-import.xsd")))
    assert schema.validate(doc), schema.error_log


BORDER = {
    "kind": "border",
    "name": "Horgos border warehouse",
    "country": "CN",
    "operator": "Horgos Port Logistics Co",
    "crossing": "Khorgos (霍尔果斯)",
    "transport": "rail",
}


def test_border_warehouse_feeds_rail_despatches(client, make_user):
    seller, broker, carrier = make_user("seller"), make_user("broker"), make_user("carrier")
    wh = register(client, broker, **BORDER)
    enter(client, seller, wh, "BW-IN-1", [{"sku": "TS-RED-M", "quantity": 3}])
    body = _export(order_no="KZ-1", warehouse_id=wh["id"], items=[item("TS-RED-M", 2, "8.50")])
    order = post_order(client, seller, body)
    r = release(client, seller, wh, order["id"])
    assert r.status_code == 201, r.json
    assert (r.json["crossing"], r.json["transport"], r.json["trade_mode"]) == (
        "Khorgos (霍尔果斯)",
        "rail",
        "9610",
    )
    assert list(r.json["documents"]) == ["ceb603"]
    second = post_order(
        client,
        seller,
        _export(order_no="KZ-2", warehouse_id=wh["id"], items=[item("TS-RED-M", 2, "8.50")]),
    )
    r = release(client, seller, wh, second["id"])
    assert r.status_code == 409 and "2 wanted, 1 in stock" in r.json["message"]
    # The carrier building the despatch sees what left by the crossing.
    feed = client.get(f"/api/v1/warehouses/{wh['id']}/releases", headers=headers(carrier)).json
    assert [(x["order_no"], x["crossing"]) for x in feed] == [("KZ-1", "Khorgos (霍尔果斯)")]


def _export(**changes) -> dict:
    body = export_order(**changes)
    body["recipient"] = {
        **body["recipient"],
        "country": "KZ",
        "city": "Almaty",
        "phone": "+7 727 1234567",
    }
    return body


def _lane(client, who, mode: str, crossing: str | None) -> dict:
    r = client.get("/api/v1/lanes", query_string={"mode": mode}, headers=headers(who))
    assert r.status_code == 200, r.json
    items = r.json["items"] if isinstance(r.json, dict) else r.json
    found = [x for x in items if (x["border_crossing"] or {}).get("code") == crossing]
    assert found, items
    return found[0]


def test_border_warehouse_on_a_rail_lane_takes_the_lanes_crossing(client, make_user):
    seller, broker = make_user("seller"), make_user("broker")
    lane = _lane(client, broker, "rail", "KHORGOS")
    body = {k: v for k, v in BORDER.items() if k not in ("crossing", "transport")}
    wh = register(client, broker, **body, lane_id=lane["id"])
    assert (wh["lane_id"], wh["crossing"], wh["transport"]) == (
        lane["id"],
        lane["border_crossing"]["name"],
        "rail",
    )
    enter(client, seller, wh, "BW-LANE-1", [{"sku": "TS-RED-M", "quantity": 2}])
    order = post_order(
        client,
        seller,
        _export(order_no="KZ-L1", warehouse_id=wh["id"], items=[item("TS-RED-M", 2, "8.50")]),
    )
    r = release(client, seller, wh, order["id"])
    assert r.status_code == 201, r.json
    assert (r.json["crossing"], r.json["transport"]) == (lane["border_crossing"]["name"], "rail")
    air = _lane(client, broker, "air", None)
    refusals = [
        ({"lane_id": air["id"], "name": "on air"}, "lane_id"),
        ({"lane_id": lane["id"], "name": "by road", "transport": "road"}, "transport"),
        ({"lane_id": lane["id"], "name": "elsewhere", "crossing": "Manzhouli"}, "crossing"),
        ({"lane_id": "no-such-lane", "name": "nowhere"}, "lane_id"),
    ]
    for changes, field in refusals:
        r = client.post("/api/v1/warehouses", json={**body, **changes}, headers=headers(broker))
        assert r.status_code == 422 and field in r.json["errors"], (changes, r.json)
