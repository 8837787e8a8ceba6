"""Webhooks: signed deliveries retried with back-off on the worker, a delivery log, redeliver.

The receiver is a real HTTP server on a thread (development mode lets it be on loopback);
deliveries are sent by RQ jobs run by a burst worker with the scheduler, as in production.
"""

from __future__ import annotations

import json
import re
import socket
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from support import headers
from tracking_support import CET, Receiver, make_parcel

from app.extensions import db
from app.jobs.runner import make_worker
from app.models import Seller, WebhookDelivery
from app.models.base import utcnow
from app.services import tracking, webhooks

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def scene(app, client, make_user, order_payload):
    app.config["WEBHOOK_BACKOFF_SECONDS"] = "1,1"
    seller = make_user("seller")
    return {
        "seller": seller,
        "carrier": make_user("carrier"),
        "parcel": make_parcel(client, seller, order_payload, "WH-1"),
    }


@pytest.fixture
def receiver():
    made = []

    def start(failures=0, port=0):
        r = Receiver(failures=failures).start() if not port else _on_port(failures, port)
        made.append(r)
        return r

    yield start
    for r in made:
        r.stop()


def _on_port(failures: int, port: int) -> Receiver:
    import http.server

    r = Receiver(failures=failures)
    original = http.server.ThreadingHTTPServer.__init__

    def bind_port(self, address, handler, *args):
        original(self, ("127.0.0.1", port), handler, *args)

    http.server.ThreadingHTTPServer.__init__ = bind_port
    try:
        return r.start()
    finally:
        http.server.ThreadingHTTPServer.__init__ = original


def _register(client, seller, url, events):
    return client.post(
        "/api/v1/webhooks", json={"url": url, "events": events}, headers=headers(seller)
    )


def _scan(client, carrier, item_id, code, time_text):
    row = {"s10": item_id, "code": code, "office": "DEFRAA", "time": time_text}
    r = client.post("/api/v1/events", json=[row], headers=headers(carrier))
    assert r.status_code == 200 and r.json["stored"] == 1, r.json


