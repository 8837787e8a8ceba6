"""Cases against the customs simulator (app.gateway.simulator) on real workers: it checks
the schemas, signatures, the three-document match, limits and duplicates, and answers with
seeded receipts on the gateway folders."""

import random
import shutil
from decimal import Decimal

import pytest
from clearance_support import (
    CEB_DIR,
    Simulator,
    approve,
    case_of,
    configure,
    create,
    export_body,
    file_orders,
    hand_over,
    import_body,
    parties,
    post,
    resident_id,
    work,
)
from support import headers

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")


@pytest.fixture
def setup(app, client, make_user):
    configure(app)
    seller, broker = parties(client, make_user)
    return app, client, seller, broker


@pytest.fixture
def customs(app):
    sim = Simulator(app)
    yield sim
    sim.close()


def _answer(customs) -> dict:
    from app.services import inbox

    customs.drain()
    return inbox.poll()


def _status(client, who, oid) -> str:
    return client.get(f"/api/v1/orders/{oid}", headers=headers(who)).json["status"]


def _ledger(order_id):
    from app.extensions import db
    from app.models import QuotaLedgerEntry

    db.session.expire_all()
    return db.session.get(QuotaLedgerEntry, order_id)


def test_fifty_import_and_export_orders_through_the_simulator(setup, customs):
    app, client, seller, broker = setup
    buyers = [resident_id(n) for n in range(5)]
    imports = [create(client, seller, import_body(n, buyers[n % 5])) for n in range(25)]
    exports = [create(client, seller, export_body(n)) for n in range(25)]
    case_ids = hand_over(client, seller, imports + exports)
    work(app)
    listing = client.get("/api/v1/clearance?per_page=100", headers=headers(broker)).json
    assert listing["counts"]["awaiting_review"] == 50, [c["problems"] for c in listing["items"]]
    assert post(client, broker, case_ids[0], "claim").status_code == 200
    r = client.post(
        "/api/v1/clearance/approve", json={"case_ids": case_ids}, headers=headers(broker)
    )
    assert len(r.json["approved"]) == 50, r.json
    work(app)
    assert (
        client.get("/api/v1/clearance", headers=headers(broker)).json["counts"]["submitted"] == 50
    )
    result = _answer(customs)
    assert result["quarantined"] == 0 and result["done"] > 0
    counts = client.get("/api/v1/clearance", headers=headers(broker)).json["counts"]
    assert counts["closed"] == 50, counts
    # every message was taken once: one file per message in outbox/sent
    assert len(customs.sent()) == 50 * 4 and not list(customs.folders.outbox.glob("CEB*.xml"))
    assert all(_status(client, seller, oid) == "released" for oid in imports + exports)
    case = case_of(client, broker, case_ids[0])
    assert case["invt_no"] and case["pre_no"].startswith("B")
    assert set(case["customs"]["documents"]) == {"order", "payment", "waybill", "inventory"}
    mine = [_ledger(oid) for n, oid in enumerate(imports) if n % 5 == 0]
    quota = client.get(f"/api/v1/buyers/{buyers[0]}/quota?year=2026", headers=headers(broker))
    assert Decimal(quota.json["used"]) == sum(e.amount for e in mine)
    assert {e.state for e in mine} == {"released"}


def _refused_then_accepted(seed: int, rate: float) -> int:
    """An order number whose first inventory the simulator refuses at random and whose
    change (appType 2) it accepts, for this seed and rate."""
    from app.gateway.simulator.paths import Rates, customs_path

    rates = Rates(0, 0, rate)
    for n in range(1, 500):
        key = f"{'1105910159'}|IM-{n:04d}"
        first = customs_path(seed, rates, "CEB621", key, "1")[1]
        change = customs_path(seed, rates, "CEB621", key, "2")[1]
        if first and not change:
            return n
    raise AssertionError("no such order number")


