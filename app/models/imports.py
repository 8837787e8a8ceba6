"""Import batches (one uploaded CSV/XLSX file) and their per-row errors."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import BatchProgress, id_column


class ImportBatch(BatchProgress, db.Model):
    __tablename__ = "import_batches"

    id: Mapped[str] = id_column()
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), nullable=False, index=True)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    file_format: Mapped[str] = mapped_column(String(8), nullable=False)
    stored_path: Mapped[str] = mapped_column(Text, nullable=False)
    total_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    failed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_chunk: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
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
