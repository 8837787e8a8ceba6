"""Customs summary results: which customs declaration line each export inventory line is on.

Exports under 9610 (and 9810 filed by inventory) are released inventory by inventory and
then summarised (汇总申报) into customs declarations (报关单). Customs do the grouping and
answer each summary application with CEB792 summary results: one per declaration
(``declSeqNo``, later the ``entryId``), listing every inventory line (``invtNo`` +
``gnum``) with the declaration line (``gseqno``) it was put on. Those declaration lines are
what the export rebate is claimed on. CEB792 carries no values or quantities: the value of a
declaration line is the sum of the inventory lines mapped to it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import AwareDateTime, created_column, id_column


class SummaryDeclaration(db.Model):
    """One CEB792 summary result: the customs declaration formed from a summary."""

    __tablename__ = "summary_declarations"
    __table_args__ = (
        UniqueConstraint("sum_no", "decl_seq_no", name="uq_summary_declarations_decl"),
    )

    id: Mapped[str] = id_column()
    seller_id: Mapped[str | None] = mapped_column(ForeignKey("sellers.id"), index=True)
    sum_no: Mapped[str] = mapped_column(String(18), nullable=False)
    decl_seq_no: Mapped[str] = mapped_column(String(18), nullable=False)
    entry_id: Mapped[str | None] = mapped_column(String(18))
    dec_state: Mapped[str] = mapped_column(String(3), nullable=False)
    ebc_code: Mapped[str] = mapped_column(String(18), nullable=False)
    # When customs formed (or last changed) the declaration: CEB792 opDate, China time.
    op_time: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = created_column()
    lines: Mapped[list[SummaryResultLine]] = relationship(
        order_by="[SummaryResultLine.gseqno, SummaryResultLine.id]",
        cascade="all, delete-orphan",
        back_populates="declaration",
    )


class SummaryResultLine(db.Model):
    """One inventory line (``invt_no`` line ``gnum``) on declaration line ``gseqno``."""

    __tablename__ = "summary_result_lines"
    __table_args__ = (
        UniqueConstraint("declaration_id", "invt_no", "gnum", name="uq_summary_result_lines_gnum"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    declaration_id: Mapped[str] = mapped_column(
        ForeignKey("summary_declarations.id"), nullable=False, index=True
    )
    invt_no: Mapped[str] = mapped_column(String(20), nullable=False)
    logistics_no: Mapped[str] = mapped_column(String(32), nullable=False)
    gseqno: Mapped[int] = mapped_column(Integer, nullable=False)
    gnum: Mapped[int] = mapped_column(Integer, nullable=False)
    gcode: Mapped[str] = mapped_column(String(10), nullable=False)
    # The export order line it is (NULL when no stored order has that inventory line).
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"), index=True)
    order_line_id: Mapped[str | None] = mapped_column(ForeignKey("order_lines.id"), index=True)
    declaration: Mapped[SummaryDeclaration] = relationship(back_populates="lines")
