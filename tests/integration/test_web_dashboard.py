"""The dashboard: its aggregation service (exact sums per day, destination, month, stage;
queues and failed jobs) and its page (SVG charts beside their tables, roles)."""

# The page fixtures (pages, sign_in) are test_web_pages' own, imported: F811 is pytest's way.
# ruff: noqa: F811

from __future__ import annotations

import copy
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from integration.test_web_pages import _order, pages, sign_in  # noqa: F401 (fixtures)
from support import BASE_EXPORT_ORDER

NOV = date(2026, 11, 1), date(2026, 11, 30)


def _store(seller, no: str, created: datetime, **changes) -> str:
    """An order through the order service, then dated as if stored at ``created``."""
    from app.extensions import db
    from app.services import orders

    body = copy.deepcopy(BASE_EXPORT_ORDER)
    body.update(order_no=no, **changes)
    order, _ = orders.create_order(seller.seller, body, seller)
    order.created_at = created
    db.session.commit()
    return order.id


@pytest.fixture
def seller(app, make_user):
    from app.services import users

    return users.find_user(make_user("seller", "Dash Seller")["_name"])


def _recipient(country: str) -> dict:
    return dict(BASE_EXPORT_ORDER["recipient"], country=country)


def test_orders_and_declared_value_per_day(app, seller):
    from app.services import dashboard

    _store(seller, "D1", datetime(2026, 11, 2, 23, 59, tzinfo=UTC))  # USD 31.50
    _store(seller, "D2", datetime(2026, 11, 2, 8, 0, tzinfo=UTC), currency="EUR")  # EUR 31.50
    _store(seller, "D3", datetime(2026, 11, 3, 0, 0, tzinfo=UTC))
    _store(seller, "D4", datetime(2026, 11, 4, 12, 0, tzinfo=UTC))  # after the period
    per_day = dashboard.orders_per_day(dashboard.Period(date(2026, 11, 1), date(2026, 11, 3)))
    assert per_day["currencies"] == ["EUR", "USD"]
    assert [(d["day"], d["orders"], d["value"]) for d in per_day["days"]] == [
        (date(2026, 11, 1), 0, {"EUR": 0, "USD": 0}),
        (date(2026, 11, 2), 2, {"EUR": Decimal("31.5"), "USD": Decimal("31.5")}),
        (date(2026, 11, 3), 1, {"EUR": 0, "USD": Decimal("31.5")}),
    ]


def test_duties_and_taxes_by_destination_from_the_frozen_quotes(app, seller):
    from app.services import dashboard

    day = datetime(2026, 11, 10, tzinfo=UTC)
    for n in range(2):  # EUR to DE: flat duty 2 × 3.00, VAT 9.50 each
        _store(seller, f"EU-{n}", day, currency="EUR")
    _store(seller, "US-1", day, recipient=_recipient("US"))  # no duty rate for the mug
    _store(seller, "AQ-1", day, currency="EUR", recipient=_recipient("AQ"))  # no tables
    rows = dashboard.duties_by_destination(dashboard.Period(*NOV))
    assert rows == [
        {
            "destination": "DE",
            "currency": "EUR",
            "orders": 2,
            "duties": Decimal("12.00"),
            "taxes": Decimal("19.00"),
        },
        {"destination": "AQ", "currency": None, "orders": 1, "duties": None, "taxes": None},
        {"destination": "US", "currency": None, "orders": 1, "duties": None, "taxes": None},
    ]


def test_rebates_and_settlement_by_month_are_the_reports_lines(app, seller):
    from app.services import dashboard, reports, users

    day = datetime(2026, 11, 10, tzinfo=UTC)
    _store(seller, "OCT-1", day, ordered_at="2026-10-15")
    _store(seller, "NOV-1", day, ordered_at="2026-11-20")
    _store(seller, "NOV-2", day, ordered_at="2026-11-21", currency="EUR")
    period = dashboard.Period(date(2026, 10, 1), date(2026, 11, 30))
    months = dashboard.rebates_by_month(period)
    assert [(m["month"], m["orders"], m["lines"], m["not_covered_lines"]) for m in months] == [
        ("2026-10", 1, 2, 1),  # the mug has no tabulated rebate rate
        ("2026-11", 2, 4, 2),
    ]
    broker, _ = users.create_user("Dash Broker", "broker")
    report = reports.export_rebates(broker, period.start, period.end)
    for month in months:
        rows = [r for r in report["rows"] if r["order_date"].startswith(month["month"])]
        assert month["declared_cny"] == sum(Decimal(r["fob_cny"]) for r in rows)
        assert month["rebate_ceiling_cny"] == sum(
            Decimal(r["rebate_ceiling_cny"]) for r in rows if r["rebate_ceiling_cny"]
        )
    # November: 25.50 USD × 6.67607 → 170.24 CNY, × 13 % = 22.13; 25.50 EUR × 7.4999 →
    # 191.25 CNY, × 13 % = 24.86 (the shipped ECB rates of 2026-10-21)
    assert months[1]["rebate_ceiling_cny"] == Decimal("22.13") + Decimal("24.86")


