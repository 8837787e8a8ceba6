"""Official FX rates: importers for published CSV files and the EU customs period rule.

Customs convert with official rates fixed for a period, not market rates. The importers are
pure (text in, rows out) so the app or an operator command can load a published file into
`Tariff.with_fx_rates()` or append it to `data/fx/rates.csv` (see `to_table_csv`).

    python -m tariff_tables.fx ecb eurofxref-hist.csv --eu-customs >> data/fx/rates.csv
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from calendar import monthrange
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from .errors import DataError
from .model import FxRate

ECB_SOURCE = "European Central Bank euro foreign exchange reference rates"
HMRC_SOURCE = "HMRC exchange rates for customs and VAT (monthly)"


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
    if not text or text.upper() in {"N/A", "NA", "-"}:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise DataError(f"{where}: rate {text!r} is not a number") from exc
    if value <= 0:
        raise DataError(f"{where}: rate {text!r} must be positive")
    return value


def parse_ecb_csv(text: str, *, source: str = ECB_SOURCE) -> list[FxRate]:
    """ECB reference-rate CSV (daily `eurofxref.csv` or `eurofxref-hist.csv`).

    Layout: a `Date` column then one column per currency, 1 EUR = rate units. Each row is
    valid on its own publication day; use `eu_customs_rates` for the customs periods.
    """
    reader = csv.reader(io.StringIO(text.strip()))
    header = [h.strip() for h in next(reader, [])]
    if not header or header[0].lower() != "date":
        raise DataError("ECB CSV: first column must be Date")
    out: list[FxRate] = []
    for n, row in enumerate(reader, start=2):
        if not row or not row[0].strip():
            continue
        day = _day(row[0], f"ECB CSV line {n}")
        for cur, cell in zip(header[1:], row[1:], strict=False):
            if not cur:
                continue
            rate = _rate(cell, f"ECB CSV line {n} {cur}")
            if rate is not None:
                out.append(FxRate(day, day, "EUR", cur, rate, source, f"daily {day}"))
    return out


def penultimate_wednesday(year: int, month: int) -> date:
    """The penultimate Wednesday of a month (the EU customs rate-setting day)."""
    last = date(year, month, monthrange(year, month)[1])
    last_wed = last - timedelta(days=(last.weekday() - 2) % 7)
    return last_wed - timedelta(days=7)


def eu_customs_rates(daily: Iterable[FxRate]) -> list[FxRate]:
    """EU customs rates from ECB daily rows: the rate of the penultimate Wednesday of a
    month applies for the whole following month (the last rate published on or before that
    Wednesday when none was published on it)."""
    by_cur: dict[str, list[FxRate]] = {}
    for r in daily:
        by_cur.setdefault(r.quote, []).append(r)
    out: list[FxRate] = []
    for cur, rows in by_cur.items():
        rows.sort(key=lambda r: r.valid_from)
        months = sorted({(r.valid_from.year, r.valid_from.month) for r in rows})
        for y, m in months:
            setting_day = penultimate_wednesday(y, m)
            candidates = [r for r in rows if r.valid_from <= setting_day]
            if not candidates or (
                candidates[-1].valid_from.year,
                candidates[-1].valid_from.month,
            ) != (y, m):
                continue
            pick = candidates[-1]
            ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
            start = date(ny, nm, 1)
            end = date(ny, nm, monthrange(ny, nm)[1])
            out.append(
                FxRate(
                    start,
                    end,
                    "EUR",
                    cur,
                    pick.rate,
                    f"{pick.source}, {pick.valid_from} (EU customs rate, UCC IA "
                    "Art. 146: penultimate Wednesday)",
                    f"{ny:04d}-{nm:02d}",
                )
            )
    return sorted(out, key=lambda r: (r.quote, r.valid_from))


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
    p.add_argument(
        "--eu-customs",
        action="store_true",
        help="ECB only: keep the penultimate-Wednesday rates as monthly periods",
    )
    args = p.parse_args(argv)
    with open(args.file, encoding="utf-8-sig") as fh:
        text = fh.read()
    rows = parse_ecb_csv(text) if args.kind == "ecb" else parse_hmrc_csv(text)
    if args.kind == "ecb" and args.eu_customs:
        rows = eu_customs_rates(rows)
    sys.stdout.write(to_table_csv(rows))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
