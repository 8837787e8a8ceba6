"""``silkpost simulator``: run the customs simulator on the configured gateway folders."""

from __future__ import annotations

import json
import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from . import codes, loop
from .config import SimConfig


@click.group("simulator")
def simulator() -> None:
    """The customs simulator answering on GATEWAY_DIR (outbox -> inbox)."""


@simulator.command("run")
@click.option("--once", is_flag=True, help="One round (take, decide, write what is due).")
@click.option(
    "--drain",
    is_flag=True,
    help="Run until the outbox is empty and every receipt decided is written, then exit.",
)
@with_appcontext
def run_command(once: bool, drain: bool) -> None:
    """Take the outbox's messages and write customs receipts into the inbox."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = SimConfig.from_mapping(current_app.config)
    click.echo(f"simulator: {config.gateway_dir} (seed {config.seed})")
    if drain:
        sim, folders = loop.open_simulator(config)
        try:
            click.echo(f"settled after {loop.drain(sim, folders)} rounds")
        finally:
            sim.store.close()
        return
    loop.run(config, once=once)


@simulator.command("codes")
def codes_command() -> None:
    """Print the refusal codes the simulator answers with, and where each comes from."""
    rows = [
        {"rule": r.rule, "code": r.code, "text": r.text, "means": r.meaning, "source": r.source}
        for r in codes.REJECTIONS.values()
    ]
    click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
