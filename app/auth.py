"""Bearer-token authentication and role checks for the API."""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import g, request
from sqlalchemy.orm import joinedload

from . import auth_failures
from .errors import Forbidden, Unauthorized
from .extensions import db
from .models import ApiToken, User
from .models.base import utcnow

TOKEN_PREFIX = "sp_"
LAST_USED_EVERY = timedelta(minutes=1)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Tokens carry 256 random bits, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_token(token: str) -> User | None:
    """The user of a live token (not revoked, not expired); records when it was used."""
    row = db.session.execute(
        db.select(ApiToken)
        .where(ApiToken.token_hash == hash_token(token), ~ApiToken.revoked)
        .options(joinedload(ApiToken.user).joinedload(User.seller))  # one statement for all
    ).scalar_one_or_none()
    now = utcnow()
    if row is None or (row.expires_at is not None and _aware(row.expires_at) <= now):
        return None
    _record_use(row, now)
    return row.user


def _aware(moment: datetime) -> datetime:
    """SQLite gives stored instants back without their (UTC) offset."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _record_use(row: ApiToken, now: datetime) -> None:
    """Write ``last_used_at`` when it is older than ``LAST_USED_EVERY``: one UPDATE a minute
    per token at most, guarded so concurrent requests do not write twice."""
    if row.last_used_at is not None and now - _aware(row.last_used_at) < LAST_USED_EVERY:
        return
    stale = now - LAST_USED_EVERY
    db.session.execute(
        db.update(ApiToken)
        .where(
            ApiToken.id == row.id,
            (ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at < stale),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def current_user() -> User:
    return g.current_user


def authenticate() -> User:
    """The caller of an API request; a failure is 401, or 429 past the address's limit."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        auth_failures.record_failure()
        raise Unauthorized("Send an API token as 'Authorization: Bearer <token>'.")
    user = user_for_token(token.strip())
    if user is None:
        auth_failures.record_failure()
        raise Unauthorized("The API token is unknown, revoked or expired.")
    g.current_user = user
    return user


def require_role(user: User, roles: tuple[str, ...]) -> None:
    """The role rule of the API and the pages: one of ``roles``, or admin (always allowed)."""
    if roles and user.role not in roles and user.role != "admin":
        raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.")


def roles_required(*roles: str) -> Callable:
    """Authenticate the caller and require one of ``roles`` (admin is always allowed)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            require_role(authenticate(), roles)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def login_required(view: Callable) -> Callable:
    return roles_required()(view)
