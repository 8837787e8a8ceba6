"""The pre-advice leaves once: written to the partner post's outbox at closing, never again
once sent, retried when the outbox could not be written; a despatch whose items' ITMATT
cannot be made is not closed; closing records EMC for every parcel."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from posts_support import RAIL_LANE, despatch, export_orders, lane_id, receptacle, release
from support import headers


@pytest.fixture
def people(make_user):
    return {role: make_user(role) for role in ("seller", "broker", "carrier")}


@pytest.fixture
def open_despatch(app, client, people):
    orders = export_orders(app, people["seller"], 3)
    release(client, people["broker"], orders)
    carrier = people["carrier"]
    bag = receptacle(client, carrier, [o["parcel_id"] for o in orders]).json
    d = despatch(client, carrier, lane_id(client, carrier, RAIL_LANE), [bag["id"]])
    assert d.status_code == 201, d.json
    return orders, d.json


def _outbox(app) -> Path:
    return Path(app.config["SILKPOST_DATA_DIR"]) / "posts" / "outbox" / "LTVNOA"


def _close(client, people, d):
    return client.post(f"/api/v1/despatches/{d['id']}/close", headers=headers(people["carrier"]))


def test_a_sent_pre_advice_is_not_written_again(app, client, people, open_despatch):
    orders, d = open_despatch
    body = _close(client, people, d).json
    names = sorted(p.name for p in _outbox(app).iterdir())
    key = body["despatch_id"]
    assert names == sorted(
        [f"{key}-PREDES.xml"] + [f"{key}-ITMATT-{o['item_id']}.xml" for o in orders]
    )
    assert not [p for p in _outbox(app).iterdir() if p.name.startswith(".")]
    for path in _outbox(app).iterdir():  # the partner post takes the files
        path.unlink()
    r = client.get(body["pre_advice"]["url"], headers=headers(people["carrier"]))
    assert r.status_code == 200
    assert list(_outbox(app).iterdir()) == []
    again = client.get(f"/api/v1/despatches/{d['id']}", headers=headers(people["carrier"])).json
    assert again["pre_advice"]["sent_at"] == body["pre_advice"]["sent_at"]


def test_an_outbox_that_cannot_be_written_is_retried(app, client, people, open_despatch):
    _, d = open_despatch
    _outbox(app).parent.mkdir(parents=True)
    _outbox(app).write_text("not a folder")
    closed = _close(client, people, d)
    assert closed.status_code == 200, closed.json
    assert closed.json["status"] == "closed" and closed.json["pre_advice"]["sent_at"] is None
    _outbox(app).unlink()
    r = client.get(closed.json["pre_advice"]["url"], headers=headers(people["carrier"]))
    assert r.status_code == 200
    assert (_outbox(app) / f"{closed.json['despatch_id']}-PREDES.xml").read_bytes() == r.data
    now = client.get(f"/api/v1/despatches/{d['id']}", headers=headers(people["carrier"])).json
    assert now["pre_advice"]["sent_at"] is not None


def test_a_despatch_whose_itmatt_cannot_be_made_stays_open(app, client, people, open_despatch):
    from app.extensions import db
    from app.models import Order

    orders, d = open_despatch
    order = db.session.get(Order, orders[1]["id"])
    order.recipient = {**order.recipient, "country": "D1"}  # stored data no ITMATT accepts
    db.session.commit()
    r = _close(client, people, d)
    assert r.status_code == 409
    item = orders[1]["item_id"]
    assert list(r.json["errors"]) == [f"items.{item}"]
    assert "country 'D1' is not an ISO 3166-1 alpha-2 code" in r.json["errors"][f"items.{item}"][0]
    now = client.get(f"/api/v1/despatches/{d['id']}", headers=headers(people["carrier"])).json
    assert now["status"] == "open" and now["pre_advice"]["sha256"] is None
    assert not _outbox(app).exists()


def test_closing_records_emc_for_every_parcel(app, client, people, open_despatch, monkeypatch):
    """The call site of tracking (the module itself comes from another part of the project)."""
    calls = []
    fake = types.ModuleType("app.services.tracking")
    fake.record = lambda *args: calls.append(args)
    monkeypatch.setitem(sys.modules, "app.services.tracking", fake)
    orders, d = open_despatch
    body = _close(client, people, d).json
    assert sorted(c[0] for c in calls) == sorted(o["parcel_id"] for o in orders)
    for _, code, office, at, source, details in calls:
        assert (code, office, source) == ("EMC", "CNDGGA", "self")
        assert at.utcoffset() is not None
        assert details == {"despatch": body["despatch_id"]}
