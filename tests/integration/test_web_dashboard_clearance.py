"""The dashboard's clearance lead time (hand-over to customs release, median and nearest-rank
p90 per flow) and lanes by transport mode, each chart beside its table."""

# Fixtures imported from other test modules: F811 is pytest's way.
# ruff: noqa: F811

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from integration.test_lane_analytics import lanes  # noqa: F401 (fixture)
from integration.test_web_pages import pages, sign_in  # noqa: F401 (fixtures)
from posts_support import export_orders, release

# The receipt's returnTime 2026-05-11 09:30:03 in China is 01:30:03 UTC.
RELEASED_AT = datetime(2026, 5, 11, 1, 30, 3, tzinfo=UTC)
MAY = date(2026, 5, 10), date(2026, 5, 11)


def _handed_over(app, seller: dict, broker: dict, hours_before_release: list[int | None]):
    """Export orders handed over to clearance at the given hours before their release;
    None: handed over at the start of the period and never released."""
    from app.extensions import db
    from app.models import ClearanceCase
    from app.services import cases, users

    orders = export_orders(app, seller, len(hours_before_release))
    user = users.find_user(seller["_name"])
    made, refused = cases.hand_over(user, [o["id"] for o in orders])
    assert refused == {}
    for case, hours in zip(made, hours_before_release, strict=True):
        at = RELEASED_AT - timedelta(hours=hours if hours is not None else 20)
        db.session.get(ClearanceCase, case.id).created_at = at
    db.session.commit()
    released = [o for o, h in zip(orders, hours_before_release, strict=True) if h is not None]
    release(app.test_client(), broker, released)


def test_lead_time_is_hand_over_to_release_median_and_p90(app, make_user):
    from app.services import dashboard, lead_times, users

    seller, broker = make_user("seller"), make_user("broker")
    _handed_over(app, seller, broker, [2, 10, 4, None])
    figures = lead_times.clearance_lead_times(*MAY)
    assert figures["flows"] == [
        {"flow": "export", "handed_over": 4, "count": 3, "median_hours": 4.0, "p90_hours": 10.0},
        {"flow": "import", "handed_over": 0, "count": 0, "median_hours": None, "p90_hours": None},
    ]
    assert figures["all"] == {
        "flow": None,
        "handed_over": 4,
        "count": 3,
        "median_hours": 4.0,
        "p90_hours": 10.0,
    }
    later = lead_times.clearance_lead_times(date(2026, 5, 12), date(2026, 5, 31))
    assert later["all"]["handed_over"] == 0  # cases count by the day they were handed over
    staff = users.find_user(broker["_name"])
    assert dashboard.overview(staff, dashboard.Period(*MAY))["lead_times"] == figures


def test_lanes_by_mode_sum_the_lane_analysis(app, lanes):
    from app.services import dashboard

    day = dashboard.Period(date(2026, 12, 1), date(2026, 12, 1))
    assert dashboard.lanes_by_mode(day) == [
        {"mode": "air", "lanes": 1, "parcels": 3, "receptacles": 2, "weight_kg": Decimal("5.000")},
        {
            "mode": "rail",
            "lanes": 1,
            "parcels": 1,
            "receptacles": 1,
            "weight_kg": Decimal("12.000"),
        },
    ]
    assert dashboard.lanes_by_mode(dashboard.Period(date(2026, 12, 2), date(2026, 12, 3))) == []


def test_the_dashboard_draws_lead_times_and_modes_beside_their_tables(app, sign_in, lanes):
    broker = sign_in("broker")
    page = broker.get("/dashboard?from=2026-12-01&to=2026-12-01").text
    for chart in ("chart-lead-times", "chart-modes"):
        assert re.search(rf'<svg id="{chart}" class="chart" role="img"', page), chart
    modes = re.search(r'id="table-modes">(.*?)</table>', page, re.S).group(1)
    rows = re.findall(r'<th scope="row">(\w+)</th>((?:<td class="num">[^<]*</td>)+)', modes)
    assert [(m, re.findall(r">([^<]*)</td>", cells)) for m, cells in rows] == [
        ("Air", ["1", "3", "2", "5"]),
        ("Rail", ["1", "1", "1", "12"]),
    ]
    lead = re.search(r'id="table-lead-times">(.*?)</table>', page, re.S).group(1)
    assert "—" in lead  # no case handed over: no duration, never a zero
    broker.set_cookie("silkpost_lang", "zh_Hans")
    zh = broker.get("/dashboard?from=2026-12-01&to=2026-12-01").text
    assert "通关时长" in zh and "按运输方式的路向" in zh
