"""Inbound postal items: 100 ITMATT items from a partner post → CUSITM → the customs
simulator's CUSRSP → released or held, with the postal-articles tax (行邮税) computed per
DOMAIN §6.3, on a real Redis with SimpleWorker(...).work(burst=True)."""

from __future__ import annotations

import shutil
from collections import Counter
from decimal import Decimal

import inbound_support as ib
import pytest
from clearance_support import Simulator, work
from support import headers

from app.extensions import db
from app.jobs import inbound as inbound_jobs
from app.jobs import periodic
from app.models import InboundItem, PartnerPostFile
from app.services import inbound, inbox, tracking
from declarations import cusitm

SCARF = ("Silk scarf", "621410", 2, "120")  # 240 × 20 % = 48 ≤ 50 → waived
WATCH = ("Quartz wrist watch", "910211", 1, "900")  # 900 × 20 % = 180 (under CNY 10,000)
CAMERA = ("Digital camera", "900640", 1, "600")  # 600 × 13 % = 78
DAGGER = ("Flick knife", "930700", 1, "200")  # weapons: a prohibited-goods row, if listed


def _pieces(n: int) -> list[tuple]:
    """Item n's contents: the DOMAIN examples first, then a rotation of articles (n % 5:
    0 coat, 1 scarves, 2 watch, 3 camera, 4 book)."""
    if n == 0:
        return [ib.COAT]
    if n == 1:
        return [ib.BOOK]
    if n == 2:
        return [ib.COAT, ib.BOOK]  # 1,100 CNY: over the postal cap, not a single item
    return [[ib.COAT], [SCARF], [WATCH], [CAMERA], [ib.BOOK]][n % 5]


#: Hand-worked: (status, regime, tax total) by item number (DOMAIN §6.3 for 0-2).
EXPECTED = {
    0: ("released", "cn_postal_articles", "160.00"),  # coat 800 × 20 % = 160
    1: ("released", "cn_postal_articles_waived", "0.00"),  # book 300 × 13 % = 39 ≤ 50 → 0
    3: ("released", "cn_postal_articles", "78.00"),  # camera 600 × 13 %
    4: ("released", "cn_postal_articles_waived", "0.00"),  # book again
    5: ("released", "cn_postal_articles", "160.00"),  # coat again
    6: ("released", "cn_postal_articles_waived", "0.00"),  # scarves 240 × 20 % = 48 ≤ 50 → 0
    7: ("released", "cn_postal_articles", "180.00"),  # watch 900 × 20 %
}


@pytest.fixture
def customs(app):
    sim = Simulator(app, postal_hold_rate=0.2)
    yield sim
    sim.close()


def _write_files(app) -> None:
    snaps = [ib.snapshot(n, _pieces(n)) for n in range(100)]
    folder = inbound.inbox().inbox
    for k in range(4):  # four files of 25 items
        ib.write_itmatt(folder, f"GBA-{k:04}.xml", snaps[25 * k : 25 * (k + 1)])


def _items() -> dict[int, InboundItem]:
    db.session.expire_all()
    rows = db.session.execute(db.select(InboundItem)).scalars().all()
    by_id = {r.item_id: r for r in rows}
    return {n: by_id[ib.item_id(n)] for n in range(100) if ib.item_id(n) in by_id}


