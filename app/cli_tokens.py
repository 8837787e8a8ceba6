"""``silkpost tokens list|revoke|rotate`` and the ``--expires-in`` duration option."""

from __future__ import annotations

import re
from datetime import timedelta

import click
from flask.cli import with_appcontext

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class Duration(click.ParamType):
    """``90s``, ``30m``, ``12h`` or ``30d``."""

    name = "duration"

    def convert(self, value, param, ctx) -> timedelta:
        if isinstance(value, timedelta):
            return value
        match = re.fullmatch(r"\s*([1-9][0-9]{0,6})\s*([smhd])\s*", str(value))
        if not match:
            self.fail(f"{value!r} is not a duration such as 90s, 30m, 12h or 30d", param, ctx)
        return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


EXPIRES_IN = click.option(
    "--expires-in", type=Duration(), default=None, help="The token expires after e.g. 30d, 12h."
)


@click.group("tokens")
def tokens() -> None:
    """List, revoke and rotate API tokens (tokens are stored hashed; ids name them)."""


def _domain(call, *args, **kwargs):
    from .errors import DomainError

    try:
        return call(*args, **kwargs)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc


@tokens.command("list")
@click.option("--user", "user_name", default=None, help="Only this user's tokens.")
@with_appcontext
def tokens_list(user_name: str | None) -> None:
    """One line per token: id, user, label, state, created, expires, last used."""
    from .schemas.times import iso_instant
    from .services import users as user_service

    def iso(moment):
        return iso_instant(moment) if moment is not None else None

    for row in _domain(user_service.list_tokens, user_name):
        state = "revoked" if row.revoked else "active"
        click.echo(
            "\t".join(
                [row.id, row.user.name, row.label or "-", state, iso(row.created_at)]
                + [iso(row.expires_at) or "never", iso(row.last_used_at) or "never"]
            )
        )


@tokens.command("revoke")
@click.argument("token_id")
@with_appcontext
def tokens_revoke(token_id: str) -> None:
    """Revoke a token at once (requests with it get 401)."""
    from .services import users as user_service

    row = _domain(user_service.revoke_token, token_id)
    click.echo(f"revoked {row.id} of {row.user.name}")


@tokens.command("rotate")
@click.argument("token_id")
@EXPIRES_IN
@with_appcontext
def tokens_rotate(token_id: str, expires_in: timedelta | None) -> None:
    """Revoke a token and print its replacement as the last line."""
    from .services import users as user_service

    row, token = _domain(user_service.rotate_token, token_id, expires_in)
    click.echo(f"revoked {row.id} of {row.user.name}; new token:")
    click.echo(token)
