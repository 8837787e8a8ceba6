"""Sellers' webhooks: registration, deliveries written with the event, signed attempts.

A delivery is a row written in the transaction of the event it announces (so it exists
exactly when the event does) and sent after the commit by a job on the worker; a receiver
that is down only delays it. Each attempt POSTs the stored body with::

    Silkpost-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>

Receivers recompute the HMAC over the timestamp, a dot and the raw body, compare in
constant time, and refuse a timestamp more than :data:`REPLAY_WINDOW_SECONDS` from their
clock (README: "Tracking and webhooks"). A failed attempt (no answer, or not 2xx) is
retried after the configured back-off (``WEBHOOK_BACKOFF_SECONDS``); after the last one
the delivery is ``failed`` and can be sent again by hand (redeliver).

URLs are http or https without credentials; in production a URL whose host is, or
resolves to, a loopback, private, link-local or otherwise non-global address is refused,
at registration and again before each attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from declarations import emsevt

from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import Order, Parcel, Seller, User, Webhook, WebhookDelivery
from ..models.base import new_id, utcnow
from ..schemas.times import iso_instant
from . import txn_memo
from .upsert import insert_ignoring_duplicates

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Silkpost-Signature"
REPLAY_WINDOW_SECONDS = 300
MAX_LOG = 20  # attempts kept per delivery
_PENDING_KEY = "silkpost.webhook_deliveries"


def event_kinds() -> tuple[str, ...]:
    """Every kind a webhook may subscribe to; ``tracking.*`` and ``case.*`` mean all."""
    from .tracking import CASE_STATUSES

    return (
        "tracking.*",
        *(f"tracking.{c.code}" for c in emsevt.CODES),
        "case.*",
        *(f"case.{s}" for s in CASE_STATUSES),
    )


def wants(webhook_events: Iterable[str], kind: str) -> bool:
    family = kind.split(".", 1)[0]
    return kind in webhook_events or f"{family}.*" in webhook_events


# -- signatures ----------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    secret: str, header: str, body: bytes, now: float, tolerance: int = REPLAY_WINDOW_SECONDS
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


# -- URLs ----------------------------------------------------------------------------------


def _allow_private() -> bool:
    cfg = current_app.config
    return bool(cfg.get("WEBHOOK_ALLOW_PRIVATE")) and cfg.get("SILKPOST_ENV") != "production"


def url_problem(url: str, allow_private: bool) -> str | None:
    """Why ``url`` may not receive webhooks, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http:// or https:// URL with a host"
    if parts.username or parts.password:
        return "must not carry credentials"
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "has an invalid port"
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except OSError:
        return f"host {parts.hostname!r} does not resolve"
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            return f"resolves to a non-public address ({address}); refused in production"
    return None


# -- registration --------------------------------------------------------------------------


def _seller_of(user: User) -> Seller:
    if user.seller is None:
        raise Forbidden("Only sellers register webhooks.")
    return user.seller


def register(user: User, url: str, events: list[str]) -> tuple[Webhook, str]:
    """A new webhook of the user's seller and its secret (returned here only)."""
    seller = _seller_of(user)
    problem = url_problem(url, _allow_private())
    if problem:
        raise ValidationFailed("The webhook URL is refused.", {"url": [problem]})
    kinds = set(event_kinds())
    unknown = [e for e in events if e not in kinds]
    if unknown:
        raise ValidationFailed(
            "Unknown event kinds.",
            {
                "events": [
                    f"{', '.join(unknown)}: not an event kind (tracking.<EMSEVT code>, "
                    "tracking.*, case.<status>, case.*)"
                ]
            },
        )
    secret = "whsec_" + secrets.token_urlsafe(32)
    hook = Webhook(seller_id=seller.id, url=url, events=sorted(set(events)), secret=secret)
    db.session.add(hook)
    db.session.commit()
    return hook, secret


def _visible(user: User):
    query = select(Webhook).where(Webhook.active)
    if user.role != "admin":
        query = query.where(Webhook.seller_id == _seller_of(user).id)
    return query


def list_webhooks(user: User) -> list[Webhook]:
    return list(db.session.execute(_visible(user).order_by(Webhook.created_at)).scalars())


def get_webhook(user: User, webhook_id: str) -> Webhook:
    hook = db.session.execute(_visible(user).where(Webhook.id == webhook_id)).scalar()
    if hook is None:
        raise NotFound(f"Webhook {webhook_id} not found.")
    return hook


def delete(user: User, webhook_id: str) -> None:
    """Stop a webhook; its pending deliveries are cancelled, its log is kept."""
    hook = get_webhook(user, webhook_id)
    hook.active, hook.deleted_at = False, utcnow()
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == hook.id, WebhookDelivery.status == "pending")
        .values(status="cancelled", next_attempt_at=None)
    )
    db.session.commit()


def deliveries(
    user: User, webhook_id: str, status: str | None = None, limit: int = 50, offset: int = 0
) -> list[WebhookDelivery]:
    hook = get_webhook(user, webhook_id)
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
    if status:
        query = query.where(WebhookDelivery.status == status)
    query = query.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
    return list(db.session.execute(query.limit(limit).offset(offset)).scalars())


