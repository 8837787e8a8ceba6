"""``silkpost posts``: read the partner-post inbox and send due webhook deliveries now."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext


@click.group()
def posts() -> None:
    """Partner-post exchange and webhooks."""


@posts.command("poll")
@click.option("--limit", default=200, show_default=True, help="Files to read at most.")
@with_appcontext
def posts_poll(limit: int) -> None:
    """Read the EMSEVT files waiting in <POSTS_DIR>/inbox once, in this process, and
    enqueue the webhook deliveries that are due; prints the counts."""
    from .services import partner_posts, webhooks

    counts = partner_posts.poll(limit)
    counts["webhooks_due"] = webhooks.sweep()
    click.echo(json.dumps(counts))


@posts.command("poll-itmatt")
@click.option("--limit", default=200, show_default=True, help="Files to read at most.")
@with_appcontext
def posts_poll_itmatt(limit: int) -> None:
    """Read the ITMATT files waiting in <POSTS_DIR>/itmatt/inbox once, in this process, and
    present the new inbound items to customs (CUSITM); prints the counts."""
    from .services import inbound

    click.echo(json.dumps(inbound.poll(limit)))
