"""What happens to a filing, decided from the seed and the filing's business keys alone.

Why keyed draws rather than one random generator: the outcome of a message must not depend on
which other messages arrived before it or when, so a test (or a bench run) gets the same
manual reviews, inspections and random refusals for the same filings whatever the order the
files are picked up in. Each draw hashes the seed with the message type, the document's key
and its appType; a change (appType 2) draws afresh.

The numbers customs issue (the E-Port pre-entry number preNo, the customs inventory number
invtNo) are made the same way, in the layouts the schemas state: preNo ``B`` + YYYYMMDD + 9
digits, invtNo 4-digit customs office + year + ``I``/``E`` + 9 digits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

#: returnInfo of each status on the accepted path (DOMAIN.md §5 statuses).
TEXTS = {
    "2": "电子口岸申报中",
    "3": "发送海关成功",
    "120": "海关入库",
    "300": "人工审核",
    "500": "查验",
    "399": "海关审结",
    "800": "放行",
    "899": "结关",
    "700": "退运",
}
#: A document's own receipts once E-Port has it (orders, payments, waybills).
DOCUMENT_PATH = ("2", "120")
#: What a cancel and a return go through when approved.
APPROVAL_PATH = ("2", "120", "399")
APPROVAL_TEXTS = {"2": "申请申报中", "120": "申请已入库", "399": "申请审核通过"}
#: An export return application (CEB214) ends 放行: the schema's list of its statuses
#: (1/2/3/4/100/120/300/500/505/600/800) has no 399.
EXPORT_RETURN_PATH = ("2", "120", "800")
EXPORT_RETURN_TEXTS = {**APPROVAL_TEXTS, "800": "退货放行"}
#: A movement (arrival, departure, master/sub waybill list, signed-for, return tally) and a
#: summary application once customs accept it; a site's entry record ends 海关入库.
MOVEMENT_PATH = ("2", "399")
SITE_ENTRY_PATH = ("2", "120")
#: The CEB792 decState the simulator writes: the schema leaves the values to customs
#: (「报关单状态（具体返回值由海关确定）」), so this one is the simulator's own.
RESULT_STATE = "1"


def draw(seed: int, *parts: str) -> float:
    """A number in [0, 1) fixed by the seed and ``parts``."""
    return _serial(seed, *parts) / 2**64


@dataclass(frozen=True, slots=True)
class Rates:
    manual_review: float
    inspection: float
    reject: float


def customs_path(seed: int, rates: Rates, *key: str) -> tuple[list[str], bool]:
    """The statuses after E-Port's "2" for an inventory that passed every rule, and whether
    it ends refused at random: 120, then 300 (manual review) and 500 (inspection) at their
    rates, then 399 → 800 → 899, or 100 after the review for a random refusal."""
    path = ["120"]
    if draw(seed, "review", *key) < rates.manual_review:
        path.append("300")
    if draw(seed, "reject", *key) < rates.reject:
        return path, True
    if draw(seed, "inspect", *key) < rates.inspection:
        path.append("500")
    return [*path, "399", "800", "899"], False


def _serial(seed: int, *parts: str) -> int:
    """A 64-bit number fixed by the seed and ``parts``."""
    digest = hashlib.sha256("|".join([str(seed), *parts]).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def _day(app_time: str) -> str:
    return (app_time[:8] if app_time[:8].isdigit() else "20000101").ljust(8, "0")


def issued(seed: int, what: str, key: str, customs: str, app_time: str) -> str:
    """A number customs issue, in the layout of its field (18 characters each): ``sumNo``
    S + YYYYMMDD + 9 digits (as the CEB702 sample), ``declSeqNo`` D + YYYYMMDD + 9 digits,
    ``entryId`` office + year + 1 + 9 digits, ``rkdNo`` office + YYYYMMDD + 6 digits (as
    the CEB712 sample). The layouts of declSeqNo and entryId are the simulator's own."""
    n, day = _serial(seed, what, key), _day(app_time)
    office = (customs if len(customs) == 4 else "0000")[:4]
    if what == "sumNo":
        return f"S{day}{n % 10**9:09d}"
    if what == "declSeqNo":
        return f"D{day}{n % 10**9:09d}"
    if what == "entryId":
        return f"{office}{day[:4]}1{n % 10**9:09d}"
    if what == "rkdNo":
        return f"{office}{day}{n % 10**6:06d}"
    raise ValueError(f"customs issue no {what!r}")


def numbers(seed: int, key: str, customs: str, app_time: str, ie_flag: str) -> tuple[str, str]:
    """(preNo, invtNo) of the document ``key``, dated by its appTime (YYYYMMDD…)."""
    h, day = _serial(seed, "numbers", key), _day(app_time)
    office = (customs if len(customs) == 4 else "0000")[:4]
    pre_no = f"B{day}{h % 10**9:09d}"
    invt_no = f"{office}{day[:4]}{ie_flag}{(h // 10**9) % 10**9:09d}"
    return pre_no, invt_no
