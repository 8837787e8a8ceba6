"""A bonded warehouse entry reported to customs: its site entry record (CEB711) filed once
by a job through the gateway, answered by the customs simulator (CEB712 120 海关入库), and
shown on the entry and the stock; an entry lacking what CEB711 needs is refused naming
the field, with nothing stored."""

from __future__ import annotations

import pytest
from clearance_support import CEB_DIR, Simulator, configure, settle
from export_support import PROFILE, register
from integration.test_bonded_stock import INBOUND, NINGBO, enter
from lxml import etree
from support import headers

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")
CEB = "{http://www.chinaport.gov.cn/ceb}"
LINES = [{"sku": "VIT-C-60", "quantity": 60, "item_record_no": "VITC0001"}]


@pytest.fixture
def bonded(app, client, make_user):
    configure(app)
    seller, broker = make_user("seller"), make_user("broker")
    client.put("/api/v1/profile", json=PROFILE, headers=headers(seller))
    wh = register(client, broker, **NINGBO)
    sim = Simulator(app)
    yield app, client, seller, broker, wh, sim
    sim.close()


def _get(client, who, wh, what, **query):
    url = f"/api/v1/warehouses/{wh['id']}/{what}"
    r = client.get(url, query_string=query, headers=headers(who))
    assert r.status_code == 200, r.json
    return r.json


def test_an_entry_is_filed_once_and_customs_confirm_it(bonded):
    app, client, seller, broker, wh, sim = bonded
    r = enter(client, seller, wh, "RKD-0001", LINES)
    assert r.status_code == 201, r.json
    customs = r.json["customs"]
    assert (customs["message"], customs["status"], customs["confirmed"]) == (
        "CEB711",
        "queued",
        False,
    )
    assert r.json["transport"] == INBOUND
    (stock,) = _get(client, seller, wh, "stock")["items"]
    assert (stock["quantity"], stock["unconfirmed"]) == ("60", "60")  # counts at entry
    assert enter(client, seller, wh, "RKD-0001", LINES).json["customs"] == customs  # once

    settle(app, sim)
    (entry,) = _get(client, seller, wh, "entries")
    done = entry["customs"]
    assert (done["status"], done["confirmed"], done["receipt_status"]) == ("accepted", True, "120")
    assert done["rkd_no"].startswith("3105") and len(done["rkd_no"]) == 18
    assert done["movement_id"] == customs["movement_id"]
    (stock,) = _get(client, seller, wh, "stock")["items"]
    assert (stock["quantity"], stock["unconfirmed"]) == ("60", "0")

    (name,) = [n for n in sim.sent() if n.startswith("CEB711_")]
    assert name == f"CEB711_{customs['movement_id']}_v1_a1.xml"
    from declarations import dxp

    message = etree.fromstring(dxp.unwrap((sim.folders.sent / name).read_bytes()).data)
    schema = etree.XMLSchema(etree.parse(str(CEB_DIR / "ceb-import.xsd")))
    assert schema.validate(message), schema.error_log
    head = message.find(f"{CEB}Delivery/{CEB}DeliveryHead")
    assert {k: head.findtext(f"{CEB}{k}") for k in ("operatorCode", "ieFlag", "billNo")} == {
        "operatorCode": NINGBO["operator_code"],
        "ieFlag": "I",
        "billNo": INBOUND["bill_no"],
    }
    assert head.findtext(f"{CEB}unloadLocation").startswith(f"账册{NINGBO['ems_no']}")
    listed = [x.findtext(f"{CEB}logisticsNo") for x in message.iter(f"{CEB}DeliveryList")]
    assert listed == INBOUND["packages"]


def test_an_entry_lacking_what_its_ceb711_needs_stores_nothing(bonded, make_user):
    app, client, seller, broker, _, sim = bonded
    bare = {k: v for k, v in NINGBO.items() if k not in ("operator_code", "operator_dxp_id")}
    wh = register(client, broker, **{**bare, "name": "Bare bonded"})
    r = enter(client, seller, wh, "RKD-0002", LINES)
    assert r.status_code == 422
    assert list(r.json["errors"]) == ["warehouse.operator_code"], r.json
    assert "operatorCode" in r.json["message"]
    body = {"reference": "RKD-0003", "lines": LINES}
    r = client.post(f"/api/v1/warehouses/{wh['id']}/entries", json=body, headers=headers(seller))
    assert r.status_code == 422 and "transport" in r.json["errors"], r.json
    assert _get(client, seller, wh, "entries") == []
    assert _get(client, seller, wh, "stock")["items"] == []
    from app.extensions import db
    from app.models import MovementFiling

    assert db.session.execute(db.select(MovementFiling)).first() is None


def test_an_entry_whose_record_cannot_be_made_is_refused_with_the_builders_problem(bonded):
    app, client, seller, broker, _, sim = bonded
    long_name = "Ningbo Meishan Bonded Logistics Company " * 3  # operatorName holds 100
    wh = register(client, broker, **{**NINGBO, "name": "Long bonded", "operator": long_name})
    r = enter(client, seller, wh, "RKD-0004", LINES)
    assert r.status_code == 422, r.json
    assert r.json["message"].startswith("The entry cannot be reported to customs")
    assert any("operatorName" in p for p in r.json["errors"]["_body"]), r.json
    assert _get(client, seller, wh, "entries") == []
    assert _get(client, seller, wh, "stock")["items"] == []
