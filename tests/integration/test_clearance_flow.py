"""A case end to end on a real Redis and real workers: hand-over, prepare, claim, approve,
file through the folder gateway, receipts, release; each move recorded. (The same with the
customs simulator, for 50 cases: test_clearance_simulator.)"""

import pytest
from clearance_support import (
    CEB_DIR,
    RELEASE,
    approve,
    case_of,
    create,
    hand_over,
    import_body,
    post,
    work,
)
from support import headers

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")


def ledger(order_id):
    from app.extensions import db
    from app.models import QuotaLedgerEntry

    db.session.expire_all()
    return db.session.get(QuotaLedgerEntry, order_id)


def test_one_import_case_to_release(setup):
    from app.services import inbox

    app, client, seller, broker, customs = setup
    oid = create(client, seller, import_body(1))
    (cid,) = hand_over(client, seller, [oid])
    assert case_of(client, seller, cid)["status"] == "handed_over"
    work(app)
    case = case_of(client, broker, cid)
    assert case["status"] == "awaiting_review", case["problems"]
    assert [d["kind"] for d in case["documents"]] == ["ceb311", "ceb411", "ceb511", "ceb621"]
    assert case["version"] == 1 and case["app_type"] == "1"
    # preparing froze and checked the documents; reading them declares nothing
    r = client.get(f"/api/v1/orders/{oid}/declarations/ceb621", headers=headers(seller))
    assert r.status_code == 200
    r = client.get(f"/api/v1/clearance/{cid}/documents/ceb621", headers=headers(broker))
    assert r.status_code == 200 and b"<ceb:appType>1</ceb:appType>" in r.data
    assert client.get(f"/api/v1/orders/{oid}", headers=headers(seller)).json["status"] == (
        "received"
    )
    assert ledger(oid) is None
    r = post(client, broker, cid, "claim")
    assert r.status_code == 200 and r.json["claimed_by"] == broker["_user_id"]
    approve(client, broker, cid)
    work(app)
    case = case_of(client, broker, cid)
    assert case["status"] == "submitted", case["error"]
    names = [m["name"] for m in case["messages"]]
    assert names == sorted(
        f"{k.upper()}_{cid}_v1_a1.xml" for k in ("ceb311", "ceb411", "ceb511", "ceb621")
    )
    order = client.get(f"/api/v1/orders/{oid}", headers=headers(seller)).json
    assert order["status"] == "declared" and ledger(oid).state == "declared"
    assert len(customs.answer(*RELEASE)) == 1
    assert inbox.poll()["done"] == 1
    case = case_of(client, seller, cid)
    assert case["status"] == "released"
    moves = [(e["from_status"], e["to_status"]) for e in case["events"] if e["to_status"]]
    assert moves == [
        (None, "handed_over"),
        ("handed_over", "preparing"),
        ("preparing", "awaiting_review"),
        ("awaiting_review", "approved"),
        ("approved", "submitting"),
        ("submitting", "submitted"),
        ("submitted", "released"),  # one receipt file: straight to the state it folds to
    ]
    audit = [a for a in case["audit"] if a["entity_type"] == "clearance_case"]
    assert len(audit) == len(case["events"])
    assert all(a["at"].endswith("+00:00") for a in audit)
    assert ledger(oid).state == "released"