def test_hundred_inbound_items_through_customs(app, client, make_user, customs):
    _write_files(app)
    periodic.run("itmatt-inbox")  # the periodic task queues the poll job ...
    work(app)  # ... a real worker runs it: read, quote, screen, present
    items = _items()
    assert len(items) == 100
    assert Counter(i.status for i in items.values()) == {"presented": 100}
    assert len([n for n in customs.folders.outbox.iterdir() if n.name.startswith("CUSITM_")]) == 100

    customs.drain()  # the simulator answers each CUSITM with a CUSRSP
    assert inbox.poll()["done"] == 100  # the gateway's inbox poller routes them
    items = _items()
    statuses = Counter(i.status for i in items.values())
    assert set(statuses) == {"released", "held", "referred"}
    assert statuses["referred"] == 1  # item 2: over the cap, not assessed
    assert 5 <= statuses["held"] <= 40  # the seeded 20 % hold rate
    assert items[2].status == "referred" and items[2].quote is None
    assert "cn_postal_value_cap" in items[2].quote_error

    for n, (status, regime, tax) in EXPECTED.items():
        item = items[n]
        if item.status == "held":  # a seeded hold: the tax is still the one assessed
            assert item.decision_reason == "inspection"
        else:
            assert item.status == status, n
            assert item.customs_tax == Decimal(tax), n
        assert item.quote["regime"] == regime, n
        assert item.quote["tax_total"] == tax, n
    held = [n for n, i in items.items() if i.status == "held"]
    released = [n for n, i in items.items() if i.status == "released"]
    assert released and held

    codes = [e.code for e in tracking.timeline(ib.item_id(released[0]))]
    assert codes == ["EDB", "EDC"]
    held_events = tracking.timeline(ib.item_id(held[0]))
    assert [(e.code, e.reason) for e in held_events] == [("EDB", None), ("EME", "inspection")]

    # the answers again, in reverse order: nothing changes
    done = customs.folders.inbox / "done"
    for path in sorted(done.iterdir(), reverse=True):
        shutil.copy(path, customs.folders.inbox / f"again-{path.name}")
    assert inbox.poll()["done"] == 100
    again = _items()
    assert {n: i.status for n, i in again.items()} == {n: i.status for n, i in items.items()}
    assert [e.code for e in tracking.timeline(ib.item_id(released[0]))] == ["EDB", "EDC"]


def test_files_once_and_malformed_quarantined(app):
    folder = inbound.inbox().inbox
    path = ib.write_itmatt(folder, "GBA-0001.xml", [ib.snapshot(1, [ib.COAT])])
    shutil.copy(path, folder / "GBA-0001-again.xml")
    (folder / "bad.xml").write_bytes(b'<!DOCTYPE a [<!ENTITY e "x">]><ITMATT>&e;</ITMATT>')
    counts = inbound.poll()
    assert (counts["done"], counts["repeated"], counts["quarantined"]) == (1, 1, 1)
    assert counts["presented"] == 1
    reason = (inbound.inbox().quarantine / "bad.xml.reason.txt").read_text()
    assert "DTD or entities" in reason
    files = db.session.execute(db.select(PartnerPostFile)).scalars().all()
    assert sorted((f.kind, f.state) for f in files) == [
        ("itmatt", "done"),
        ("itmatt", "quarantined"),
    ]
    # the same item in another file is kept as first received
    ib.write_itmatt(folder, "GBA-0002.xml", [ib.snapshot(1, [ib.BOOK]), ib.snapshot(2, [ib.BOOK])])
    counts = inbound.poll()
    assert (counts["items"], counts["new_items"], counts["presented"]) == (2, 1, 1)
    assert _items()[1].quote["tax_total"] == "160.00"


def test_cusitm_states_the_assessment(app):
    folder = inbound.inbox().inbox
    ib.write_itmatt(folder, "GBA-0001.xml", [ib.snapshot(0, [ib.COAT])])
    inbound.poll()
    item = _items()[0]
    name, data = inbound.cusitm_message(item)
    assert name == f"CUSITM_{ib.item_id(0)}_v1.xml"
    assert (app.config["GATEWAY_DIR"] + f"/outbox/{name}") and data == (
        inbound.gateway_for(app.config).outbox / name
    ).read_bytes()
    assert b'<Tax piece="1" base="800" rate="0.2">160</Tax>' in data
    assert cusitm.NS.encode() in data


def test_inbound_items_api(app, client, make_user):
    ib.write_itmatt(inbound.inbox().inbox, "GBA-0001.xml", [ib.snapshot(0, [ib.COAT])])
    inbound.poll()
    broker, seller = make_user("broker"), make_user("seller")
    r = client.get("/api/v1/inbound-items", headers=headers(broker))
    assert r.status_code == 200, r.json
    assert [i["item_id"] for i in r.json["items"]] == [ib.item_id(0)]
    one = r.json["items"][0]
    assert one["status"] == "presented" and one["tax_total"] == "160.00"
    r = client.get(f"/api/v1/inbound-items/{one['id']}", headers=headers(broker))
    assert r.status_code == 200 and r.json["quote"]["regime"] == "cn_postal_articles"
    assert r.json["presented_at"].endswith("+00:00")
    assert client.get("/api/v1/inbound-items", headers=headers(seller)).status_code == 403
    r = client.get("/api/v1/inbound-items/nope", headers=headers(broker))
    assert r.status_code == 404
    r = client.get("/api/v1/inbound-items?status=bogus", headers=headers(broker))
    assert r.status_code == 422
    assert inbound_jobs.POLL_EVERY == 10
