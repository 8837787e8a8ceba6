"""The checks customs make on an inventory once its documents are there, as pure functions of
what the messages said (element name -> text).

The cross-document rules themselves are :mod:`declarations.ceb.matching` (the builders apply
the same ones); the limits are the dated, sourced figures of :mod:`tariff_tables`
(``cbec_order_limit``, ``cbec_annual_limit``), with the single-item exception of 财关税〔2018〕49号
that :mod:`tariff_tables.regimes.cn_cbec` quotes for: an order over the limit passes when it is
one indivisible item (one line of quantity 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from declarations.ceb import matching
from tariff_tables import NotCovered, Tariff, load_tariff
from tariff_tables import quota as quota_rules
from tariff_tables.regimes.common import is_single_item

Fields = Mapping[str, str]
ORDER_AMOUNTS = ("goodsValue", "freight", "discount", "taxTotal", "acturalPaid")


class NotANumber(ValueError):
    """An amount in a message that is no decimal (possible without the schema check)."""


def _dec(fields: Fields, name: str) -> Decimal:
    try:
        return Decimal(fields.get(name) or "0")
    except InvalidOperation:
        raise NotANumber(f"{name} {fields.get(name)!r} is not a number") from None


def amounts(fields: Fields, names: Sequence[str]) -> dict[str, object]:
    """``fields`` with the amounts ``names`` as decimals (so 6.9 equals 6.90)."""
    return {**fields, **{n: _dec(fields, n) for n in names}}


def rows(lines: Sequence[Fields]) -> list[dict[str, object]]:
    """List rows as the matching rules compare them: gnum, qty and totalPrice as numbers."""
    out = []
    for ln in lines:
        gnum = ln.get("gnum", "")
        if not gnum.isdigit():
            raise NotANumber(f"gnum {gnum!r} is not a line number")
        out.append(
            {"gnum": int(gnum), "qty": _dec(ln, "qty"), "totalPrice": _dec(ln, "totalPrice")}
        )
    return out


def import_problems(
    inventory: tuple[Fields, Sequence[Fields]],
    order: tuple[Fields, Sequence[Fields]],
    payment: Fields,
    waybill: Fields,
) -> list[str]:
    """三单对碰 of a CEB621 against the CEB311, CEB411 and CEB511 it names."""
    head, lines = inventory
    return matching.three_documents(
        head.get("orderNo", ""),
        amounts(order[0], ORDER_AMOUNTS),
        amounts(payment, ("amountPaid",)),
        waybill,
        head,
        rows(order[1]),
        rows(lines),
    )


def export_problems(
    inventory: tuple[Fields, Sequence[Fields]], order: tuple[Fields, Sequence[Fields]]
) -> list[str]:
    """A CEB603 against its CEB303: same order, seller and lines, same total."""
    head, lines = inventory
    return matching.order_and_inventory(
        head.get("orderNo", ""),
        amounts(order[0], ("goodsValue",)),
        head,
        rows(order[1]),
        rows(lines),
    )


@dataclass(frozen=True, slots=True)
class Counted:
    """What an import inventory counts against its buyer's yearly total: buyer id, year,
    and the customs value (goods + freight + insurance, CNY)."""

    buyer: str
    year: int
    value: Decimal


def counted(head: Fields, lines: Sequence[Fields]) -> tuple[Counted, date | None]:
    """The inventory's count and the date its limits are those of (declTime)."""
    goods = sum((_dec(ln, "totalPrice") for ln in lines), Decimal(0))
    value = goods + _dec(head, "freight") + _dec(head, "insuredFee")
    text = head.get("declTime", "")
    on = date(int(text[:4]), int(text[4:6]), int(text[6:8])) if _is_date(text) else None
    return Counted(head.get("buyerIdNumber", ""), on.year if on else 0, value), on


def _is_date(text: str) -> bool:
    if len(text) != 8 or not text.isdigit():
        return False
    try:
        date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return False
    return True


def limit_refusal(
    c: Counted,
    on: date | None,
    lines: Sequence[Fields],
    used: Decimal,
    tariff: Tariff | None = None,
) -> tuple[str, str] | None:
    """The limit an import inventory breaks, as (rule, detail), or None. A date the tables
    hold no limits for is not checked (the tables say "not covered", never a guess)."""
    tariff = tariff or load_tariff()
    if on is None:
        return None
    try:
        order_limit = tariff.parameter("CN", "cbec_order_limit", on).value
        annual_limit = quota_rules.annual_limit(on, tariff)
    except NotCovered:
        return None
    if c.value > order_limit and not is_single_item([_dec(ln, "qty") for ln in lines]):
        return "order_limit", f"order {c.value} > {order_limit} CNY and not a single item"
    if quota_rules.would_exceed(used, c.value, annual_limit):
        return "annual_quota", f"buyer used {used} + order {c.value} > {annual_limit} CNY"
    return None


def returned_line_problems(returned: Sequence[Fields], declared: Sequence[Fields]) -> list[str]:
    """A return (CEB625, CEB213) against the inventory it returns goods of: every line on
    it, at most the quantity declared."""
    by_gnum = {ln.get("gnum"): ln for ln in declared}
    problems = []
    for ln in returned:
        gnum = ln.get("gnum")
        original = by_gnum.get(gnum)
        if original is None:
            problems.append(f"returned line {gnum} is not on the inventory")
            continue
        try:
            over = Decimal(ln.get("qty") or "0") > Decimal(original.get("qty") or "0")
        except ArithmeticError:
            over = True
        if over:
            problems.append(f"line {gnum} returns {ln.get('qty')}, more than {original.get('qty')}")
    return problems
