"""Receipts of payment from the bank (收汇), matched to the seller's export orders.

A receipt is identified by the seller and the bank's reference: sending it again changes
nothing, and another receipt under a stored reference is refused (per receipt, keeping
the rest of the batch).

Matching, in this order (the first rule that decides wins):

1. **By order number** — the receipt names an ``order_no``: it goes to the seller's
   export order of that number, if that order exists, is not cancelled and is in the
   receipt's currency. Otherwise it stays unmatched, saying why (it never falls back to
   rule 2: a named order that does not fit is a question for the seller).
2. **By amount, currency and payer** — no ``order_no``: the seller's export orders, not
   cancelled, in the receipt's currency, whose outstanding amount equals the receipt's
   amount exactly and whose buyer (the recipient's name or company; case, spacing and
   punctuation ignored) is the payer. Exactly one such order: matched. None, or more than
   one: unmatched, naming the candidates when ambiguous.

An order's amount due is its total value (goods + shipping + insurance, as the order's
totals show it); its outstanding amount is what is due less what matched receipts have
applied. A matched receipt applies up to the outstanding amount: less makes a partial
payment, more leaves the rest as ``excess`` (an over-payment). Matched receipts are never
re-matched; an unmatched one stays unmatched.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..errors import Forbidden, NotFound
from ..extensions import db
from ..models import Order, PaymentReceived, Seller, User
from . import audit
from .orders import body_hash

ZERO = Decimal(0)


def _words(text: str | None) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", (text or "").casefold()).split())


def amount_due(order: Order) -> Decimal:
    """What the buyer owes for an export order: its total value."""
    return order.goods_value + order.shipping_cost + order.insurance_cost


def applied_to(order_ids: Iterable[str]) -> dict[str, Decimal]:
    """What matched receipts have applied to each order (summed exactly, in Python)."""
    ids = list(set(order_ids))
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    if not ids:
        return out
    rows = db.session.execute(
        select(PaymentReceived.order_id, PaymentReceived.applied).where(
            PaymentReceived.order_id.in_(ids)
        )
    )
    for order_id, amount in rows:
        out[order_id] += amount
    return out


def order_state(due: Decimal, received: Decimal) -> str:
    if received <= 0:
        return "unpaid"
    return "paid" if received >= due else "partial"


class _Matcher:
    """Matches a batch of receipts against one seller's export orders."""

    def __init__(self, seller_id: str):
        self.seller_id = seller_id
        self._by_currency: dict[str, list[Order]] = {}
        self.applied: dict[str, Decimal] = {}

    def _orders(self, currency: str) -> list[Order]:
        if currency not in self._by_currency:
            orders = list(
                db.session.execute(
                    select(Order).where(
                        Order.seller_id == self.seller_id,
                        Order.flow == "export",
                        Order.status != "cancelled",
                        Order.currency == currency,
                    )
                ).scalars()
            )
            self._by_currency[currency] = orders
            self.applied.update(applied_to(o.id for o in orders))
        return self._by_currency[currency]

    def outstanding(self, order: Order) -> Decimal:
        return max(amount_due(order) - self.applied.get(order.id, ZERO), ZERO)

    def match(self, data: dict) -> tuple[Order | None, str | None, str | None]:
        """``(order, matched_by, why unmatched)`` for one receipt."""
        currency, number = data["currency"], data.get("order_no")
        if number:
            return self._by_number(number, currency)
        payer = _words(data["payer"])
        found = [
            o
            for o in self._orders(currency)
            if self.outstanding(o) == data["amount"]
            and payer in (_words(o.recipient.get("name")), _words(o.recipient.get("company")))
        ]
        if len(found) == 1:
            return found[0], "amount_payer", None
        if not found:
            return (
                None,
                None,
                (
                    f"no export order in {currency} with {data['amount']} outstanding "
                    f"from {data['payer']!r}"
                ),
            )
        numbers = ", ".join(sorted(o.order_no for o in found))
        return None, None, f"{len(found)} orders match amount and payer: {numbers}"

    def _by_number(self, number: str, currency: str):
        order = db.session.execute(
            select(Order).where(
                Order.seller_id == self.seller_id,
                Order.order_no == number,
                Order.flow == "export",
            )
        ).scalar_one_or_none()
        if order is None:
            return None, None, f"no export order {number}"
        if order.status == "cancelled":
            return None, None, f"order {number} is cancelled"
        if order.currency != currency:
            return None, None, f"order {number} is in {order.currency}, not {currency}"
        if order.id not in self.applied:
            self.applied[order.id] = applied_to([order.id])[order.id]
        return order, "order_no", None


def payer_seller(user: User, seller_id: str | None) -> str:
    """Whose receipts ``user`` records: a seller its own; a broker or admin names one."""
    if user.role == "seller":
        if user.seller is None:
            raise Forbidden("This user has no seller account.")
        if seller_id not in (None, user.seller.id):
            raise Forbidden("Sellers record only their own receipts.")
        return user.seller.id
    if not seller_id or db.session.get(Seller, seller_id) is None:
        raise NotFound("No such seller.", {"seller_id": ["name the seller the money is for"]})
    return seller_id


