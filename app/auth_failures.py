"""Failed authentication, limited per client address (the app's limiter, :mod:`app.limiter`).

Only failures count: an API request whose Bearer token is missing, unknown, revoked or
expired, and a sign-in form whose name and password do not match. Once an address has
failed ``AUTH_FAIL_LIMIT`` times in the window (default ``20 per minute``), its next failure
is answered 429 with ``Retry-After`` instead of 401. A valid token from that address still
works (tokens carry 256 random bits, so the limit is about load, not guessing, and several
clients may share one address); a sign-in from a limited address is refused before its
password is checked, or the limit would not slow password guessing at all.
"""

from __future__ import annotations

from typing import Literal

from flask import Flask, current_app
from limits import RateLimitItem, parse

from . import limiter
from .config import ConfigError
from .errors import TooManyRequests

SCOPE = "auth-fail"
EXTENSION = "silkpost.auth_failures"


def init_app(app: Flask) -> None:
    """The limit of the app, parsed once (a setting that does not parse stops the app)."""
    raw = (app.config.get("AUTH_FAIL_LIMIT") or "").strip()
    try:
        app.extensions[EXTENSION] = parse(raw) if raw else None
    except ValueError as exc:
        raise ConfigError(f"SILKPOST_AUTH_FAIL_LIMIT {raw!r} is not a limit: {exc}") from exc


def check_allowed() -> None:
    """Refuse (429) an address that has used up its failures in this window."""
    _ask("test")


def record_failure() -> None:
    """Count one failed authentication; 429 once the address is over its limit."""
    _ask("hit")


def _ask(method: Literal["test", "hit"]) -> None:
    item: RateLimitItem | None = current_app.extensions[EXTENSION]
    if item is None:
        return
    window = limiter.ask(method, SCOPE, item)
    if window is not None and not window.allowed:
        raise TooManyRequests(
            "Too many failed authentication attempts from this address; try again later.",
            retry_after=window.reset,
        )
