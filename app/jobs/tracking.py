"""Tracking jobs: reading the partner-post inbox, and sending webhook deliveries that are due.

Both are safe to run at any time and any number of times: the inbox poll reads each file
once (see ``partner_posts``), the sweep enqueues attempts by their deterministic job ids.
"""

from __future__ import annotations

import time

from ..services import partner_posts, webhooks
from .queues import job

POLL_EVERY = 10  # seconds: one job id per slot, so pollers never pile up


@job("default", retries=0, timeout=600)
def poll_partner_posts() -> dict:
    counts = partner_posts.poll()
    counts["webhooks_due"] = webhooks.sweep()
    return counts


def enqueue_poll(now: float | None = None):
    slot = int((now or time.time()) // POLL_EVERY)
    return poll_partner_posts.delay(job_id=f"posts-poll-{slot}")
