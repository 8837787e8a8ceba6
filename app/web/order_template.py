"""The downloadable order-file template: every import column and an example order.

Columns come from the import reader's own list (``order_files.ALL_COLUMNS``) and the
example is the demo export order, so the template always matches what an import accepts.
"""

from __future__ import annotations

import csv
import io

from ..services.demo import DEMO_ORDERS
from ..services.order_files import ALL_COLUMNS, GROUPS, ITEM_FIELDS, ORDER_FIELDS
from .downloads import xlsx_bytes

EXAMPLE_ORDER = next(o for o in DEMO_ORDERS if o["flow"] == "export")


def rows_of(order: dict) -> list[dict[str, str]]:
    """One row per order line; the order's fields repeat on each (as the reader expects)."""
    head = {f: order[f] for f in ORDER_FIELDS if order.get(f) is not None}
    for group, names in GROUPS.items():
        for f in names:
            value = (order.get(group) or {}).get(f)
            if value is not None:
                head[f"{group}_{f}"] = value
    return [
        {**head, **{f: item[f] for f in ITEM_FIELDS if item.get(f) is not None}}
        for item in order["items"]
    ]


def _table(order: dict) -> list[list[str]]:
    return [list(ALL_COLUMNS)] + [
        [str(row.get(col, "")) for col in ALL_COLUMNS] for row in rows_of(order)
    ]


def template_csv(order: dict = EXAMPLE_ORDER) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(_table(order))
    return out.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet apps see UTF-8


def template_xlsx(order: dict = EXAMPLE_ORDER) -> bytes:
    """Every cell as text, so HS codes and S10 ids keep their digits as written."""
    return xlsx_bytes(_table(order), sheet="orders")
