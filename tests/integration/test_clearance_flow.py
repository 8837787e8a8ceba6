"""A case from hand-over to release: prepare, claim, approve, file, receipts."""

import pytest
from clearance_support import (
    CEB_DIR,
    RELEASE,
    Customs,
    case_of,
    configure,
    create,
    hand_over,
    import_body,
    parties,
    post,
    work,
)
from support import headers

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")


@pytest.fixture
def setup(app, client, make_user):
    configure(app)
    seller, broker = parties(client, make_user)
    return app, client, seller, broker, Customs(app.config["GATEWAY_DIR"])


def test_one_import_case_to_release(setup):
    from app.services import inbox

    app, client, seller, broker, customs = setup
    oid = create(client, seller, import_body(1))
    (cid,) = hand_over(client, seller, [oid])
    assert case_of(client, seller, cid)["status"] == "handed_over"
    work(app)
    case = case_of(client, broker, cid)
    assert case["status"] == "awaiting_review", case["problems"]
    assert post(client, broker, cid, "claim").status_code == 200
    r = post(client, broker, cid, "approve")
    assert r.status_code == 200, r.json
    work(app)
    case = case_of(client, broker, cid)
    assert case["status"] == "submitted", case
    order = client.get(f"/api/v1/orders/{oid}", headers=headers(seller)).json
    assert order["status"] == "declared"
    assert len(customs.answer(*RELEASE)) == 1
    assert inbox.poll()["done"] == 1
    case = case_of(client, broker, cid)
    assert case["status"] == "released", case["events"]
