"""Column helpers shared by the models: opaque string ids, UTC timestamps, money."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import DateTime, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class ExactNumeric(TypeDecorator):
    """NUMERIC on PostgreSQL; text on SQLite, whose NUMERIC would round-trip through float."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int):
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision, self.scale = precision, scale

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(self.precision + 2))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value)
        return format(value, "f") if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)


class AwareDateTime(TypeDecorator):
    """A point in time: TIMESTAMP WITH TIME ZONE, given back aware (in UTC) on every database.

    PostgreSQL stores the instant. SQLite has no time zones and would drop the offset, so
    the instant is stored there as UTC wall time and read back as UTC. A naive value is
    refused: without an offset it is not an instant (a customs receipt's time is China
    time, a server clock's UTC).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{value!r} has no offset; store aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


MONEY = ExactNumeric(18, 5)
WEIGHT = ExactNumeric(12, 3)
QUANTITY = ExactNumeric(14, 3)


def id_column() -> Mapped[str]:
    return mapped_column(String(36), primary_key=True, default=new_id)


def created_column() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class BatchProgress:
    """Columns of every batch a worker processes: its state, why it stopped, and when."""

    # queued → running → done | failed
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued")
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_column()
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


__all__ = [
    "BatchProgress",
    "AwareDateTime",
    "Decimal",
    "MONEY",
    "WEIGHT",
    "QUANTITY",
    "new_id",
    "utcnow",
    "id_column",
    "created_column",
]
