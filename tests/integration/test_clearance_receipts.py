"""Receipts delivered twice and out of order leave the case (and its order) in the right
final state; receipts of an earlier, rejected filing do not count against the next."""

import itertools

import pytest
from clearance_support import (
    CEB_DIR,
    Customs,
    approve,
    case_of,
    configure,
    create,
    file_orders,
    import_body,
    parties,
    post,
    work,
)
from integration.test_receipts_api import inventory_receipt
from support import headers

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")

PATH = [
    ("2", "20261128100000000"),
    ("120", "20261128101000000"),
    ("300", "20261128102000000"),
    ("500", "20261128103000000"),
    ("399", "20261128110000000"),
    ("800", "20261128120000000"),
    ("899", "20261129120000000"),
]


@pytest.fixture
def filed(app, client, make_user):
    configure(app)
    seller, broker = parties(client, make_user)
    oid = create(client, seller, import_body(1))
    (cid,) = file_orders(app, client, seller, broker, [oid])
    return app, client, seller, broker, oid, cid, Customs(app.config["GATEWAY_DIR"])


def _deliver(customs, steps, order_no="IM-0001") -> None:
    from app.services import inbox

    for step in steps:
        customs.drop(inventory_receipt(order_no, step))
    inbox.poll()


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_any_order_and_repeats_end_closed(filed, seed):
    import random

    _app, client, seller, broker, oid, cid, customs = filed
    steps = PATH * 2
    random.Random(seed).shuffle(steps)
    for chunk in (steps[:5], steps[5:9], steps[9:]):
        _deliver(customs, chunk)
    case = case_of(client, broker, cid)
    assert case["status"] == "closed"
    assert len(case["customs"]["events"]) == len(PATH)
    assert client.get(f"/api/v1/orders/{oid}", headers=headers(seller)).json["status"] == (
        "released"
    )


@pytest.mark.parametrize("steps", list(itertools.permutations(PATH[:3] + [PATH[5]], 4))[::5])
def test_a_release_is_never_undone_by_a_late_earlier_status(filed, steps):
    _app, client, _seller, broker, _oid, cid, customs = filed
    for step in steps:
        _deliver(customs, [step, step])
    assert case_of(client, broker, cid)["status"] == "released"


def test_an_old_rejection_arriving_again_does_not_touch_the_refiled_case(filed):
    app, client, seller, broker, oid, cid, customs = filed
    rejection = ("100", "20261128100500000")
    _deliver(customs, [PATH[0], rejection])
    assert case_of(client, broker, cid)["status"] == "rejected"
    assert (
        post(client, broker, cid, "amend", {"fields": {"items.0.quantity": "2"}}).status_code == 200
    )
    work(app)
    approve(client, broker, cid)
    work(app)
    assert case_of(client, broker, cid)["status"] == "submitted"
    # the old rejection again, then the new filing's path; then the old one once more
    _deliver(customs, [rejection, ("2", "20261128130000000"), ("120", "20261128131000000")])
    assert case_of(client, broker, cid)["status"] == "accepted"
    _deliver(customs, [rejection, ("800", "20261128140000000"), PATH[0]])
    case = case_of(client, broker, cid)
    assert case["status"] == "released"
    receipts = [e for e in case["events"] if e["action"] == "receipt"]
    assert [e["to_status"] for e in receipts] == ["rejected", "accepted", "released"]


def test_a_receipt_for_a_case_not_yet_filed_changes_nothing(app, client, make_user):
    from app.services import inbox

    configure(app)
    seller, broker = parties(client, make_user)
    oid = create(client, seller, import_body(1))
    r = client.post(f"/api/v1/orders/{oid}/clearance", headers=headers(seller))
    cid = r.json["id"]
    work(app)
    customs = Customs(app.config["GATEWAY_DIR"])
    customs.drop(inventory_receipt("IM-0001", ("800", "20261128120000000")))
    assert inbox.poll()["done"] == 1
    assert case_of(client, broker, cid)["status"] == "awaiting_review"
    assert client.get(f"/api/v1/orders/{oid}", headers=headers(seller)).json["status"] == (
        "received"
    )
