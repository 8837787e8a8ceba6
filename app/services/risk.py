"""Risk checks of a declaration before a broker reviews it: ``assess`` → ``Risk`` records.

The checks read the frozen snapshot (so a broker's amendment is what is checked), the quote
frozen with it, and the database for what only the service knows: the unit values it has
seen per HS heading, the buyer's CBEC quota ledger, and other orders using the same order
number or waybill. The rules themselves are pure (``risk_rules``) or tables
(``tariff_tables.restrictions``); this module gathers their inputs.

Settings (app config, with defaults): ``RISK_LOW_VALUE_MIN_SAMPLE`` (20 lines),
``RISK_LOW_VALUE_RATIO`` ("0.2" of the median), ``RISK_LOW_VALUE_MAX_LINES`` (2000 most
recent lines per heading and unit), ``RISK_STATS_CACHE_SECONDS`` (60: how long a heading's
stored values are reused between assessments), ``RISK_QUOTA_NEAR_SHARE`` ("0.8").
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from flask import current_app
from sqlalchemy import select

from declarations.snapshot import DeclarationSnapshot
from tariff_tables import NotCovered, nomenclature, quota

from ..errors import Conflict
from ..extensions import db
from ..models import Order, OrderLine, Parcel, Profile, Seller
from . import clearance, quoting, txn_memo
from .risk_rules import SEVERITIES, Risk, limits, lines, tax_ids, values

__all__ = ["Risk", "Subject", "assess"]

DEFAULTS = {
    "RISK_LOW_VALUE_MIN_SAMPLE": 20,
    "RISK_LOW_VALUE_RATIO": "0.2",
    "RISK_LOW_VALUE_MAX_LINES": 2000,
    "RISK_STATS_CACHE_SECONDS": 60,
    "RISK_QUOTA_NEAR_SHARE": "0.8",
}


_CACHE_ENTRIES = 4096  # (heading, unit, currency, date) samples kept before starting afresh


def _setting(name: str):
    return current_app.config.get(name, DEFAULTS[name])


class Subject(Protocol):
    """What the checks read of the thing declared besides its snapshot: an order, or an
    inbound postal item (``id`` keeps its own lines out of the unit-value sample)."""

    id: str
    channel: str
    seller_collects_vat: bool | None
    quote_error: str | None


def assess(
    order: Order | Subject, snapshot: dict | DeclarationSnapshot, quote: dict | None
) -> list[Risk]:
    """Every risk of the order's declaration, blocking ones first.

    ``snapshot`` is the declaration snapshot (its JSON or the record); ``quote`` the quote
    frozen with it (None: the snapshot's own quote, if any).
    """
    snap = (
        snapshot
        if isinstance(snapshot, DeclarationSnapshot)
        else DeclarationSnapshot.from_json(snapshot)
    )
    quote = quote if quote is not None else snap.quote
    filed_on = snap.created_at.date()
    found: list[Risk] = []
    found += lines.hs_needs_10_digits(snap)
    found += lines.hs_wording(snap)
    found += _low_unit_values(order, snap)
    found += lines.restricted_goods(snap, order.channel, filed_on)
    if snap.order.flow == "import" and snap.order.regime == "cbec":
        found += _cbec_limits(order, snap, quote)
    found += _duplicates(order, snap)
    found += tax_ids.missing_tax_id(snap, bool(order.seller_collects_vat), filed_on)
    return sorted(found, key=lambda r: SEVERITIES.index(r.severity))


# -- unit values against the stored lines ---------------------------------------------------


def _stored_values(heading: str, unit: str) -> list[tuple[str, Decimal, str]]:
    """(order id, unit value, currency) of the most recent stored lines of a heading and
    unit."""
    stmt = (
        select(OrderLine.order_id, OrderLine.unit_value, Order.currency)
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.hs_code.like(f"{heading}%"), OrderLine.unit == unit)
        .order_by(Order.created_at.desc(), OrderLine.id)
        .limit(int(_setting("RISK_LOW_VALUE_MAX_LINES")))
    )
    return [tuple(r) for r in db.session.execute(stmt)]


@dataclass(frozen=True)
class _Converted:
    """A heading's stored unit values in one currency, in ascending order (the median's
    sort is then one pass), and each order's own values (left out of its own sample)."""

    values: tuple[Decimal, ...]
    by_order: dict[str, list[Decimal]]
    converted: int
    note: str

    def without(self, order_id: str) -> tuple[Decimal, ...]:
        own = self.by_order.get(order_id)
        if not own:
            return self.values
        kept = list(self.values)
        for value in own:
            kept.remove(value)  # equal values are interchangeable in a sample
        return tuple(kept)


