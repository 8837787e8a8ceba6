"""The summary declaration of 9610/9810 exports (汇总申报): which released export inventories
share a customs export declaration, and which declaration line each inventory line becomes.

Why Silkpost states the rule at all: the filer does not group. Its CEB701 names the
inventories (or a time window) and two options, and customs answer with one CEB792 per
export declaration, mapping every inventory line (invtNo, gnum) to a declaration line
(gseqno) and carrying no values. The grouping is needed all the same: to show a seller
beforehand what the declarations will be, for the customs simulator to answer a CEB701, and
to total each declaration line (the rebate report works from them) from the inventory lines a
CEB792 maps onto it. This module is that rule, in one place.

The rule, 海关总署公告2018年第194号《关于跨境电子商务零售进出口商品有关监管事宜的公告》
(2018-12-10, in force 2019-01-01), as the project's research notes quote it::

    跨境电子商务零售商品出口后，跨境电子商务企业或其代理人应当于每月15日前（当月15日是法定
    节假日或者法定休息日的，顺延至其后的第一个工作日），将上月结关的《申报清单》依据清单表头
    同一收发货人、同一运输方式、同一生产销售单位、同一运抵国、同一出境关别，以及清单表体同一
    最终目的国、同一10位海关商品编码、同一币制的规则进行归并，汇总形成《中华人民共和国海关
    出口货物报关单》向海关申报。

**Unverified**: that wording (the original is in no searchable source; the research notes
quote it from memory and mark it so), hence the list of keys and the announcement's item
number; the 50-line limit of a declaration (:data:`MAX_DECLARATION_LINES`).
**Verified**: the CEB701 options, in the official 202205 export schema (SummaryApplyHead):
summaryFlag 「1:按收发货人单一汇总，2:按收发货人和生产销售单位汇总」, itemNameFlag 「填1,按清单原始
商品名相同汇总，不填则按商品综合分类名汇总」, and a time window 「如指定时间范围将忽略表体数据」;
that 9610 exports are cleared 「清单核放、汇总申报」 (海关总署公告2014年第12号, read on a copy);
the monthly duty itself, restated without the keys on a secondary page (2025): 「跨境电商零售
商品出口后，跨境电商企业或其代理人应当于每月 15 日前按规定汇总上月结关的…申报清单形成出口报关单」.
The earlier rules (2014年第56号, 2016年第26号) also required 同一申报计量单位; that is
:attr:`GroupingRule.by_declared_unit`, off by default.

The terms as CEB603 fields: 收发货人 ``ebcCode``, 运输方式 ``trafMode``, 生产销售单位
``ownerCode`` (only with summaryFlag 2, as the schema says), 运抵国 the head ``country``, 出境关别
``portCode``; per line, 最终目的国 the line ``country``, the 10-digit ``gcode``, 币制
``currency``, and ``itemName`` with itemNameFlag 1 (with any other flag, customs use the
commodity's classification name, which the 10-digit code already fixes). What a declaration is
adds two keys the text does not name: one application per customs office and supervision site
(``customsCode``, ``loctNo``, the CEB701 head), and one 监管方式 per declaration
(``tradeMode``: 9610 and 9810 inventories never share one).

Only inventories released or closed (800/899), declared for a summary (statisticsFlag B) and
not summarised before qualify (:func:`ineligible`). The order of declarations and lines is
the project's: declarations by their key, lines by commodity code, then destination,
currency, name and unit (customs publish no order; the simulator follows this one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from declarations.ceb import export
from declarations.ceb.receipts import CHINA_TIME
from declarations.errors import DeclarationError
from declarations.snapshot import DeclarationSnapshot

__all__ = [
    "DEFAULT_RULE",
    "RELEASED",
    "DeclarationLine",
    "GroupingRule",
    "InventoryLine",
    "MappedLine",
    "ReleasedInventory",
    "SummaryDeclaration",
    "by_application",
    "ineligible",
    "inventory_from_fields",
    "inventory_from_snapshot",
    "lines_from_result",
    "month_window",
    "result_rows",
    "summarise",
]

#: Inventory statuses after which the goods have left under customs control (放行, 结关).
RELEASED = frozenset({"800", "899"})
#: Lines of one export declaration (报关单); more are split over several. Unverified figure.
MAX_DECLARATION_LINES = 50
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class InventoryLine:
    """One line of a released export inventory, as its CEB603 states it (customs codes)."""

    gnum: int
    gcode: str
    gname: str
    item_name: str
    country: str
    currency: str
    qty: Decimal
    unit: str
    qty1: Decimal
    unit1: str
    total_price: Decimal


@dataclass(frozen=True, slots=True)
class ReleasedInventory:
    """One export inventory customs issued ``invt_no`` for, with what grouping needs: the
    head particulars, the lines, the status and when it was released, and the summary
    application (sumNo) it is already in, if any."""

    invt_no: str
    cop_no: str
    logistics_no: str
    ebc_code: str
    owner_code: str
    customs_code: str
    port_code: str
    trade_mode: str
    traf_mode: str
    country: str
    lines: tuple[InventoryLine, ...]
    status: str = "800"
    released_at: datetime | None = None
    statistics_flag: str = "B"
    loct_no: str = ""
    gross_weight: Decimal = ZERO
    net_weight: Decimal = ZERO
    sum_no: str = ""


@dataclass(frozen=True, slots=True)
class GroupingRule:
    """The CEB701 options and the project's settings: ``summary_flag`` 1 (by shipper) or 2
    (by shipper and producer), ``item_name_flag`` 1 (by the inventory's item name) or 0 (by
    classification name), the 2016 rule's declared unit as a key, and the lines a
    declaration holds."""

    summary_flag: str = "1"
    item_name_flag: str = "1"
    by_declared_unit: bool = False
    max_lines: int = MAX_DECLARATION_LINES

    def problems(self) -> list[str]:
        out = []
        if self.summary_flag not in ("1", "2"):
            out.append(f"summaryFlag {self.summary_flag!r} must be 1 or 2")
        if self.item_name_flag not in ("0", "1"):
            out.append(f"itemNameFlag {self.item_name_flag!r} must be 1 or 0")
        if self.max_lines < 1:
            out.append("a declaration holds at least one line")
        return out


#: The rule as customs apply it unless the application says otherwise.
DEFAULT_RULE = GroupingRule()


@dataclass(frozen=True, slots=True, order=True)
class DeclarationKey:
    """What inventories sharing one export declaration have in common (the head terms)."""

    customs_code: str
    loct_no: str
    ebc_code: str
    owner_code: str
    trade_mode: str
    traf_mode: str
    country: str
    port_code: str


@dataclass(frozen=True, slots=True, order=True)
class _LineKey:
    gcode: str
    country: str
    currency: str
    item_name: str
    unit: str


@dataclass(frozen=True, slots=True)
class MappedLine:
    """An inventory line as a CEB792 names it under its declaration line."""

    invt_no: str
    logistics_no: str
    gnum: int
    gcode: str


@dataclass(frozen=True, slots=True)
class DeclarationLine:
    """One line of an export declaration: its number (gseqno), what its inventory lines
    share, their total value in ``currency``, their quantities per declared unit and per
    statutory unit, and the inventory lines themselves."""

    gseqno: int
    gcode: str
    gname: str
    item_name: str
    country: str
    currency: str
    total_price: Decimal
    quantities: tuple[tuple[str, Decimal], ...]
    legal_quantities: tuple[tuple[str, Decimal], ...]
    sources: tuple[MappedLine, ...]


@dataclass(frozen=True, slots=True)
class SummaryDeclaration:
    """One export declaration a summary makes: its key, its part number when a group has
    more lines than one declaration holds, its lines, the inventories in it and their
    weights (an inventory's weights count where its first line is)."""

    key: DeclarationKey
    part: int
    lines: tuple[DeclarationLine, ...]
    invt_nos: tuple[str, ...]
    gross_weight: Decimal
    net_weight: Decimal


def declaration_key(inv: ReleasedInventory, rule: GroupingRule) -> DeclarationKey:
    owner = inv.owner_code if rule.summary_flag == "2" else ""
    return DeclarationKey(
        inv.customs_code,
        inv.loct_no,
        inv.ebc_code,
        owner,
        inv.trade_mode,
        inv.traf_mode,
        inv.country,
        inv.port_code,
    )


def _line_key(ln: InventoryLine, rule: GroupingRule) -> _LineKey:
    name = ln.item_name if rule.item_name_flag == "1" else ""
    unit = ln.unit if rule.by_declared_unit else ""
    return _LineKey(ln.gcode, ln.country, ln.currency, name, unit)


def ineligible(
    inv: ReleasedInventory,
    *,
    ebc_code: str,
    window: tuple[datetime, datetime] | None = None,
    office: tuple[str, str] | None = None,
) -> str:
    """Why ``inv`` cannot go into a summary application of shipper ``ebc_code`` (for the
    period ``window``, both ends included; at the customs ``office`` and site, when given,
    a site "" standing for any), or "" when it can."""
    if inv.ebc_code != ebc_code:
        return f"belongs to shipper {inv.ebc_code}, not {ebc_code}"
    if office is not None and inv.customs_code != office[0]:
        return f"was declared at customs office {inv.customs_code}, not {office[0]}"
    if office is not None and office[1] and inv.loct_no != office[1]:
        return f"is at supervision site {inv.loct_no or 'none'}, not {office[1]}"
    if inv.status not in RELEASED:
        return f"is not released (status {inv.status or 'none'})"
    if inv.statistics_flag != "B":
        return f"was declared with statisticsFlag {inv.statistics_flag}, not B (汇总申报)"
    if inv.sum_no:
        return f"is already in summary {inv.sum_no}"
    if window is not None:
        start, end = (china_aware(t) for t in window)
        if inv.released_at is None or not start <= china_aware(inv.released_at) <= end:
            return "was not released in the period"
    return ""


def china_aware(when: datetime) -> datetime:
    """An aware time; a naive one is taken to be China time, as customs write theirs."""
    return when if when.tzinfo is not None else when.replace(tzinfo=CHINA_TIME)


def by_application(
    inventories: Iterable[ReleasedInventory],
) -> dict[tuple[str, str], list[ReleasedInventory]]:
    """Inventories by (customs office, supervision site): one CEB701 each."""
    out: dict[tuple[str, str], list[ReleasedInventory]] = {}
    for inv in inventories:
        out.setdefault((inv.customs_code, inv.loct_no), []).append(inv)
    return dict(sorted(out.items()))


def summarise(
    inventories: Iterable[ReleasedInventory], rule: GroupingRule = DEFAULT_RULE
) -> list[SummaryDeclaration]:
    """The export declarations the inventories make under ``rule`` (see the module
    docstring), each line numbered and mapped to its inventory lines."""
    problems = rule.problems()
    seen: dict[str, ReleasedInventory] = {}
    for inv in inventories:
        if inv.invt_no in seen:
            problems.append(f"inventory {inv.invt_no} is listed twice")
        seen[inv.invt_no] = inv
    if problems:
        raise DeclarationError("the inventories cannot be summarised", problems)
    groups: dict[DeclarationKey, list[ReleasedInventory]] = {}
    for invt_no in sorted(seen):
        inv = seen[invt_no]
        groups.setdefault(declaration_key(inv, rule), []).append(inv)
    out = []
    for key in sorted(groups):
        out += _declarations(key, groups[key], rule)
    return out


_Member = tuple[InventoryLine, MappedLine]


def _declarations(
    key: DeclarationKey, invs: Sequence[ReleasedInventory], rule: GroupingRule
) -> list[SummaryDeclaration]:
    """The declaration(s) of one group: lines merged by their key, at most
    ``rule.max_lines`` to a declaration."""
    merged: dict[_LineKey, list[_Member]] = {}
    first_line: dict[str, _LineKey] = {}
    for inv in invs:
        for ln in sorted(inv.lines, key=lambda x: x.gnum):
            k = _line_key(ln, rule)
            merged.setdefault(k, []).append((ln, _mapped(inv, ln)))
            first_line.setdefault(inv.invt_no, k)
    keys = sorted(merged)
    out = []
    for part, start in enumerate(range(0, len(keys), rule.max_lines), 1):
        chunk = keys[start : start + rule.max_lines]
        lines = tuple(_total(n, merged[k]) for n, k in enumerate(chunk, 1))
        here = set(chunk)
        weighed = [inv for inv in invs if first_line.get(inv.invt_no) in here]
        invt_nos = sorted({m.invt_no for ln in lines for m in ln.sources})
        out.append(
            SummaryDeclaration(
                key,
                part,
                lines,
                tuple(invt_nos),
                sum((inv.gross_weight for inv in weighed), ZERO),
                sum((inv.net_weight for inv in weighed), ZERO),
            )
        )
    return out


def _mapped(inv: ReleasedInventory, ln: InventoryLine) -> MappedLine:
    return MappedLine(inv.invt_no, inv.logistics_no, ln.gnum, ln.gcode)


def _total(gseqno: int, members: Sequence[_Member]) -> DeclarationLine:
    """A declaration line from its inventory lines: values and quantities added up (the
    one place they are)."""
    first = members[0][0]
    qty: dict[str, Decimal] = {}
    legal: dict[str, Decimal] = {}
    for ln, _ in members:
        qty[ln.unit] = qty.get(ln.unit, ZERO) + ln.qty
        legal[ln.unit1] = legal.get(ln.unit1, ZERO) + ln.qty1
    return DeclarationLine(
        gseqno=gseqno,
        gcode=first.gcode,
        gname=first.gname,
        item_name=first.item_name,
        country=first.country,
        currency=first.currency,
        total_price=sum((ln.total_price for ln, _ in members), ZERO),
        quantities=tuple(sorted(qty.items())),
        legal_quantities=tuple(sorted(legal.items())),
        sources=tuple(m for _, m in members),
    )


def result_rows(declaration: SummaryDeclaration) -> list[dict[str, Any]]:
    """The SummaryResultList rows a CEB792 states for ``declaration``: each inventory line
    (invtNo, logisticsNo, gnum, gcode) under the declaration line (gseqno) it is in."""
    return [
        {
            "invtNo": m.invt_no,
            "logisticsNo": m.logistics_no,
            "gseqno": ln.gseqno,
            "gnum": m.gnum,
            "gcode": m.gcode,
        }
        for ln in declaration.lines
        for m in ln.sources
    ]


def lines_from_result(
    rows: Iterable[Mapping[str, Any]], inventories: Iterable[ReleasedInventory]
) -> list[DeclarationLine]:
    """The lines of one declaration as a CEB792 maps them (its SummaryResultList rows:
    invtNo, gnum, gseqno…), totalled from the inventories' own lines, by gseqno."""
    by_line = {(inv.invt_no, ln.gnum): (inv, ln) for inv in inventories for ln in inv.lines}
    grouped: dict[int, list[_Member]] = {}
    problems = []
    for row in rows:
        invt_no, gnum, gseqno = str(row["invtNo"]), int(row["gnum"]), int(row["gseqno"])
        found = by_line.get((invt_no, gnum))
        if found is None:
            problems.append(f"line {gnum} of inventory {invt_no} is not among the inventories")
            continue
        inv, ln = found
        grouped.setdefault(gseqno, []).append((ln, _mapped(inv, ln)))
    if problems:
        raise DeclarationError("the summary result names unknown inventory lines", problems)
    return [_total(n, grouped[n]) for n in sorted(grouped)]


def month_window(month: str) -> tuple[datetime, datetime]:
    """The first and last second of ``YYYY-MM`` in China Standard Time (the clock customs
    write times in), as a CEB701 time window states it."""
    try:
        year, mon = (int(p) for p in month.split("-"))
        start = datetime(year, mon, 1, tzinfo=CHINA_TIME)
    except ValueError:
        raise DeclarationError(f"month {month!r} is not YYYY-MM") from None
    following = datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=CHINA_TIME)
    return start, following - timedelta(seconds=1)


