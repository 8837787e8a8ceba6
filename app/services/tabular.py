"""The one writer of the CSV and XLSX files the service hands out (reports, error lists).

Stored data stays exactly as it was given; what a spreadsheet would take for a formula is
neutralised on output, as OWASP's CSV injection guidance and ASVS requirement 1.2.10 say
(https://owasp.org/www-community/attacks/CSV_Injection): a text cell whose first character
is ``=``, ``+``, ``-``, ``@``, a tab, CR, LF or NUL — or the full-width ``＝ ＋ － ＠`` that
spreadsheets in CJK locales treat alike — is escaped with a leading single quote.

- CSV: RFC 4180 quoting (a field holding the separator, a quote or a line break is quoted,
  quotes doubled); text escaped as above. A cell that is entirely a decimal number (an
  optional sign, digits, an optional fraction: ``-12.50``) is written as it is, since no
  spreadsheet reads a formula in it: negative amounts stay numbers.
- XLSX: the cells of ``numeric`` columns are number cells when they hold a number
  (negative amounts included); every other cell is a text cell, never a formula. A text
  cell that starts like a formula also carries the ``quotePrefix`` style, the workbook's
  own form of the leading quote, so its text stays exactly as stored and stays text when
  edited in the spreadsheet.

Values are shown alike in both: None is empty, booleans ``true``/``false``, lists joined
with ``"; "``, numbers in full (``Decimal`` as written).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

FORMULA_STARTS = frozenset("=+-@\t\r\n\0＝＋－＠")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def cell_text(value: Any) -> str:
    """A value as the text of a cell, before any escaping."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(cell_text(v) for v in value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def looks_like_formula(text: str) -> bool:
    """Would a spreadsheet evaluate this text? (A plain number never is a formula.)"""
    return bool(text) and text[0] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(text)


def escape_formula(text: str) -> str:
    """The text, prefixed with a single quote when a spreadsheet would evaluate it."""
    return f"'{text}" if looks_like_formula(text) else text


def _csv_rows(records: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Iterator[list]:
    yield [escape_formula(c) for c in columns]
    for record in records:
        yield [escape_formula(cell_text(record.get(c))) for c in columns]


def iter_csv(records: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Iterator[str]:
    """CSV text line by line (header first, CRLF line ends), for streamed downloads."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in _csv_rows(records, columns):
        writer.writerow(row)
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()


def csv_text(records: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """The whole CSV file as text: a header row of ``columns``, then a row per record."""
    return "".join(iter_csv(records, columns))


def _number(value: Any) -> int | float | Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return value
    try:
        return Decimal(str(value)) if _PLAIN_NUMBER.fullmatch(str(value)) else None
    except InvalidOperation:
        return None


def xlsx_bytes(
    records: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    numeric: Collection[str] = (),
    sheet: str = "data",
) -> bytes:
    """A one-sheet workbook: a header row of ``columns``, then a row per record."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])

    def cell(column: str, value: Any, header: bool = False) -> WriteOnlyCell:
        number = None if header or column not in numeric else _number(value)
        if number is not None:
            return WriteOnlyCell(worksheet, value=number)
        text = cell_text(value)
        out = WriteOnlyCell(worksheet, value=text or None)
        if text:
            out.data_type = "s"  # never a formula, whatever the text starts with
            out.quotePrefix = looks_like_formula(text)
        return out

    worksheet.append([cell(c, c, header=True) for c in columns])
    for record in records:
        worksheet.append([cell(c, record.get(c)) for c in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
