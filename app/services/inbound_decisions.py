"""Customs' CUSRSP decisions on inbound postal items: stored once, folded into the status.

The gateway's inbox poller (:mod:`app.services.inbox`) hands a CUSRSP file here. Each
decision is stored once, keyed by (item, outcome, time), so a repeated file or decision
changes nothing; the item's status is then the outcome of its latest decision by time
(:data:`STATUS_OF`), so decisions arriving out of order end in the same state. Each new
decision is recorded on the item's timeline (:data:`TRACKING_CODES`: EDC released back
to the post, EME held with its reason, EDX import terminated), where tracking's own key
drops repeats.
"""

from __future__ import annotations

from sqlalchemy import select

from declarations import cusrsp
from declarations.errors import DeclarationError

from ..errors import ValidationFailed
from ..extensions import db
from ..models import InboundDecision, InboundItem
from ..models.base import utcnow
from . import tracking
from .upsert import insert_ignoring_duplicates

STATUS_OF = {"release": "released", "hold": "held", "refer": "referred", "return": "returned"}
#: EMSEVT code of each outcome: a release hands the item back to the post (EDC, "returned
#: from customs"), a hold or referral retains it (EME, with the reason), a return ends the
#: import (EDX).
TRACKING_CODES = {"release": "EDC", "hold": "EME", "refer": "EME", "return": "EDX"}
#: Tie-break of decisions taken at the same instant: the one further along wins.
_RANK = {"hold": 0, "refer": 1, "release": 2, "return": 3}


def read(content: bytes) -> cusrsp.Message:
    """A CUSRSP file's decisions; an unreadable one is a 422-style refusal (quarantined)."""
    try:
        return cusrsp.parse(content)
    except DeclarationError as exc:
        raise ValidationFailed(
            f"The CUSRSP cannot be read: {exc.summary}", {"_body": exc.problems or [exc.summary]}
        ) from exc


def apply(message: cusrsp.Message) -> dict:
    """Store the message's decisions (in the caller's transaction) and move their items;
    counts of decisions (``events``), new ones and those about unknown items."""
    ids = {d.item_id for d in message.decisions}
    items = {
        i.item_id: i
        for i in db.session.execute(select(InboundItem).where(InboundItem.item_id.in_(ids)))
        .scalars()
        .all()
    }
    known = [d for d in message.decisions if d.item_id in items]
    rows = [_row(items[d.item_id], d, message.message_id) for d in known]
    new = insert_ignoring_duplicates(
        InboundDecision, rows, InboundDecision.inbound_item_id, InboundDecision.outcome
    )
    for d in known:
        _track(d)
    for item in {items[d.item_id] for d in known}:
        refold(item)
    return {
        "events": len(message.decisions),
        "new": len(new),
        "unmatched": sorted(ids - set(items)),
    }


def _row(item: InboundItem, d: cusrsp.Decision, message_id: str) -> dict:
    return {
        "inbound_item_id": item.id,
        "outcome": d.decision,
        "decided_at": d.at,
        "reason": d.reason or None,
        "note": d.note or None,
        "tax": d.tax,
        "currency": d.currency or None,
        "message_id": message_id[:64],
        "received_at": utcnow(),
    }


def _track(d: cusrsp.Decision) -> None:
    details = {"reason": d.reason or None, "note": d.note or None, "customs_outcome": d.decision}
    tracking.record_item(d.item_id, TRACKING_CODES[d.decision], None, d.at, "self", details)


def refold(item: InboundItem) -> None:
    """Set the item's status from its latest decision (by time, then the further along)."""
    decisions = db.session.execute(
        select(InboundDecision).where(InboundDecision.inbound_item_id == item.id)
    ).scalars()
    latest = max(decisions, key=lambda d: (d.decided_at, _RANK[d.outcome]), default=None)
    if latest is None:
        return
    item.status = STATUS_OF[latest.outcome]
    item.decided_at, item.decision_reason = latest.decided_at, latest.reason
    item.customs_tax = latest.tax
    item.updated_at = utcnow()