def get_delivery(user: User, delivery_id: str) -> WebhookDelivery:
    found = db.session.get(WebhookDelivery, delivery_id)
    if found is not None:
        hook = db.session.get(Webhook, found.webhook_id)
        if user.role == "admin" or (user.seller and hook.seller_id == user.seller.id):
            return found
    raise NotFound(f"Delivery {delivery_id} not found.")


def redeliver(user: User, delivery_id: str) -> WebhookDelivery:
    """Send a delivery again now (whatever its state); failures retry as usual."""
    found = get_delivery(user, delivery_id)
    if not db.session.get(Webhook, found.webhook_id).active:
        raise Conflict("The delivery's webhook was deleted; register it again.")
    found.status, found.next_attempt_at = "pending", utcnow()
    _after_commit_send([(found.id, found.attempts + 1, f"r{int(time.time() * 1000)}")])
    db.session.commit()
    return found


def delivery_view(d: WebhookDelivery) -> dict:
    return {
        "id": d.id,
        "webhook_id": d.webhook_id,
        "kind": d.kind,
        "status": d.status,
        "attempts": d.attempts,
        "next_attempt_at": d.next_attempt_at,
        "last_attempt_at": d.last_attempt_at,
        "last_status_code": d.last_status_code,
        "last_error": d.last_error,
        "delivered_at": d.delivered_at,
        "created_at": d.created_at,
        "attempt_log": d.attempt_log,
        "body": json.loads(d.body),
    }


# -- announcing (in the event's transaction) -----------------------------------------------


def _hooks_of(seller_ids: set[str]) -> dict[str, list[Webhook]]:
    """The active webhooks of each seller that has any (read once per transaction: a batch
    announces many events of the same sellers)."""
    known = txn_memo.memo("webhooks.active")
    missing = {s for s in seller_ids if s not in known}
    if missing:
        rows = db.session.execute(
            select(Webhook).where(Webhook.active, Webhook.seller_id.in_(missing))
        ).scalars()
        found: dict[str, list[Webhook]] = {s: [] for s in missing}
        for hook in rows:
            found[hook.seller_id].append(hook)
        known.update(found)
    return {s: known[s] for s in seller_ids if known[s]}


def _body(delivery_id: str, kind: str, created: datetime, data: dict) -> str:
    payload = {"id": delivery_id, "type": kind, "created": created.isoformat(), "data": data}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_json_value)


def _json_value(value: Any) -> str:
    """Date-times as ISO 8601 with their offset, decimals as exact text."""
    return iso_instant(value) if isinstance(value, datetime) else str(value)


def _queue(rows: list[dict]) -> None:
    """Insert delivery rows (repeats skipped) and send the new ones after the commit."""
    inserted = insert_ignoring_duplicates(WebhookDelivery, rows, WebhookDelivery.id)
    _after_commit_send([(d.id, 1, "") for d in inserted])


def _delivery(hook: Webhook, kind: str, key: str, now: datetime, data: dict) -> dict:
    delivery_id = new_id()
    return {
        "id": delivery_id,
        "webhook_id": hook.id,
        "kind": kind,
        "event_key": key,
        "body": _body(delivery_id, kind, now, data),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "attempt_log": [],
        "created_at": now,
    }


def announce_tracking(events: list) -> None:
    """Deliveries of new tracking events (rows with the event's columns) to their sellers'
    webhooks."""
    if not events:
        return
    owners = {
        row.parcel_id: row
        for row in db.session.execute(
            select(Parcel.id.label("parcel_id"), Order.id, Order.seller_id, Order.order_no)
            .join(Order, Order.id == Parcel.order_id)
            .where(
                Parcel.id.in_({e.parcel_id for e in events}),
                Order.seller_id.in_(select(Webhook.seller_id).where(Webhook.active)),
            )
        )
    }
    hooks = _hooks_of({o.seller_id for o in owners.values()})
    if not hooks:
        return
    from .tracking import event_view

    now, rows = utcnow(), []
    for e in events:
        order = owners.get(e.parcel_id)
        if order is None:
            continue
        kind = f"tracking.{e.code}"
        for hook in hooks.get(order.seller_id, ()):
            if wants(hook.events, kind):
                data = {
                    **event_view(e),
                    "item_id": e.item_id,
                    "parcel_id": e.parcel_id,
                    "order_id": order.id,
                    "order_no": order.order_no,
                }
                rows.append(_delivery(hook, kind, f"tracking:{e.id}", now, data))
    _queue(rows)


def announce_case(case: Any, status: str, at: datetime) -> None:
    """Deliveries of a clearance case's new status to its seller's webhooks."""
    kind = f"case.{status}"
    hooks = [
        h for h in _hooks_of({case.seller_id}).get(case.seller_id, ()) if wants(h.events, kind)
    ]
    if not hooks:
        return
    data = {
        "case_id": case.id,
        "status": status,
        "at": at,
        "order_id": case.order_id,
        "parcel_id": case.parcel_id,
    }
    key = f"case:{case.id}:{status}:{int(at.timestamp() * 1000)}"
    _queue([_delivery(h, kind, key, utcnow(), data) for h in hooks])


