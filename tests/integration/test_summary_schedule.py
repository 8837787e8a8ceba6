"""The scheduled monthly summary run (``monthly-summaries``, from ``SUMMARY_AUTO_DAY``):
the previous month's summary of every seller with released, unsummarised export
inventories, filed through the gateway and answered by the customs simulator; asked again
every hour, it files nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from clearance_support import (
    CEB_DIR,
    Simulator,
    configure,
    create,
    export_body,
    file_orders,
    parties,
    settle,
    work,
)
from support import headers

from app.jobs import periodic
from app.models import SummaryFiling

pytestmark = pytest.mark.skipif(not CEB_DIR.exists(), reason="needs the CEB reference")
# 09:00 on 5 December in China: the run is due on the 5th.
DEC_5 = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
DEC_4_LATE = datetime(2026, 12, 4, 15, 59, tzinfo=UTC)  # 23:59 on the 4th in China


@pytest.fixture
def released(app, client, make_user):
    configure(app)
    seller, broker = parties(client, make_user)
    sim = Simulator(app)
    orders = [create(client, seller, export_body(n)) for n in (1, 2, 3)]
    file_orders(app, client, seller, broker, orders)
    settle(app, sim)
    yield app, client, seller, broker, sim
    sim.close()


def _filings(app) -> list[SummaryFiling]:
    from app.extensions import db

    db.session.expire_all()
    return list(db.session.execute(db.select(SummaryFiling)).scalars())


def test_the_monthly_run_files_the_previous_month_once(released, monkeypatch):
    from app.services import summary_schedule

    app, client, seller, broker, sim = released
    assert summary_schedule.run(DEC_5) == {"month": None, "summaries": {}}  # off by default
    app.config["SUMMARY_AUTO_DAY"] = 5
    assert summary_schedule.run(DEC_4_LATE)["month"] is None  # not the 5th yet in China
    assert _filings(app) == []

    first = summary_schedule.run(DEC_5)
    assert first["month"] == "2026-11"
    ((seller_id, asked),) = first["summaries"].items()
    assert asked["status"] == "queued"
    settle(app, sim)
    (filing,) = _filings(app)
    assert (filing.id, filing.seller_id, filing.month) == (asked["summary"], seller_id, "2026-11")
    assert filing.status == "declared", filing.error
    (application,) = filing.applications
    assert len(application.invt_nos) == 3 and application.status == "accepted"

    # Every hour after: nothing is left to summarise and the month has its summary.
    monkeypatch.setattr(summary_schedule, "utcnow", lambda: DEC_5.replace(hour=9))
    assert periodic.run("monthly-summaries") == {"month": "2026-11", "summaries": {}}
    work(app)
    assert [f.id for f in _filings(app)] == [filing.id]
    got = client.get(f"/api/v1/summaries/{filing.id}", headers=headers(seller))
    assert got.json["status"] == "declared"


def test_a_month_already_asked_for_is_left_alone_even_when_refused(released):
    from app.extensions import db
    from app.services import summary_schedule

    app, client, seller, broker, sim = released
    app.config["SUMMARY_AUTO_DAY"] = 1
    r = client.post("/api/v1/summaries", json={"month": "2026-11"}, headers=headers(seller))
    assert r.status_code == 202
    (filing,) = _filings(app)
    filing.status = "rejected"  # customs refused it: people decide what comes next
    db.session.commit()
    assert summary_schedule.run(DEC_5)["summaries"] == {}
    assert len(_filings(app)) == 1


def test_the_job_of_an_asked_summary_has_the_summary_in_its_id(released):
    from app.jobs.queues import queues
    from app.services import summary_schedule

    app, *_ = released
    app.config["SUMMARY_AUTO_DAY"] = 3
    (asked,) = summary_schedule.run(DEC_5)["summaries"].values()
    assert f"summary-{asked['summary']}" in queues.get("gateway").job_ids
