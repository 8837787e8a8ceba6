"""CEB701 summary application (汇总申请单): a shipper asks customs to summarise its released
export inventories into export declarations (汇总申报, the grouping rule is
:mod:`declarations.ceb.summary`).

The schema gives two ways to say which inventories: list their numbers
(SummaryApplyList/invtNo), or give a time window (startTime/endTime), which makes customs
ignore any list (「如指定时间范围将忽略表体数据」) and take every qualifying inventory of the
shipper released in it. Both are here: ``window=None`` lists the inventories given, a window
states the period and no list. Either way the inventories given are checked first (the
shipper's, released, declared for a summary, not summarised before, one customs office and
site, and in the window when there is one), since customs refuse an application naming one
that does not qualify. ``rule`` gives the two grouping flags (summaryFlag, itemNameFlag).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from declarations.ceb.common import (
    EXPORT_XSD,
    PARTS_TAIL,
    Node,
    Options,
    Transmitter,
    app_fields,
    append_transport,
    check_options,
    finish,
    layout,
    message_root,
    write_node,
)
from declarations.ceb.receipts import CHINA_TIME
from declarations.ceb.summary import (
    DEFAULT_RULE,
    GroupingRule,
    ReleasedInventory,
    by_application,
    china_aware,
    ineligible,
)
from declarations.errors import Problems
from declarations.snapshot import SellerRegistration
from declarations.xmlfmt import compact_datetime

__all__ = ["SUMMARY_HEAD", "SUMMARY_LIST", "build_ceb701"]

SUMMARY_HEAD = layout(
    """
    guid =36
    appType =1
    appTime =14
    appStatus =1
    customsCode =4
    copNo 1-30
    preNo ?0-18
    sumNo ?0-18
    agentCode 1-18
    agentName 1-100
    ebcCode 1-18
    ebcName 1-100
    declAgentCode 1-18
    declAgentName 1-100
    startTime ?=14
    endTime ?=14
    loctNo ?0-10
    summaryFlag =1
    itemNameFlag =1
    """
    + PARTS_TAIL
)
SUMMARY_LIST = layout(
    """
    invtNo 1-20
    """
)


SUMMARY = Node("SummaryApply", "SummaryApplyHead", SUMMARY_HEAD, "SummaryApplyList", SUMMARY_LIST)


def _listed(row: dict[str, Any]) -> str:
    return f"CEB701 {row['invtNo']}"


def china_clock(when: datetime) -> str:
    """A time as CEB701 writes it (YYYYMMDDhhmmss): China time; a naive time is taken to
    be China time already."""
    return compact_datetime(china_aware(when).astimezone(CHINA_TIME))


def build_ceb701(
    inventories: Sequence[ReleasedInventory],
    *,
    seller: SellerRegistration,
    cop_no: str,
    filed_at: datetime,
    rule: GroupingRule = DEFAULT_RULE,
    window: tuple[datetime, datetime] | None = None,
    decl_agent: tuple[str, str] | None = None,
    options: Options = Options(),
    signer: Any = None,
    schema_dir: str | Path | None = None,
    max_per_message: int = 1000,
) -> list[bytes]:
    """The CEB701 message(s) of one application: the inventories listed (split into
    numbered messages of at most ``max_per_message``, msgCount/msgSeqNo under the one
    copNo, which is how the CEB702 receipts tell the parts apart), or the ``window``.

    It is filed by ``options.transmitter`` (the seller by default), who is its agentCode;
    ``decl_agent`` (code, name) will file the declarations, the filer by default; appTime
    is ``filed_at`` unless ``options.app_time`` says otherwise."""
    problems = Problems()
    _check(inventories, seller, rule, window, options, problems)
    customs_code, loct_no = _office(inventories)
    listed = () if window else tuple(sorted(inv.invt_no for inv in inventories))
    size = max(1, max_per_message)
    chunks = [listed[i : i + size] for i in range(0, len(listed), size)] or [()]
    sender = options.transmitter or Transmitter(seller.customs_code, seller.name, seller.dxp_id)
    agent_code, agent_name = decl_agent or (sender.cop_code, sender.cop_name)
    head = {
        "customsCode": customs_code,
        "agentCode": sender.cop_code,
        "agentName": sender.cop_name,
        "ebcCode": seller.customs_code,
        "ebcName": seller.name,
        "declAgentCode": agent_code,
        "declAgentName": agent_name,
        "startTime": china_clock(window[0]) if window else "",
        "endTime": china_clock(window[1]) if window else "",
        "loctNo": loct_no,
        "summaryFlag": rule.summary_flag,
        "itemNameFlag": rule.item_name_flag,
        "msgCount": len(chunks),
    }
    out = []
    for seq, chunk in enumerate(chunks, 1):
        key = f"{seller.customs_code}|{customs_code}|{cop_no}|{seq}"
        values = {**app_fields("CEB701", key, options, filed_at), **head, "copNo": cop_no}
        root = message_root("CEB701", key)
        rows = [{"invtNo": invt_no} for invt_no in chunk]
        head_values = {**values, "msgSeqNo": seq}
        write_node(root, SUMMARY, head_values, rows, problems, f"CEB701 {cop_no}", _listed)
        append_transport(root, sender, options.subscriptions or (), problems)
        data = finish(
            root, problems, "CEB701", signer=signer, schema_dir=schema_dir, schema_file=EXPORT_XSD
        )
        out.append(data)
    return out


def _check(
    inventories: Sequence[ReleasedInventory],
    seller: SellerRegistration,
    rule: GroupingRule,
    window: tuple[datetime, datetime] | None,
    options: Options,
    problems: Problems,
) -> None:
    """What customs would refuse the application for, found before it is written."""
    check_options(options, problems)
    for problem in rule.problems():
        problems.add(problem)
    if not inventories:
        problems.add("no released inventories to summarise")
    if window is not None and window[1] < window[0]:
        problems.add("the summary period must not end before it starts")
    offices = by_application(inventories)
    if len(offices) > 1:
        named = ", ".join(f"{c}/{site or '-'}" for c, site in offices)
        problems.add(f"one application per customs office and site; these are at {named}")
    seen: set[str] = set()
    for inv in inventories:
        if inv.invt_no in seen:
            problems.add(f"inventory {inv.invt_no} is listed twice")
        seen.add(inv.invt_no)
        reason = ineligible(inv, ebc_code=seller.customs_code, window=window)
        if reason:
            problems.add(f"inventory {inv.invt_no} {reason}")


def _office(inventories: Sequence[ReleasedInventory]) -> tuple[str, str]:
    """The customs office and site of the application (of the first inventory)."""
    return next(iter(by_application(inventories)), ("", ""))