def _work_until(app, done, seconds=20.0):
    """Run burst workers (scheduler included) until ``done()`` or the time is up."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "deliveries did not settle"
        make_worker(app, simple=True).work(burst=True, with_scheduler=True)
        db.session.remove()
        time.sleep(0.2)


def _delivery() -> WebhookDelivery:
    db.session.expire_all()
    (found,) = db.session.query(WebhookDelivery).all()
    return found


def test_a_receiver_that_fails_twice_gets_the_event_on_the_third_try_signed(
    app, client, scene, receiver
):
    hook_receiver = receiver(failures=2)
    r = _register(client, scene["seller"], hook_receiver.url, ["tracking.EMD", "case.*"])
    assert r.status_code == 201, r.json
    hook, secret = r.json, r.json["secret"]
    assert re.fullmatch(r"whsec_[A-Za-z0-9_\-]{43}", secret)

    item = scene["parcel"]["item_id"]
    _scan(client, scene["carrier"], item, "EMB", "2026-12-01T09:30:00+08:00")  # not subscribed
    _scan(client, scene["carrier"], item, "EMD", "2026-12-03T08:15:00+01:00")
    _work_until(app, lambda: _delivery().status != "pending")

    assert len(hook_receiver.requests) == 3
    first, second, third = hook_receiver.requests
    assert first["body"] == second["body"] == third["body"]
    header = third["headers"]["Silkpost-Signature"]
    assert webhooks.verify(secret, header, third["body"], time.time())
    assert not webhooks.verify(secret, header, third["body"] + b" ", time.time())
    assert not webhooks.verify("whsec_other", header, third["body"], time.time())
    assert not webhooks.verify(secret, header, third["body"], time.time() + 301)
    stamps = [int(req["headers"]["Silkpost-Signature"].split(",")[0][2:]) for req in (first, third)]
    assert stamps[1] - stamps[0] >= 2  # two back-offs of a second each

    body = json.loads(third["body"])
    assert body["type"] == "tracking.EMD" and third["headers"]["Silkpost-Event"] == "tracking.EMD"
    assert body["data"]["item_id"] == item and body["data"]["order_no"] == "WH-1"
    assert body["data"]["time"] == "2026-12-03T08:15:00+01:00"
    assert third["headers"]["Silkpost-Delivery"] == body["id"]

    log = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=headers(scene["seller"]))
    assert log.status_code == 200, log.json
    (delivery,) = log.json
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == (
        "delivered",
        3,
        200,
    )
    assert [a["status"] for a in delivery["attempt_log"]] == [500, 500, 200]
    assert delivery["body"] == body


def test_the_secret_is_shown_once_and_urls_and_kinds_are_checked(client, scene, receiver):
    url = receiver().url
    r = _register(client, scene["seller"], url, ["tracking.*"])
    assert "secret" in r.json
    listed = client.get("/api/v1/webhooks", headers=headers(scene["seller"])).json
    assert listed == [{k: v for k, v in r.json.items() if k != "secret"}]
    bad = {
        "ftp://example.com/x": "url",
        "http://user:pw@example.com/x": "url",
        "notaurl": "url",
    }
    for bad_url, field in bad.items():
        refused = _register(client, scene["seller"], bad_url, ["tracking.*"])
        assert refused.status_code == 422 and field in refused.json["errors"], bad_url
    refused = _register(client, scene["seller"], url, ["tracking.EMZ", "case.lost"])
    assert refused.status_code == 422
    assert refused.json["errors"]["events"][0].startswith("tracking.EMZ, case.lost: not an event")
    assert _register(client, scene["carrier"], url, ["tracking.*"]).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/h",
        "http://localhost/h",
        "http://10.0.0.5/h",
        "http://[::1]/h",
        "http://169.254.169.254/latest/meta-data",
        "https://192.168.1.20/h",
    ],
)
def test_production_refuses_loopback_and_private_receivers(url):
    assert "non-public address" in webhooks.url_problem(url, allow_private=False)


def test_production_accepts_a_public_address_and_development_a_local_one():
    assert webhooks.url_problem("https://93.184.215.14/hooks", allow_private=False) is None
    assert webhooks.url_problem("http://127.0.0.1:9/h", allow_private=True) is None


def test_the_production_setting_cannot_be_overridden(app, client, scene, receiver):
    app.config["SILKPOST_ENV"] = "production"
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    refused = _register(client, scene["seller"], receiver().url, ["tracking.*"])
    assert refused.status_code == 422
    assert "refused in production" in refused.json["errors"]["url"][0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_receiver_that_is_down_delays_deliveries_and_loses_none(app, client, scene, receiver):
    app.config["WEBHOOK_BACKOFF_SECONDS"] = "3600"
    port = _free_port()
    r = _register(client, scene["seller"], f"http://127.0.0.1:{port}/h", ["tracking.*"])
    item = scene["parcel"]["item_id"]
    started = time.monotonic()
    _scan(client, scene["carrier"], item, "EMD", "2026-12-03T08:15:00+01:00")
    assert time.monotonic() - started < 5
    make_worker(app, simple=True).work(burst=True, with_scheduler=True)
    failed_once = _delivery()
    assert (failed_once.status, failed_once.attempts) == ("pending", 1)
    assert "Connection refused" in failed_once.last_error
    assert failed_once.next_attempt_at > utcnow() + timedelta(minutes=59)

    back = receiver(port=port)
    assert webhooks.sweep() == 0  # not due yet
    assert webhooks.sweep(now=utcnow() + timedelta(hours=1, minutes=1)) == 1
    make_worker(app, simple=True).work(burst=True)
    assert _delivery().status == "delivered"
    assert json.loads(back.requests[0]["body"])["data"]["code"] == "EMD"
    assert r.status_code == 201


def test_an_event_rolled_back_takes_its_delivery_with_it(app, client, scene, receiver):
    hook_receiver = receiver()
    _register(client, scene["seller"], hook_receiver.url, ["tracking.*"])
    at = datetime(2026, 12, 3, 8, 15, tzinfo=CET)
    assert tracking.record(scene["parcel"]["id"], "EMD", "DEFRAA", at) is not None
    assert db.session.query(WebhookDelivery).count() == 1  # in the event's transaction
    db.session.rollback()
    assert db.session.query(WebhookDelivery).count() == 0
    make_worker(app, simple=True).work(burst=True)
    assert hook_receiver.requests == []
    assert tracking.record(scene["parcel"]["id"], "EMD", "DEFRAA", at) is not None
    db.session.commit()
    make_worker(app, simple=True).work(burst=True)
    assert len(hook_receiver.requests) == 1


def test_deliveries_committed_while_the_queue_is_down_are_sent_by_the_sweep(
    app, client, scene, receiver, monkeypatch
):
    hook_receiver = receiver()
    _register(client, scene["seller"], hook_receiver.url, ["tracking.*"])
    import app.jobs.webhooks as jobs

    def redis_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(jobs, "enqueue_attempt", redis_down)
    _scan(client, scene["carrier"], scene["parcel"]["item_id"], "EMD", "2026-12-03T08:15:00+01:00")
    assert _delivery().status == "pending"
    monkeypatch.undo()
    assert webhooks.sweep() == 1
    make_worker(app, simple=True).work(burst=True)
    assert _delivery().status == "delivered" and len(hook_receiver.requests) == 1


def test_redeliver_sends_again_and_delete_stops_everything(app, client, scene, receiver, make_user):
    hook_receiver = receiver()
    hook = _register(client, scene["seller"], hook_receiver.url, ["tracking.*"]).json
    _scan(client, scene["carrier"], scene["parcel"]["item_id"], "EMD", "2026-12-03T08:15:00+01:00")
    make_worker(app, simple=True).work(burst=True)
    delivery_id = _delivery().id
    other = make_user("seller")
    for method, path in (
        ("get", f"/api/v1/webhooks/{hook['id']}/deliveries"),
        ("post", f"/api/v1/webhooks/deliveries/{delivery_id}/redeliver"),
        ("delete", f"/api/v1/webhooks/{hook['id']}"),
    ):
        assert getattr(client, method)(path, headers=headers(other)).status_code == 404, path

    again = client.post(
        f"/api/v1/webhooks/deliveries/{delivery_id}/redeliver", headers=headers(scene["seller"])
    )
    assert again.status_code == 202 and again.json["status"] == "pending"
    make_worker(app, simple=True).work(burst=True)
    assert len(hook_receiver.requests) == 2
    assert (_delivery().status, _delivery().attempts) == ("delivered", 2)

    hook_receiver.failures = 10
    _scan(client, scene["carrier"], scene["parcel"]["item_id"], "EMF", "2026-12-04T08:15:00+01:00")
    make_worker(app, simple=True).work(burst=True)
    gone = client.delete(f"/api/v1/webhooks/{hook['id']}", headers=headers(scene["seller"]))
    assert gone.status_code == 204
    statuses = dict(db.session.query(WebhookDelivery.kind, WebhookDelivery.status))
    assert statuses == {"tracking.EMD": "delivered", "tracking.EMF": "cancelled"}
    assert client.get("/api/v1/webhooks", headers=headers(scene["seller"])).json == []
    late = client.post(
        f"/api/v1/webhooks/deliveries/{delivery_id}/redeliver", headers=headers(scene["seller"])
    )
    assert late.status_code == 409
    _scan(client, scene["carrier"], scene["parcel"]["item_id"], "EMG", "2026-12-04T09:15:00+01:00")
    assert db.session.query(WebhookDelivery).count() == 2


def test_case_events_reach_case_webhooks(app, client, scene, receiver):
    hook_receiver = receiver()
    _register(client, scene["seller"], hook_receiver.url, ["case.released"])
    seller_id = db.session.query(Seller.id).filter_by(user_id=scene["seller"]["_user_id"]).scalar()
    parcel = scene["parcel"]
    case = SimpleNamespace(
        id="case-9",
        flow="export",
        parcel_id=parcel["id"],
        order_id=parcel["order_id"],
        seller_id=seller_id,
    )
    tracking.record_case_event(case, "submitted")
    tracking.record_case_event(case, "released")
    db.session.commit()
    make_worker(app, simple=True).work(burst=True)
    (request,) = hook_receiver.requests
    body = json.loads(request["body"])
    assert (body["type"], body["data"]["case_id"], body["data"]["status"]) == (
        "case.released",
        "case-9",
        "released",
    )


def _readme_verify():
    """The receivers' verify helper exactly as the README prints it."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- verify-helper -->\s*```python\n(.*?)```", text, re.S)
    assert block, "README lacks the verify helper block"
    namespace: dict = {}
    exec(block.group(1), namespace)  # noqa: S102 - our own README's code
    return namespace["verify_silkpost_signature"]


def test_the_readme_helper_verifies_a_real_delivery(app, client, scene, receiver):
    hook_receiver = receiver()
    secret = _register(client, scene["seller"], hook_receiver.url, ["tracking.*"]).json["secret"]
    _scan(client, scene["carrier"], scene["parcel"]["item_id"], "EMD", "2026-12-03T08:15:00+01:00")
    make_worker(app, simple=True).work(burst=True)
    (request,) = hook_receiver.requests
    verify = _readme_verify()
    header = request["headers"]["Silkpost-Signature"]
    assert verify(secret, header, request["body"])
    assert not verify(secret, header, request["body"].replace(b"EMD", b"EMI"))
    assert not verify(secret, header, request["body"], now=time.time() + 600)
