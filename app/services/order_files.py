"""Reading order files (CSV, XLSX): one row per order line, order fields repeated.

Columns use the JSON field names, flattened with ``sender_``/``recipient_`` prefixes;
item fields (``sku``, ``description``, ``hs_code`` …) have no prefix. Rows are grouped
into orders by ``order_no``. Row numbers are those a spreadsheet shows (header = row 1).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

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


@dataclass
class OrderGroup:
    order_no: str
    rows: list[int] = field(default_factory=list)  # spreadsheet row number of each line
    payload: dict = field(default_factory=dict)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, msg)


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


def _rows_csv(path: Path) -> Iterator[list[Any]]:
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        yield from csv.reader(fh)


def _rows_xlsx(path: Path) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for non-xlsx input
        raise FileFormatError(f"not a readable XLSX workbook ({exc.__class__.__name__})") from exc
    try:
        ws = wb.worksheets[0]
        for row in ws.iter_rows(values_only=True):
            yield list(row)
    finally:
        wb.close()


def iter_rows(path: Path, file_format: str) -> Iterator[list[Any]]:
    try:
        yield from (_rows_csv(path) if file_format == "csv" else _rows_xlsx(path))
    except UnicodeDecodeError as exc:
        raise FileFormatError("the CSV file is not UTF-8 text") from exc
    except csv.Error as exc:
        raise FileFormatError(f"the CSV file is malformed: {exc}") from exc


def read_header(path: Path, file_format: str) -> list[str]:
    """Read and check the header row: every column known, the required ones present."""
    rows = iter_rows(path, file_format)
    header_row = next(rows, None)
    if not header_row or not any(c not in (None, "") for c in header_row):
        raise FileFormatError("the file is empty; the first row must name the columns")
    header = [(_cell(c) or "").strip().lower() for c in header_row]
    unknown = [c for c in header if c and c not in ALL_COLUMNS]
    if unknown:
        raise FileFormatError(f"unknown columns: {', '.join(unknown)}")
    dupes = sorted({c for c in header if c and header.count(c) > 1})
    if dupes:
        raise FileFormatError(f"repeated columns: {', '.join(dupes)}")
    missing = [c for c in ("order_no",) if c not in header]
    if missing:
        raise FileFormatError(f"missing columns: {', '.join(missing)}")
    return header


def read_groups(path: Path, file_format: str) -> tuple[list[OrderGroup], int, list]:
    """Read the whole file into order groups; return (groups, data row count, row errors).

    Rows without an order number cannot be grouped and are reported as errors.
    """
    header = read_header(path, file_format)
    groups: dict[str, OrderGroup] = {}
    loose_errors: list[tuple[int, str | None, str, str]] = []
    total = 0
    rows = iter_rows(path, file_format)
    next(rows)
    cells = _csv_cells if file_format == "csv" else _typed_cells
    order_columns = [c for c in ORDER_COLUMNS if c in header]
    first_rows: dict[str, dict] = {}
    for rownum, raw in enumerate(rows, start=2):
        values = cells(header, raw)
        if not values:
            continue  # blank line
        total += 1
        order_no = values.get("order_no")
        if not order_no:
            loose_errors.append((rownum, None, "order_no", "missing order number"))
            continue
        group = groups.get(order_no)
        if group is None:
            group = groups[order_no] = OrderGroup(order_no=order_no)
            group.payload = _order_payload(values)
            first_rows[order_no] = values
        else:
            _check_repeated(group, first_rows[order_no], values, order_columns, rownum)
        group.rows.append(rownum)
        if len(raw) > len(header) and any(_cell(v) for v in raw[len(header) :]):
            group.errors.append((rownum, None, "the row has more cells than the header"))
        group.payload["items"].append(
            {f: values[f] for f in ITEM_FIELDS if values.get(f) is not None}
        )
    return list(groups.values()), total, loose_errors


# A row's non-blank cells by column: every lookup treats a missing key as blank. These run
# for every cell of a file.


def _csv_cells(header: list[str], raw: list[Any]) -> dict[str, Any]:
    """CSV cells are text already."""
    return {col: t for col, v in zip(header, raw, strict=False) if col and (t := v.strip())}


def _typed_cells(header: list[str], raw: list[Any]) -> dict[str, Any]:
    """Spreadsheet cells, as the text the user wrote (see :func:`_cell`)."""
    return {
        col: c for col, v in zip(header, raw, strict=False) if col and (c := _cell(v)) is not None
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
