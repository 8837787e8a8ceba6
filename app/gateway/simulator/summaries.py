"""The simulated customs' answer to a CEB701 summary application (汇总申请单).

E-Port acknowledges each part of the application on its CEB702 (2). Once every part is in
(msgCount, all under one copNo), customs decide on the application as a whole: refused (100,
:data:`codes.REJECTIONS` ``summary_state``) when an inventory it names does not qualify — or,
with a time window, when none of the shipper's inventories released in it does — else
accepted (399, with the summary number sumNo), and one CEB792 per export declaration the
inventories make. The grouping is :func:`declarations.ceb.summary.summarise`, the function
the service previews it with; the inventories summarised are marked with the sumNo, so no
later application can take them again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from declarations.ceb import summary
from declarations.ceb.summary import GroupingRule, ReleasedInventory, SummaryDeclaration
from declarations.errors import DeclarationError

from .codes import REJECTIONS
from .paths import RESULT_STATE, TEXTS, issued
from .store import Doc, reported_at, status_at

if TYPE_CHECKING:
    from .core import CustomsSimulator, Filing, Scheduled

Fields = dict[str, str]
#: What a CEB702 node states of its application part.
_RETURN_FIELDS = ("agentCode", "ebcCode", "copNo", "msgSeqNo")


def answer(sim: CustomsSimulator, f: Filing) -> list[Scheduled]:
    """One part of an application: acknowledged, and the application decided when it was
    the last part missing."""
    head = f.head
    key = f"{head.get('ebcCode', '')}|{head.get('copNo', '')}"
    seq = head.get("msgSeqNo") or "1"
    doc = sim.store.doc("CEB701", key)
    if doc is not None and doc.state == "rejected" and f.app_type == "2":
        doc = None  # a change of a refused application starts it afresh
    if doc is None:
        pre_no = sim.numbers_for(f, key)["preNo"]
        doc = Doc("CEB701", key, "parts", {"parts": {}, "preNo": pre_no})
    source = _source(head, doc)
    if doc.state != "parts" or seq in doc.data["parts"]:
        detail = f"summary {head.get('copNo', '')} part {seq} was filed before"
        return sim.refuse(f, "duplicate", detail, source)
    doc.data["parts"][seq] = {"head": head, "invt_nos": [ln.get("invtNo", "") for ln in f.lines]}
    out, last = sim.answer(f, source, [("2", TEXTS["2"])], f.now, key)
    if len(doc.data["parts"]) >= int(head.get("msgCount") or 1):
        out += _decide(sim, f, doc, last)
    sim.store.put(doc)
    return out


def _source(head: Fields, doc: Doc, sum_no: str = "") -> Fields:
    """What the CEB702 of a part states: the part's fields, E-Port's preNo, the sumNo."""
    named = {k: head.get(k, "") for k in _RETURN_FIELDS}
    return {**named, "preNo": doc.data["preNo"], "sumNo": sum_no}


def _decide(sim: CustomsSimulator, f: Filing, doc: Doc, after: float) -> list[Scheduled]:
    """The application, all parts in: refused, or accepted with its declarations."""
    parts = [doc.data["parts"][k] for k in sorted(doc.data["parts"], key=int)]
    first = parts[0]["head"]
    rule = GroupingRule(first.get("summaryFlag", ""), first.get("itemNameFlag", ""))
    listed = [no for part in parts for no in part["invt_nos"]]
    inventories, problems = _inventories(sim, first, listed, f.now)
    problems = rule.problems() + problems
    if problems:
        doc.state = "rejected"
        info = REJECTIONS["summary_state"].info("; ".join(problems))
        return _each_part(sim, f, doc, parts, [("100", info)], after)[0]
    sum_no = issued(sim.config.seed, "sumNo", doc.key, first.get("customsCode", ""), _when(first))
    doc.state, doc.data["sumNo"] = "accepted", sum_no
    out, last = _each_part(sim, f, doc, parts, [("399", TEXTS["399"])], after, sum_no)
    declarations = summary.summarise(inventories, rule)
    due = last + sim.config.delay_seconds
    nodes = [
        (due, _result(sim, first, doc, sum_no, n, d, due)) for n, d in enumerate(declarations, 1)
    ]
    out += sim.schedule_nodes("CEB792", f.msg.sender or "DXPUNKNOWN", ("CEB701", doc.key), nodes)
    _mark(sim, [inv.invt_no for inv in inventories], sum_no)
    return out


def _each_part(
    sim: CustomsSimulator,
    f: Filing,
    doc: Doc,
    parts: list[dict[str, Any]],
    steps: list[tuple[str, str]],
    after: float,
    sum_no: str = "",
) -> tuple[list[Scheduled], float]:
    out, last = [], after
    for part in parts:
        scheduled, last = sim.answer(f, _source(part["head"], doc, sum_no), steps, after, doc.key)
        out += scheduled
    return out, last


def _when(head: Fields) -> str:
    return head.get("appTime", "")


def _window(head: Fields) -> tuple[datetime, datetime] | None:
    """The application's period (startTime/endTime, China time), when it states one."""
    start, end = head.get("startTime", ""), head.get("endTime", "")
    if not (start and end):
        return None
    return _clock(start), _clock(end)


