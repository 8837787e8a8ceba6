"""Summaries as the API shows them: the applications with what was filed and previewed,
customs' receipts (CEB702), and the declaration lines the CEB792 results mapped."""

from __future__ import annotations

from sqlalchemy import select

from declarations.ceb import receipts

from ..errors import NotFound
from ..extensions import db
from ..models import OutboxMessage, SummaryDeclaration, SummaryFiling, User

__all__ = ["get", "view", "visible"]
from .summary_receipts import stored_receipts


def visible(user: User, seller_id: str | None = None):
    """The summaries ``user`` may see (a seller its own), newest first."""
    stmt = select(SummaryFiling).order_by(SummaryFiling.created_at.desc(), SummaryFiling.id)
    if user.role == "seller":
        stmt = stmt.where(SummaryFiling.seller_id == (user.seller.id if user.seller else ""))
    if seller_id:
        stmt = stmt.where(SummaryFiling.seller_id == seller_id)
    return stmt


def get(user: User, filing_id: str) -> SummaryFiling:
    found = db.session.execute(visible(user).where(SummaryFiling.id == filing_id)).scalar()
    if found is None:
        raise NotFound("No such summary.")
    return found


def _messages(application_ids: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    rows = db.session.execute(
        select(OutboxMessage.summary_application_id, OutboxMessage.name)
        .where(OutboxMessage.summary_application_id.in_(application_ids))
        .order_by(OutboxMessage.name)
    )
    for app_id, name in rows:
        out.setdefault(app_id, []).append(name)
    return out


def _receipt(e: receipts.StatusEvent) -> dict:
    return {
        "message_type": e.message_type,
        "cop_no": e.business_key,
        "status": e.status,
        "label": e.label,
        "time": e.time,
        "info": e.info,
        "sum_no": e.keys.get("sumNo") or None,
        "part": e.keys.get("msgSeqNo") or None,
    }


def view(found: SummaryFiling, detail: bool = True) -> dict:
    apps = list(found.applications)
    out = {
        "id": found.id,
        "seller_id": found.seller_id,
        "month": found.month,
        "status": found.status,
        "error": found.error,
        "created_at": found.created_at,
        "filed_at": found.filed_at,
        "inventories": sum(len(a.invt_nos) for a in apps),
        "skipped": found.skipped or [],
    }
    if not detail:
        return out
    messages = _messages([a.id for a in apps])
    out["applications"] = [
        {
            "id": a.id,
            "cop_no": a.cop_no,
            "customs_code": a.customs_code,
            "loct_no": a.loct_no,
            "status": a.status,
            "pre_no": a.pre_no,
            "sum_no": a.sum_no,
            "info": a.info,
            "invt_nos": a.invt_nos,
            "preview": a.preview,
            "messages": messages.get(a.id, []),
        }
        for a in apps
    ]
    out["receipts"] = [_receipt(e) for e in stored_receipts([a.cop_no for a in apps])]
    out["declarations"], out["lines"] = _declared([a.sum_no for a in apps if a.sum_no])
    return out


def _declared(sum_nos: list[str]) -> tuple[list[dict], list[dict]]:
    """The declarations customs formed (CEB792) and every inventory line on them."""
    if not sum_nos:
        return [], []
    found = db.session.execute(
        select(SummaryDeclaration)
        .where(SummaryDeclaration.sum_no.in_(sum_nos))
        .order_by(SummaryDeclaration.sum_no, SummaryDeclaration.decl_seq_no)
    ).scalars()
    declarations, lines = [], []
    for d in found:
        declarations.append(
            {
                "sum_no": d.sum_no,
                "decl_seq_no": d.decl_seq_no,
                "entry_id": d.entry_id,
                "dec_state": d.dec_state,
                "op_time": d.op_time,
                "lines": len(d.lines),
            }
        )
        lines += [
            {
                "decl_seq_no": d.decl_seq_no,
                "gseqno": ln.gseqno,
                "invt_no": ln.invt_no,
                "gnum": ln.gnum,
                "gcode": ln.gcode,
                "logistics_no": ln.logistics_no,
                "order_id": ln.order_id,
                "order_line_id": ln.order_line_id,
            }
            for ln in d.lines
        ]
    return declarations, lines
