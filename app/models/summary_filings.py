"""Summary declarations the service files (汇总申报): a seller's month of released export
inventories, as CEB701 summary applications through the clearance gateway.

A :class:`SummaryFiling` is one request (a seller and a month); it makes one
:class:`SummaryApplication` per customs office and supervision site (one CEB701 each, the
rule of :func:`declarations.ceb.summary.by_application`). An application keeps the
inventories it lists, so a retry files exactly what was planned and no later summary takes
them again; customs answer it on CEB702 (keyed by its ``cop_no``: the summary number
``sum_no`` on acceptance, the refusal text otherwise) and then with CEB792 results, which
are booked as :class:`app.models.SummaryDeclaration` rows of the same ``sum_no``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import AwareDateTime, created_column, id_column, utcnow


class SummaryFiling(db.Model):
    """One seller's summary of one month: ``queued`` → ``filed`` → ``accepted`` |
    ``rejected`` → ``declared`` (results booked), or ``empty`` / ``failed`` (``error``)."""

    __tablename__ = "summary_filings"

    id: Mapped[str] = id_column()
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), nullable=False, index=True)
    month: Mapped[str] = mapped_column(String(7), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="queued")
    error: Mapped[str | None] = mapped_column(Text)
    # Released inventories of the month left out, each with why: [{order_no, invt_no, reason}].
    skipped: Mapped[list | None] = mapped_column(JSON)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = mapped_column(
        AwareDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
    filed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    applications: Mapped[list[SummaryApplication]] = relationship(
        order_by="SummaryApplication.cop_no",
        cascade="all, delete-orphan",
        back_populates="filing",
    )


class SummaryApplication(db.Model):
    """One CEB701 of a summary: ``planned`` → ``filed`` → ``declaring`` (E-Port took it)
    → ``accepted`` (``sum_no``) | ``rejected`` (``info`` keeps customs' text)."""

    __tablename__ = "summary_applications"

    id: Mapped[str] = id_column()
    filing_id: Mapped[str] = mapped_column(
        ForeignKey("summary_filings.id"), nullable=False, index=True
    )
    cop_no: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)
    customs_code: Mapped[str] = mapped_column(String(4), nullable=False)
    loct_no: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="planned")
    pre_no: Mapped[str | None] = mapped_column(String(18))
    sum_no: Mapped[str | None] = mapped_column(String(18), index=True)
    info: Mapped[str | None] = mapped_column(Text)
    # The inventories listed (invtNo), and the declarations previewed by the grouping rule.
    invt_nos: Mapped[list] = mapped_column(JSON, nullable=False)
    preview: Mapped[list] = mapped_column(JSON, nullable=False)
    # Also the CEB701's appTime: an instant on every database (a retry writes the same).
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, nullable=False)
    filing: Mapped[SummaryFiling] = relationship(back_populates="applications")
