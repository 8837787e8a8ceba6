"""Receipts about one parcel beyond its inventory: where the case and the tracking need them.

Of the 202205 receipts, two name a parcel by its waybill (logisticsNo) and are matched to
its order by the receipts pipeline:

- CEB514, the receipt of the operator's signed-for report (CEB513, 物流签收状态 S): a case
  event ``signed_for``; once customs have it (399 海关审结) the parcel's timeline gets EMSEVT
  EMI (final delivery) at the receipt's time.
- CEB216, the receipt of a returned export's tally (理货明细单, CEB215): a case event
  ``return_tallied`` (399: the returned parcel is tallied into the supervised site). The
  EMSEVT table (DOMAIN.md §4) has no event for a return arriving back, so none is recorded.

The batch receipts (CEB508 arrival, CEB510 departure, CEB608 waybill list, CEB712 site
entry) name a batch of the operator's, not a parcel: they are stored unmatched to an order
and answer the movement of that number (:mod:`.movement_receipts`), as CEB514 also does
for the signed-for report the service filed (:mod:`.delivery_reports`).
Each receipt event is followed once: the pipeline hands over only the events it stored new.
"""

from __future__ import annotations

from declarations.ceb import receipts

from ..models import Order, User
from . import cases, tracking

#: Event kind -> (case event action, EMSEVT code recorded at 399, or None).
FOLLOWED = {"signed_for": ("signed_for", "EMI"), "return_tally": ("return_tallied", None)}
ACCEPTED = "399"


def follow(events: list[tuple[receipts.StatusEvent, Order]], actor: User | None) -> int:
    """Record what the parcel receipts among ``events`` mean; returns how many did."""
    from .case_follow import case_of

    done = 0
    for event, order in events:
        if event.kind not in FOLLOWED:
            continue
        action, code = FOLLOWED[event.kind]
        details = {
            "message_type": event.message_type,
            "receipt_status": event.status,
            "business_key": event.business_key,
            "at": event.time.isoformat(),
        }
        case = case_of(order)
        if case is not None:
            cases.record(case, action, actor, reason=event.info or event.label, details=details)
        if code and event.status == ACCEPTED and order.parcels:
            text = f"{event.message_type} {event.info or event.label}"
            note = {"note": text, "receipt": event.message_type}
            tracking.record(order.parcels[0].id, code, None, event.time, "self", note)
        done += 1
    return done


__all__ = ["FOLLOWED", "follow"]
