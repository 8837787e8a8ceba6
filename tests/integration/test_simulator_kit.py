"""Filings for the customs simulator tests: real documents from the real builders (the
document kinds the service files), signed with the demo signer, in DxpMsg envelopes named
as the gateway names them (``<MSGTYPE>_<case>_v<version>_a<appType>.xml``).

This module holds no tests; the simulator test modules import it.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from app.gateway.simulator import CustomsSimulator, SimConfig, SimStore
from declarations import dxp, examples, signing
from declarations.ceb import summary, summary_apply
from declarations.ceb.common import filer, guid
from declarations.kinds import KINDS, Supplied
from declarations.snapshot import DeclarationSnapshot, Party

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO.parent / "shared" / "reference" / "ceb-202205"
GOLDEN = REPO / "tests" / "golden" / "declarations"
#: Filings happen on the examples' day (2026-03-03, 09:00 in Beijing).
T0 = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)

needs_reference = pytest.mark.skipif(
    not (REFERENCE / "ceb-import.xsd").is_file(),
    reason=f"official CEB 202205 schemas not found at {REFERENCE}",
)
#: The marks of every simulator test module: the official schemas are needed, and as the
#: simulator uses no database of the service, the PostgreSQL run does not repeat them.
SIMULATOR_TESTS = [
    needs_reference,
    pytest.mark.skipif(
        bool(os.environ.get("SILKPOST_TEST_DATABASE_URL")), reason="uses no service database"
    ),
]


@cache
def demo_signer() -> signing.Signer:
    """The broker's demo signer (the fixed key beside the golden declarations)."""
    key = (GOLDEN / "demo-signer.key.pem").read_bytes()
    return signing.Signer(key, (GOLDEN / "demo-signer.cert.pem").read_bytes())


@cache
def other_signer() -> signing.Signer:
    """A certificate that belongs to nobody the simulator knows."""
    key, cert = signing.make_demo_key_and_certificate("Silkpost test: someone else")
    return signing.Signer(key, cert)


def replace(snap: DeclarationSnapshot, part: str, **changes) -> DeclarationSnapshot:
    return snap.with_changes(**{part: dataclasses.replace(getattr(snap, part), **changes)})


def import_order(
    n: int, *, price: str = "149.90", lines: int = 2, buyer: str = ""
) -> DeclarationSnapshot:
    """Example import number ``n``: its own order, waybill and payment numbers; ``price``
    per piece; the buyer's identity number ``buyer`` when given."""
    snap = examples.import_snapshot(lines)
    snap = snap.with_changes(
        lines=tuple(dataclasses.replace(ln, unit_value=Decimal(price)) for ln in snap.lines)
    )
    snap = _requote(snap)
    snap = replace(snap, "order", order_no=f"SP-IMP-{n:04d}", logistics_no=f"YT{n:010d}")
    snap = replace(snap, "payment", transaction_id=f"P{n:010d}")
    snap = replace(snap, "filing", cop_no=f"SPINV{n:04d}")
    if buyer:
        snap = replace(snap, "recipient", id_number=buyer)
    return snap


def _requote(snap: DeclarationSnapshot) -> DeclarationSnapshot:
    """The example's 9.1 % tax on the changed goods value."""
    base = snap.goods_value + snap.order.shipping_cost
    tax = (base * Decimal("0.091")).quantize(Decimal("0.01"))
    return snap.with_changes(quote={**snap.quote, "tax_total": str(tax), "total": str(tax)})


def export_order(n: int) -> DeclarationSnapshot:
    snap = examples.export_snapshot(2)
    snap = replace(snap, "order", order_no=f"SP-EXP-{n:04d}", logistics_no=f"LX{n:09d}CN")
    return replace(snap, "filing", cop_no=f"SPEXP{n:04d}")


def declared(snap: DeclarationSnapshot, invt_no: str) -> DeclarationSnapshot:
    """The snapshot after customs issued its inventory number (cancels and returns)."""
    return replace(snap, "filing", invt_no=invt_no)


def other_consignee(snap: DeclarationSnapshot) -> DeclarationSnapshot:
    return snap.with_changes(recipient=dataclasses.replace(snap.recipient, phone="13900000000"))


def other_buyer(snap: DeclarationSnapshot) -> DeclarationSnapshot:
    buyer = Party(name="王五", phone=snap.recipient.phone, id_number="110101199003070000")
    return snap.with_changes(buyer=buyer)


def envelope(
    kind: str,
    snap: DeclarationSnapshot,
    *,
    app_type: str = "1",
    version: int = 1,
    reason: str = "",
    signer: signing.Signer | None = None,
) -> tuple[str, bytes]:
    """(file name, DxpMsg) of document ``kind`` of ``snap`` as the gateway would drop it:
    sent by whoever files it, signed when the kind is, CopMsgId made from the name."""
    case = snap.order.order_no
    name = f"{kind.upper()}_{case}_v{version}_a{app_type}.xml"
    supplied = Supplied(
        schema_dir=REFERENCE, signer=signer or demo_signer(), app_type=app_type, reason=reason
    )
    message = KINDS[kind].build(snap, supplied)
    env = dxp.wrap(
        message,
        sender_id=filer(kind.upper(), snap).dxp_id,
        created=snap.created_at,
        cop_msg_id=guid("gateway", name),
    )
    return name, env