def test_a_customs_rejection_is_amended_and_refiled_as_a_change(app, client, make_user):
    configure(app)
    app.config["SIMULATOR_REJECT_RATE"] = 0.5
    customs = Simulator(app)
    try:
        seller, broker = parties(client, make_user)
        n = _refused_then_accepted(customs.config.seed, 0.5)
        oid = create(client, seller, import_body(n))
        (cid,) = file_orders(app, client, seller, broker, [oid])
        _answer(customs)
        case = case_of(client, broker, cid)
        assert case["status"] == "rejected", case["events"][-1]
        assert _status(client, seller, oid) == "rejected" and _ledger(oid).state == "cancelled"
        r = post(client, seller, cid, "amend", {"fields": {"items.1.quantity": "2"}})
        assert r.status_code == 200 and r.json["app_type"] == "2"
        work(app)
        approve(client, broker, cid)
        work(app)
        _answer(customs)
        case = case_of(client, broker, cid)
        assert case["status"] == "closed", case["events"][-3:]
        assert sorted(m["name"] for m in case["messages"] if m["version"] == 2) == sorted(
            f"{k}_{cid}_v2_a2.xml" for k in ("CEB311", "CEB411", "CEB511", "CEB621")
        )
        assert _status(client, seller, oid) == "released" and _ledger(oid).state == "released"
    finally:
        customs.close()


def test_cancel_while_accepted_is_approved_and_after_release_refused(setup, customs):
    from app.services import inbox

    app, client, seller, broker = setup
    early, late = create(client, seller, import_body(1)), create(client, seller, import_body(2))
    early_case, late_case = file_orders(app, client, seller, broker, [early, late])
    customs.tick()  # customs take the filings
    customs.tick(2.5)  # … and E-Port's "2" and customs' "120" are out
    inbox.poll()
    assert case_of(client, broker, early_case)["status"] == "accepted"
    assert _ledger(early).state == "declared"
    r = post(client, seller, early_case, "cancel", {"reason": "the buyer cancelled"})
    assert r.status_code == 200 and r.json["status"] == "cancel_requested"
    work(app)
    customs.tick()
    _answer(customs)
    case = case_of(client, broker, early_case)
    assert case["status"] == "cancelled", case["events"][-2:]
    assert [m["name"] for m in case["messages"] if m["kind"] == "ceb623"] == [
        f"CEB623_{early_case}_v1_a1.xml"
    ]
    assert _status(client, seller, early) == "cancelled" and _ledger(early).state == "cancelled"
    # the other one was released meanwhile: customs refuse to cancel it (-623005)
    assert case_of(client, broker, late_case)["status"] == "closed"
    assert post(client, broker, late_case, "cancel", {"reason": "too late"}).status_code == 200
    work(app)
    _answer(customs)
    case = case_of(client, broker, late_case)
    assert case["status"] == "closed"
    refused = case["events"][-1]
    assert refused["action"] == "cancel_refused" and "-623005" in refused["reason"]
    assert _status(client, seller, late) == "released" and _ledger(late).state == "released"


def test_simulator_receipts_twice_and_backwards_give_the_same_end(setup, customs):
    from app.services import inbox

    app, client, seller, broker = setup
    oids = [create(client, seller, import_body(n, resident_id(n))) for n in range(3)]
    oids.append(create(client, seller, export_body(9)))
    case_ids = file_orders(app, client, seller, broker, oids)
    customs.drain()
    inbox_dir = customs.folders.inbox
    files = sorted(p.name for p in inbox_dir.glob("*.xml"))
    random.Random(5).shuffle(files)
    staging = inbox_dir.parent / "staging"
    staging.mkdir()
    for name in files:
        (inbox_dir / name).rename(staging / name)
    # delivered backwards, one file per poll, each of them twice under another name
    for n, name in enumerate(reversed(files)):
        shutil.copy(staging / name, inbox_dir / f"a-{n:03d}-{name}")
        shutil.copy(staging / name, inbox_dir / f"b-{n:03d}-{name}")
        inbox.poll()
    for cid in case_ids:
        assert case_of(client, broker, cid)["status"] == "closed"
    assert {_status(client, seller, oid) for oid in oids} == {"released"}
