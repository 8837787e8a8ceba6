"""The cross-document rules customs apply when an inventory is declared, in one place.

Imports (三单对碰): the order, the payment and the waybill must agree with each other and
with the inventory: orderNo / payTransactionId / logisticsNo link them, ``acturalPaid =
goodsValue + freight + taxTotal - discount`` must equal the payment's ``amountPaid``, the
consignee must be the same on order and waybill, the buyer the same on order and inventory,
and the inventory lines (gnum) map one to one onto the order lines with the same quantities
and totals. Exports: the inventory agrees with its order line for line and in total value.
Bonded imports (1210): the inventory names the bonded stock it leaves (:func:`bonded_import`).

Why here: the builders refuse to produce documents that would fail these rules, and the
customs simulator refuses filings that fail them; both call these functions. Documents are
given as dicts of element name -> value with amounts as ``Decimal`` (what the builders write,
or what a received message says); each function returns the problems found, as lines a
seller can act on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

Values = Mapping[str, Any]
Rows = Sequence[Values]

#: What the waybill must repeat from the order.
WAYBILL_FROM_ORDER = ("consignee", "consigneeTelephone", "consigneeAddress", "orderNo")
#: What the inventory must repeat from the order (the buyer and the seller).
INVENTORY_FROM_ORDER = ("orderNo", "ebcCode", "buyerIdNumber", "buyerName")
#: What an inventory line must repeat from the order line of the same gnum.
LINE_FROM_ORDER = ("qty", "totalPrice")


def three_documents(
    where: str,
    order: Values,
    payment: Values | None,
    waybill: Values | None,
    inventory: Values | None,
    order_lines: Rows,
    inventory_lines: Rows | None = None,
) -> list[str]:
    """Problems of an import's documents against each other; a document given as ``None``
    is not compared (the builders compare what exists, customs wait for what is missing)."""
    problems = _payable(where, order)
    if payment is not None:
        if payment["amountPaid"] != order["acturalPaid"]:
            problems.append(
                f"{where}: payment amountPaid {payment['amountPaid']} differs from the order's "
                f"acturalPaid {order['acturalPaid']} ({_formula(order)})"
            )
        if payment["orderNo"] != order["orderNo"] or (
            order.get("payTransactionId")
            and payment["payTransactionId"] != order["payTransactionId"]
        ):
            problems.append(f"{where}: payment and order disagree on orderNo/payTransactionId")
    if waybill is not None:
        problems += _differs(where, "order and waybill", order, waybill, WAYBILL_FROM_ORDER)
        if inventory is not None and inventory["logisticsNo"] != waybill["logisticsNo"]:
            problems.append(f"{where}: logisticsNo differs between inventory and waybill")
    if inventory is not None:
        problems += _differs(where, "order and inventory", order, inventory, INVENTORY_FROM_ORDER)
    return problems + lines(where, order_lines, inventory_lines)


def order_and_inventory(
    where: str, order: Values, inventory: Values, order_lines: Rows, inventory_lines: Rows
) -> list[str]:
    """Problems of an export inventory against its order: the same order and seller, the
    same lines, and the inventory's total equal to the order's goods value."""
    problems = _differs(where, "order and inventory", order, inventory, ("orderNo", "ebcCode"))
    total = sum((row["totalPrice"] for row in inventory_lines), Decimal(0))
    if total != order["goodsValue"]:
        problems.append(
            f"{where}: inventory total {total} differs from order goodsValue {order['goodsValue']}"
        )
    return problems + lines(where, order_lines, inventory_lines)


def lines(where: str, order_lines: Rows, inventory_lines: Rows | None) -> list[str]:
    """Order lines numbered 1..n, and (when given) inventory lines mapping onto them one to
    one with the same quantity and total."""
    problems = []
    gnums = [int(row["gnum"]) for row in order_lines]
    if gnums != list(range(1, len(gnums) + 1)):
        problems.append(f"{where}: line numbers must run 1..n to map onto inventory lines")
    if inventory_lines is None:
        return problems
    ordered = {int(row["gnum"]): row for row in order_lines}
    declared = {int(row["gnum"]): row for row in inventory_lines}
    for gnum in sorted(declared.keys() - ordered.keys()):
        problems.append(f"{where}: inventory line {gnum} is not on the order")
    for gnum in sorted(ordered.keys() - declared.keys()):
        problems.append(f"{where}: order line {gnum} is not on the inventory")
    for gnum in sorted(ordered.keys() & declared.keys()):
        for name in LINE_FROM_ORDER:
            if ordered[gnum][name] != declared[gnum][name]:
                problems.append(f"{where}: line {gnum} {name} differs between order and inventory")
    return problems


def _payable(where: str, order: Values) -> list[str]:
    paid = order["goodsValue"] + order["freight"] + order["taxTotal"] - order["discount"]
    if paid != order["acturalPaid"]:
        return [f"{where}: acturalPaid {order['acturalPaid']} is not {_formula(order)}"]
    return []


def _formula(order: Values) -> str:
    return (
        f"goodsValue {order['goodsValue']} + freight {order['freight']} + taxTotal "
        f"{order['taxTotal']} - discount {order['discount']}"
    )


def _differs(where: str, what: str, a: Values, b: Values, names: Sequence[str]) -> list[str]:
    differ = [name for name in names if a.get(name) != b.get(name)]
    return [f"{where}: {name} differs between {what}" for name in differ]


#: Bonded import (保税进口, 1210), from CEB621's documentation in the 202205 import schema:
#: tradeMode 「直购进口填写"9610"，保税进口填写"1210"」; emsNo 「保税模式必填，填写区内仓储企业
#: 在海关备案的账册编号，用于保税进口业务在特殊区域辅助系统记账（二线出区核减）」; areaCode/areaName
#: 「保税模式必填，区内仓储企业的海关注册登记编号/名称」; each line's itemRecordNo 「账册备案料号
#: 保税模式必填」; the head country 「保税进口填写代码"142"」. The schema makes them all optional.
BONDED_TRADE_MODE = "1210"
BONDED_COUNTRY = "142"
BONDED_HEAD = ("emsNo", "areaCode", "areaName")


def bonded_import(where: str, inventory: Values, inventory_lines: Rows) -> list[str]:
    """Problems of a 1210 inventory's bonded-stock references (none for other trade
    modes): the account book (emsNo) and the warehouse company, the item record of every
    line, and China (142) as the country the goods come from."""
    if inventory.get("tradeMode") != BONDED_TRADE_MODE:
        return []
    problems = [
        f"{where}: {name} is required for a bonded import (1210)"
        for name in BONDED_HEAD
        if not inventory.get(name)
    ]
    if inventory.get("country") != BONDED_COUNTRY:
        problems.append(
            f"{where}: country must be {BONDED_COUNTRY} for a bonded import (1210), "
            f"not {inventory.get('country') or 'empty'}"
        )
    for row in inventory_lines:
        if not row.get("itemRecordNo"):
            problems.append(
                f"{where}: line {row.get('gnum')} needs its itemRecordNo (账册备案料号) "
                "for a bonded import (1210)"
            )
    return problems
