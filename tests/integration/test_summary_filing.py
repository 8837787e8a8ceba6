"""Summary declarations filed through the clearance gateway, end to end on real workers
(RQ SimpleWorker in burst mode on the test Redis) and the customs simulator.

The month: ten export orders of one seller, order n holding n T-shirts (HS 6109100000) at
USD 8.50, released in November 2026; even n go to Germany, odd n to France. One customs
office, so one CEB701; two destinations (运抵国), so two export declarations (CEB792):

- DE: 2 + 4 + 6 + 8 + 10 = 30 shirts × 8.50 = 255.00 USD × 7.1 = 1,810.50 CNY × 13 % = 235.365
  → 235.37 CNY
- FR: 1 + 3 + 5 + 7 + 9 = 25 shirts × 8.50 = 212.50 USD × 7.1 = 1,508.75 CNY × 13 % = 196.1375
  → 196.14 CNY
- total 235.37 + 196.14 = 431.51 CNY (each line rounded half up to the fen, then added).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from clearance_support import (
    CEB_DIR,
    SELLER_PROFILE,
    Simulator,
    configure,
    create,
    export_body,
    file_orders,
    parties,
    work,
)
from export_support import official_rate
from support import headers

from declarations.ceb import receipts_out

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")
NOV = {"from": "2026-11-01", "to": "2026-11-30"}
FRANCE = {"country": "FR", "city": "Paris", "postcode": "75001", "street": "5 Rue de Rivoli"}


def shirts(n: int) -> dict:
    body = export_body(n)
    body["items"] = [{**body["items"][0], "quantity": n, "net_weight_kg": "0.200"}]
    if n % 2:
        body["recipient"] = {**body["recipient"], **FRANCE}
    return body


@pytest.fixture
def setup(app, client, make_user):
    configure(app)
    official_rate(app, "USD", "7.1")
    seller, broker = parties(client, make_user)
    sim = Simulator(app)
    yield app, client, seller, broker, sim
    sim.close()


def _released_month(app, client, seller, broker, sim, numbers) -> list[str]:
    from app.services import inbox

    orders = [create(client, seller, shirts(n)) for n in numbers]
    file_orders(app, client, seller, broker, orders)
    sim.drain()
    inbox.poll()
    return orders


def _summary(client, who, summary_id) -> dict:
    r = client.get(f"/api/v1/summaries/{summary_id}", headers=headers(who))
    assert r.status_code == 200, r.json
    return r.json


def _seller_id(client, seller) -> str:
    from app.extensions import db
    from app.models import Seller

    return db.session.execute(
        db.select(Seller.id).where(Seller.user_id == seller["_user_id"])
    ).scalar_one()


def test_a_month_of_released_exports_is_summarised_and_the_rebate_comes_from_customs(setup):
    from app.services import inbox

    app, client, seller, broker, sim = setup
    orders = _released_month(app, client, seller, broker, sim, range(1, 11))
    before = client.get("/api/v1/reports/export-rebates", query_string=NOV, headers=headers(seller))
    assert before.json["basis"] == "orders"
    r = client.post("/api/v1/summaries", json={"month": "2026-11"}, headers=headers(seller))
    assert r.status_code == 202, r.json
    summary_id = r.json["id"]
    assert r.json["status"] == "queued"
    again = client.post("/api/v1/summaries", json={"month": "2026-11"}, headers=headers(seller))
    assert again.status_code == 202 and again.json["id"] == summary_id
    work(app)
    filed = _summary(client, seller, summary_id)
    assert filed["status"] == "filed", filed
    (application,) = filed["applications"]
    assert application["messages"] == [f"CEB701_{application['id']}_v1_a1.xml"]
    assert len(application["invt_nos"]) == 10 and filed["skipped"] == []
    previewed = [
        (d["country"], [(ln["currency"], ln["total_price"]) for ln in d["lines"]])
        for d in application["preview"]
    ]
    assert sorted(previewed) == [("304", [("502", "255.00")]), ("305", [("502", "212.50")])]
    sim.drain()
    assert inbox.poll()["quarantined"] == 0
    done = _summary(client, seller, summary_id)
    assert done["status"] == "declared", done
    (application,) = done["applications"]
    assert application["status"] == "accepted" and application["sum_no"]
    assert [x["status"] for x in done["receipts"]] == ["2", "399"]
    assert len(done["declarations"]) == 2 and len(done["lines"]) == 10
    mapped = {ln["order_id"] for ln in done["lines"]}
    assert mapped == set(orders)
    report = client.get("/api/v1/reports/export-rebates", query_string=NOV, headers=headers(seller))
    body = report.json
    assert body["basis"] == "customs", body
    rows = sorted(body["rows"], key=lambda row: row["value"])
    assert [(row["value"], row["fob_cny"], row["rebate_cny"]) for row in rows] == [
        ("212.50", "1508.75", "196.14"),
        ("255.00", "1810.50", "235.37"),
    ]
    assert body["totals"][0]["rebate_cny"] == "431.51"
    assert body["not_on_declarations"] == []


def test_a_refused_application_keeps_customs_text_and_the_month_can_be_asked_again(setup):
    app, client, seller, broker, sim = setup
    _released_month(app, client, seller, broker, sim, (2, 4))
    seller_id = _seller_id(client, seller)
    r = client.post(
        "/api/v1/summaries",
        json={"month": "2026-11", "seller_id": seller_id},
        headers=headers(broker),
    )
    assert r.status_code == 202, r.json
    work(app)
    (application,) = _summary(client, broker, r.json["id"])["applications"]
    refusal = receipts_out.build_receipt(
        "CEB702",
        [
            {
                "agentCode": SELLER_PROFILE["customs_code"],
                "ebcCode": SELLER_PROFILE["customs_code"],
                "copNo": application["cop_no"],
                "preNo": "B20261128000000001",
                "msgSeqNo": 1,
                "returnStatus": "100",
                "returnTime": datetime(2026, 11, 29, 1, 0, tzinfo=UTC),
                "returnInfo": "-701010 清单不符合汇总条件",
            }
        ],
    )
    posted = client.post(
        "/api/v1/receipts",
        data=refusal,
        headers={**headers(broker), "Content-Type": "application/xml"},
    )
    assert posted.status_code == 200 and posted.json["summaries"] == [r.json["id"]], posted.json
    refused = _summary(client, seller, r.json["id"])
    assert refused["status"] == "rejected"
    assert refused["applications"][0]["info"] == "-701010 清单不符合汇总条件"
    anew = client.post("/api/v1/summaries", json={"month": "2026-11"}, headers=headers(seller))
    assert anew.status_code == 202 and anew.json["id"] != r.json["id"]
    work(app)
    (second,) = _summary(client, seller, anew.json["id"])["applications"]
    assert second["invt_nos"] == application["invt_nos"]


def test_who_may_ask_for_a_summary(setup, make_user):
    app, client, seller, broker, _ = setup
    other = make_user("seller")
    post = client.post
    mine = _seller_id(client, seller)
    cases = [
        (other, {"month": "2026-11", "seller_id": mine}, 403),
        (broker, {"month": "2026-11"}, 422),
        (seller, {"month": "2026-13"}, 422),
        (seller, {"month": "2026-11", "extra": 1}, 422),
        (other, {"month": "2026-11"}, 422),  # no customs code in its profile
    ]
    for who, body, status in cases:
        r = post("/api/v1/summaries", json=body, headers=headers(who))
        assert r.status_code == status, (body, r.json)
    r = post("/api/v1/summaries", json={"month": "2026-10"}, headers=headers(seller))
    assert r.status_code == 202
    work(app)
    empty = _summary(client, seller, r.json["id"])
    assert empty["status"] == "empty" and "2026-10" in empty["error"]
    theirs = client.get(f"/api/v1/summaries/{r.json['id']}", headers=headers(other))
    assert theirs.status_code == 404
    listed = client.get("/api/v1/summaries", headers=headers(other)).json
    assert listed == []


def test_the_monthly_run_files_each_sellers_summary(setup):
    app, client, seller, broker, sim = setup
    _released_month(app, client, seller, broker, sim, (1, 2, 3))
    result = app.test_cli_runner().invoke(args=["summaries", "run", "--month", "2026-11", "--now"])
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.output).values()
    assert entry["status"] == "filed"
    filed = _summary(client, seller, entry["summary"])
    assert filed["inventories"] == 3 and len(filed["applications"][0]["messages"]) == 1
    again = app.test_cli_runner().invoke(args=["summaries", "run", "--month", "2026-11"])
    assert json.loads(again.output) == {_seller_id(client, seller): entry | {"status": "filed"}}
