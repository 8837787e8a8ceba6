"""Summary results (CEB792): the customs declaration line of every export inventory line.

Each CEB792 is one customs declaration (``sumNo`` + ``declSeqNo``) formed from a summary
application, listing inventory lines (``invtNo``, ``gnum``, the parcel's ``logisticsNo``)
with the declaration line (``gseqno``) each was put on. Booking one stores the
declaration and its lines, each tied to the export order line it is: the order whose parcel
carries the ``logisticsNo``, its line number ``gnum``. A result delivered twice, or split
over several messages (``msgCount``/``msgSeqNo``), adds each line once; a later result of
the same declaration updates its state (``decState``) and entry number.
"""

from __future__ import annotations

from sqlalchemy import select

from declarations import dxp
from declarations.ceb import receipts
from declarations.errors import DeclarationError

from ..errors import ValidationFailed
from ..extensions import db
from ..models import (
    Order,
    OrderLine,
    Parcel,
    Profile,
    Seller,
    SummaryDeclaration,
    SummaryResultLine,
    User,
)
from . import audit

MAX_RESULT_BYTES = 5 * 1024 * 1024
RESULT = "CEB792"


def read_results(body: bytes) -> list[receipts.StatusEvent]:
    """The summary results in a CEB792 message or a DxpMsg around one (422 otherwise)."""
    if len(body) > MAX_RESULT_BYTES:
        raise ValidationFailed("The message is too large.", {"_body": ["over 5 MB"]})
    try:
        if b"DxpMsg" in body[:2048]:
            body = dxp.unwrap(body).data
        events = receipts.parse(body)
    except DeclarationError as exc:
        raise ValidationFailed(
            f"The message cannot be read: {exc.summary}", {"_body": exc.problems or [exc.summary]}
        ) from exc
    if not events or any(e.message_type != RESULT for e in events):
        found = events[0].message_type if events else "the message"
        raise ValidationFailed(
            "Only CEB792 summary results are read here; other receipts go to /api/v1/receipts.",
            {"_body": [f"{found} holds no summary result"]},
        )
    return events


def ingest_results(body: bytes, actor: User | None) -> dict:
    """Book every summary result of a CEB792 message; commits."""
    booked = [book(event) for event in read_results(body)]
    for decl, added in booked:
        after = {"sum_no": decl.sum_no, "decl_seq_no": decl.decl_seq_no, "lines_added": added}
        audit.record(actor.id if actor else None, "summary.result", "summary", decl.id, after=after)
    from . import summary_receipts  # it books through this module

    summary_receipts.refresh_all(summary_receipts.filings_of({d.sum_no for d, _ in booked}))
    db.session.commit()
    return {
        "declarations": [declaration_view(d) for d, _ in booked],
        "lines_added": sum(n for _, n in booked),
    }


def book(event: receipts.StatusEvent) -> tuple[SummaryDeclaration, int]:
    """Store one CEB792 summary result (in the caller's transaction); returns the
    declaration and how many of its lines were new."""
    keys = event.keys
    decl = db.session.execute(
        select(SummaryDeclaration).where(
            SummaryDeclaration.sum_no == keys["sumNo"],
            SummaryDeclaration.decl_seq_no == keys["declSeqNo"],
        )
    ).scalar_one_or_none()
    if decl is None:
        decl = SummaryDeclaration(
            sum_no=keys["sumNo"], decl_seq_no=keys["declSeqNo"], ebc_code=keys.get("ebcCode", "")
        )
        db.session.add(decl)
    if decl.op_time is None or event.time >= decl.op_time:
        decl.dec_state, decl.op_time = event.status, event.time
        decl.entry_id = keys.get("entryId") or decl.entry_id
        decl.note = event.info or decl.note
    have = {(ln.invt_no, ln.gnum) for ln in decl.lines}
    fresh = [
        row for row in event.extra.get("lines", []) if (row["invtNo"], int(row["gnum"])) not in have
    ]
    mapped = _order_lines(fresh)
    for row in fresh:
        order_id, line_id = mapped.get((row["logisticsNo"], int(row["gnum"])), (None, None))
        decl.lines.append(
            SummaryResultLine(
                invt_no=row["invtNo"],
                logistics_no=row["logisticsNo"],
                gseqno=int(row["gseqno"]),
                gnum=int(row["gnum"]),
                gcode=row["gcode"],
                order_id=order_id,
                order_line_id=line_id,
            )
        )
    decl.seller_id = decl.seller_id or _seller_of(decl, mapped)
    db.session.flush()
    return decl, len(fresh)


def _order_lines(rows: list[dict]) -> dict[tuple[str, int], tuple[str, str]]:
    """``(logisticsNo, gnum) -> (order id, order line id)`` of the stored export lines."""
    numbers = {row["logisticsNo"] for row in rows}
    if not numbers:
        return {}
    found = db.session.execute(
        select(Parcel.item_id, OrderLine.line_no, Order.id, OrderLine.id)
        .join(Order, Order.id == Parcel.order_id)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(Parcel.item_id.in_(numbers), Order.flow == "export")
    )
    return {(item, line_no): (order_id, line_id) for item, line_no, order_id, line_id in found}


def _seller_of(decl: SummaryDeclaration, mapped: dict) -> str | None:
    """The seller of the mapped orders, else the one registered with the ebcCode."""
    if mapped:
        order = db.session.get(Order, next(iter(mapped.values()))[0])
        return order.seller_id
    return db.session.execute(
        select(Seller.id)
        .join(Profile, Profile.user_id == Seller.user_id)
        .where(Profile.customs_code == decl.ebc_code)
    ).scalar()


def declaration_view(decl: SummaryDeclaration) -> dict:
    lines = list(decl.lines)
    return {
        "id": decl.id,
        "seller_id": decl.seller_id,
        "sum_no": decl.sum_no,
        "decl_seq_no": decl.decl_seq_no,
        "entry_id": decl.entry_id,
        "dec_state": decl.dec_state,
        "op_time": decl.op_time,
        "lines": [
            {
                "invt_no": ln.invt_no,
                "logistics_no": ln.logistics_no,
                "gseqno": ln.gseqno,
                "gnum": ln.gnum,
                "gcode": ln.gcode,
                "order_id": ln.order_id,
                "order_line_id": ln.order_line_id,
            }
            for ln in lines
        ],
        "unmapped_lines": sum(1 for ln in lines if ln.order_line_id is None),
    }


__all__ = ["book", "declaration_view", "ingest_results", "read_results"]