def test_status_funnel_counts_each_stage_reached(app, seller):
    from app.extensions import db
    from app.models import Order
    from app.services import dashboard

    day = datetime(2026, 11, 10, tzinfo=UTC)
    statuses = ["received", "received", "declared", "released", "rejected", "cancelled"]
    for n, status in enumerate(statuses):
        db.session.get(Order, _store(seller, f"F{n}", day)).status = status
    db.session.commit()
    funnel = dashboard.status_funnel(dashboard.Period(*NOV))
    assert funnel["statuses"] == {
        "received": 2,
        "declared": 1,
        "released": 1,
        "rejected": 1,
        "returned": 0,
        "cancelled": 1,
    }
    assert funnel["stages"] == [
        {"stage": "received", "orders": 6},
        {"stage": "declared", "orders": 3},
        {"stage": "released", "orders": 1},
    ]


def test_job_health_lists_depths_and_failed_jobs_with_their_error(app):
    from app.jobs.queues import queues
    from app.jobs.runner import make_worker
    from app.services import dashboard

    queues.get("default").enqueue("builtins.int", "not a number", job_id="dash-fails")
    make_worker(app, simple=True).work(burst=True)
    queues.get("documents").enqueue("builtins.int", "7", job_id="dash-waits")
    health = dashboard.job_health()
    assert health["error"] is None
    depth = {q["queue"]: (q["queued"], q["failed"]) for q in health["queues"]}
    assert depth["default"] == (0, 1) and depth["documents"] == (1, 0)
    (failed,) = health["failed_jobs"]
    assert (failed["id"], failed["queue"]) == ("dash-fails", "default")
    assert failed["function"] == "builtins.int"
    assert failed["error"].startswith("ValueError: invalid literal for int()")


def test_job_health_says_when_redis_cannot_be_read(_migrated, database_url, tmp_path):
    from app import create_app
    from app.services import dashboard

    app = create_app(
        {
            "SILKPOST_DATA_DIR": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "TESTING": True,
        }
    )
    with app.app_context():
        health = dashboard.job_health()
    assert health["queues"] == [] and "ConnectionError" in health["error"]


def test_period_defaults_and_limits():
    from app.errors import ValidationFailed
    from app.services.dashboard import Period

    today = date(2026, 12, 1)
    assert Period.of(None, None, today) == Period(date(2026, 11, 2), today)
    assert Period.of(date(2026, 1, 1), date(2026, 12, 31)).days[-1] == date(2026, 12, 31)
    with pytest.raises(ValidationFailed, match="ends before it starts"):
        Period.of(date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(ValidationFailed, match="at most 366 days"):
        Period.of(date(2025, 1, 1), date(2026, 12, 31))


# -- the page ---------------------------------------------------------------------------------


def test_dashboard_page_draws_each_chart_beside_its_numbers(app, sign_in):
    seller = sign_in("seller")
    _order(seller, "PAGE-1", currency="EUR")
    broker = sign_in("broker")
    today = datetime.now(UTC).date().isoformat()
    page = broker.get("/dashboard", query_string={"from": today, "to": today})
    assert page.status_code == 200
    text = page.text
    for chart in ("chart-orders", "chart-value-EUR", "chart-destinations-EUR", "chart-funnel"):
        assert re.search(rf'<svg id="{chart}" class="chart" role="img"', text), chart
        assert f'aria-labelledby="{chart}-title"' in text
    assert re.search(
        r'<table class="striped" id="table-per-day">.*?<td class="num">1</td>', text, re.S
    )
    destinations = re.search(r'id="table-destinations">(.*?)</table>', text, re.S).group(1)
    assert '<th scope="row">DE</th>' in destinations and "€6.00" in destinations
    assert "€9.50" in destinations
    assert 'id="table-queues"' in text and "<code>intake</code>" in text


@pytest.mark.parametrize(("role", "status"), [("seller", 403), ("carrier", 403), ("admin", 200)])
def test_dashboard_roles(app, sign_in, role, status):
    assert sign_in(role).get("/dashboard").status_code == status


def test_dashboard_refuses_a_bad_period(app, sign_in):
    broker = sign_in("broker")
    assert broker.get("/dashboard?from=2026-13-01").status_code == 422
    r = broker.get("/dashboard", query_string={"from": "2026-12-01", "to": "2026-11-01"})
    assert r.status_code == 422 and "ends before it starts" in r.text


def test_charts_scale_to_the_largest_value_and_escape_labels():
    from app.web import charts

    svg = charts.columns("c", "T <1>", ["a", "<b>"], [charts.Series("s", [Decimal(1), 2])])
    heights = [Decimal(h) for h in re.findall(r'<rect [^>]*height="([0-9.]+)"', svg)]
    assert heights == [Decimal("94.0"), Decimal("188.0")]  # plot height 188 px
    assert '<figcaption id="c-title">T &lt;1&gt;</figcaption>' in svg and "&lt;b&gt;" in svg
    empty = charts.bars("e", "Empty", ["x"], [charts.Series("s", [0])])
    assert 'width="0.0"' in empty
