"""Test data and helpers shared by the test modules (importable: tests/ is on pythonpath)."""

from __future__ import annotations

import copy
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


def headers(auth: dict) -> dict:
    return {k: v for k, v in auth.items() if not k.startswith("_")}


BASE_EXPORT_ORDER = {
    "order_no": "SO-1001",
    "flow": "export",
    "incoterm": "DAP",
    "freight_payer": "sender",
    "duty_payer": "recipient",
    "currency": "USD",
    "shipping_cost": "12.50",
    "insurance_cost": "0",
    "category": "sale_of_goods",
    "gross_weight_kg": "1.200",
    "ordered_at": "2026-11-20",
    "sender": {
        "name": "Li Wei",
        "company": "Shenzhen Bright Trading Co.",
        "street": "88 Keyuan Road",
        "city": "Shenzhen",
        "postcode": "518057",
        "country": "CN",
        "phone": "+86 755 1234 5678",
    },
    "recipient": {
        "name": "Anna Schmidt",
        "street": "Hauptstrasse 5",
        "city": "Berlin",
        "postcode": "10115",
        "country": "DE",
        "phone": "+49 30 123456",
        "email": "anna@example.de",
    },
    "items": [
        {
            "sku": "TS-RED-M",
            "description": "Men's cotton T-shirt, knitted",
            "description_local": "男士纯棉针织T恤",
            "hs_code": "6109.10",
            "quantity": 3,
            "unit": "piece",
            "net_weight_kg": "0.600",
            "unit_value": "8.50",
            "origin_country": "CN",
        },
        {
            "sku": "MUG-01",
            "description": "Porcelain coffee mug",
            "hs_code": "691110",
            "quantity": 1,
            "net_weight_kg": "0.350",
            "unit_value": "6.00",
            "origin_country": "CN",
        },
    ],
}


def cbec_import_order(**changes) -> dict:
    body = copy.deepcopy(BASE_EXPORT_ORDER)
    body.update(
        order_no="IM-1",
        flow="import",
        regime="cbec",
        currency="CNY",
        sender={
            "name": "Sydney Health Co",
            "street": "1 George St",
            "city": "Sydney",
            "country": "AU",
        },
        recipient={
            "name": "王小明",
            "street": "浦东新区世纪大道100号",
            "city": "上海",
            "country": "CN",
            "phone": "13800138000",
            "id_number": "310101199001011234",
        },
    )
    body.update(changes)
    return body


def order_rows(order: dict) -> list[dict]:
    """Flatten an order body into file rows: one per item, order fields repeated."""
    from app.services.order_files import GROUPS, ITEM_FIELDS, ORDER_FIELDS

    head = {f: order[f] for f in ORDER_FIELDS if f in order}
    for group, names in GROUPS.items():
        for f in names:
            if (order.get(group) or {}).get(f) is not None:
                head[f"{group}_{f}"] = order[group][f]
    return [{**head, **{f: item[f] for f in ITEM_FIELDS if f in item}} for item in order["items"]]


def write_csv(path, rows: list[dict]) -> None:
    import csv

    from app.services.order_files import ALL_COLUMNS

    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(ALL_COLUMNS))
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def write_xlsx(path, rows: list[dict]) -> None:
    """Like a spreadsheet user would: numbers as numbers, dates as dates, codes as text."""
    import datetime
    from decimal import Decimal

    from openpyxl import Workbook

    from app.services.order_files import ALL_COLUMNS

    numeric = {
        "quantity",
        "net_weight_kg",
        "unit_value",
        "gross_weight_kg",
        "shipping_cost",
        "insurance_cost",
    }
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("orders")
    ws.append(list(ALL_COLUMNS))
    for row in rows:
        out = []
        for col in ALL_COLUMNS:
            value = row.get(col)
            if col in numeric and value is not None:
                try:
                    value = float(Decimal(str(value)))
                except Exception:
                    pass
            elif col == "ordered_at" and value:
                value = datetime.date.fromisoformat(value)
            out.append(value)
        ws.append(out)
    wb.save(path)