def _dec(value: Any, what: str) -> Decimal:
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value or "0"))
    except InvalidOperation:
        raise DeclarationError(f"{what} {value!r} is not a number") from None


def inventory_from_fields(
    head: Mapping[str, Any],
    rows: Iterable[Mapping[str, Any]],
    *,
    status: str,
    released_at: datetime | None,
    sum_no: str = "",
) -> ReleasedInventory:
    """The record of an export inventory from what its CEB603 says (element name ->
    value, as the reader gives it or the builder writes it) and the invtNo customs issued
    (``head["invtNo"]``)."""
    lines = tuple(
        InventoryLine(
            gnum=int(r["gnum"]),
            gcode=str(r.get("gcode") or ""),
            gname=str(r.get("gname") or ""),
            item_name=str(r.get("itemName") or r.get("gname") or ""),
            country=str(r.get("country") or ""),
            currency=str(r.get("currency") or ""),
            qty=_dec(r.get("qty"), "qty"),
            unit=str(r.get("unit") or ""),
            qty1=_dec(r.get("qty1"), "qty1"),
            unit1=str(r.get("unit1") or ""),
            total_price=_dec(r.get("totalPrice"), "totalPrice"),
        )
        for r in rows
    )
    text = {k: str(head.get(k) or "") for k in _HEAD_TEXT}
    return ReleasedInventory(
        invt_no=text["invtNo"],
        cop_no=text["copNo"],
        logistics_no=text["logisticsNo"],
        ebc_code=text["ebcCode"],
        owner_code=text["ownerCode"],
        customs_code=text["customsCode"],
        port_code=text["portCode"],
        trade_mode=text["tradeMode"],
        traf_mode=text["trafMode"],
        country=text["country"],
        lines=lines,
        status=status,
        released_at=released_at,
        statistics_flag=text["statisticsFlag"],
        loct_no=text["loctNo"],
        gross_weight=_dec(head.get("grossWeight"), "grossWeight"),
        net_weight=_dec(head.get("netWeight"), "netWeight"),
        sum_no=sum_no,
    )


_HEAD_TEXT = (
    "invtNo copNo logisticsNo ebcCode ownerCode customsCode portCode tradeMode trafMode "
    "country statisticsFlag loctNo"
).split()


def inventory_from_snapshot(
    snapshot: DeclarationSnapshot,
    *,
    invt_no: str,
    status: str,
    released_at: datetime | None,
    sum_no: str = "",
) -> ReleasedInventory:
    """The record of the export inventory the service filed for ``snapshot`` (the CEB603
    it builds, so the record says what customs were told), under the ``invt_no`` customs
    issued."""
    head, rows = export.inventory_fields(snapshot)
    return inventory_from_fields(
        {**head, "invtNo": invt_no}, rows, status=status, released_at=released_at, sum_no=sum_no
    )
