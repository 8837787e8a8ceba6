"""The cross-document rules (三单对碰 for imports, order against inventory for exports), as the
builders and the customs simulator apply them."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from declarations.ceb import matching

ORDER = {
    "orderNo": "SP-1",
    "ebcCode": "1105910159",
    "goodsValue": D("299.8"),
    "freight": D("20"),
    "taxTotal": D("29.1"),
    "discount": D("5"),
    "acturalPaid": D("343.9"),
    "payTransactionId": "P1",
    "consignee": "李小宝",
    "consigneeTelephone": "13256253633",
    "consigneeAddress": "北京市海淀区中关村软件园 8号楼",
    "buyerIdNumber": "110108199001011231",
    "buyerName": "李小宝",
}
PAYMENT = {"orderNo": "SP-1", "payTransactionId": "P1", "amountPaid": D("343.90")}
WAYBILL = {k: ORDER[k] for k in matching.WAYBILL_FROM_ORDER} | {"logisticsNo": "RR1"}
INVENTORY = {k: ORDER[k] for k in matching.INVENTORY_FROM_ORDER} | {"logisticsNo": "RR1"}
LINES = [
    {"gnum": 1, "qty": D(1), "totalPrice": D("149.9")},
    {"gnum": 2, "qty": D(1), "totalPrice": D("149.9")},
]


def _check(order=ORDER, payment=PAYMENT, waybill=WAYBILL, inventory=INVENTORY, lines=LINES):
    return matching.three_documents("SP-1", order, payment, waybill, inventory, LINES, lines)


def test_documents_that_agree_pass():
    assert _check() == []
    assert matching.three_documents("SP-1", ORDER, None, None, None, LINES) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            {
                "order": {**ORDER, "acturalPaid": D(344)},
                "payment": {**PAYMENT, "amountPaid": D(344)},
            },
            "SP-1: acturalPaid 344 is not goodsValue 299.8 + freight 20 + taxTotal 29.1 - "
            "discount 5",
        ),
        (
            {"payment": {**PAYMENT, "amountPaid": D("340")}},
            "SP-1: payment amountPaid 340 differs from the order's acturalPaid 343.9 "
            "(goodsValue 299.8 + freight 20 + taxTotal 29.1 - discount 5)",
        ),
        (
            {"payment": {**PAYMENT, "payTransactionId": "P2"}},
            "SP-1: payment and order disagree on orderNo/payTransactionId",
        ),
        (
            {"waybill": {**WAYBILL, "consigneeAddress": "上海"}},
            "SP-1: consigneeAddress differs between order and waybill",
        ),
        (
            {"inventory": {**INVENTORY, "logisticsNo": "RR2"}},
            "SP-1: logisticsNo differs between inventory and waybill",
        ),
        (
            {"inventory": {**INVENTORY, "buyerIdNumber": "110101199003070000"}},
            "SP-1: buyerIdNumber differs between order and inventory",
        ),
        ({"lines": LINES[:1]}, "SP-1: order line 2 is not on the inventory"),
        (
            {"lines": [*LINES, {"gnum": 3, "qty": D(1), "totalPrice": D(1)}]},
            "SP-1: inventory line 3 is not on the order",
        ),
        (
            {"lines": [LINES[0], {**LINES[1], "qty": D(2)}]},
            "SP-1: line 2 qty differs between order and inventory",
        ),
    ],
)
def test_each_disagreement_is_named(change, problem):
    assert _check(**change) == [problem]


def test_order_lines_must_be_numbered_from_one():
    lines = [{**LINES[0], "gnum": 2}]
    assert matching.lines("SP-1", lines, None) == [
        "SP-1: line numbers must run 1..n to map onto inventory lines"
    ]


def test_an_export_inventory_agrees_with_its_order_in_lines_and_total():
    order = {"orderNo": "SP-E", "ebcCode": "4403960ABC", "goodsValue": D("299.8")}
    inventory = {"orderNo": "SP-E", "ebcCode": "4403960ABC"}
    assert matching.order_and_inventory("SP-E", order, inventory, LINES, LINES) == []
    other = {**inventory, "ebcCode": "X"}
    assert matching.order_and_inventory(
        "SP-E", {**order, "goodsValue": D(300)}, other, LINES, LINES
    ) == [
        "SP-E: ebcCode differs between order and inventory",
        "SP-E: inventory total 299.8 differs from order goodsValue 300",
    ]


BONDED = {"tradeMode": "1210", "emsNo": "T0101W000001", "areaCode": "1101180001"}
BONDED |= {"areaName": "示例保税仓", "country": "142"}


def test_a_bonded_import_names_the_stock_it_leaves():
    lines = [{"gnum": 1, "itemRecordNo": "T0001"}, {"gnum": 2, "itemRecordNo": "T0002"}]
    assert matching.bonded_import("SP-1", BONDED, lines) == []
    bare = {"tradeMode": "1210", "country": "502"}
    assert matching.bonded_import("SP-1", bare, [{"gnum": 1}]) == [
        "SP-1: emsNo is required for a bonded import (1210)",
        "SP-1: areaCode is required for a bonded import (1210)",
        "SP-1: areaName is required for a bonded import (1210)",
        "SP-1: country must be 142 for a bonded import (1210), not 502",
        "SP-1: line 1 needs its itemRecordNo (账册备案料号) for a bonded import (1210)",
    ]


def test_other_trade_modes_have_no_bonded_references_to_check():
    assert matching.bonded_import("SP-1", {"tradeMode": "9610"}, [{"gnum": 1}]) == []
