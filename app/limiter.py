"""The one request limiter of the app: Flask-Limiter counting per client address.

Two limits use it, each under its own scope: failed authentication
(:mod:`app.auth_failures`) and the public tracking lookup (``GET /track/{s10}``). Neither is
a decorator limit: each is asked by the code that knows when a request counts (only a
failure counts against an address; every lookup counts against tracking).

The client address is ``request.remote_addr``: the peer, or behind ``SILKPOST_PROXY_HOPS``
trusted proxies the address they forwarded (``ProxyFix`` in :func:`app.create_app`).

The counters live in the app's Redis so every web process shares them: ``REDIS_URL``, else
the embedded server of the data dir; ``memory://`` in tests unless
``RATE_LIMIT_STORAGE_URI`` says otherwise. When the store cannot be reached the request is
not counted and is let through (and logged): refusing every sign-in or lookup while Redis
restarts would be worse than a burst of them.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits import RateLimitItem
from limits.errors import StorageError

log = logging.getLogger(__name__)

EXTENSION = "silkpost.limiter"


@dataclass(frozen=True)
class Window:
    """What the limiter said about one client in one scope: allowed or not, and the window."""

    allowed: bool
    limit: int
    remaining: int
    reset: int  # seconds until the window ends

    def headers(self) -> dict[str, str]:
        out = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
        }
        if not self.allowed:
            out["Retry-After"] = str(self.reset)
        return out


def init_app(app: Flask) -> None:
    """The app's limiter (its storage is the app's); it has no default limits."""
    app.extensions[EXTENSION] = Limiter(
        client_address,
        app=app,
        storage_uri=storage_uri(app.config),
        storage_options={"wrap_exceptions": True},
        key_prefix="silkpost",
    )


def storage_uri(config: dict) -> str:
    """Where the counters are kept (see the module doc)."""
    if config.get("RATE_LIMIT_STORAGE_URI"):
        return config["RATE_LIMIT_STORAGE_URI"]
    if config.get("TESTING"):
        return "memory://"
    url = config.get("REDIS_URL")
    if url:
        return "redis+unix://" + url[len("unix://") :] if url.startswith("unix://") else url
    from .jobs.embedded_redis import socket_path

    return "redis+unix://" + str(socket_path(Path(config["SILKPOST_DATA_DIR"]).resolve()))


def client_address() -> str:
    return request.remote_addr or "-"


def ask(method: Literal["test", "hit"], scope: str, item: RateLimitItem) -> Window | None:
    """Ask the limiter's strategy whether the client may go on in ``scope`` (``hit`` also
    counts the request); None when the store does not answer (logged)."""
    strategy = _limiter().limiter
    client = client_address()
    try:
        allowed = getattr(strategy, method)(item, scope, client)
        stats = strategy.get_window_stats(item, scope, client)
    except StorageError as exc:
        log.warning("%s limit not asked (store: %s)", scope, exc)
        return None
    reset = max(1, math.ceil(stats.reset_time - time.time()))
    return Window(allowed, item.amount, stats.remaining, reset)


def _limiter() -> Limiter:
    config = current_app.config
    if not (
        config.get("RATE_LIMIT_STORAGE_URI") or config.get("TESTING") or config.get("REDIS_URL")
    ):
        from .jobs.queues import queues

        queues.connection  # noqa: B018  (starts the data dir's server when none runs yet)
    return current_app.extensions[EXTENSION]
