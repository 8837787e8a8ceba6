"""Failed authentication, limited per client address (Flask-Limiter on the app's Redis).

Only failures count: an API request whose Bearer token is missing, unknown, revoked or
expired, and a sign-in form whose name and password do not match. Once an address has
failed ``AUTH_FAIL_LIMIT`` times in the window (default ``20 per minute``), its next failure
is answered 429 with ``Retry-After`` instead of 401. A valid token from that address still
works (tokens carry 256 random bits, so the limit is about load, not guessing, and several
clients may share one address); a sign-in from a limited address is refused before its
password is checked, or the limit would not slow password guessing at all.

The counters live in the app's Redis so every web process shares them: ``REDIS_URL``, else
the embedded server of the data dir; ``memory://`` in tests unless ``AUTH_FAIL_STORAGE_URI``
says otherwise. When the store cannot be reached the failure is not counted (and logged):
refusing every sign-in while Redis restarts would be worse than a burst of attempts.
"""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path
from typing import Literal

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits import RateLimitItem, parse
from limits.errors import StorageError

from .config import ConfigError
from .errors import TooManyRequests

log = logging.getLogger(__name__)

SCOPE = "auth-fail"
EXTENSION = "silkpost.auth_failures"


def init_app(app: Flask) -> None:
    """A limiter per app (its storage is the app's), checked only by the calls below."""
    raw = (app.config.get("AUTH_FAIL_LIMIT") or "").strip()
    try:
        item = parse(raw) if raw else None
    except ValueError as exc:
        raise ConfigError(f"SILKPOST_AUTH_FAIL_LIMIT {raw!r} is not a limit: {exc}") from exc
    limiter = Limiter(
        _client_address,
        app=app,
        storage_uri=storage_uri(app.config),
        storage_options={"wrap_exceptions": True},
        key_prefix="silkpost",
    )
    app.extensions[EXTENSION] = (limiter, item)


def storage_uri(config: dict) -> str:
    """Where the counters are kept (see the module doc)."""
    if config.get("AUTH_FAIL_STORAGE_URI"):
        return config["AUTH_FAIL_STORAGE_URI"]
    if config.get("TESTING"):
        return "memory://"
    url = config.get("REDIS_URL")
    if url:
        return "redis+unix://" + url[len("unix://") :] if url.startswith("unix://") else url
    from .jobs.embedded_redis import socket_path

    return "redis+unix://" + str(socket_path(Path(config["SILKPOST_DATA_DIR"]).resolve()))


def _client_address() -> str:
    return request.remote_addr or "-"


def check_allowed() -> None:
    """Refuse (429) an address that has used up its failures in this window."""
    _ask("test", "failed sign-ins not checked")


def record_failure() -> None:
    """Count one failed authentication; 429 once the address is over its limit."""
    _ask("hit", "failed authentication not counted")


def _ask(method: Literal["test", "hit"], unanswered: str) -> None:
    """Ask the limiter's strategy (``test`` or ``hit``) about the client's address: 429 when
    it says no; a store that does not answer is logged and lets the request through."""
    limiter, item = _state()
    if item is None:
        return
    try:
        allowed = getattr(limiter.limiter, method)(item, SCOPE, _client_address())
    except StorageError as exc:
        log.warning("%s (store: %s)", unanswered, exc)
        return
    if not allowed:
        raise _refusal(limiter, item)


def _state() -> tuple[Limiter, RateLimitItem | None]:
    limiter, item = current_app.extensions[EXTENSION]
    config = current_app.config
    embedded = not (
        config.get("AUTH_FAIL_STORAGE_URI") or config.get("TESTING") or config.get("REDIS_URL")
    )
    if item is not None and embedded:
        from .jobs.queues import queues

        queues.connection  # noqa: B018  (starts the data dir's server when none runs yet)
    return limiter, item


def _refusal(limiter: Limiter, item: RateLimitItem) -> TooManyRequests:
    try:
        reset = limiter.limiter.get_window_stats(item, SCOPE, _client_address()).reset_time
    except StorageError:
        reset = time.time() + item.get_expiry()
    retry_after = max(1, math.ceil(reset - time.time()))
    return TooManyRequests(
        "Too many failed authentication attempts from this address; try again later.",
        retry_after=retry_after,
    )
