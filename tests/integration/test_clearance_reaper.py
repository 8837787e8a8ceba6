"""The reaper: work that was stored but never queued (the queue was down) is queued again,
so nothing a seller or broker did is lost."""

import pytest
from clearance_support import (
    CEB_DIR,
    Simulator,
    case_of,
    configure,
    create,
    file_orders,
    import_body,
    parties,
    post,
    work,
)
from redis.exceptions import ConnectionError as RedisDown
from support import headers

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")


def _queue_down(*args, **kwargs):
    raise RedisDown("Redis is not reachable")


@pytest.fixture
def setup(app, client, make_user):
    configure(app)
    app.config["SUBMIT_STUCK_SECONDS"] = 0
    return (app, client, *parties(client, make_user))


def test_a_hand_over_while_the_queue_is_down_is_prepared_later(setup, monkeypatch):
    from app.jobs import clearance as clearance_jobs
    from app.jobs.gateway import reap_now

    app, client, seller, broker = setup
    oid = create(client, seller, import_body(1))
    monkeypatch.setattr(clearance_jobs.prepare_cases, "delay", _queue_down)
    r = client.post(f"/api/v1/orders/{oid}/clearance", headers=headers(seller))
    assert r.status_code == 201 and r.json["status"] == "handed_over"
    monkeypatch.undo()
    work(app)
    assert case_of(client, broker, r.json["id"])["status"] == "handed_over"  # nothing queued
    assert reap_now()["prepare"] == 1
    work(app)
    case = case_of(client, broker, r.json["id"])
    assert case["status"] == "awaiting_review"
    assert "requeued" in [e["action"] for e in case["events"]]


def test_an_approval_and_a_cancel_while_the_queue_is_down_are_filed_later(setup, monkeypatch):
    from app.jobs import gateway as gateway_jobs
    from app.services import inbox

    app, client, seller, broker = setup
    oid = create(client, seller, import_body(1))
    (cid,) = file_orders(app, client, seller, broker, [oid])
    customs = Simulator(app)
    try:
        customs.tick()
        customs.tick(2.5)  # accepted into customs (120), not yet released
        inbox.poll()
        assert case_of(client, broker, cid)["status"] == "accepted"
        monkeypatch.setattr(gateway_jobs.file_cancel, "delay", _queue_down)
        assert post(client, seller, cid, "cancel", {"reason": "sold out"}).status_code == 200
        monkeypatch.undo()
        work(app)
        assert case_of(client, broker, cid)["messages"][-1]["kind"] != "ceb623"
        assert gateway_jobs.reap_now()["cancel"] == 1
        work(app)
        assert [m["kind"] for m in case_of(client, broker, cid)["messages"]].count("ceb623") == 1
        assert gateway_jobs.reap_now()["cancel"] == 0  # filed: nothing more to do
        customs.tick(1)
        customs.drain()
        inbox.poll()
        assert case_of(client, broker, cid)["status"] == "cancelled"
    finally:
        customs.close()
