"""The ticker's look at the gateway inbox between its seconds (``wake_inbox_poll``)."""

from app.jobs import gateway as gateway_jobs
from app.jobs.queues import queues


def _inbox(app):
    from app.gateway import gateway_for

    return gateway_for(app.config).inbox


def test_a_receipt_in_the_inbox_queues_one_poll_at_once(app):
    inbox = _inbox(app)
    assert gateway_jobs.wake_inbox_poll() is None  # nothing there
    (inbox / ".CEB622_1.xml.tmp").write_bytes(b"<half written")
    assert gateway_jobs.wake_inbox_poll() is None  # a file being written is not a receipt
    (inbox / "CEB622_1.xml").write_bytes(b"<receipt/>")
    first = gateway_jobs.wake_inbox_poll()
    assert first == "poll-inbox-woken"
    assert gateway_jobs.wake_inbox_poll() == first  # still waiting: no second poll
    assert queues.get("gateway").job_ids == [first]


def test_no_poll_is_queued_while_one_reads_the_inbox(app):
    (_inbox(app) / "CEB622_2.xml").write_bytes(b"<receipt/>")
    lock = queues.connection.lock(gateway_jobs.POLL_LOCK, timeout=60, blocking=False)
    assert lock.acquire()
    try:
        assert gateway_jobs.wake_inbox_poll() is None  # the reading poll follows the stream
    finally:
        lock.release()
    assert gateway_jobs.wake_inbox_poll() == "poll-inbox-woken"


def test_the_inbox_task_wakes_with_its_probe():
    from app.jobs import load, periodic

    load()
    assert periodic.TASKS["gateway-inbox"].wake is gateway_jobs.wake_inbox_poll
