"""Customs receipts: repeats and out-of-order arrival, order status, CBEC quota ledger.

The orders are filed through clearance cases first: filing is what declares them.
"""

import itertools
from datetime import datetime

import pytest
from clearance_support import (
    CEB_DIR,
    configure,
    file_orders,
    hand_over,
    import_body,
    parties,
    post,
    work,
)
from support import headers

from declarations import dxp

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")


def inventory_receipt(cop_no: str, *statuses: tuple[str, str]) -> bytes:
    """A CEB622 receipt with one InventoryReturn per (status, time)."""
    nodes = "".join(
        f"<InventoryReturn><guid>4CDE1CFD-EDED-46B1-946C-B8022E42FC94</guid>"
        f"<customsCode>1501</customsCode><ebpCode>1105910159</ebpCode>"
        f"<ebcCode>1105910159</ebcCode><agentCode>1105980159</agentCode>"
        f"<copNo>{cop_no}</copNo><preNo>B20261128000001882</preNo>"
        f"<returnStatus>{status}</returnStatus><returnTime>{time}</returnTime>"
        f"<returnInfo>状态{status}</returnInfo></InventoryReturn>"
        for status, time in statuses
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><CEB622Message version="1.0" '
        'xmlns="http://www.chinaport.gov.cn/ceb" guid="4CDE1CFD-EDED-46B1-946C-B8022E42FC94">'
        f"{nodes}</CEB622Message>"
    ).encode()


STEPS = [
    ("2", "20261128100000000"),
    ("120", "20261128101000000"),
    ("399", "20261128110000000"),
    ("800", "20261128120000000"),
]


@pytest.fixture
def declared_order(app, client, make_user):
    """An order filed by its broker: declared, its quota counted."""
    configure(app)
    seller, broker = parties(client, make_user)
    body = import_body(77, order_no="IMP-77", shipping_cost="20")
    r = client.post("/api/v1/orders", json=body, headers=headers(seller))
    assert r.status_code == 201, r.json
    oid = r.json["id"]
    (case_id,) = file_orders(app, client, seller, broker, [oid])
    return seller, oid, case_id


def ledger(app, order_id):
    from app.extensions import db
    from app.models import QuotaLedgerEntry

    db.session.expire_all()
    return db.session.get(QuotaLedgerEntry, order_id)


@pytest.mark.parametrize("perm", [0, 5, 23])
def test_any_arrival_order_ends_released_and_counts_once(
    app, client, make_user, declared_order, perm
):
    seller, oid, _ = declared_order
    broker = make_user("broker")
    entry = ledger(app, oid)
    assert (entry.state, entry.amount) == ("declared", entry.amount)
    amount = entry.amount
    assert client.get(f"/api/v1/orders/{oid}", headers=headers(seller)).json["status"] == "declared"
    order = list(itertools.permutations(STEPS))[perm]
    for step in order + order[:2]:  # every receipt once, then two repeats
        r = client.post(
            "/api/v1/receipts",
            data=inventory_receipt("IMP-77", step),
            headers={**headers(broker), "Content-Type": "application/xml"},
        )
        assert r.status_code == 200, r.json
        assert r.json["orders"] == [oid]
    assert client.get(f"/api/v1/orders/{oid}", headers=headers(seller)).json["status"] == "released"
    entry = ledger(app, oid)
    assert (entry.state, entry.amount) == ("released", amount)
    timeline = client.get(f"/api/v1/orders/{oid}/clearance", headers=headers(seller)).json
    assert len(timeline["events"]) == 4
    assert timeline["documents"]["inventory"][0]["status"] == "800"


def test_dxp_wrapped_receipt_and_repeat_is_harmless(app, client, make_user, declared_order):
    _, oid, _ = declared_order
    broker = make_user("broker")
    wrapped = dxp.wrap(
        inventory_receipt("IMP-77", *STEPS),
        sender_id="DXPEDCCEB0000002",
        created=datetime(2026, 11, 28, 12, 0, 0),
        receiver_ids=("DXPENT0000000001",),
    )
    h = {**headers(broker), "Content-Type": "application/xml"}
    first = client.post("/api/v1/receipts", data=wrapped, headers=h).json
    again = client.post("/api/v1/receipts", data=wrapped, headers=h).json
    assert (first["events"], first["new_events"]) == (4, 4)
    assert (again["events"], again["new_events"]) == (4, 0)


def test_rejection_gives_the_quota_back(app, client, make_user, declared_order):
    _, oid, _ = declared_order
    broker = make_user("broker")
    client.post(
        "/api/v1/receipts",
        data=inventory_receipt("IMP-77", ("100", "20261128100000000")),
        headers={**headers(broker), "Content-Type": "application/xml"},
    )
    assert ledger(app, oid).state == "cancelled"


def test_bad_receipts(client, make_user):
    broker, seller = make_user("broker"), make_user("seller")
    h = {**headers(broker), "Content-Type": "application/xml"}
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<CEB622Message>&x;</CEB622Message>"
    )
    r = client.post("/api/v1/receipts", data=xxe, headers=h)
    assert r.status_code == 422 and set(r.json) == {"code", "status", "message", "errors"}
    r = client.post("/api/v1/receipts", data=b"<not xml", headers=h)
    assert r.status_code == 422
    r = client.post("/api/v1/receipts", data=inventory_receipt("NOPE", STEPS[0]), headers=h)
    assert r.status_code == 200 and r.json["unmatched"] == ["NOPE"]
    r = client.post("/api/v1/receipts", json={"a": 1}, headers=headers(broker))
    assert r.status_code == 415
    r = client.post(
        "/api/v1/receipts",
        data=inventory_receipt("X", STEPS[0]),
        headers={**headers(seller), "Content-Type": "application/xml"},
    )
    assert r.status_code == 403


def test_filing_past_the_annual_quota_is_refused(app, client, make_user):
    """The risk checks flag a buyer near the limit; filing checks again, since another
    order of the buyer may be filed between the review and the filing."""
    from decimal import Decimal

    from app.extensions import db
    from app.models import QuotaLedgerEntry

    configure(app)
    seller, broker = parties(client, make_user)
    r = client.post("/api/v1/orders", json=import_body(1), headers=headers(seller))
    oid = r.json["id"]
    other = client.post("/api/v1/orders", json=import_body(0), headers=headers(seller)).json["id"]
    case_id = hand_over(client, seller, [oid])[0]
    work(app)
    assert post(client, broker, case_id, "approve").status_code == 200
    # meanwhile the buyer's other order used almost all of the year's CNY 26,000
    db.session.add(
        QuotaLedgerEntry(
            order_id=other,
            buyer_id="310101199001011234",
            year=2026,
            amount=Decimal("25990"),
            state="released",
        )
    )
    db.session.commit()
    work(app)
    case = client.get(f"/api/v1/clearance/{case_id}", headers=headers(broker)).json
    assert case["status"] == "changes_requested" and "-621018" in case["error"]
    assert case["problems"][0]["field"] == "recipient.id_number"
    assert case["messages"] == []
    assert ledger(app, oid) is None
    assert client.get(f"/api/v1/orders/{oid}", headers=headers(seller)).json["status"] == "received"
    # prepared again, the risk checks now stop it before a broker can approve it
    r = post(client, broker, case_id, "amend", {"fields": {"items.0.quantity": "2"}})
    assert r.status_code == 200
    work(app)
    case = client.get(f"/api/v1/clearance/{case_id}", headers=headers(broker)).json
    assert "quota_over" in {r["code"] for r in case["risks"]}
    assert case["status"] == "changes_requested"
