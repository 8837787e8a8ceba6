"""``silkpost up`` as a supervisor, on real processes: a SIGKILLed worker and a SIGKILLed
embedded Redis come back (``/readyz`` is ready again, with a worker that was not there
before), every exit and restart is logged, and SIGTERM leaves no process behind."""

import os
import signal
import subprocess
import sys

import psutil
import pytest
from stack_support import (
    alive,
    children,
    descendants,
    free_port,
    readyz,
    start_up,
    stop,
    up_env,
    wait_for,
)

from app.jobs.queues import QUEUE_NAMES
from app.supervisor import Backoff, Child, Supervisor

pytestmark = pytest.mark.slow

# Bounds of the polls below: hang guards, generous for a loaded CI machine.
START_BOUND = 120
RESTORE_BOUND = 90


@pytest.fixture
def stack(tmp_path):
    if os.environ.get("SILKPOST_TEST_DATABASE_URL"):
        pytest.skip("the supervisor test runs its own SQLite data dir")
    port, log = free_port(), tmp_path / "up.log"
    proc = start_up(up_env(tmp_path / "data"), port, log)
    yield proc, port, log
    if proc.poll() is None:
        stop(proc)


def _ready(port: int, extra=lambda body: True):
    status, body = readyz(port)
    return body if status == 200 and extra(body) else None


def _names(body: dict) -> set[str]:
    return {w["name"] for w in body["workers"]}


def test_up_restarts_a_killed_worker_and_redis_and_leaves_no_child(stack):
    proc, port, log = stack
    first = wait_for(lambda: _ready(port), "the stack to be ready", START_BOUND)
    assert set(first["queues"]) == set(QUEUE_NAMES)
    (worker,) = children(proc.pid, "app.cli worker")
    os.kill(worker, signal.SIGKILL)
    fresh = lambda body: _names(body) - _names(first)  # noqa: E731
    after_worker = wait_for(lambda: _ready(port, fresh), "a new worker", RESTORE_BOUND)
    assert children(proc.pid, "app.cli worker") != [worker]

    (redis_server,) = children(proc.pid, "redis-server")
    os.kill(redis_server, signal.SIGKILL)

    def redis_back():
        restarted = [p for p in children(proc.pid, "redis-server") if p != redis_server]
        return restarted and _ready(port)

    wait_for(redis_back, "Redis to be back and ready", RESTORE_BOUND)
    assert _ready(port)["workers"], after_worker
    tree = descendants(proc.pid)
    assert len(tree) >= 6  # redis, worker (+ scheduler), ticker, gunicorn (+ its workers)

    assert stop(proc) == 0
    left = [p for p in tree if alive(p)]
    assert left == [], [p.cmdline() for p in left]
    text = log.read_text()
    assert f"supervisor: worker-0 pid {worker} exited (signal SIGKILL); restarting in" in text
    assert f"supervisor: redis pid {redis_server} exited (signal SIGKILL); restarting in" in text
    assert "supervisor: worker-0 restarted (pid" in text
    assert "supervisor: redis restarted (pid" in text
    assert text.rstrip().endswith("stopped")


def test_backoff_doubles_on_quick_failures_up_to_its_maximum_and_starts_over_when_stable():
    backoff = Backoff(initial=0.5, maximum=4, stable_after=30)
    delays, delay = [], 0.0
    for _ in range(6):
        delay = backoff.next(delay, ran_for=1)
        delays.append(delay)
    assert delays == [0.5, 1, 2, 4, 4, 4]
    assert backoff.next(4, ran_for=31) == 0.5


def test_supervisor_restarts_a_failing_child_and_stops_the_rest():
    messages: list[str] = []
    crash = [sys.executable, "-c", "import sys; sys.exit(3)"]
    sleep = [sys.executable, "-c", "import time; time.sleep(600)"]
    crashing = Child("crashing", lambda: subprocess.Popen(crash))
    steady = Child("steady", lambda: subprocess.Popen(sleep), stops_last=True)
    supervisor = Supervisor(
        [crashing, steady], Backoff(initial=0.1, maximum=0.4), report=messages.append
    )
    supervisor.start()
    try:
        wait_for(lambda: supervisor.poll() or crashing.restarts >= 3, "three restarts", 60)
    finally:
        supervisor.stop(grace=10)
    assert steady.process.returncode == -signal.SIGTERM and steady.restarts == 0
    assert not psutil.pid_exists(crashing.pid) or crashing.process.returncode is not None
    pid = messages[0].split()[2]
    assert messages[0] == f"crashing pid {pid} exited (status 3); restarting in 0.1 s"
    assert messages[1].startswith("crashing restarted (pid ")
    assert [m.rsplit(" in ", 1)[1] for m in messages if "restarting" in m][:3] == [
        "0.1 s",
        "0.2 s",
        "0.4 s",
    ]
