"""Why the simulated customs refuse a filing: one table of rules, codes and texts.

Caveat (read before relying on a code): the negative six-digit codes come from DOMAIN.md §5.
They could not be verified in any public source (research notes, ceb.md §3: exact searches
for each code found nothing); they follow a plausible ``-<message><sequence>`` pattern and are
kept as the simulator's answers, not as facts about E-Port. ``-301020`` 验签失败 was seen once,
on an order receipt of a public receipt mock; the simulator uses it for every message type.
Codes starting ``SIM-`` are the simulator's own, for rules no public code was found for.

A refusal is written as customs write theirs: ``returnStatus`` 100 (海关退单) and
``returnInfo`` = ``"<code> <text>"``, followed by ``: <detail>`` when there is one (the figures
or the fields that failed). A message that is not even readable (envelope, XML or schema)
gets a CEB900 format-error receipt instead (:data:`FORMAT_STATUS`).
"""

from __future__ import annotations

from dataclasses import dataclass

UNVERIFIED = "DOMAIN.md §5 (not verified in public sources: research/ceb.md §3)"
MOCK = "a public receipt mock, on CEB312 only (research/ceb.md §3)"
OWN = "simulator (no public code found)"


@dataclass(frozen=True, slots=True)
class Rejection:
    """One reason to refuse: the rule's name, the code customs would state, the Chinese text
    after it, what it means, the messages it applies to, and where the code comes from."""

    rule: str
    code: str
    text: str
    meaning: str
    messages: str
    source: str

    def info(self, detail: str = "") -> str:
        """The returnInfo of a receipt refusing for this reason (at most 1000 characters)."""
        info = f"{self.code} {self.text}" + (f": {detail}" if detail else "")
        return info if len(info) <= 1000 else info[:999] + "…"


_TABLE = (
    ("order_exists", "-301010", "订单已存在", "order exists",
     "CEB311, CEB303 filed new again", UNVERIFIED),
    ("waybill_exists", "-504012", "运单已存在", "waybill exists",
     "CEB511, CEB505 filed new again", UNVERIFIED),
    ("inventory_declared", "-621004", "清单已申报", "inventory already declared",
     "CEB621, CEB603 filed new again, or as a change of one not refused", UNVERIFIED),
    ("order_limit", "-621005", "超过单次交易限值", "over the single-order limit",
     "CEB621", UNVERIFIED),
    ("annual_quota", "-621018", "超过年度交易限值", "annual quota exceeded",
     "CEB621", UNVERIFIED),
    ("cancel_state", "-623005", "清单状态不允许撤销", "state does not allow cancel",
     "CEB623, CEB605", UNVERIFIED),
    ("signer", "-625013", "申报企业与签名证书不一致",
     "declarer differs from the signing certificate",
     "signed CEB621, CEB623, CEB625, CEB603, CEB605", UNVERIFIED),
    ("signature", "-301020", "验签失败", "signature invalid, or missing where required",
     "every signed message; CEB621, CEB623, CEB625 must be", MOCK),
    ("duplicate", "SIM-DUPLICATE", "单证已存在", "the document was filed before",
     "CEB411, CEB403, CEB701, CEB507, CEB509, CEB607, CEB711, CEB213, CEB215 filed new again",
     OWN),
    ("no_match", "SIM-NO-MATCH", "未收到对应的订单、支付单或运单",
     "order, payment or waybill still missing after the wait; a movement or return naming "
     "parcels customs have no waybill, inventory or return application for",
     "CEB621, CEB603, CEB507, CEB607, CEB711, CEB513, CEB215", OWN),
    ("mismatch", "SIM-MISMATCH", "单证信息不一致",
     "the documents disagree (three-document match; an inventory number not the parcel's)",
     "CEB621, CEB603, CEB625, CEB213, CEB607", OWN),
    ("return_state", "SIM-RETURN-STATE", "清单状态不允许退货", "state does not allow return",
     "CEB625, CEB213", OWN),
    ("summary_state", "SIM-SUMMARY", "清单不符合汇总条件",
     "an inventory the summary names or its period holds does not qualify (unknown, another "
     "shipper or office, not released, not statisticsFlag B, summarised before), or none does",
     "CEB701", OWN),
    ("not_released", "SIM-NOT-RELEASED", "清单未放行",
     "a departing parcel whose export inventory is not released", "CEB509", OWN),
    ("status_code", "SIM-STATUS", "物流状态不符",
     "a logistics status other than S (the schema: 限定S)", "CEB513", OWN),
    ("bonded_reference", "SIM-BONDED", "保税账册信息不符",
     "a 1210 inventory without its bonded-stock references (emsNo, areaCode, areaName, "
     "itemRecordNo per line) or not from 142 (declarations.ceb.matching.bonded_import)",
     "CEB621", OWN),
    ("random", "SIM-RANDOM", "海关退单", "refused at random (SIMULATOR_REJECT_RATE)",
     "CEB621, CEB603", OWN),
)  # fmt: skip
REJECTIONS: dict[str, Rejection] = {row[0]: Rejection(*row) for row in _TABLE}

#: The CEB900 returnStatus of an unreadable message (the schema says only "a negative
#: number"; -1 is the simulator's choice).
FORMAT_STATUS = "-1"
