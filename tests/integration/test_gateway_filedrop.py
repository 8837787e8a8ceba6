"""The folder gateway: each message written once under its name, receipts read once,
unreadable receipts quarantined with a reason, gateway errors retried."""

import threading

import pytest
from clearance_support import (
    CEB_DIR,
    Customs,
    case_of,
    configure,
    create,
    hand_over,
    import_body,
    parties,
    work,
)
from integration.test_receipts_api import inventory_receipt
from support import headers

from app.gateway import IncomingFile, gateway_for
from app.gateway.filedrop import FileDrop


def test_a_message_is_written_once_under_its_name(tmp_path):
    drop = FileDrop(tmp_path)
    assert drop.submit("CEB311_a_v1_a1.xml", b"one") is True
    assert drop.submit("CEB311_a_v1_a1.xml", b"two") is False
    assert (drop.outbox / "CEB311_a_v1_a1.xml").read_bytes() == b"one"
    # taken by the transfer client: still sent
    (drop.outbox / "CEB311_a_v1_a1.xml").rename(drop.sent / "CEB311_a_v1_a1.xml")
    assert drop.submit("CEB311_a_v1_a1.xml", b"three") is False
    assert not (drop.outbox / "CEB311_a_v1_a1.xml").exists()
    assert [p.name for p in drop.outbox.iterdir()] == ["sent"]  # no temporary files left
    for bad in ("", ".hidden", "../x.xml", "a/b.xml"):
        with pytest.raises(ValueError):
            drop.submit(bad, b"x")


def test_racing_writers_leave_one_file(tmp_path):
    drop = FileDrop(tmp_path)
    results, start = [], threading.Barrier(8)

    def write(n):
        start.wait()
        results.append(drop.submit("CEB621_x_v1_a1.xml", f"writer {n}".encode()))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 7 + [True]
    assert sorted(p.name for p in drop.outbox.iterdir()) == ["CEB621_x_v1_a1.xml", "sent"]


def test_poll_skips_temporary_files_and_moves_what_it_read(tmp_path):
    drop = FileDrop(tmp_path)
    (drop.inbox / ".half-written.tmp").write_bytes(b"...")
    (drop.inbox / "b.xml").write_bytes(b"B")
    (drop.inbox / "a.xml").write_bytes(b"A")
    found = drop.poll()
    assert [(f.name, f.content) for f in found] == [("a.xml", b"A"), ("b.xml", b"B")]
    drop.done(found[0])
    drop.quarantine(found[1], "not a receipt")
    assert (drop.done_dir / "a.xml").read_bytes() == b"A"
    assert (drop.quarantine_dir / "b.xml.reason.txt").read_text() == "not a receipt\n"
    assert [f.name for f in drop.poll()] == []
    (drop.inbox / "a.xml").write_bytes(b"A again")  # the same name once more: kept apart
    drop.done(drop.poll()[0])
    assert sorted(p.name for p in drop.done_dir.iterdir()) == ["a.xml", "a.xml.1"]
    drop.done(IncomingFile("gone.xml", drop.inbox / "gone.xml", b""))  # taken meanwhile


def test_the_configured_gateway_uses_the_folders(app):
    assert isinstance(gateway_for(app.config), FileDrop)
    with pytest.raises(ValueError, match="GATEWAY"):
        gateway_for({**app.config, "GATEWAY": "carrier-pigeon"})


@pytest.fixture
def gateway(app):
    return FileDrop(app.config["GATEWAY_DIR"])


def test_unreadable_receipts_are_quarantined_with_a_reason(app, gateway):
    from app.extensions import db
    from app.models import InboxFile
    from app.services import inbox

    (gateway.inbox / "garbage.xml").write_bytes(b"<not xml")
    (gateway.inbox / "entity.xml").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<CEB622Message>&x;</CEB622Message>"
    )
    (gateway.inbox / "huge.xml").write_bytes(b"<a>" + b" " * (5 * 1024 * 1024 + 10) + b"</a>")
    (gateway.inbox / "unknown.xml").write_bytes(
        inventory_receipt("NOBODY", ("2", "20261128100000000"))
    )
    assert inbox.poll() == {"done": 1, "repeated": 0, "quarantined": 3, "events": 1}
    quarantined = sorted(p.name for p in gateway.quarantine_dir.iterdir())
    assert quarantined == [
        "entity.xml",
        "entity.xml.reason.txt",
        "garbage.xml",
        "garbage.xml.reason.txt",
        "huge.xml",
        "huge.xml.reason.txt",
    ]
    assert "too large" in (gateway.quarantine_dir / "huge.xml.reason.txt").read_text()
    assert "cannot be read" in (gateway.quarantine_dir / "garbage.xml.reason.txt").read_text()
    rows = {r.name: r for r in db.session.query(InboxFile)}
    assert rows["unknown.xml"].state == "done" and rows["unknown.xml"].result["unmatched"] == [
        "NOBODY"
    ]
    assert rows["garbage.xml"].state == "quarantined" and rows["garbage.xml"].reason
    assert list(gateway.inbox.glob("*.xml")) == []


