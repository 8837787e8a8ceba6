"""A fixed-window request counter per client in Redis, for endpoints open to the public.

Each (name, client, minute) has one counter that expires with its window, so any number of
web processes share the limit. When Redis cannot be reached the request is let through
(and logged): the lookup being unavailable would be worse than a burst of lookups.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import redis

from ..jobs.queues import queues

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Allowance:
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


def hit(name: str, client: str, limit: int, window: int = 60) -> Allowance:
    """Count one request of ``client``; ``limit`` 0 means unlimited."""
    now = time.time()
    reset = window - int(now % window)
    if limit <= 0:
        return Allowance(True, 0, 0, reset)
    key = f"silkpost:rate:{name}:{client}:{int(now // window)}"
    try:
        pipe = queues.connection.pipeline()
        pipe.incr(key)
        pipe.expire(key, window + 1)
        count = int(pipe.execute()[0])
    except redis.RedisError as exc:
        log.warning("rate limit %s not counted (Redis: %s)", name, exc)
        return Allowance(True, limit, limit, reset)
    return Allowance(count <= limit, limit, max(0, limit - count), reset)
