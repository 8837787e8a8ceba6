"""Reading order files (CSV, XLSX): one row per order line, order fields repeated.

Columns use the JSON field names, flattened with ``sender_``/``recipient_`` prefixes;
item fields (``sku``, ``description``, ``hs_code`` …) have no prefix. Rows are grouped
into orders by ``order_no``. Row numbers are those a spreadsheet shows (header = row 1).

A file is read as a stream, twice: :func:`scan` counts the rows and notes each order's
last row, then :func:`iter_groups` hands over each order as soon as its rows are complete.
Memory thus follows the orders still open, not the size of the file. The rows of an order
may be anywhere in the file.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import xlsx_rows, zip_guard

ORDER_FIELDS = (
    "order_no",
    "flow",
    "regime",
    "channel",
    "trade_mode",
    "warehouse_id",
    "incoterm",
    "freight_payer",
    "duty_payer",
    "currency",
    "shipping_cost",
    "insurance_cost",
    "category",
    "category_explanation",
    "item_id",
    "gross_weight_kg",
    "ordered_at",
    "seller_collects_vat",
)
PARTY_FIELDS = (
    "name",
    "company",
    "street",
    "city",
    "postcode",
    "state",
    "country",
    "phone",
    "email",
    "tax_id",
    "id_number",
)
PAYMENT_FIELDS = ("pay_code", "pay_name", "transaction_id", "paid_at")
GROUPS = {"sender": PARTY_FIELDS, "recipient": PARTY_FIELDS, "payment": PAYMENT_FIELDS}
ITEM_FIELDS = (
    "sku",
    "description",
    "description_local",
    "hs_code",
    "quantity",
    "unit",
    "net_weight_kg",
    "unit_value",
    "origin_country",
)
ORDER_COLUMNS = ORDER_FIELDS + tuple(
    f"{group}_{f}" for group, names in GROUPS.items() for f in names
)
ALL_COLUMNS = ORDER_COLUMNS + ITEM_FIELDS
FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


class FileFormatError(ValueError):
    """The file cannot be read as an order file; the message says why."""


class FileTooLarge(FileFormatError):
    """The file breaks a size limit (``limit`` names it): it is refused, not read."""

    def __init__(self, message: str, limit: str):
        super().__init__(message)
        self.limit = limit


@dataclass
class OrderGroup:
    order_no: str
    rows: list[int] = field(default_factory=list)  # spreadsheet row number of each line
    payload: dict = field(default_factory=dict)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, msg)


Row = tuple[int, list[Any]]  # (spreadsheet row number, cells)


def detect_format(filename: str) -> str:
    suffix = Path(filename or "").suffix.lower()
    if suffix not in FORMATS:
        raise FileFormatError("the file must be .csv or .xlsx")
    return FORMATS[suffix]


def _cell(value: Any) -> str | None:
    """Spreadsheet cells come typed; the schema wants text as the user wrote it."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    text = str(value).strip()
    return text or None


class OrderFile:
    """An open order file; ``rows()`` reads it from the top each time it is called.

    XLSX files are read by :mod:`xlsx_rows` under its limits; with ``header_only`` only the
    first row, under the small budgets meant for a check made while the client waits.
    """

    def __init__(self, path: Path, file_format: str, header_only: bool = False):
        self.path, self.file_format = path, file_format
        self._xlsx = None
        if file_format == "xlsx":
            with _readable():
                self._xlsx = xlsx_rows.XlsxRows(path, header_only=header_only)

    def rows(self) -> Iterator[Row]:
        with _readable():
            if self._xlsx is not None:
                yield from self._xlsx.rows()
                return
            with self.path.open("r", encoding="utf-8-sig", newline="") as fh:
                yield from enumerate(csv.reader(fh), start=1)

    def close(self) -> None:
        if self._xlsx is not None:
            self._xlsx.close()

    def __enter__(self) -> OrderFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextmanager
def _readable() -> Iterator[None]:
    """Reading errors of either format, as the one error type callers handle."""
    try:
        yield
    except UnicodeDecodeError as exc:
        raise FileFormatError("the CSV file is not UTF-8 text") from exc
    except csv.Error as exc:
        raise FileFormatError(f"the CSV file is malformed: {exc}") from exc
    except zip_guard.ArchiveTooLarge as exc:
        raise FileTooLarge(f"the workbook is refused: {exc}", exc.limit) from exc
    except zip_guard.ArchiveError as exc:
        raise FileFormatError(f"not a readable XLSX workbook: {exc}") from exc


def _check_header(first: Row | None) -> list[str]:
    """The header row: every column known, the required ones present."""
    if first is None or first[0] != 1 or not any(c not in (None, "") for c in first[1]):
        raise FileFormatError("the file is empty; the first row must name the columns")
    header = [(_cell(c) or "").strip().lower() for c in first[1]]
    unknown = [c for c in header if c and c not in ALL_COLUMNS]
    if unknown:
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        raise FileFormatError(f"unknown columns: {', '.join(unknown[:10])}{more}")
    dupes = sorted(c for c, n in Counter(header).items() if c and n > 1)
    if dupes:
        raise FileFormatError(f"repeated columns: {', '.join(dupes)}")
    missing = [c for c in ("order_no",) if c not in header]
    if missing:
        raise FileFormatError(f"missing columns: {', '.join(missing)}")
    return header


def read_header(path: Path, file_format: str) -> list[str]:
    """Check the header row, reading no more of the file than that row (bounded)."""
    with OrderFile(path, file_format, header_only=True) as source, closing(source.rows()) as rows:
        return _check_header(next(rows, None))


