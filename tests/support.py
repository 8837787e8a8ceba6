"""Test data and helpers shared by the test modules (importable: tests/ is on pythonpath)."""

from __future__ import annotations

import copy

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
        sender={"name": "Sydney Health Co", "street": "1 George St", "city": "Sydney",
                "country": "AU"},
        recipient={"name": "王小明", "street": "浦东新区世纪大道100号", "city": "上海",
                   "country": "CN", "phone": "13800138000", "id_number": "310101199001011234"},
    )
    body.update(changes)
    return body


REFERENCE = __import__("pathlib").Path(__file__).resolve().parents[1].parent / "shared" / "reference"
