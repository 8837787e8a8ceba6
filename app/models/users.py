"""Users, their roles, API tokens (stored hashed) and customs-registration profiles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import created_column, id_column

ROLES = ("seller", "broker", "carrier", "admin")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    # argon2id hash for signing in to the pages; None: the user signs in with tokens only.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = created_column()
    seller: Mapped[Seller | None] = relationship(back_populates="user", uselist=False)
    profile: Mapped[Profile | None] = relationship(back_populates="user", uselist=False)


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    label: Mapped[str | None] = mapped_column(String(100))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    created_at: Mapped[datetime] = created_column()
    # None: the token does not expire. Refused (401) from this instant on.
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Recorded at most once a minute per token (see app.auth.LAST_USED_EVERY).
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user: Mapped[User] = relationship()


class Seller(db.Model):
    """The tenant: every order belongs to one seller, and a seller sees only its own."""

    __tablename__ = "sellers"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    created_at: Mapped[datetime] = created_column()
    user: Mapped[User] = relationship(back_populates="seller")


class Profile(db.Model):
    """Customs registrations a seller or broker declares under (copied into each snapshot)."""

    __tablename__ = "profiles"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    customs_code: Mapped[str | None] = mapped_column(String(18))
    customs_name: Mapped[str | None] = mapped_column(String(200))
    dxp_id: Mapped[str | None] = mapped_column(String(30))
    platform_code: Mapped[str | None] = mapped_column(String(18))
    platform_name: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user: Mapped[User] = relationship(back_populates="profile")