def _clock(text: str) -> datetime:
    """A CEB701 time (YYYYMMDDhhmmss, China time; the schema has checked its length)."""
    return summary.china_aware(datetime.strptime(text, "%Y%m%d%H%M%S"))


def _inventories(
    sim: CustomsSimulator, head: Fields, listed: list[str], now: float
) -> tuple[list[ReleasedInventory], list[str]]:
    """The inventories the application takes, and why any it names does not qualify: with a
    window every one of the shipper's in it (the list ignored, as the schema says), else the
    ones listed."""
    ebc, office = head.get("ebcCode", ""), (head.get("customsCode", ""), head.get("loctNo", ""))
    window = _window(head)
    if window is not None:
        docs = [d for d in sim.store.of_kind("CEB603", "accepted") if d.invt_no]
        records = [_record(d, now) for d in docs if d.data["head"].get("ebcCode") == ebc]
        chosen = [
            r
            for r in records
            if not summary.ineligible(r, ebc_code=ebc, window=window, office=office)
        ]
        none = [] if chosen else [f"no inventory of {ebc} released in the period qualifies"]
        return chosen, none
    chosen, problems = [], []
    for invt_no in dict.fromkeys(listed):
        docs = sim.store.by_invt_no("CEB603", invt_no)
        if not docs:
            problems.append(f"inventory {invt_no} is not one customs issued")
            continue
        record = _record(docs[0], now)
        reason = summary.ineligible(record, ebc_code=ebc, office=office)
        if reason:
            problems.append(f"inventory {invt_no} {reason}")
        chosen.append(record)
    if len(listed) != len(set(listed)):
        problems.append("an inventory is listed twice")
    if not listed:
        problems.append("the application names no inventory and no period")
    return chosen, problems


def _record(doc: Doc, now: float) -> ReleasedInventory:
    """What customs hold of an export inventory, as the grouping rule reads it."""
    released = reported_at(doc, summary.RELEASED)
    try:
        return summary.inventory_from_fields(
            {**doc.data["head"], "invtNo": doc.invt_no or ""},
            doc.data["lines"],
            status=status_at(doc, now) if doc.state == "accepted" else doc.state,
            released_at=datetime.fromtimestamp(released, UTC) if released is not None else None,
            sum_no=doc.data.get("sumNo", ""),
        )
    except DeclarationError as exc:  # an inventory accepted without the schema check
        raise DeclarationError(f"inventory {doc.invt_no}: {exc.summary}") from exc


def _result(
    sim: CustomsSimulator,
    head: Fields,
    doc: Doc,
    sum_no: str,
    n: int,
    d: SummaryDeclaration,
    due: float,
) -> dict[str, Any]:
    """The CEB792 of one export declaration: its numbers, parties, weights and the
    inventory line behind each of its lines."""
    customs, when, key = head.get("customsCode", ""), _when(head), f"{doc.key}|{n}"
    result_head = {
        "customsCode": customs,
        "sumNo": sum_no,
        "opDate": sim.receipt_time(due),
        "declSeqNo": issued(sim.config.seed, "declSeqNo", key, customs, when),
        "entryId": issued(sim.config.seed, "entryId", key, customs, when),
        "decState": RESULT_STATE,
        **{k: head.get(k, "") for k in _PARTIES},
        "grossWeight": str(d.gross_weight),
        "netWeight": str(d.net_weight),
        "msgCount": 1,
        "msgSeqNo": 1,
    }
    return {"head": result_head, "lines": summary.result_rows(d)}


_PARTIES = ("agentCode", "agentName", "ebcCode", "ebcName", "declAgentCode", "declAgentName")


def _mark(sim: CustomsSimulator, invt_nos: list[str], sum_no: str) -> None:
    """The inventories are in summary ``sum_no`` now."""
    for invt_no in invt_nos:
        for doc in sim.store.by_invt_no("CEB603", invt_no):
            doc.data["sumNo"] = sum_no
            sim.store.put(doc)
