"""``/healthz`` is liveness (answers whatever is down); ``/readyz`` asks the database, Redis
and the workers' heartbeats, reports queue depths, and answers 503 in the one envelope,
naming each dependency that is down."""

from datetime import UTC, datetime, timedelta

from rq import Worker

from app import create_app
from app.jobs.queues import QUEUE_NAMES, queues
from app.jobs.runner import WORKER_TTL, make_worker


def _register(app, beat: datetime | None = None) -> Worker:
    """A worker as RQ registers one (its process is not needed to be seen)."""
    worker = make_worker(app, simple=True)
    worker.register_birth()
    if beat is not None:
        worker.connection.hset(worker.key, "last_heartbeat", beat.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    return worker


def test_ready_with_a_live_worker_reports_each_dependency_and_queue_depths(app, client):
    worker = _register(app)
    queues.get("intake").enqueue("app.jobs.periodic.run_task", "no-such-task")
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["status"], body["database"], body["redis"]) == ("ready", "ok", "ok")
    assert body["queues"] == {name: int(name == "intake") for name in QUEUE_NAMES}
    (seen,) = body["workers"]
    assert seen["name"] == worker.name and seen["state"] == "?"  # RQ: not yet working
    assert seen["queues"] == list(QUEUE_NAMES)
    assert datetime.fromisoformat(seen["last_heartbeat"]).utcoffset() == timedelta(0)


def test_no_worker_or_only_a_silent_one_is_not_ready(app, client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json == {
        "code": 503,
        "status": "Service Unavailable",
        "message": "Not ready: workers down.",
        "errors": {"workers": [f"no worker has sent a heartbeat in the last {WORKER_TTL} s"]},
    }
    _register(app, beat=datetime.now(UTC) - timedelta(seconds=WORKER_TTL + 5))
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").json == {"status": "ok"}


def test_redis_down_is_not_ready_but_alive(app, tmp_path):
    down = create_app(
        {
            **{k: app.config[k] for k in ("SILKPOST_DATA_DIR", "SQLALCHEMY_DATABASE_URI")},
            "REDIS_URL": f"unix://{tmp_path / 'no-redis.socket'}",
            "TESTING": True,
        }
    )
    client = down.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["message"] == "Not ready: redis down."
    assert response.json["errors"] == {"redis": ["unreachable (ConnectionError)"]}
    assert client.get("/healthz").status_code == 200


def test_database_down_is_not_ready(app, tmp_path):
    _register(app)
    missing = tmp_path / "no-such-dir" / "x.db"
    down = create_app(
        {
            "SILKPOST_DATA_DIR": app.config["SILKPOST_DATA_DIR"],
            "REDIS_URL": app.config["REDIS_URL"],
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}",
            "TESTING": True,
        }
    )
    response = down.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["errors"] == {"database": ["unreachable (OperationalError)"]}


def test_a_worker_unknown_to_a_restarted_redis_registers_again_at_its_heartbeat(app):
    worker = make_worker(app)
    worker.register_birth()
    worker.connection.delete(worker.key)
    worker.connection.srem("rq:workers", worker.key)
    assert worker.name not in {w.name for w in Worker.all(connection=worker.connection)}
    worker.heartbeat()
    assert worker.name in {w.name for w in Worker.all(connection=worker.connection)}
    worker.register_death()
