"""A CEB receipt's returnTime is China Standard Time: stored as the instant it is and shown
by the clearance timeline at +08:00, not as if it were GMT."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, text
from support import cbec_import_order, headers

from app.extensions import db
from app.models import StatusEvent

XML = {"Content-Type": "application/xml"}


def inventory_receipt(cop_no: str, status: str, time: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><CEB622Message version="1.0" '
        'xmlns="http://www.chinaport.gov.cn/ceb" guid="4CDE1CFD-EDED-46B1-946C-B8022E42FC94">'
        "<InventoryReturn><guid>4CDE1CFD-EDED-46B1-946C-B8022E42FC94</guid>"
        "<customsCode>1501</customsCode><ebpCode>1105910159</ebpCode>"
        "<ebcCode>1105910159</ebcCode><agentCode>1105980159</agentCode>"
        f"<copNo>{cop_no}</copNo><preNo>B20261128000001882</preNo>"
        f"<returnStatus>{status}</returnStatus><returnTime>{time}</returnTime>"
        f"<returnInfo>状态{status}</returnInfo></InventoryReturn></CEB622Message>"
    ).encode()


def test_return_time_is_shown_at_plus_eight_hours(client, make_user):
    seller, broker = make_user("seller"), make_user("broker")
    r = client.post(
        "/api/v1/orders", json=cbec_import_order(order_no="TZ-1"), headers=headers(seller)
    )
    assert r.status_code == 201, r.json
    oid = r.json["id"]
    h = {**headers(broker), **XML}
    # 00:30 in Beijing on 1 December is still 30 November in UTC
    first = client.post(
        "/api/v1/receipts", data=inventory_receipt("TZ-1", "2", "20261201003000123"), headers=h
    )
    assert first.status_code == 200 and first.json["orders"] == [oid], first.json
    later = inventory_receipt("TZ-1", "120", "20261201004500000")
    assert client.post("/api/v1/receipts", data=later, headers=h).json["new_events"] == 1
    assert client.post("/api/v1/receipts", data=later, headers=h).json["new_events"] == 0

    timeline = client.get(f"/api/v1/orders/{oid}/clearance", headers=headers(seller)).json
    assert [e["time"] for e in timeline["events"]] == [
        "2026-12-01T00:30:00.123000+08:00",
        "2026-12-01T00:45:00+08:00",
    ]
    (inventory,) = timeline["documents"]["inventory"]
    assert (inventory["status"], inventory["time"]) == ("120", "2026-12-01T00:45:00+08:00")

    stored = db.session.execute(select(StatusEvent.occurred_at).order_by(StatusEvent.id)).scalars()
    assert list(stored) == [
        datetime(2026, 11, 30, 16, 30, 0, 123000, tzinfo=UTC),
        datetime(2026, 11, 30, 16, 45, tzinfo=UTC),
    ]


def _down_revision() -> str:
    from alembic.script import ScriptDirectory
    from flask import current_app

    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision("0008").down_revision


def test_migration_reads_stored_receipt_times_as_china_time(app):
    """Rows stored before 0008 hold the returnTime's wall clock; after it, the instant."""
    from flask_migrate import downgrade, upgrade

    before = _down_revision()
    db.session.remove()
    try:
        downgrade(revision=before)
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO status_events (message_type, business_key, status, "
                    "occurred_at, received_at) VALUES ('CEB622', 'MIG-1', '800', "
                    "'2026-11-28 10:00:00.123000', '2026-11-28 03:00:00.000000')"
                )
            )
        upgrade(revision="0008")
        row = db.session.execute(select(StatusEvent)).scalar_one()
        assert row.occurred_at == datetime(2026, 11, 28, 2, 0, 0, 123000, tzinfo=UTC)
        db.session.remove()
        downgrade(revision=before)
        with db.engine.connect() as conn:
            raw = conn.execute(text("SELECT occurred_at FROM status_events")).scalar_one()
        assert str(raw) == "2026-11-28 10:00:00.123000"
    finally:
        db.session.remove()
        upgrade(revision="head")
