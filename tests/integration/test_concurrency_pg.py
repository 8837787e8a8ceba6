"""Eight client processes at once on PostgreSQL: overlapping order POSTs (the same order_no
from every process), S10 allocations and the same customs receipts in different orders.

Afterwards nothing is lost or doubled: one order per order_no (one 201, every other answer
200 with the same id), no S10 id issued twice, every filed order released once with its
declared quota amount, four inventory events each, and the buyer's quota adding up.
SQLite serialises writers, so only PostgreSQL shows races: the test runs in CI's PostgreSQL
pass (``-m db`` with ``SILKPOST_TEST_DATABASE_URL``) and skips on SQLite.
"""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal

import pytest
from clearance_support import (
    CEB_DIR,
    DECLARING,
    RELEASE,
    Customs,
    configure,
    create,
    export_body,
    file_orders,
    import_body,
    parties,
    resident_id,
)
from concurrency_support import Plan, run

from declarations import s10

PROCESSES = 8
FILED = 10  # CBEC import orders filed first, then released by the receipts
SHARED = 20  # export orders every process posts
OWN = 5  # export orders only one process posts
ALLOCATIONS = 8  # S10 blocks per process
BUYERS = 3
CHILD_TIMEOUT = 120  # seconds: a hung child fails the test instead of the CI run

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")


@pytest.fixture
def postgresql(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (SILKPOST_TEST_DATABASE_URL): SQLite serialises writers")


def _filed_orders(app, client, seller, broker) -> dict[str, str]:
    """CBEC import orders for a few buyers, filed (declared, quota counted): id → order_no."""
    ids = {}
    for n in range(FILED):
        body = import_body(n, buyer=resident_id(n % BUYERS), order_no=f"QL-{n:03d}")
        ids[create(client, seller, body)] = body["order_no"]
    file_orders(app, client, seller, broker, list(ids))
    return ids


def _receipts(app, order_nos) -> list[bytes]:
    """Every release step of every filed order, one receipt file each, times rising."""
    customs = Customs(app.config["GATEWAY_DIR"])
    return [
        customs.inventory_receipt("CEB621", order_no, step)
        for order_no in order_nos
        for step in RELEASE
    ]


def _plans(app, seller, broker, receipts) -> list[Plan]:
    keys = ("SILKPOST_DATA_DIR", "SQLALCHEMY_DATABASE_URI", "REDIS_URL", "TESTING")
    config = {**{k: app.config[k] for k in keys}, **DECLARING}
    shared = [export_body(500 + n, order_no=f"SH-{n:03d}") for n in range(SHARED)]
    return [
        Plan(
            config=config,
            seed=i,
            seller=seller["Authorization"],
            broker=broker["Authorization"],
            orders=shared
            + [export_body(600 + i * OWN + k, order_no=f"P{i}-{k}") for k in range(OWN)],
            receipts=random.Random(100 + i).sample(receipts, len(receipts)),
            allocations=ALLOCATIONS,
        )
        for i in range(PROCESSES)
    ]


def _run_all(plans: list[Plan]):
    with ProcessPoolExecutor(PROCESSES, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(run, plans, timeout=CHILD_TIMEOUT))


def test_concurrent_clients_lose_and_double_nothing(app, client, make_user, postgresql):
    from app.extensions import db
    from app.models import Order, Parcel, QuotaLedgerEntry

    configure(app)
    seller, broker = parties(client, make_user)
    filed = _filed_orders(app, client, seller, broker)
    declared = {oid: db.session.get(QuotaLedgerEntry, oid).amount for oid in filed}
    plans = _plans(app, seller, broker, _receipts(app, filed.values()))
    db.session.commit()
    db.session.remove()

    outcomes = _run_all(plans)

    assert [e for o in outcomes for e in o.errors] == []
    _assert_one_order_per_order_no(outcomes)
    orders = db.session.execute(db.select(Order.order_no, Order.id)).all()
    assert len(orders) == FILED + SHARED + PROCESSES * OWN
    assert len({no for no, _ in orders}) == len(orders)
    parcels = db.session.execute(db.select(Parcel.item_id)).scalars().all()
    allocated = [i for o in outcomes for i in o.allocated]
    assert len(allocated) == PROCESSES * ALLOCATIONS * plans[0].block
    issued = parcels + allocated
    assert len(set(issued)) == len(issued), "an S10 id was issued twice"
    assert all(s10.is_valid(i) for i in issued)
    _assert_released_once(client, broker, filed, declared)


def _assert_one_order_per_order_no(outcomes) -> None:
    answers = defaultdict(list)
    for outcome in outcomes:
        for order_no, status, order_id in outcome.orders:
            answers[order_no].append((status, order_id))
    for order_no, seen in answers.items():
        expected = PROCESSES if order_no.startswith("SH-") else 1
        assert len(seen) == expected, order_no
        assert Counter(status for status, _ in seen) == (
            {201: 1, 200: expected - 1} if expected > 1 else {201: 1}
        ), order_no
        assert len({order_id for _, order_id in seen}) == 1, order_no


def _assert_released_once(client, broker, filed, declared) -> None:
    from support import headers

    from app.extensions import db
    from app.models import Order, QuotaLedgerEntry, StatusEvent

    db.session.expire_all()
    per_buyer: dict[str, Decimal] = defaultdict(Decimal)
    for oid in filed:
        entry = db.session.get(QuotaLedgerEntry, oid)
        assert (entry.state, entry.amount) == ("released", declared[oid])
        per_buyer[entry.buyer_id] += entry.amount
        assert db.session.get(Order, oid).status == "released"
        events = db.session.execute(
            db.select(StatusEvent.status).where(
                StatusEvent.order_id == oid, StatusEvent.message_type == "CEB622"
            )
        ).scalars()
        assert sorted(events) == sorted(status for status, _ in RELEASE), oid
    assert len(per_buyer) == BUYERS
    for buyer, used in per_buyer.items():
        r = client.get(f"/api/v1/buyers/{buyer}/quota", headers=headers(broker))
        assert r.status_code == 200, r.json
        assert Decimal(r.json["used"]) == used
