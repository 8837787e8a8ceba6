"""Inbound postal items: ITMATT from partner posts → quoted, screened, presented as CUSITM.

```
<POSTS_DIR>/itmatt/inbox/             ITMATT files from partner posts (tmp-then-rename)
<POSTS_DIR>/itmatt/inbox/done/        files read (moved after the database commit)
<POSTS_DIR>/itmatt/inbox/quarantine/  files refused, each beside <name>.reason.txt
```
The folder is read by the partner-post inbox discipline (:mod:`app.services.partner_posts`):
each file once by its SHA-256, refused whole with its reason, XML read without entities.
Each new item (by S10 id; an item sent again is kept as first received) becomes an import
under the postal-articles regime (行邮): quoted by the tariff engine on the ITMATT's date
(:func:`app.services.quoting.quote_json`, the CN regime's postal module), screened by the
risk checks (:func:`app.services.risk.assess`), then presented to customs as a CUSITM
through the clearance gateway's outbox (``CUSITM_<item>_v1.xml``, written once by the
gateway's own writer; the message is a pure function of the stored item, so a crash
before the commit writes the same file, which the gateway counts as sent). Presenting
records EDB on the item's timeline; customs' CUSRSP decisions (:mod:`.inbound_decisions`)
move it on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from declarations import cusitm, itmatt_read
from declarations.snapshot import DeclarationSnapshot

from ..errors import ValidationFailed
from ..extensions import db
from ..gateway import Gateway, gateway_for
from ..models import InboundItem
from ..models.base import utcnow
from . import partner_posts, quoting, risk, tracking

log = logging.getLogger(__name__)

RISK_TEXT = 512  # the CUSITM schema's longest text


def inbox() -> partner_posts.Inbox:
    return partner_posts.Inbox(Path(current_app.config["POSTS_DIR"]) / "itmatt").create()


@dataclass(frozen=True)
class _Subject:
    """The inbound item as the risk checks see it (a postal item, no seller VAT)."""

    id: str
    quote_error: str | None
    channel: str = "post"
    seller_collects_vat: bool = False


def quote_body(snap: DeclarationSnapshot) -> dict:
    """The order body the quote engine reads, from an inbound item's snapshot."""
    o = snap.order
    return {
        "flow": "import",
        "regime": "postal",
        "channel": "post",
        "currency": o.currency,
        "sender": {"country": snap.sender.country, "tax_id": snap.sender.tax_id},
        "recipient": {"country": snap.recipient.country},
        "shipping_cost": o.shipping_cost,
        "insurance_cost": o.insurance_cost,
        "category": o.category,
        "gross_weight_kg": o.gross_weight_kg,
        "items": [
            {
                "description": ln.description,
                "hs_code": ln.hs_code,
                "quantity": ln.quantity,
                "unit": ln.unit,
                "net_weight_kg": ln.net_weight_kg,
                "unit_value": ln.unit_value,
                "origin_country": ln.origin_country,
            }
            for ln in snap.lines
        ],
    }


def assess(item: InboundItem, snap: DeclarationSnapshot, on: date) -> None:
    """Quote the item (or keep why not) and run the risk checks on it."""
    try:
        item.quote, item.quote_error = quoting.quote_json(quote_body(snap), on), None
    except ValidationFailed as exc:
        item.quote, item.quote_error = None, "; ".join(exc.errors.get("quote", [exc.message]))
    item.tax_total = item.quote["tax_total"] if item.quote else None
    found = risk.assess(_Subject(item.id, item.quote_error), snap, item.quote)
    item.risks = [
        {"code": r.code, "severity": r.severity, "field": r.field, "message": r.message}
        for r in found
    ]


def _store_message(message: itmatt_read.Received, sha: str) -> partner_posts.Stored:
    ids = [s.order.item_id for s in message.items]
    known = set(
        db.session.execute(select(InboundItem.item_id).where(InboundItem.item_id.in_(ids)))
        .scalars()
        .all()
    )
    new = 0
    for snap in message.items:
        if snap.order.item_id in known:
            continue
        item = InboundItem(
            item_id=snap.order.item_id,
            origin_post=message.sender or "unknown",
            origin_country=snap.sender.country,
            itmatt_message_id=message.message_id,
            file_sha256=sha,
            currency=snap.order.currency,
            declared_value=snap.goods_value,
            snapshot=snap.to_json(),
            status="received",
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        db.session.add(item)
        db.session.flush()
        assess(item, snap, message.created.date())
        new += 1
    return partner_posts.Stored(message.message_id, message.sender, len(ids), new)


ITMATT = partner_posts.FileKind(
    "itmatt", itmatt_read.MAX_FILE_BYTES, itmatt_read.parse, _store_message, ("items", "new_items")
)


def poll(limit: int = 200, gateway: Gateway | None = None) -> dict:
    """Read the ITMATT inbox, then present every item not yet presented."""
    counts = partner_posts.poll(limit, inbox(), ITMATT)
    counts["presented"] = present_waiting(gateway)
    return counts


# -- presenting ------------------------------------------------------------------------------


def presentation(item: InboundItem) -> cusitm.Presentation:
    snap = DeclarationSnapshot.from_json(item.snapshot)
    flags = tuple(
        cusitm.RiskFlag(r["code"], r["severity"], r["message"][:RISK_TEXT], r.get("field") or "")
        for r in item.risks
    )
    assessed = cusitm.assessment_from_quote(item.quote) if item.quote else None
    reason = "" if item.quote else (item.quote_error or "not assessed")[:RISK_TEXT]
    return cusitm.Presentation(
        snap, item.itmatt_message_id, item.origin_post, assessed, reason, flags
    )


def cusitm_message(item: InboundItem) -> tuple[str, bytes]:
    """The item's CUSITM file: its name and bytes (the same whenever it is built)."""
    cfg = current_app.config
    data = cusitm.build(
        [presentation(item)],
        created=item.created_at,
        sender_operator=cfg["INBOUND_POST_CODE"],
        recipient=cfg["INBOUND_CUSTOMS_CODE"],
    )
    return f"CUSITM_{item.item_id}_v1.xml", data


def present_waiting(gateway: Gateway | None = None, limit: int = 500) -> int:
    """Present the received items to customs (CUSITM in the gateway outbox), EDB each."""
    items = list(
        db.session.execute(
            select(InboundItem)
            .where(InboundItem.status == "received")
            .order_by(InboundItem.created_at, InboundItem.item_id)
            .limit(limit)
        ).scalars()
    )
    if not items:
        return 0
    gw = gateway or gateway_for(current_app.config)
    messages = [cusitm_message(item) for item in items]
    gw.submit_all(messages)  # a name already sent counts as sent
    now = utcnow()
    for item, (name, _data) in zip(items, messages, strict=True):
        item.status, item.cusitm_name, item.presented_at = "presented", name, now
        item.cusitm_message_id = cusitm.message_id([presentation(item)], item.created_at)
        item.updated_at = now
        at = item.created_at  # the CUSITM's creation time: when the item was presented
        tracking.record_item(item.item_id, "EDB", None, at, "self", {"inbound_id": item.id})
    db.session.commit()
    log.info("presented %d inbound items", len(items))
    return len(items)