@dataclass
class FileIndex:
    """What a first pass over the rows learns: enough to stream the orders in the second.

    ``last_row`` tells the reader when an order's rows are complete, so only orders whose
    rows are still to come are held in memory: one at a time in a file whose rows are kept
    together by order, as exporters write them; all of them only if every order's last row
    comes at the end of the file.
    """

    header: list[str]
    total: int = 0  # non-blank data rows
    loose: list[tuple[int, str | None, str, str]] = field(default_factory=list)
    last_row: dict[str, int] = field(default_factory=dict)

    @property
    def orders(self) -> int:
        return len(self.last_row)

    def chunk_estimate(self, size: int, max_rows: int | None = None) -> int:
        """How many chunks :func:`chunked` makes, near enough for progress and planning
        (exact when no chunk is cut short by ``max_rows``)."""
        by_rows = -(-self.total // max_rows) if max_rows else 0
        return max(-(-self.orders // size), by_rows)


def scan(source: OrderFile) -> FileIndex:
    """First pass: check the header, count the rows, find each order's last row.

    Rows without an order number cannot be grouped and are reported as errors.
    """
    rows = source.rows()
    index = FileIndex(_check_header(next(rows, None)))
    cells = _csv_cells if source.file_format == "csv" else _typed_cells
    at = index.header.index("order_no")
    for rownum, raw in rows:
        order_no = cells(index.header, raw[at : at + 1], at) if len(raw) > at else {}
        if not order_no and not cells(index.header, raw):
            continue  # blank line
        index.total += 1
        number = order_no.get("order_no")
        if not number:
            index.loose.append((rownum, None, "order_no", "missing order number"))
        else:
            index.last_row[number] = rownum
    return index


def iter_groups(source: OrderFile, index: FileIndex) -> Iterator[OrderGroup]:
    """Second pass: each order's group as soon as its last row has been read."""
    header = index.header
    cells = _csv_cells if source.file_format == "csv" else _typed_cells
    order_columns = [c for c in ORDER_COLUMNS if c in header]
    open_groups: dict[str, tuple[OrderGroup, dict]] = {}
    rows = source.rows()
    next(rows, None)
    for rownum, raw in rows:
        values = cells(header, raw)
        order_no = values.get("order_no")
        if not order_no:
            continue  # blank, or a loose row counted by the scan
        entry = open_groups.get(order_no)
        if entry is None:
            group = OrderGroup(order_no=order_no, payload=_order_payload(values))
            entry = open_groups[order_no] = (group, values)
        else:
            _check_repeated(entry[0], entry[1], values, order_columns, rownum)
        _add_line(entry[0], header, raw, values, rownum)
        if index.last_row.get(order_no) == rownum:
            yield open_groups.pop(order_no)[0]
    yield from (group for group, _ in open_groups.values())  # only if the file changed


def _add_line(group: OrderGroup, header: list[str], raw: list, values: dict, rownum: int) -> None:
    group.rows.append(rownum)
    if len(raw) > len(header) and any(_cell(v) for v in raw[len(header) :]):
        group.errors.append((rownum, None, "the row has more cells than the header"))
    group.payload["items"].append({f: values[f] for f in ITEM_FIELDS if values.get(f) is not None})


def chunked(
    groups: Iterator[OrderGroup], size: int, max_rows: int | None = None
) -> Iterator[list[OrderGroup]]:
    """Consecutive lists of ``size`` groups, or fewer once they hold ``max_rows`` rows (so
    orders of many lines make smaller chunks); the last may be shorter."""
    chunk: list[OrderGroup] = []
    rows = 0
    for group in groups:
        chunk.append(group)
        rows += len(group.rows)
        if len(chunk) == size or (max_rows is not None and rows >= max_rows):
            yield chunk
            chunk, rows = [], 0
    if chunk:
        yield chunk


# A row's non-blank cells by column: every lookup treats a missing key as blank. These run
# for every cell of a file.


def _csv_cells(header: list[str], raw: list[Any], start: int = 0) -> dict[str, Any]:
    """CSV cells are text already (``raw`` holds the cells from column ``start`` on)."""
    cols = header[start:] if start else header
    return {col: t for col, v in zip(cols, raw, strict=False) if col and (t := v.strip())}


def _typed_cells(header: list[str], raw: list[Any], start: int = 0) -> dict[str, Any]:
    """Spreadsheet cells, as the text the user wrote (see :func:`_cell`)."""
    cols = header[start:] if start else header
    return {
        col: c for col, v in zip(cols, raw, strict=False) if col and (c := _cell(v)) is not None
    }


def _order_payload(values: dict) -> dict:
    payload: dict = {f: values[f] for f in ORDER_FIELDS if values.get(f) is not None}
    for group, names in GROUPS.items():
        sub = {f: values[f"{group}_{f}"] for f in names if values.get(f"{group}_{f}") is not None}
        if sub:
            payload[group] = sub
    payload["items"] = []
    return payload


def _check_repeated(
    group: OrderGroup, first: dict, values: dict, columns: list[str], rownum: int
) -> None:
    """A later row of an order may leave order fields blank, but must not contradict the
    order's first row (a value the first row left blank is ignored)."""
    for col in columns:
        value = values.get(col)
        if value is not None and first.get(col) not in (None, value):
            group.errors.append((rownum, col, "differs from the order's first row"))


def locate_error(group: OrderGroup, path: str) -> tuple[int, str | None]:
    """Map an error path of the order schema to (row number, column name)."""
    parts = path.split(".")
    if parts[0] == "items" and len(parts) >= 2 and parts[1].isdigit():
        idx = int(parts[1])
        row = group.rows[idx] if idx < len(group.rows) else group.rows[0]
        return row, ".".join(parts[2:]) or "items"
    if parts[0] in GROUPS and len(parts) == 2:
        return group.rows[0], f"{parts[0]}_{parts[1]}"
    if path in ("_schema", ""):
        return group.rows[0], None
    return group.rows[0], path
