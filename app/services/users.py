"""Creating users and their API tokens and passwords; profiles with customs registrations."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..auth import hash_token, new_token
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..models import ROLES, ApiToken, Profile, Seller, User
from ..models.base import utcnow
from . import audit

PROFILE_FIELDS = ("customs_code", "customs_name", "dxp_id", "platform_code", "platform_name")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
#: argon2id with the library's defaults (RFC 9106 "second recommended" profile).
_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("silkpost-no-such-user")


def create_user(
    name: str,
    role: str,
    actor_id: str | None = None,
    password: str | None = None,
    expires_in: timedelta | None = None,
) -> tuple[User, str]:
    """Create a user (and its seller record for sellers); return it with a fresh token
    (expiring after ``expires_in`` if given).

    With ``password`` the user can also sign in to the web pages.
    """
    name = name.strip()
    if role not in ROLES:
        raise ValidationFailed("Unknown role.", {"role": [f"one of {', '.join(ROLES)}"]})
    if not name:
        raise ValidationFailed("A name is required.", {"name": ["must not be empty"]})
    if db.session.execute(db.select(User).where(User.name == name)).scalar_one_or_none():
        raise Conflict(f"A user named {name!r} already exists.")
    user = User(name=name, role=role)
    if password is not None:
        user.password_hash = _password_hash(password)
    db.session.add(user)
    db.session.flush()
    if role == "seller":
        db.session.add(Seller(user_id=user.id, name=name))
    token = issue_token(user, label="created", expires_in=expires_in)
    audit.record(actor_id, "user.created", "user", user.id, after={"name": name, "role": role})
    db.session.commit()
    return user, token


def _password_hash(password: str) -> str:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"The password must have {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters.",
            {"password": [f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters"]},
        )
    return _hasher.hash(password)


def set_password(user: User, password: str, actor_id: str | None = None) -> None:
    """Store an argon2id hash of ``password``; the plain text is never stored."""
    user.password_hash = _password_hash(password)
    audit.record(actor_id, "user.password_set", "user", user.id)
    db.session.commit()


def check_password(name: str, password: str) -> User | None:
    """The user whose name and password match, else None (the same work either way)."""
    user = db.session.execute(db.select(User).where(User.name == name.strip())).scalar_one_or_none()
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or stored is _DUMMY_HASH:
        return None
    if _hasher.check_needs_rehash(stored):
        user.password_hash = _hasher.hash(password)
        db.session.commit()
    return user


def issue_token(user: User, label: str | None = None, expires_in: timedelta | None = None) -> str:
    """A new token of ``user`` (the caller commits); with ``expires_in`` it is refused
    from that long after now."""
    token = new_token()
    expires_at = utcnow() + expires_in if expires_in is not None else None
    db.session.add(
        ApiToken(user_id=user.id, token_hash=hash_token(token), label=label, expires_at=expires_at)
    )
    return token


def list_tokens(user_name: str | None = None) -> list[ApiToken]:
    """Every token (of one user with ``user_name``), oldest first; never the secrets."""
    query = db.select(ApiToken).join(User).order_by(ApiToken.created_at, ApiToken.id)
    if user_name is not None:
        query = query.where(User.name == find_user(user_name).name)
    return list(db.session.execute(query).scalars())


def revoke_token(token_id: str, actor_id: str | None = None) -> ApiToken:
    row = _token(token_id)
    row.revoked = True
    audit.record(actor_id, "token.revoked", "api_token", row.id)
    db.session.commit()
    return row


def rotate_token(
    token_id: str, expires_in: timedelta | None = None, actor_id: str | None = None
) -> tuple[ApiToken, str]:
    """Revoke a live token and issue its user a new one with the same label."""
    row = _token(token_id)
    if row.revoked:
        raise Conflict(f"Token {token_id} is revoked; issue a new one instead.")
    row.revoked = True
    token = issue_token(row.user, label=row.label, expires_in=expires_in)
    audit.record(actor_id, "token.rotated", "api_token", row.id)
    db.session.commit()
    return row, token


def _token(token_id: str) -> ApiToken:
    row = db.session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"No token with id {token_id!r}.")
    return row


def find_user(name: str) -> User:
    user = db.session.execute(db.select(User).where(User.name == name)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"No user named {name!r}.")
    return user


def names_of(user_ids) -> dict[str, str]:
    """``{user id: name}`` for the ids given (pages name who acted or holds a claim)."""
    wanted = {i for i in user_ids if i}
    if not wanted:
        return {}
    rows = db.session.execute(db.select(User.id, User.name).where(User.id.in_(wanted)))
    return {row.id: row.name for row in rows}


def find_seller(name: str) -> Seller:
    seller = db.session.execute(db.select(Seller).where(Seller.name == name)).scalar_one_or_none()
    if seller is None:
        raise NotFound(f"No seller named {name!r}.")
    return seller


def get_profile(user: User) -> dict:
    profile = user.profile
    values = {f: getattr(profile, f) if profile else None for f in PROFILE_FIELDS}
    if user.role == "seller":
        # A seller selling on its own shop is its own platform unless it says otherwise.
        values["platform_code"] = values["platform_code"] or values["customs_code"]
        values["platform_name"] = values["platform_name"] or values["customs_name"] or user.name
    else:
        values.pop("platform_code")
        values.pop("platform_name")
    return {"name": user.name, "role": user.role, **values}


def update_profile(user: User, changes: dict) -> dict:
    if user.role not in ("seller", "broker"):
        raise ValidationFailed("Only sellers and brokers keep a customs profile.")
    if user.role != "seller" and ({"platform_code", "platform_name"} & set(changes)):
        raise ValidationFailed(
            "Only sellers have a platform.",
            {k: ["sellers only"] for k in ("platform_code", "platform_name") if k in changes},
        )
    before = get_profile(user)
    profile = user.profile or Profile(user_id=user.id)
    for key, value in changes.items():
        setattr(profile, key, value)
    profile.updated_at = utcnow()
    db.session.add(profile)
    db.session.flush()
    db.session.refresh(user)
    after = get_profile(user)
    audit.record(user.id, "profile.updated", "user", user.id, before=before, after=after)
    db.session.commit()
    return after