# -- sending (after the commit, on the worker) ---------------------------------------------


def _after_commit_send(attempts: list[tuple[str, int, str]]) -> None:
    """Enqueue (delivery id, attempt number, job id suffix) once the transaction commits."""
    if attempts:
        db.session.info.setdefault(_PENDING_KEY, []).extend(attempts)


@sa_event.listens_for(Session, "after_commit")
def _enqueue_committed(session: Session) -> None:
    attempts = session.info.pop(_PENDING_KEY, None)
    if not attempts:
        return
    from ..jobs.webhooks import enqueue_attempt

    try:
        for delivery_id, number, suffix in attempts:
            enqueue_attempt(delivery_id, None, number, suffix)
    except Exception:  # noqa: BLE001 - the rows are committed; the sweep sends them later
        log.exception("webhook deliveries not enqueued (%d); the sweep sends them", len(attempts))


@sa_event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def backoff() -> list[float]:
    raw = str(current_app.config.get("WEBHOOK_BACKOFF_SECONDS", ""))
    return [float(x) for x in raw.split(",") if x.strip()]


def _claim(delivery_id: str, attempt: int, now: datetime) -> bool:
    """Take attempt number ``attempt`` of a pending delivery; False when it is not due (sent,
    cancelled, or that attempt already made by another job)."""
    taken = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == "pending",
            WebhookDelivery.attempts == attempt - 1,
        )
        .values(attempts=attempt, last_attempt_at=now)
    ).rowcount
    db.session.commit()
    return bool(taken)


def attempt(delivery_id: str, number: int | None = None) -> dict:
    """Make one attempt of a delivery (the next one unless ``number`` is given); on failure
    schedule the next attempt or, after the last, mark it failed. Safe to run twice."""
    found = db.session.get(WebhookDelivery, delivery_id)
    if found is None:
        return {"delivery": delivery_id, "skipped": "unknown"}
    number = number or found.attempts + 1
    if not _claim(delivery_id, number, utcnow()):
        return {"delivery": delivery_id, "skipped": "not due"}
    hook = db.session.get(Webhook, found.webhook_id)
    outcome = send(hook, found) if hook.active else {"error": "the webhook was deleted"}
    return _settle(db.session.get(WebhookDelivery, delivery_id), number, outcome)


def send(hook: Webhook, delivery: WebhookDelivery) -> dict:
    """POST the delivery's body, signed now; the status code or the error, and the time."""
    problem = url_problem(hook.url, _allow_private())
    if problem:
        return {"error": f"URL refused: {problem}"}
    body = delivery.body.encode()
    request = urllib.request.Request(hook.url, data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("User-Agent", "Silkpost-Webhooks/1")
    request.add_header("Silkpost-Event", delivery.kind)
    request.add_header("Silkpost-Delivery", delivery.id)
    request.add_header(SIGNATURE_HEADER, signature(hook.secret, int(time.time()), body))
    started = time.monotonic()
    timeout = float(current_app.config.get("WEBHOOK_TIMEOUT_SECONDS", 5))
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (OSError, ValueError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"[:300], "ms": _ms(started)}
    return {"status": status, "ms": _ms(started)}


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer (3xx, not delivered), never followed: it could lead anywhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: PLR0913
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _settle(d: WebhookDelivery, number: int, outcome: dict) -> dict:
    now = utcnow()
    status = outcome.get("status")
    d.last_status_code, d.last_error = status, outcome.get("error")
    entry = {"attempt": number, "at": now.isoformat(), **outcome}
    d.attempt_log = [*(d.attempt_log or []), entry][-MAX_LOG:]
    delays = backoff()
    if status is not None and 200 <= status < 300:
        d.status, d.delivered_at, d.next_attempt_at = "delivered", now, None
    elif number <= len(delays):
        d.next_attempt_at = now + timedelta(seconds=delays[number - 1])
    else:
        d.status, d.next_attempt_at = "failed", None
    db.session.commit()
    if d.status == "pending":
        from ..jobs.webhooks import enqueue_attempt

        enqueue_attempt(d.id, d.next_attempt_at, number + 1)
    log.info("webhook delivery=%s attempt=%d outcome=%s", d.id, number, outcome)
    return {"delivery": d.id, "attempt": number, "status": d.status, **outcome}


def sweep(now: datetime | None = None, limit: int = 1000) -> int:
    """Enqueue pending deliveries that are due: their job was lost, Redis was down when they
    were committed, or no scheduler moved their retry to the queue. The sweep's job for an
    attempt has its own id (suffix ``s``), so sweeping again adds nothing, and whichever of
    it and a scheduled job comes second finds the attempt made and does nothing."""
    from ..jobs.webhooks import enqueue_attempt

    now = now or utcnow()
    due = db.session.execute(
        select(WebhookDelivery.id, WebhookDelivery.attempts)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
    ).all()
    for delivery_id, attempts in due:
        enqueue_attempt(delivery_id, None, attempts + 1, "s")
    return len(due)
