"""Summary declarations filed through the clearance gateway (汇总申报).

``request`` stores a summary of a seller's month and queues its job; the job (``file``)
plans it once — the month's released export inventories (:mod:`.summary_inventories`),
those the rule refuses kept as ``skipped`` with the reason, one application per customs
office and site, each with the declarations the grouping rule previews — and then writes
each application's CEB701 through the gateway exactly as cases are filed
(:func:`app.services.filing.envelope`, deterministic names ``CEB701_<application>_v1_a1``,
``_p<n>`` for the parts of a long list, a name already in the outbox counting as sent).
A retry files what was planned, never a new plan. Customs' answers are read by
:mod:`.summary_receipts`.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from declarations.ceb import summary, summary_apply
from declarations.errors import DeclarationError

from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..gateway import Gateway, gateway_for
from ..models import Seller, SummaryApplication, SummaryFiling, User
from ..models.base import utcnow
from . import audit, filing, summary_inventories
from .summary_inventories import Released

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
#: A summary of a month still standing: asking again gives this one.
STANDING = ("queued", "filed", "accepted", "declared")
MESSAGE = "CEB701"
CENT = Decimal("0.01")


def seller_for(user: User, seller_id: str | None) -> Seller:
    """The seller a summary is for: a seller's own; brokers and admins name one."""
    if user.role == "seller":
        own = user.seller
        if own is None or seller_id not in (None, own.id):
            raise Forbidden("Sellers summarise only their own exports.")
        return own
    if not seller_id:
        raise ValidationFailed("Name the seller.", {"seller_id": ["required for brokers"]})
    seller = db.session.get(Seller, seller_id)
    if seller is None:
        raise NotFound("No such seller.")
    return seller


def _customs_code(seller: Seller) -> str:
    profile = seller.user.profile if seller.user else None
    return (profile.customs_code if profile else "") or ""


def request(user: User, month: str, seller_id: str | None = None) -> SummaryFiling:
    """Store the summary of ``month`` for the seller and queue its job; the one of that
    month still standing when there is one (asking twice files once)."""
    return request_for(seller_for(user, seller_id), month, user.id)


def request_for(seller: Seller, month: str, actor_id: str | None) -> SummaryFiling:
    """:func:`request` for a seller already resolved (the monthly run has no user)."""
    if not MONTH.fullmatch(month or ""):
        raise ValidationFailed("The month is YYYY-MM.", {"month": ["not YYYY-MM"]})
    if not _customs_code(seller):
        raise ValidationFailed(
            "The seller has no customs code: a summary is filed by the registered shipper.",
            {"seller_id": ["no customs_code in the seller's profile"]},
        )
    standing = db.session.execute(
        select(SummaryFiling).where(
            SummaryFiling.seller_id == seller.id,
            SummaryFiling.month == month,
            SummaryFiling.status.in_(STANDING),
        )
    ).scalar_one_or_none()
    if standing is None:
        from ..jobs.queues import queues

        queues.ensure_reachable()
        standing = SummaryFiling(seller_id=seller.id, month=month, created_by=actor_id)
        db.session.add(standing)
        db.session.flush()
        audit.record(actor_id, "summary.request", "summary", standing.id, after={"month": month})
        db.session.commit()
    from ..jobs.summaries import enqueue_summary

    enqueue_summary(standing.id, quiet=True)
    return standing


# -- the job ---------------------------------------------------------------------------------


def file(filing_id: str, gateway: Gateway | None = None) -> str:
    """Plan the summary (once) and write its applications; returns its status."""
    found = db.session.get(SummaryFiling, filing_id)
    if found is None or found.status != "queued":
        return "skipped"
    if not found.applications and not _plan(found):
        return found.status
    try:
        messages = _messages(found)
    except DeclarationError as exc:
        return _failed(found, exc.summary)
    gw = gateway or gateway_for(current_app.config)
    try:
        gw.submit_all([(name, body) for _, name, body in messages])
    except OSError as exc:
        db.session.rollback()
        raise filing.Transient(f"the gateway refused a summary application: {exc}") from exc
    filing.record_outbox_rows(
        [
            filing.outbox_row(
                MESSAGE, name, body, version=1, app_type="1", summary_application_id=app_id
            )
            for app_id, name, body in messages
        ]
    )
    for application in found.applications:
        application.status = "filed" if application.status == "planned" else application.status
    found.status, found.filed_at = "filed", utcnow()
    db.session.commit()
    return found.status