def _in_currency(heading: str, unit: str, currency: str, on: date) -> _Converted:
    """The stored unit values in ``currency``: same-currency lines as they are, others at
    the tariff's official rate for ``on`` where one is tabulated (others left out)."""
    table = quoting.tariff()
    rates: dict[str, Decimal | None] = {currency: Decimal(1)}
    kept: list[tuple[str, Decimal]] = []
    converted = 0
    for order_id, value, cur in _stored_values(heading, unit):
        if cur not in rates:
            try:
                rates[cur] = table.fx(cur, currency, on)[0]
            except NotCovered:
                rates[cur] = None
        rate = rates[cur]
        if rate is None:
            continue
        kept.append((order_id, value if cur == currency else value * rate))
        converted += cur != currency
    used = sorted(c for c, r in rates.items() if r is not None and c != currency)
    note = f"converted from {', '.join(used)} at the tariff's official rates for {on.isoformat()}"
    by_order: dict[str, list[Decimal]] = {}
    for order_id, value in kept:
        by_order.setdefault(order_id, []).append(value)
    ordered = tuple(sorted(value for _, value in kept))
    return _Converted(ordered, by_order, converted, note)


def _sample(
    order: Order | Subject, heading: str, unit: str, currency: str, on: date
) -> values.Sample:
    """The sample for a line of ``order``, without the order's own lines; a heading's
    stored lines are reused for RISK_STATS_CACHE_SECONDS across assessments."""
    cache = current_app.extensions.setdefault("silkpost.risk_stats", {})
    key = (heading, unit, currency, on)
    hit = cache.get(key)
    if hit is None or time.monotonic() - hit[0] >= float(_setting("RISK_STATS_CACHE_SECONDS")):
        if len(cache) > _CACHE_ENTRIES:
            cache.clear()
        hit = cache[key] = (time.monotonic(), _in_currency(heading, unit, currency, on))
    stored: _Converted = hit[1]
    kept = stored.without(order.id)
    return values.Sample(heading, unit, currency, kept, stored.converted, stored.note)


def _low_unit_values(order: Order | Subject, snap: DeclarationSnapshot) -> list[Risk]:
    limits_ = values.Thresholds(
        int(_setting("RISK_LOW_VALUE_MIN_SAMPLE")), Decimal(str(_setting("RISK_LOW_VALUE_RATIO")))
    )
    on = snap.order.ordered_at.date()
    samples: dict[tuple[str, str], values.Sample] = {}
    risks = []
    for n, line in enumerate(snap.lines):
        key = (nomenclature.normalise(line.hs_code)[:4], line.unit)
        if key not in samples:
            samples[key] = _sample(order, *key, snap.order.currency, on)
        risk = values.low_unit_value(n, line.unit_value, samples[key], limits_)
        if risk:
            risks.append(risk)
    return risks


# -- CBEC limits: single order and annual quota ----------------------------------------------


def _cny_customs_value(order: Order, quote: dict | None) -> Decimal | None:
    """The order's CNY customs value: the frozen quote's, else what the quota ledger counts."""
    if quote and quote.get("currency") == "CNY":
        return Decimal(str(quote["customs_value"]))
    try:
        return clearance.quota_amount(order)
    except Conflict:
        return None


def _not_covered(code: str, why: str) -> Risk:
    return Risk(code, "info", None, f"Not checked: {why}", f"The {code} check needs {why}.")


