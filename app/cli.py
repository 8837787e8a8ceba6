"""The ``silkpost`` command: a Flask CLI group over ``create_app``.

``silkpost up`` runs the whole embedded stack (migrations, Redis, workers, web server);
the other commands are the pieces it is made of, usable on their own.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from . import cli_fx, cli_posts, cli_summaries, cli_tokens, cli_up


def _create_app() -> Flask:
    from . import create_app

    return create_app()


@click.group(
    cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False
)
def main() -> None:
    """Silkpost: customs clearance for cross-border e-commerce parcels."""


def register_commands(app: Flask) -> None:
    from .gateway.simulator.cli import simulator
    from .jobs.commands import periodic_command

    app.cli.add_command(users)
    app.cli.add_command(worker_command)
    app.cli.add_command(periodic_command)
    app.cli.add_command(orders)
    app.cli.add_command(clearance)
    app.cli.add_command(cli_up.up)
    app.cli.add_command(simulator)
    app.cli.add_command(cli_fx.fx)
    app.cli.add_command(cli_tokens.tokens)
    app.cli.add_command(cli_posts.posts)
    app.cli.add_command(cli_summaries.summaries)


# -- users ---------------------------------------------------------------------------------


@click.group()
def users() -> None:
    """Manage users and their API tokens."""


@users.command("create")
@click.option("--role", type=click.Choice(["seller", "broker", "carrier", "admin"]), required=True)
@click.option("--name", required=True)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read a password for the web pages from standard input (first line).",
)
@cli_tokens.EXPIRES_IN
@with_appcontext
def users_create(role: str, name: str, password_stdin: bool, expires_in) -> None:
    """Create a user; the API token is printed as the last line (it is stored hashed)."""
    from .errors import DomainError
    from .services import users as user_service

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user, token = user_service.create_user(name, role, password=password, expires_in=expires_in)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"created {user.role} {user.name} ({user.id})")
    click.echo(token)


# -- worker --------------------------------------------------------------------------------


@click.command("worker")
@click.option("--burst", is_flag=True, help="Exit when the queues are empty.")
@click.option(
    "--with-scheduler/--without-scheduler",
    default=True,
    help="Also run the scheduler that re-enqueues retried jobs.",
)
@click.option("--health", is_flag=True, help="Print the registered workers and queue sizes.")
def worker_command(burst: bool, with_scheduler: bool, health: bool) -> None:
    """Run an RQ worker on the named queues (intake, clearance, gateway, documents, default)."""
    from .jobs import runner

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if health:
        report = runner.health(app)
        click.echo(json.dumps(report, indent=2, default=str))
        sys.exit(0 if report["workers"] else 1)
    runner.run(app, burst=burst, with_scheduler=with_scheduler)


# -- orders --------------------------------------------------------------------------------


@click.group()
def orders() -> None:
    """Order commands."""


@orders.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--seller", "seller_name", required=True, help="Seller name the orders belong to.")
@with_appcontext
def orders_import(file: Path, seller_name: str) -> None:
    """Import a CSV/XLSX order file now, in this process, with a progress bar."""
    from .errors import DomainError
    from .services import imports
    from .services import users as user_service

    try:
        seller = user_service.find_seller(seller_name)
        batch = imports.create_batch(seller, file.name, file.read_bytes(), actor=None)
    except DomainError as exc:
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
        raise click.ClickException(f"{exc.message} {detail}".strip()) from exc
    with click.progressbar(length=1, label="Importing", show_pos=True) as bar:

        def progress(b) -> None:
            bar.length = max(b.total_rows, 1)
            bar.update(b.processed_rows - bar.pos)

        batch = imports.process_batch(batch.id, progress=progress)
    view = imports.batch_view(batch, error_limit=50)
    click.echo(
        f"batch {view['id']}: {view['status']}; "
        f"rows {view['processed_rows']}/{view['total_rows']}; "
        f"created {view['created']}, duplicates {view['duplicates']}, failed {view['failed']}"
    )
    if view["message"]:
        click.echo(view["message"])
    for err in view["errors"]:
        click.echo(f"  row {err['row']} order {err['order_no']} {err['field']}: {err['message']}")
    if batch.status == "failed":
        sys.exit(1)


if __name__ == "__main__":
    main()


# -- clearance -----------------------------------------------------------------------------


@click.group()
def clearance() -> None:
    """Clearance cases: the periodic inbox poll and reaper."""


@clearance.command("tick")
@with_appcontext
def clearance_tick() -> None:
    """Read the gateway inbox and reap stuck cases once, in this process."""
    from .jobs import gateway

    click.echo(json.dumps(gateway.run_once(), default=str))
