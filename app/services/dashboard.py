"""What the dashboard of brokers and admins shows, per period: orders and declared value per
day, duties and taxes by destination, export rebates and FX settlement by month, the
status funnel, clearance lead time, lanes by transport mode, and the job queues.

Money is summed as ``Decimal`` in Python (SQLite keeps amounts as text, and a SQL SUM would
go through floating point); amounts in different currencies are never added together.
Rebate and settlement figures are the report service's own lines (``reports.rebate_rows``
on the orders basis), so a line the reports call "not covered" is not covered here either,
never zero.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from tariff_tables.money import ZERO

from ..errors import Forbidden, ValidationFailed
from ..extensions import db
from ..models import Order, User
from ..models.orders import ORDER_STATUSES
from . import analytics, lead_times, reports

STAFF_ROLES = ("broker", "admin")
DEFAULT_DAYS = 30
MAX_DAYS = 366
FAILED_JOBS_LISTED = 20

#: The funnel's stages and the order statuses that have reached each (ORDER_STATUSES'
#: lifecycle: received → declared → released, or rejected/returned once declared).
FUNNEL = (
    ("received", ORDER_STATUSES),
    ("declared", ("declared", "released", "rejected", "returned")),
    ("released", ("released",)),
)


@dataclass(frozen=True)
class Period:
    """Calendar days (UTC), both included."""

    start: date
    end: date

    @classmethod
    def of(cls, start: date | None, end: date | None, today: date | None = None) -> Period:
        end = end or today or datetime.now(UTC).date()
        start = start or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise ValidationFailed("The period ends before it starts.", {"to": ["before from"]})
        if (end - start).days >= MAX_DAYS:
            raise ValidationFailed(
                f"The period is at most {MAX_DAYS} days.", {"from": [f"at most {MAX_DAYS} days"]}
            )
        return cls(start, end)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(n) for n in range((self.end - self.start).days + 1)]

    def created_between(self, stmt):
        lo = datetime.combine(self.start, time.min, tzinfo=UTC)
        hi = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)
        return stmt.where(Order.created_at >= lo, Order.created_at < hi)


def ensure_staff(user: User) -> None:
    if user.role not in STAFF_ROLES:
        raise Forbidden("The dashboard is for brokers and admins.")


def _utc_day(moment: datetime) -> date:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite: UTC wall time
    return aware.astimezone(UTC).date()


def orders_per_day(period: Period) -> dict[str, Any]:
    """Per UTC day of creation: the number of orders and their goods value per currency;
    every day of the period is listed, with none."""
    stmt = period.created_between(select(Order.created_at, Order.currency, Order.goods_value))
    counts: Counter[date] = Counter()
    values: dict[date, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for created, currency, value in db.session.execute(stmt):
        day = _utc_day(created)
        counts[day] += 1
        values[day][currency] += value
    currencies = sorted({c for per_day in values.values() for c in per_day})
    rows = [
        {
            "day": day,
            "orders": counts[day],
            "value": {c: values[day].get(c, ZERO) for c in currencies},
        }
        for day in period.days
    ]
    return {"currencies": currencies, "days": rows}


def duties_by_destination(period: Period) -> list[dict[str, Any]]:
    """Per destination country and quote currency: quoted orders, their duties and taxes
    (the frozen quotes' totals); orders without a quote are counted apart."""
    country = Order.recipient["country"].as_string()
    stmt = period.created_between(
        select(
            country,
            Order.quote["currency"].as_string(),
            Order.quote["duty_total"].as_string(),
            Order.quote["tax_total"].as_string(),
        )
    )
    groups: dict[tuple[str, str | None], dict[str, Any]] = {}
    for dest, currency, duty, tax in db.session.execute(stmt):
        row = groups.setdefault(
            (dest, currency),
            {"destination": dest, "currency": currency, "orders": 0, "duties": ZERO, "taxes": ZERO},
        )
        row["orders"] += 1
        if currency is not None:
            row["duties"] += Decimal(duty)
            row["taxes"] += Decimal(tax)
    out = []
    for row in groups.values():
        if row["currency"] is None:  # no quote: "not covered", never a zero amount
            row["duties"] = row["taxes"] = None
        out.append(row)
    return sorted(out, key=lambda r: (-r["orders"], r["destination"] or "", r["currency"] or ""))


def rebates_by_month(period: Period) -> list[dict[str, Any]]:
    """Per month of the export (order) date: the report's lines, what they declare in CNY,
    the rebate ceiling in CNY, and how many lines could not be converted or rated."""
    _basis, lines = reports.rebate_rows(None, period.start, period.end, "orders")
    months: dict[str, dict[str, Any]] = {}
    for line in lines:
        month = line.export_date.strftime("%Y-%m")  # the order date, on the orders basis
        row = months.setdefault(
            month,
            {
                "month": month,
                "orders": set(),
                "lines": 0,
                "declared_cny": ZERO,
                "rebate_ceiling_cny": ZERO,
                "not_covered_lines": 0,
            },
        )
        row["orders"].update(line.order_ids)
        row["lines"] += 1
        if line.fob_cny is not None:
            row["declared_cny"] += line.fob_cny
        if line.ceiling_cny is not None:
            row["rebate_ceiling_cny"] += line.ceiling_cny
        else:
            row["not_covered_lines"] += 1
    return [{**row, "orders": len(row["orders"])} for _, row in sorted(months.items())]


def lanes_by_mode(period: Period) -> list[dict[str, Any]]:
    """Per transport mode, the lane analysis of the parcels despatched in the period: how
    many lanes carried them, parcels, receptacles and gross weight."""
    lo = datetime.combine(period.start, time.min, tzinfo=UTC)
    hi = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=UTC)
    modes: dict[str, dict[str, Any]] = {}
    for lane in analytics.lanes(lo, hi)["lanes"]:
        mode = lane["mode"] or "?"
        row = modes.setdefault(
            mode, {"mode": mode, "lanes": 0, "parcels": 0, "receptacles": 0, "weight_kg": ZERO}
        )
        row["lanes"] += 1
        row["parcels"] += lane["parcels"]
        row["receptacles"] += lane["receptacles"]
        row["weight_kg"] += Decimal(lane["weight_kg"])
    return sorted(modes.values(), key=lambda r: (-r["parcels"], r["mode"]))