def _cbec_limits(order: Order, snap: DeclarationSnapshot, quote: dict | None) -> list[Risk]:
    on = snap.order.ordered_at.date()
    value = _cny_customs_value(order, quote)
    if value is None:
        why = "a CNY customs value (the order has no quote in CNY)"
        return [_not_covered("single_order_limit", why), _not_covered("quota_near", why)]
    table = quoting.tariff()
    try:
        order_limit = table.parameter("CN", "cbec_order_limit", on)
        annual = table.parameter("CN", "cbec_annual_limit", on)
    except NotCovered as exc:
        return [_not_covered("single_order_limit", f"a tabulated CBEC limit ({exc})")]
    found = []
    regime = (quote or {}).get("regime")
    risk = limits.single_order_limit(value, order_limit, regime, order.quote_error)
    if risk:
        found.append(risk)
    buyer = snap.buyer_party.id_number
    if buyer:
        used = quoting.buyer_year_used(buyer, on.year, exclude_order=order.id)
        check = quota.check(used, value, on, table)
        near = Decimal(str(_setting("RISK_QUOTA_NEAR_SHARE")))
        risk = limits.annual_quota(check, value, on.year, near, annual.source)
        if risk:
            found.append(risk)
    return found


# -- duplicates ------------------------------------------------------------------------------


def _duplicates(order: Order | Subject, snap: DeclarationSnapshot) -> list[Risk]:
    """The order number under the same e-commerce company code, or the waybill number,
    already used by another order (customs refuse both: -301010, -504012)."""
    found = []
    code, number = snap.seller.customs_code, snap.order.order_no
    if code:
        same_number = sum(
            1
            for other, other_code in _number_users([number])[number]
            if other != order.id and other_code == code
        )
        if same_number:
            found.append(
                Risk(
                    "duplicate_order_no",
                    "blocking",
                    "order_no",
                    f"Order number {number} is already used under e-commerce company {code}",
                    f"{same_number} other order(s) of a seller account registered under "
                    f"customs code {code} carry order number {number}; customs accept one new "
                    "order per number (error -301010).",
                )
            )
    waybill = snap.order.waybill_no
    if waybill:
        same_waybill = sum(1 for other in _waybill_users([waybill])[waybill] if other != order.id)
        if same_waybill:
            found.append(
                Risk(
                    "duplicate_waybill",
                    "blocking",
                    "item_id",
                    f"Waybill {waybill} is already used by another order",
                    f"{same_waybill} parcel(s) of other orders carry waybill/item id "
                    f"{waybill}; a waybill number is used once (customs error -504012).",
                )
            )
    return found


# The orders using an order number or a waybill, looked up for a whole batch at once
# (:func:`look_up_batch`) and kept until the transaction ends; a number not looked up yet
# is read when asked.


def look_up_batch(order_numbers: list[str], waybills: list[str]) -> None:
    """Read the orders using any of these order numbers or waybills, in two queries."""
    _number_users(order_numbers)
    _waybill_users(waybills)


def _number_users(numbers: list[str]) -> dict[str, list[tuple[str, str | None]]]:
    """(order id, e-commerce company code) of every order using each number."""
    known = txn_memo.memo("risk.order_numbers")
    missing = [n for n in dict.fromkeys(numbers) if n not in known]
    if missing:
        known.update({n: [] for n in missing})
        rows = db.session.execute(
            select(Order.order_no, Order.id, Profile.customs_code)
            .join(Seller, Seller.id == Order.seller_id)
            .join(Profile, Profile.user_id == Seller.user_id)
            .where(Order.order_no.in_(missing))
        )
        for number, order_id, code in rows:
            known[number].append((order_id, code))
    return known


def _waybill_users(waybills: list[str]) -> dict[str, list[str]]:
    """The order ids of the parcels carrying each waybill/item id."""
    known = txn_memo.memo("risk.waybills")
    missing = [w for w in dict.fromkeys(waybills) if w not in known]
    if missing:
        known.update({w: [] for w in missing})
        rows = db.session.execute(
            select(Parcel.item_id, Parcel.order_id).where(Parcel.item_id.in_(missing))
        )
        for waybill, order_id in rows:
            known[waybill].append(order_id)
    return known