def _stored(seller_id: str, references: list[str]) -> dict[str, PaymentReceived]:
    rows = db.session.execute(
        select(PaymentReceived).where(
            PaymentReceived.seller_id == seller_id,
            PaymentReceived.bank_reference.in_(references),
        )
    ).scalars()
    return {r.bank_reference: r for r in rows}


def record(
    user: User, seller_id: str | None, receipts: list[tuple[int, dict]], retry: bool = True
) -> list[dict]:
    """Store validated receipts (``(row or index, data)``); one outcome per receipt:
    ``created``, ``duplicate`` (stored before, same content) or ``conflict``."""
    seller_id = payer_seller(user, seller_id)
    stored = _stored(seller_id, [d["bank_reference"] for _, d in receipts])
    matcher = _Matcher(seller_id)
    outcomes = []
    for row, data in receipts:
        digest = body_hash(data)
        known = stored.get(data["bank_reference"])
        if known is not None:
            same = known.body_hash == digest
            outcomes.append(_outcome(row, known, "duplicate" if same else "conflict"))
            continue
        receipt = _new_receipt(seller_id, data, digest, matcher, user)
        stored[receipt.bank_reference] = receipt
        outcomes.append(_outcome(row, receipt, "created"))
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent batch stored one of the references first
        db.session.rollback()
        if not retry:
            raise
        return record(user, seller_id, receipts, retry=False)
    return outcomes


def _new_receipt(seller_id: str, data: dict, digest: str, matcher: _Matcher, user: User):
    order, matched_by, why = matcher.match(data)
    applied = excess = ZERO
    if order is not None:
        applied = min(data["amount"], matcher.outstanding(order))
        excess = data["amount"] - applied
        matcher.applied[order.id] = matcher.applied.get(order.id, ZERO) + applied
    receipt = PaymentReceived(
        seller_id=seller_id,
        bank_reference=data["bank_reference"],
        amount=data["amount"],
        currency=data["currency"],
        received_on=data["received_on"],
        payer=data["payer"],
        order_no=data.get("order_no"),
        order_id=order.id if order else None,
        matched_by=matched_by,
        unmatched_reason=why,
        applied=applied,
        excess=excess,
        settled_cny=data.get("settled_cny"),
        settled_on=data.get("settled_on"),
        body_hash=digest,
        created_by=user.id,
    )
    db.session.add(receipt)
    db.session.flush()
    after = {"bank_reference": receipt.bank_reference, "order_id": receipt.order_id}
    audit.record(user.id, "payment.received", "payment_received", receipt.id, after=after)
    return receipt


def _outcome(row: int, receipt: PaymentReceived, status: str) -> dict:
    out = {"row": row, "status": status, "bank_reference": receipt.bank_reference}
    if status == "conflict":
        out["error"] = "this bank reference is already recorded with other content"
    else:
        out["id"] = receipt.id
    return out


def _visible(user: User, seller_id: str | None):
    stmt = select(PaymentReceived)
    if user.role == "seller":
        own = user.seller.id if user.seller else None
        if seller_id not in (None, own):
            raise Forbidden("Sellers see only their own receipts.")
        return stmt.where(PaymentReceived.seller_id == own)
    return stmt.where(PaymentReceived.seller_id == seller_id) if seller_id else stmt


def list_receipts(user: User, query: dict) -> dict:
    """One page of receipts, newest value date first; ``unmatched`` narrows to those with
    (false: without) an order."""
    stmt = _visible(user, query.get("seller_id"))
    if query.get("unmatched") is not None:
        no_order = PaymentReceived.order_id.is_(None)
        stmt = stmt.where(no_order if query["unmatched"] else ~no_order)
    for column in ("order_id", "currency"):
        if query.get(column):
            stmt = stmt.where(getattr(PaymentReceived, column) == query[column])
    total = db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    page, per_page = query.get("page", 1), query.get("per_page", 50)
    rows = list(
        db.session.execute(
            stmt.order_by(PaymentReceived.received_on.desc(), PaymentReceived.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).scalars()
    )
    return {"items": views(rows), "page": page, "per_page": per_page, "total": total}


def get_receipt(user: User, receipt_id: str) -> dict:
    found = db.session.execute(
        _visible(user, None).where(PaymentReceived.id == receipt_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("No such receipt.")
    return views([found])[0]


def views(rows: list[PaymentReceived]) -> list[dict]:
    """Receipts with the current standing of the order each paid."""
    order_ids = {r.order_id for r in rows if r.order_id}
    orders = {
        o.id: o for o in db.session.execute(select(Order).where(Order.id.in_(order_ids))).scalars()
    }
    received = applied_to(order_ids)
    out = []
    for r in rows:
        order = orders.get(r.order_id)
        standing = None
        status = "unmatched"
        if order is not None:
            due = amount_due(order)
            got = received[order.id]
            standing = {
                "order_no": order.order_no,
                "due": due,
                "received": got,
                "outstanding": max(due - got, ZERO),
                "state": order_state(due, got),
            }
            status = "over_payment" if r.excess > 0 else ("partial" if got < due else "paid")
        stored = {c.name: getattr(r, c.name) for c in PaymentReceived.__table__.columns}
        out.append({**stored, "status": status, "order": standing})
    return out


__all__ = ["amount_due", "applied_to", "get_receipt", "list_receipts", "record", "views"]
