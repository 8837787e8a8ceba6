"""Files the pages hand out: CSV and XLSX tables as attachments.

CSV text comes from the service that owns the table (the reports' ``to_csv``); a table
becomes a workbook here, every cell a text cell (never a formula, whatever a seller typed),
so amounts, HS codes and S10 ids keep exactly the digits the service wrote.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask import Response

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell_text(value: Any) -> str:
    """A value as the text of a cell: None empty, booleans true/false, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(cell_text(v) for v in value)
    return str(value)


def table_of(records: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> list[list[str]]:
    """A header row of ``columns`` and one row of cell texts per record."""
    return [list(columns)] + [[cell_text(r.get(c)) for c in columns] for r in records]


def xlsx_bytes(rows: Iterable[Sequence[str]], sheet: str = "data") -> bytes:
    """A one-sheet workbook of text cells."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    for row in rows:
        cells = []
        for text in row:
            cell = WriteOnlyCell(worksheet, value=text or None)
            if text:
                cell.data_type = "s"  # text, even when it starts with "="
                cell.number_format = "@"
            cells.append(cell)
        worksheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def attachment(body: bytes | str, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def csv_file(text: str, filename: str) -> Response:
    """CSV with a byte order mark, so spreadsheet apps read the Chinese text as UTF-8."""
    return attachment(("\ufeff" + text).encode("utf-8"), CSV_TYPE, filename)


def xlsx_file(records, columns: Sequence[str], filename: str, sheet: str) -> Response:
    return attachment(xlsx_bytes(table_of(records, columns), sheet), XLSX_TYPE, filename)
