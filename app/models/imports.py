"""Import batches (one uploaded CSV/XLSX file) and their per-row errors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import created_column, id_column


class ImportBatch(db.Model):
    __tablename__ = "import_batches"

    id: Mapped[str] = id_column()
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), nullable=False, index=True)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    file_format: Mapped[str] = mapped_column(String(8), nullable=False)
    stored_path: Mapped[str] = mapped_column(Text, nullable=False)
    # queued → running → done | failed
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued")
    total_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    failed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_chunk: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_column()
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    errors: Mapped[list[ImportRowError]] = relationship(
        order_by="ImportRowError.id", cascade="all, delete-orphan"
    )


class ImportRowError(db.Model):
    __tablename__ = "import_row_errors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(
        ForeignKey("import_batches.id"), nullable=False, index=True
    )
    row: Mapped[int | None] = mapped_column(Integer)
    order_no: Mapped[str | None] = mapped_column(String(60))
    field: Mapped[str | None] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text, nullable=False)
