"""Crash safety: a worker killed in the middle of filing; after a restart and the reaper
every case is filed exactly once (one outbox file per message) and nothing is lost."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clearance_support import (
    CEB_DIR,
    DECLARING,
    configure,
    create,
    hand_over,
    import_body,
    parties,
    resident_id,
    work,
)
from support import headers

pytestmark = [
    pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference"),
    pytest.mark.slow,
]


def _worker(app, database_url, **extra) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=app.config["REDIS_URL"],
        SILKPOST_DATA_DIR=app.config["SILKPOST_DATA_DIR"],
        SILKPOST_GATEWAY_DIR=app.config["GATEWAY_DIR"],
        CEB_XSD_DIR=DECLARING["CEB_XSD_DIR"],
        SILKPOST_SUBMIT_STUCK_SECONDS="0",
        **{f"SILKPOST_{k}": v for k, v in DECLARING.items() if k != "CEB_XSD_DIR"},
        **extra,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker", "--burst", "--without-scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the work horse dies with it
    )


def _files(outbox: Path) -> list[str]:
    return sorted(p.name for p in [*outbox.glob("CEB*.xml"), *(outbox / "sent").glob("CEB*.xml")])


def _wait_for(predicate, proc, timeout=90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc.poll() is not None:
            pytest.fail(f"the worker exited early: {proc.stdout.read()}")
        time.sleep(0.05)
    pytest.fail("timed out")


def test_a_worker_killed_while_filing_leaves_each_message_filed_once(
    app, client, make_user, database_url
):
    from app.extensions import db
    from app.jobs.gateway import reap_now
    from app.models import ClearanceCase, OutboxMessage, QuotaLedgerEntry

    configure(app)
    app.config["SUBMIT_STUCK_SECONDS"] = 0
    seller, broker = parties(client, make_user)
    orders = [create(client, seller, import_body(n, resident_id(n))) for n in range(3)]
    case_ids = hand_over(client, seller, orders)
    work(app)
    r = client.post(
        "/api/v1/clearance/approve", json={"case_ids": case_ids}, headers=headers(broker)
    )
    assert len(r.json["approved"]) == 3
    outbox = Path(app.config["GATEWAY_DIR"]) / "outbox"

    doomed = _worker(app, database_url, SILKPOST_FAULT_PAUSE_AFTER_FIRST_FILE="60")
    try:
        _wait_for(lambda: len(_files(outbox)) == 1, doomed)
    finally:
        os.killpg(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=30)
    db.session.expire_all()
    states = {c.id: c.status for c in db.session.query(ClearanceCase)}
    assert sorted(states.values()) == ["submitting"] * 3  # the batch was taken, then killed
    (first_file,) = _files(outbox)

    assert reap_now()["submit"] == 3  # a new job for each stuck case
    again = _worker(app, database_url)
    out, _ = again.communicate(timeout=120)
    assert again.returncode == 0, out

    db.session.expire_all()
    assert {c.status for c in db.session.query(ClearanceCase)} == {"submitted"}
    files = _files(outbox)
    expected = sorted(
        f"{m}_{cid}_v1_a1.xml" for cid in case_ids for m in ("CEB311", "CEB411", "CEB511", "CEB621")
    )
    assert files == expected and first_file in files
    assert db.session.query(OutboxMessage).count() == 12
    assert not list(outbox.glob(".*.tmp"))
    entries = db.session.query(QuotaLedgerEntry).all()
    assert sorted(e.state for e in entries) == ["declared"] * 3
    resumed = [e.action for cid in case_ids for e in db.session.get(ClearanceCase, cid).events]
    assert resumed.count("submit_resumed") == 3 and resumed.count("filed") == 3
