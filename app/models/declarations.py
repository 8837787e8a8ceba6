"""Declaration snapshots and the documents generated from them.

A snapshot is frozen when an order is declared; every document is a pure function of it
and is stored once. Nothing regenerates a stored document: a new snapshot version is
made explicitly, and its documents are new rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import created_column, id_column


class Declaration(db.Model):
    __tablename__ = "declarations"
    __table_args__ = (
        UniqueConstraint("order_id", "version", name="uq_declarations_order_version"),
    )

    id: Mapped[str] = id_column()
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    schema_version: Mapped[int] = mapped_column(Integer, nullable=False)
    snapshot: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_column()
    documents: Mapped[list[DeclarationDocument]] = relationship(
        back_populates="declaration", order_by="DeclarationDocument.created_at"
    )


class DeclarationDocument(db.Model):
    __tablename__ = "declaration_documents"
    __table_args__ = (
        UniqueConstraint("declaration_id", "kind", name="uq_declaration_documents_kind"),
    )

    id: Mapped[str] = id_column()
    declaration_id: Mapped[str] = mapped_column(
        ForeignKey("declarations.id"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    media_type: Mapped[str] = mapped_column(String(40), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[datetime] = created_column()
    declaration: Mapped[Declaration] = relationship(back_populates="documents")