def wrapped(name: str, message: bytes, sender_id: str) -> tuple[str, bytes]:
    """(file name, DxpMsg) of a message built apart from the document kinds (a summary, a
    movement), as the gateway would drop it."""
    env = dxp.wrap(message, sender_id=sender_id, created=T0, cop_msg_id=guid("gateway", name))
    return name, env


def filing_set(snap: DeclarationSnapshot, **options) -> list[tuple[str, bytes]]:
    flow = snap.order.flow
    kinds = (
        ("ceb311", "ceb411", "ceb511", "ceb621")
        if flow == "import"
        else ("ceb303", "ceb403", "ceb505", "ceb603")
    )
    return [envelope(k, snap, **options) for k in kinds]


@dataclass
class Customs:
    """A simulator on a fresh store, fed envelopes, with every receipt node it decided kept
    in arrival order (``got``) — what the filer would read, sorted by due time."""

    sim: CustomsSimulator
    got: list = field(default_factory=list)

    def send(self, filings, at: datetime | float = 0) -> list:
        now = at if isinstance(at, datetime) else T0 + timedelta(seconds=at)
        new = []
        for name, env in filings if isinstance(filings, list) else [filings]:
            new += self.sim.receive(env, now, name)
        self.got += new
        return new

    def expire(self, at: float) -> list:
        new = self.sim.expire(T0 + timedelta(seconds=at))
        self.got += new
        return new

    def statuses(self, receipt: str, key: str | None = None, field_name: str = "") -> list[str]:
        """The statuses decided on ``receipt`` (for the document whose key field equals
        ``key``), in due order."""
        rows = sorted(
            (s for s in self.got if s.msg_type == receipt),
            key=lambda s: (s.due, s.node["returnStatus"]),
        )
        return [
            s.node["returnStatus"]
            for s in rows
            if key is None or s.node.get(field_name or _key_field(receipt)) == key
        ]

    def info(self, receipt: str, status: str = "100") -> list[str]:
        return [
            s.node["returnInfo"]
            for s in self.got
            if s.msg_type == receipt and s.node["returnStatus"] == status
        ]


def _key_field(receipt: str) -> str:
    return {
        "CEB312": "orderNo",
        "CEB412": "payTransactionId",
        "CEB512": "logisticsNo",
        "CEB622": "copNo",
        "CEB624": "copNo",
        "CEB626": "copNo",
        "CEB304": "orderNo",
        "CEB404": "orderNo",
        "CEB506": "logisticsNo",
        "CEB604": "copNo",
        "CEB606": "copNo",
        "CEB900": "oriCopMsgId",
        "CEB702": "copNo",
        "CEB508": "copNo",
        "CEB510": "copNo",
        "CEB608": "copNo",
        "CEB712": "copNo",
        "CEB514": "logisticsNo",
        "CEB214": "coElNo",
        "CEB216": "coElNo",
    }[receipt]


def customs(tmp_path: Path, **settings) -> Customs:
    defaults = {
        "gateway_dir": tmp_path,
        "schema_dir": REFERENCE,
        "delay_seconds": 1.0,
        "match_wait_seconds": 10.0,
    }
    config = SimConfig(**{**defaults, **settings})
    return Customs(CustomsSimulator(config, SimStore(tmp_path / "simulator.db")))


ACCEPTED = ["2", "120", "399", "800", "899"]


#: The example export seller's DXP id (it files its own summary applications).
SELLER_DXP = "DXPENT0000000003"


def issued_inventories(c: Customs) -> dict[str, str]:
    """copNo -> the invtNo customs issued, from the CEB604 receipts decided so far."""
    return {s.node["copNo"]: s.node["invtNo"] for s in c.got if s.msg_type == "CEB604"}


def released_records(c: Customs, snaps) -> list[summary.ReleasedInventory]:
    """What the service knows of its released export inventories (a summary's input)."""
    issued = issued_inventories(c)
    return [
        summary.inventory_from_snapshot(
            s, invt_no=issued[s.filing.cop_no], status="800", released_at=T0
        )
        for s in snaps
    ]


def summary_application(
    records, cop_no: str = "SUM-2026-03", at: float = 30, **settings
) -> list[tuple[str, bytes]]:
    """The CEB701 message(s) of ``records`` as the gateway drops them, filed ``at`` seconds
    after T0 by the seller."""
    messages = summary_apply.build_ceb701(
        records,
        seller=export_order(1).seller,
        cop_no=cop_no,
        filed_at=T0 + timedelta(seconds=at),
        schema_dir=REFERENCE,
        **settings,
    )
    return [wrapped(f"CEB701_{cop_no}_{n}.xml", m, SELLER_DXP) for n, m in enumerate(messages)]
