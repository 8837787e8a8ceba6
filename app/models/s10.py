"""Durable S10 serial counters, one per (service indicator, country) range."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class S10Counter(db.Model):
    __tablename__ = "s10_counters"

    service: Mapped[str] = mapped_column(String(2), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    next_serial: Mapped[int] = mapped_column(Integer, nullable=False)
    last_serial: Mapped[int] = mapped_column(Integer, nullable=False)
