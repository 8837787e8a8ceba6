"""Real worker processes killed in the middle of an import.

- The worker is SIGKILLed (its work horse dies with it): the reconciler sees the job's
  heartbeat lapse, RQ retries it, a new worker resumes after the last committed chunk, and
  every order is stored exactly once.
- The work horse is SIGKILLed: its validation helpers die with it (none is left running),
  and the worker retries the job to the same exact result.
"""

import copy
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
from intake_support import upload
from support import BASE_EXPORT_ORDER, order_rows, write_csv

from app.extensions import db
from app.models import ImportBatch, Order

pytestmark = pytest.mark.slow

ORDERS = 1500


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait(condition, what: str, timeout: float = 120, every: float = 0.05):
    """Poll ``condition`` until it returns something true; a hang guard, not a timing check."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
def start_worker(app, database_url, tmp_path):
    started: list[subprocess.Popen] = []

    def start(processes: int) -> subprocess.Popen:
        env = dict(
            os.environ,
            DATABASE_URL=database_url,
            REDIS_URL=app.config["REDIS_URL"],
            SILKPOST_DATA_DIR=app.config["SILKPOST_DATA_DIR"],
            SILKPOST_IMPORT_CHUNK_ORDERS="25",
            SILKPOST_IMPORT_PROCESSES=str(processes),
        )
        log = open(tmp_path / f"worker-{len(started)}.log", "w")  # noqa: SIM115
        command = [sys.executable, "-m", "app.cli", "worker", "--with-scheduler"]
        worker = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()


def _upload(client, seller, tmp_path) -> str:
    rows = []
    for n in range(ORDERS):
        body = copy.deepcopy(BASE_EXPORT_ORDER)
        body["order_no"] = f"K-{n:05d}"
        rows.extend(order_rows(body))
    path = tmp_path / "orders.csv"
    write_csv(path, rows)
    r = upload(client, seller, path)
    assert r.status_code == 202, r.json
    return r.json["id"]


def _batch(batch_id: str) -> ImportBatch:
    db.session.expire_all()
    return db.session.get(ImportBatch, batch_id)


def _mid_import(batch_id: str) -> bool:
    b = _batch(batch_id)
    return b.status == "running" and 0 < b.processed_rows < b.total_rows


def _horse(worker: subprocess.Popen) -> psutil.Process:
    """The worker's work horse: the child that leads its own process group (the other
    child is the scheduler)."""

    def find():
        children = psutil.Process(worker.pid).children()
        return next((c for c in children if os.getpgid(c.pid) == c.pid), None)

    return _wait(find, "the horse")


def _stored_exactly_once(batch_id: str) -> None:
    b = _batch(batch_id)
    assert (b.status, b.created, b.duplicates, b.failed) == ("done", ORDERS, 0, 0), b.message
    assert (b.total_rows, b.processed_rows) == (2 * ORDERS, 2 * ORDERS)
    numbers = db.session.execute(db.select(Order.order_no)).scalars().all()
    assert sorted(numbers) == [f"K-{n:05d}" for n in range(ORDERS)]


def test_a_killed_workers_import_is_found_abandoned_and_resumed(
    app, client, make_user, tmp_path, start_worker
):
    from app.jobs import reconcile

    seller = make_user("seller")
    batch_id = _upload(client, seller, tmp_path)
    worker = start_worker(0)
    horse = _horse(worker)
    _wait(lambda: _mid_import(batch_id), "the import to be under way")
    family = psutil.Process(worker.pid).children(recursive=True)  # the horse, the scheduler
    os.kill(worker.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    worker.wait(timeout=10)
    _wait(lambda: not any(_alive(p) for p in family), "the worker's children to die", 15)
    assert not _alive(horse)
    stopped = _batch(batch_id)
    assert stopped.status == "running" and stopped.processed_rows < stopped.total_rows

    def abandoned() -> bool:
        return f"import-{batch_id}" in reconcile.reconcile()["abandoned"]

    _wait(abandoned, "the reconciler to find the job abandoned", every=1)
    print(f"abandoned job found {time.monotonic() - killed_at:.1f} s after the worker was killed")
    start_worker(0)
    _wait(lambda: _batch(batch_id).status == "done", "the resumed import", every=0.5)
    _stored_exactly_once(batch_id)


def test_a_killed_horse_leaves_no_helper_running(app, client, make_user, tmp_path, start_worker):
    seller = make_user("seller")
    batch_id = _upload(client, seller, tmp_path)
    worker = start_worker(2)
    horse = _horse(worker)
    helpers = _wait(lambda: len(horse.children()) >= 2 and horse.children(), "the helpers")
    _wait(lambda: _mid_import(batch_id), "the import to be under way")
    family = horse.children(recursive=True)
    assert len(family) >= 2
    horse.send_signal(signal.SIGKILL)

    def orphans() -> list:
        return [p for p in family if _alive(p)]

    _wait(lambda: not orphans(), "the helpers to die with the horse", timeout=15)
    assert orphans() == [] and all(not _alive(p) for p in helpers)
    # the worker saw its horse die and retries the job, which resumes to the same result
    _wait(lambda: _batch(batch_id).status == "done", "the retried import", every=0.5)
    _stored_exactly_once(batch_id)
