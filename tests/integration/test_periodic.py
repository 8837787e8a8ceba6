"""Periodic tasks: one job per task and slot however many tickers run, run by a worker."""

import json
import threading
import time

import pytest

from app.jobs import periodic
from app.jobs.queues import queues

CALLS: list[str] = []


def _task() -> dict:
    CALLS.append("ran")
    return {"ran": len(CALLS)}


@pytest.fixture
def tasks(monkeypatch):
    """Only the test's own task (every 60 s), besides nothing else."""
    monkeypatch.setattr(periodic, "TASKS", {})
    CALLS.clear()
    periodic.periodic("probe-task", every=60, at_start=True)(_task)
    return periodic.TASKS


def test_one_job_per_task_and_slot(app, tasks):
    t0 = 1_800_000_000.0  # a slot boundary of 60 s
    assert periodic.tick(t0) == ["periodic-probe-task-30000000"]
    assert periodic.tick(t0 + 59) == []  # same slot: a second tick, or a second ticker
    assert periodic.tick(t0 + 60) == ["periodic-probe-task-30000001"]
    queue = queues.get("periodic")
    assert sorted(queue.job_ids) == ["periodic-probe-task-30000000", "periodic-probe-task-30000001"]
    job = queue.fetch_job("periodic-probe-task-30000000")
    assert job.ttl == 60  # not started within its interval, it expires instead of piling up

    from app.jobs.runner import make_worker

    make_worker(app, simple=True).work(burst=True, with_scheduler=False)
    assert CALLS == ["ran", "ran"]
    assert job.latest_result().return_value == {"ran": 1}


def test_the_ticker_runs_start_up_tasks_then_ticks(app, tasks, monkeypatch):
    monkeypatch.setattr("app.jobs.load", lambda: None)
    stop = threading.Event()
    ticker = threading.Thread(target=periodic.run_ticker, args=(app, stop, 0.05))
    ticker.start()
    try:
        for _ in range(200):  # until the first tick has enqueued the task
            if queues.get("periodic").count:
                break
            time.sleep(0.05)
    finally:
        stop.set()
        ticker.join(timeout=10)
    assert CALLS == ["ran"]  # the start-up run, in the ticker itself
    assert queues.get("periodic").count == 1  # and this slot's job, once


def test_the_cli_runs_a_task_now_or_enqueues_what_is_due(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["periodic", "--run", "reconcile-jobs"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)["reconcile-jobs"]
    assert report["abandoned"] == [] and report["imports"] == {"enqueued": 0, "given_up": 0}
    result = runner.invoke(args=["periodic", "--once"])
    assert result.exit_code == 0, result.output
    assert any(
        j.startswith("periodic-reconcile-jobs-") for j in json.loads(result.output)["enqueued"]
    )
    result = runner.invoke(args=["periodic", "--run", "no-such-task"])
    assert result.exit_code != 0 and "no periodic task" in result.output


def test_the_ticker_looks_at_wake_probes_between_its_slots(app, monkeypatch):
    """A task's wake probe runs in the ticker every WAKE_SECONDS, while the slots stay one
    per interval: work it finds is queued at once, not at the next slot."""
    monkeypatch.setattr("app.jobs.load", lambda: None)
    monkeypatch.setattr(periodic, "TASKS", {})
    monkeypatch.setattr(periodic, "WAKE_SECONDS", 0.02)
    looks: list[float] = []

    def probe() -> bool:
        looks.append(time.monotonic())
        if len(looks) == 3:
            raise RuntimeError("a probe that fails is logged and looked at again")
        return False

    periodic.periodic("slow-task", every=60, wake=probe)(_task)
    stop = threading.Event()
    ticker = threading.Thread(target=periodic.run_ticker, args=(app, stop, 30.0))
    ticker.start()
    try:
        for _ in range(500):
            if len(looks) >= 6:
                break
            time.sleep(0.01)
    finally:
        stop.set()
        ticker.join(timeout=10)
    assert len(looks) >= 6  # looked again and again, past the failing look
    assert looks[-1] - looks[0] < 30  # well within one tick interval
    assert queues.get("periodic").count == 1  # the slot's job, once


def test_wake_names_the_tasks_whose_probe_found_work(app, monkeypatch):
    monkeypatch.setattr(periodic, "TASKS", {})
    periodic.periodic("busy", every=60, wake=lambda: "queued-job-id")(_task)
    periodic.periodic("idle", every=60, wake=lambda: None)(_task)
    periodic.periodic("plain", every=60)(_task)
    assert periodic.wake() == ["busy"]
