"""Jobs of the inline queues run in the worker's own process, their execution kept alive by
a heartbeat thread; the other queues' jobs still run in a forked horse."""

from __future__ import annotations

import gc
import os
import threading

from rq.job import Job

from app.jobs.queues import queues
from app.jobs.runner import AppWorker


def _worker(app, **kwargs) -> AppWorker:
    with app.app_context():
        return AppWorker(queues.all(), connection=queues.connection, app=app, **kwargs)


def test_batch_queues_run_inline_and_the_others_in_a_horse(app):
    assert set(app.config["WORKER_INLINE_QUEUES"]) == {"periodic", "clearance", "gateway"}
    with app.app_context():
        inline = queues.get("clearance").enqueue("os.getpid")
        forked = queues.get("default").enqueue("os.getpid")
    worker = _worker(app)
    try:
        worker.work(burst=True, with_scheduler=False)
    finally:
        gc.unfreeze()
    inline = Job.fetch(inline.id, connection=queues.connection)
    forked = Job.fetch(forked.id, connection=queues.connection)
    assert (inline.get_status(), forked.get_status()) == ("finished", "finished")
    assert inline.return_value() == os.getpid()
    assert forked.return_value() != os.getpid()


def test_an_inline_job_keeps_its_heartbeat_and_is_never_signalled_as_a_horse(app):
    worker = _worker(app, job_monitoring_interval=0.2)
    beats = []
    real = worker.maintain_heartbeats

    def counting(job, execution):
        beats.append(job.id)
        return real(job, execution)

    worker.maintain_heartbeats = counting  # type: ignore[method-assign]
    with app.app_context():
        job = queues.get("gateway").enqueue("time.sleep", 1.5)
    # a cold shutdown's kill of "the horse" while the job runs inline must not signal this
    # process group (os.killpg of pid 0's group would end the test run itself)
    killer = threading.Timer(0.7, worker.kill_horse)
    killer.start()
    try:
        worker.work(burst=True, with_scheduler=False)
    finally:
        killer.join()
        gc.unfreeze()
    assert Job.fetch(job.id, connection=queues.connection).get_status() == "finished"
    assert len(beats) >= 3 and set(beats) == {job.id}
    assert worker.wait_for_horse() == (None, None, None)
