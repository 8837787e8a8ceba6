"""The dashboard of brokers and admins: the figures of ``services.dashboard`` for a period,
each chart drawn on the server beside the table of its numbers."""

from __future__ import annotations

from decimal import Decimal

from flask import render_template
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...services import dashboard
from .. import charts, i18n, nav, texts
from .. import web as web_bp
from ..query import date_arg
from ..session import page, signed_in_user

MAX_CURRENCY_CHARTS = 3

nav.add("web.dashboard_page", _l("Dashboard"), *dashboard.STAFF_ROLES)


def _per_day_charts(per_day: dict) -> list:
    days = per_day["days"]
    labels = [format_date(d["day"], "MMM d") for d in days]
    counts = [d["orders"] for d in days]
    out = [
        charts.columns(
            "chart-orders",
            _("Orders per day"),
            labels,
            [charts.Series(_("Orders"), counts, [i18n.number(n) for n in counts])],
        )
    ]
    for cur in per_day["currencies"][:MAX_CURRENCY_CHARTS]:
        values = [d["value"][cur] for d in days]
        shown = [i18n.money(v, cur) for v in values]
        title = _("Declared goods value per day, %(cur)s", cur=cur)
        series = [charts.Series(cur, values, shown)]
        out.append(charts.columns(f"chart-value-{cur}", title, labels, series))
    return out


def _destination_charts(rows: list[dict]) -> list:
    out = []
    currencies = list(dict.fromkeys(r["currency"] for r in rows if r["currency"]))
    for cur in currencies[:MAX_CURRENCY_CHARTS]:
        mine = [r for r in rows if r["currency"] == cur]
        labels = [r["destination"] or "?" for r in mine]
        series = [
            charts.Series(
                str(name), [r[key] for r in mine], [i18n.money(r[key], cur) for r in mine]
            )
            for key, name in (("duties", _l("Duties")), ("taxes", _l("Taxes")))
        ]
        title = _("Duties and taxes by destination, %(cur)s", cur=cur)
        out.append(charts.bars(f"chart-destinations-{cur}", title, labels, series))
    return out


def _month_chart(rows: list[dict]):
    labels = [r["month"] for r in rows]
    series = [
        charts.Series(str(name), [r[key] for r in rows], [i18n.money(r[key], "CNY") for r in rows])
        for key, name in (
            ("declared_cny", _l("Declared in CNY")),
            ("rebate_ceiling_cny", _l("Rebate ceiling in CNY")),
        )
    ]
    return charts.columns(
        "chart-months", _("Export rebates and FX settlement by month"), labels, series
    )


def _funnel_chart(funnel: dict):
    stages = funnel["stages"]
    labels = [texts.name_of(texts.ORDER_STATUS, s["stage"]) for s in stages]
    counts = [s["orders"] for s in stages]
    series = [charts.Series(_("Orders"), counts, [i18n.number(n) for n in counts])]
    return charts.bars("chart-funnel", _("Orders that reached each stage"), labels, series)


def _lead_time_chart(lead: dict):
    rows = [*lead["flows"], lead["all"]]
    labels = [texts.name_of(texts.FLOW, r["flow"]) if r["flow"] else _("All") for r in rows]
    series = [
        charts.Series(
            str(name),
            [None if r[key] is None else Decimal(str(r[key])) for r in rows],
            [i18n.number(r[key]) if r[key] is not None else "—" for r in rows],
        )
        for key, name in (("median_hours", _l("Median")), ("p90_hours", _l("p90")))
    ]
    title = _("Hours from hand-over to release")
    return charts.bars("chart-lead-times", title, labels, series)


def _modes_chart(modes: list[dict]):
    labels = [texts.name_of(texts.MODE, m["mode"]) for m in modes]
    counts = [m["parcels"] for m in modes]
    series = [charts.Series(_("Parcels"), counts, [i18n.number(n) for n in counts])]
    return charts.bars("chart-modes", _("Parcels by transport mode"), labels, series)


def _queue_chart(jobs: dict):
    labels = [q["queue"] for q in jobs["queues"]]
    series = [
        charts.Series(str(name), [q[key] for q in jobs["queues"]])
        for key, name in (("queued", _l("Waiting")), ("failed", _l("Failed")))
    ]
    return charts.bars("chart-queues", _("Jobs waiting and failed per queue"), labels, series)


@web_bp.get("/dashboard")
@page(*dashboard.STAFF_ROLES)
def dashboard_page():
    period = dashboard.Period.of(date_arg("from"), date_arg("to"))
    data = dashboard.overview(signed_in_user(), period)
    figures = {
        "per_day": _per_day_charts(data["per_day"]),
        "by_destination": _destination_charts(data["by_destination"]),
        "by_month": _month_chart(data["by_month"]) if data["by_month"] else None,
        "funnel": _funnel_chart(data["funnel"]),
        "lead_times": _lead_time_chart(data["lead_times"]),
        "modes": _modes_chart(data["modes"]) if data["modes"] else None,
        "queues": _queue_chart(data["jobs"]) if data["jobs"]["queues"] else None,
    }
    return render_template("dashboard.html", data=data, charts=figures, period=period)
