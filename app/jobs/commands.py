"""``silkpost periodic``: the ticker of the periodic tasks, or one task run by hand."""

from __future__ import annotations

import json

import click
from flask import current_app


@click.command("periodic")
@click.option("--once", is_flag=True, help="Enqueue the tasks that are due, then exit.")
@click.option("--run", "names", multiple=True, help="Run the named task now, here.")
def periodic_command(once: bool, names: tuple[str, ...]) -> None:
    """Enqueue the periodic tasks on their intervals (the ticker `silkpost up` runs)."""
    from . import load, periodic

    if not (once or names):
        try:
            periodic.run_ticker(current_app._get_current_object())  # type: ignore[attr-defined]
        except KeyboardInterrupt:
            pass
        return
    load()
    for name in names:
        if name not in periodic.TASKS:
            raise click.BadParameter(f"no periodic task {name!r}", param_hint="--run")
        click.echo(json.dumps({name: periodic.run(name)}, default=str))
    if once:
        click.echo(json.dumps({"enqueued": periodic.tick()}))