def status_funnel(period: Period) -> dict[str, Any]:
    """Orders created in the period per current status, and per stage reached."""
    stmt = period.created_between(select(Order.status, func.count()).group_by(Order.status))
    by_status = dict.fromkeys(ORDER_STATUSES, 0)
    by_status.update({status: n for status, n in db.session.execute(stmt)})
    stages = [
        {"stage": stage, "orders": sum(by_status.get(s, 0) for s in statuses)}
        for stage, statuses in FUNNEL
    ]
    return {"statuses": by_status, "stages": stages}


def job_health() -> dict[str, Any]:
    """Each named queue's depth and failed jobs (the latest listed with their error), and
    the registered workers; ``error`` says why when Redis cannot be read."""
    from rq import Worker
    from rq.job import Job

    from ..jobs.queues import queues

    try:
        depths, failed = [], []
        for q in queues.all():
            registry = q.failed_job_registry
            depths.append({"queue": q.name, "queued": q.count, "failed": registry.count})
            ids = registry.get_job_ids(0, FAILED_JOBS_LISTED - 1)
            for job in Job.fetch_many(ids, connection=queues.connection):
                if job is not None:
                    failed.append(_failed(job, q.name))
        workers = len(Worker.all(connection=queues.connection))
    except Exception as exc:  # a dashboard shows Redis being down, it does not fail on it
        return {"queues": [], "failed_jobs": [], "workers": None, "error": repr(exc)}
    return {"queues": depths, "failed_jobs": failed, "workers": workers, "error": None}


def _failed(job, queue: str) -> dict[str, Any]:
    result = job.latest_result()
    text = (result.exc_string if result is not None else None) or ""
    return {
        "id": job.id,
        "queue": queue,
        "function": job.func_name,
        "ended_at": job.ended_at.replace(tzinfo=UTC) if job.ended_at else None,
        "error": text.strip().splitlines()[-1] if text.strip() else None,
    }


def overview(user: User, period: Period) -> dict[str, Any]:
    """Everything the dashboard shows for the period."""
    ensure_staff(user)
    return {
        "period": period,
        "per_day": orders_per_day(period),
        "by_destination": duties_by_destination(period),
        "by_month": rebates_by_month(period),
        "funnel": status_funnel(period),
        "lead_times": lead_times.clearance_lead_times(period.start, period.end),
        "modes": lanes_by_mode(period),
        "jobs": job_health(),
    }


__all__ = [
    "FUNNEL",
    "Period",
    "duties_by_destination",
    "job_health",
    "lanes_by_mode",
    "orders_per_day",
    "overview",
    "rebates_by_month",
    "status_funnel",
]