def test_a_receipt_ingested_before_a_crash_is_not_read_again(app, gateway):
    from app.extensions import db
    from app.models import InboxFile, StatusEvent
    from app.services import inbox

    body = inventory_receipt("X-1", ("2", "20261128100000000"))
    (gateway.inbox / "r1.xml").write_bytes(body)
    assert inbox.poll()["done"] == 1
    # as if the process died after the commit, before the move: the file is back
    (gateway.done_dir / "r1.xml").rename(gateway.inbox / "r1.xml")
    assert inbox.poll() == {"done": 0, "repeated": 1, "quarantined": 0, "events": 0}
    assert db.session.query(InboxFile).count() == 1
    assert db.session.query(StatusEvent).count() == 1
    assert list(gateway.inbox.glob("*.xml")) == []


def test_receipts_are_ingested_together_and_a_failing_one_alone(app, gateway, monkeypatch):
    """Several receipt files are one transaction; when ingesting them together fails, each
    is taken alone, so only the file that cannot be ingested is quarantined."""
    from app.extensions import db
    from app.models import InboxFile, StatusEvent
    from app.services import clearance, inbox

    for n in range(3):
        (gateway.inbox / f"r{n}.xml").write_bytes(
            inventory_receipt(f"G-{n}", ("2", "20261128100000000"))
        )
    real = clearance.ingest_events
    groups = []

    def ingest(events, actor):
        keys = sorted(e.business_key for e in events)
        groups.append(keys)
        if "G-1" in keys:
            raise RuntimeError("cannot follow G-1")
        return real(events, actor)

    monkeypatch.setattr(clearance, "ingest_events", ingest)
    assert inbox.poll() == {"done": 2, "repeated": 0, "quarantined": 1, "events": 2}
    assert groups == [["G-0", "G-1", "G-2"], ["G-0"], ["G-1"], ["G-2"]]
    rows = {r.name: r for r in db.session.query(InboxFile)}
    assert {n: r.state for n, r in rows.items()} == {
        "r0.xml": "done",
        "r1.xml": "quarantined",
        "r2.xml": "done",
    }
    assert "cannot follow G-1" in rows["r1.xml"].reason
    assert sorted(r.business_key for r in db.session.query(StatusEvent)) == ["G-0", "G-2"]

    monkeypatch.setattr(clearance, "ingest_events", real)
    for n in range(3, 6):
        (gateway.inbox / f"r{n}.xml").write_bytes(
            inventory_receipt(f"G-{n}", ("2", "20261128100000000"))
        )
    assert inbox.poll() == {"done": 3, "repeated": 0, "quarantined": 0, "events": 3}
    later = db.session.query(InboxFile).filter(InboxFile.name >= "r3").all()
    assert [r.result["ingested_with"] for r in later] == [3, 3, 3]


needs_reference = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")


class Refusing:
    """A gateway whose folder is unavailable (a full disk, a lost mount)."""

    def submit(self, name, envelope):
        raise OSError(28, "No space left on device")

    def submit_all(self, messages):
        raise OSError(28, "No space left on device")


@needs_reference
def test_a_gateway_error_is_retried_and_the_case_keeps_it(app, client, make_user, monkeypatch):
    from rq.job import Job

    from app.jobs.queues import queues
    from app.services import filing

    configure(app)
    seller, broker = parties(client, make_user)
    (cid,) = hand_over(client, seller, [create(client, seller, import_body(1))])
    work(app)
    monkeypatch.setattr(filing, "gateway_for", lambda config: Refusing())
    assert (
        client.post(f"/api/v1/clearance/{cid}/approve", headers=headers(broker)).status_code == 200
    )
    work(app)
    case = case_of(client, broker, cid)
    assert case["status"] == "submitting" and "No space left" in case["error"]
    assert case["events"][-1]["action"] == "submit_error"
    job = Job.fetch(f"submit-{cid}-v1", connection=queues.connection)
    assert job.get_status() == "scheduled" and job.retries_left == 4  # back-off: 2, 10, 30…
    monkeypatch.undo()
    queues.get("gateway").enqueue_job(job)  # its retry time has come
    work(app)
    case = case_of(client, broker, cid)
    assert case["status"] == "submitted" and case["error"] is None
    assert len(case["messages"]) == 4
    assert len(Customs(app.config["GATEWAY_DIR"]).take()) == 4
