"""A despatch of 200 released parcels by rail, Dongguan to Vilnius via Khorgos: its CN 37
read back, its pre-advice validated against the project's schema, the partner's outbox
written once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from lxml import etree
from posts_support import RAIL_LANE, despatch, export_orders, lane_id, receptacle, release
from support import headers

from declarations import predes, s9, safexml

SCHEMAS = Path(predes.__file__).resolve().parent / "schemas"
NS = {"p": "urn:silkpost:predes:1", "i": "urn:silkpost:itmatt:1"}


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def _pdf_reading():
    import sys

    here = Path(__file__).resolve().parents[1] / "unit" / "declarations_pdf"
    sys.path.insert(0, str(here))
    import pdf_reading

    return pdf_reading


@pytest.fixture
def people(make_user):
    return {role: make_user(role) for role in ("seller", "broker", "carrier")}


def _closed_rail_despatch(app, client, people):
    carrier = people["carrier"]
    orders = export_orders(app, people["seller"], 200, prefix="RAIL")
    release(client, people["broker"], orders)
    bags = []
    for i in range(0, 200, 25):  # 8 bags of 25 parcels of 1.2 kg, weighed 30.32 kg with tare
        ids = [o["parcel_id"] for o in orders[i : i + 25]]
        r = receptacle(client, carrier, ids, tare_kg="0.3", gross_weight_kg="30.32")
        assert r.status_code == 201, r.json
        bags.append(r.json)
    d = despatch(client, carrier, lane_id(client, carrier, RAIL_LANE), [b["id"] for b in bags])
    assert d.status_code == 201, d.json
    closed = client.post(f"/api/v1/despatches/{d.json['id']}/close", headers=headers(carrier))
    assert closed.status_code == 200, closed.json
    return orders, closed.json


def test_a_rail_despatch_of_200_released_parcels(app, client, people):
    """One despatch made once (it takes a few seconds), checked from every side."""
    orders, body = _closed_rail_despatch(app, client, people)
    _numbered(body)
    _cn37(client, people, body)
    _pre_advice(app, client, people, orders, body)
    _itmatt_is_the_orders_stored_one(client, people, orders, body)


def _numbered(body):
    assert body["totals"] == {"receptacles": 8, "items": 200, "gross_weight_kg": "242.4"}
    ids = [s9.parse(r["s9_id"]) for r in body["receptacles"]]
    assert [i.serial for i in ids] == list(range(1, 9))
    assert [i.last for i in ids] == ["0"] * 7 + ["1"]
    assert {i.weight_kg for i in ids} == {s9.parse(body["receptacles"][0]["s9_id"]).weight_kg}
    assert ids[0].weight_hg == 303  # 30.32 kg weighed
    s9.check_despatch(ids)


def _cn37(client, people, body):
    reading = _pdf_reading()
    r = client.get(body["delivery_bill"]["url"], headers=headers(people["carrier"]))
    assert r.status_code == 200 and body["delivery_bill"]["form"] == "CN37"
    assert len(reading.page_texts(r.data)) == 3  # one sheet, three copies
    rows = reading.rows(r.data, 0)
    assert "CN 37" in rows and "Delivery bill - surface mails" in rows
    for n, receptacle_row in enumerate(body["receptacles"], 1):
        (line,) = [row for row in rows if receptacle_row["s9_id"] in row]
        cells = line.split(" | ")
        assert cells[:6] == [str(n), "CNDGGA", "LTVNOA", "C CC", "0001", f"{n:03d}"]
        assert cells[7:9] == ["25", "30.3"]
    assert rows[
        [i for i, row in enumerate(rows) if body["receptacles"][-1]["s9_id"] in row][0]
    ].endswith("| Last")
    text = "\n".join(rows)
    assert "Category C, subclass CC: 8 receptacles, 200 items, 242.4 kg" in text
    assert "Total of the despatch: 8 receptacles, 200 items, 242.4 kg" in text
    assert "X8012 | TGHU 123456 7 | CN 0042117 | SMGS 20260511-77 | KHORGOS" in text


def _pre_advice(app, client, people, orders, body):
    r = client.get(body["pre_advice"]["url"], headers=headers(people["carrier"]))
    assert r.status_code == 200
    root = safexml.parse(r.data)
    schema = _schema("predes.xsd")
    assert schema.validate(root), schema.error_log
    assert root.get("messageId") == body["pre_advice"]["message_id"]
    assert (root.get("sender"), root.get("recipient")) == ("J1CCNA", "J1CLTA")
    assert root.find("p:Despatch", NS).get("id") == body["despatch_id"]
    assert root.findtext("p:Transport/p:Rail/p:BorderCrossing", namespaces=NS) == "KHORGOS"
    receptacles = root.findall("p:Receptacle", NS)
    assert [x.get("id") for x in receptacles] == [b["s9_id"] for b in body["receptacles"]]
    items = root.findall("p:Receptacle/p:Item", NS)
    assert [i.get("id") for i in items] == [o["item_id"] for o in orders]

    outbox = Path(app.config["SILKPOST_DATA_DIR"]) / "posts" / "outbox" / "LTVNOA"
    assert (outbox / f"{body['despatch_id']}-PREDES.xml").read_bytes() == r.data
    itmatt_schema = _schema("itmatt.xsd")
    for item in items:
        link = item.find("p:Itmatt", NS)
        data = (outbox / link.get("file")).read_bytes()
        assert hashlib.sha256(data).hexdigest() == link.get("sha256")
        message = safexml.parse(data)
        assert itmatt_schema.validate(message), itmatt_schema.error_log
        assert message.get("messageId") == link.get("messageId")
        assert message.findtext("i:Item/i:ItemId", namespaces=NS) == item.get("id")
    assert len(list(outbox.iterdir())) == 201


def _itmatt_is_the_orders_stored_one(client, people, orders, body):
    order = orders[17]
    xml = client.get(
        f"/api/v1/orders/{order['id']}/declarations/itmatt", headers=headers(people["seller"])
    )
    assert xml.status_code == 200
    pre_advice = client.get(body["pre_advice"]["url"], headers=headers(people["carrier"])).data
    assert hashlib.sha256(xml.data).hexdigest().encode() in pre_advice