def _failed(found: SummaryFiling, message: str) -> str:
    found.status, found.error = "failed", message
    db.session.commit()
    return "failed"


def _plan(found: SummaryFiling) -> bool:
    """The applications of the month (committed); False when there is nothing to file."""
    seller = db.session.get(Seller, found.seller_id)
    ebc = _customs_code(seller)
    taken = summary_inventories.listed_elsewhere(found.seller_id, found.id)
    window = summary.month_window(found.month)
    chosen, skipped = [], []
    for item in summary_inventories.released(found.seller_id, found.month):
        reason = (
            "is in another summary"
            if item.record.invt_no in taken
            else summary.ineligible(item.record, ebc_code=ebc, window=window)
        )
        if reason:
            skipped.append(
                {"order_no": item.order_no, "invt_no": item.record.invt_no, "reason": reason}
            )
        else:
            chosen.append(item.record)
    found.skipped = skipped
    if not chosen:
        found.status = "empty"
        found.error = f"No released export inventory of {found.month} can be summarised."
        db.session.commit()
        return False
    for n, ((customs_code, loct_no), invs) in enumerate(summary.by_application(chosen).items(), 1):
        found.applications.append(
            SummaryApplication(
                cop_no=f"SUM{found.month.replace('-', '')}{found.id[:8].upper()}{n:02d}",
                customs_code=customs_code,
                loct_no=loct_no,
                invt_nos=sorted(inv.invt_no for inv in invs),
                preview=[preview(d) for d in summary.summarise(invs)],
            )
        )
    db.session.commit()
    return True


def preview(d: summary.SummaryDeclaration) -> dict:
    """A declaration the grouping rule makes, as the API shows it."""
    return {
        "part": d.part,
        "trade_mode": d.key.trade_mode,
        "country": d.key.country,
        "port_code": d.key.port_code,
        "traf_mode": d.key.traf_mode,
        "inventories": len(d.invt_nos),
        "lines": [
            {
                "gseqno": ln.gseqno,
                "gcode": ln.gcode,
                "item_name": ln.item_name,
                "country": ln.country,
                "currency": ln.currency,
                "total_price": _amount(ln.total_price),
                "inventory_lines": len(ln.sources),
            }
            for ln in d.lines
        ],
    }


def _amount(value: Decimal) -> str:
    """An amount to the cent when that is exact (the snapshot keeps more places)."""
    cents = value.quantize(CENT)
    return str(cents if cents == value else value)


def _messages(found: SummaryFiling) -> list[tuple[str, str, bytes]]:
    """(application id, file name, DxpMsg) of every CEB701 part of the summary."""
    listed = [no for a in found.applications for no in a.invt_nos]
    items = {
        r.record.invt_no: r for r in summary_inventories.released(found.seller_id, invt_nos=listed)
    }
    out = []
    for application in found.applications:
        missing = [no for no in application.invt_nos if no not in items]
        if missing:
            raise DeclarationError(f"inventories no longer released: {', '.join(missing)}")
        mine = [items[no] for no in application.invt_nos]
        out += _application_messages(application, mine)
    return out


def _application_messages(
    application: SummaryApplication, items: list[Released]
) -> list[tuple[str, str, bytes]]:
    seller = items[0].snapshot.seller
    if not seller.dxp_id:
        raise DeclarationError("the seller has no DXP id (set it in the profile)")
    filed_at: datetime = application.created_at
    parts = summary_apply.build_ceb701(
        [item.record for item in items],
        seller=seller,
        cop_no=application.cop_no,
        filed_at=filed_at,
        schema_dir=current_app.config.get("CEB_XSD_DIR"),
    )
    out = []
    for seq, content in enumerate(parts, 1):
        suffix = f"_p{seq}" if len(parts) > 1 else ""
        name = filing.outbox_name(MESSAGE, application.id, 1, "1", suffix)
        body = filing.envelope(name, content, seller.dxp_id, filed_at)
        out.append((application.id, name, body))
    return out


__all__ = ["MONTH", "STANDING", "file", "preview", "request", "request_for", "seller_for"]
