"""Inbound postal items for tests: ITMATT messages a partner post sends to China, built with
the project's own ITMATT builder from plain item descriptions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from declarations import itmatt, s10
from declarations.snapshot import DeclarationSnapshot, Line, Order, Party, SellerRegistration

GMT = UTC
CREATED = datetime(2026, 12, 1, 9, 0, tzinfo=GMT)
SENDER = Party(
    name="Alice Brown", street="10 Downing Street", city="London", postcode="SW1A 2AA", country="GB"
)
ADDRESSEE = Party(
    name="王芳",
    street="朝阳区建国路 88 号",
    city="北京",
    postcode="100022",
    country="CN",
    phone="13800000000",
)
#: (description, HS code, quantity, value in CNY) of the articles used most.
COAT = ("Wool coat", "62019300", 1, "800")  # DOMAIN §6.3: 800 × 20 % = 160
BOOK = ("Printed novel", "49019900", 1, "300")  # DOMAIN §6.3: 39 ≤ 50 → 0


def item_id(n: int) -> str:
    return str(s10.build("CP", 10_000_000 + n, "GB"))


def snapshot(n: int, pieces: list[tuple], currency: str = "CNY", **order) -> DeclarationSnapshot:
    lines = tuple(
        Line(
            sku="",
            description=desc,
            hs_code=hs,
            quantity=Decimal(qty),
            unit="piece",
            net_weight_kg=Decimal("0.5"),
            unit_value=Decimal(value) / Decimal(qty),
            origin_country="GB",
        )
        for desc, hs, qty, value in pieces
    )
    return DeclarationSnapshot(
        order=Order(
            order_no=item_id(n),
            flow="export",
            regime="postal",
            currency=currency,
            ordered_at=CREATED - timedelta(days=1),
            item_id=item_id(n),
            shipping_cost=Decimal("40"),
            gross_weight_kg=Decimal("0.6") * len(lines),
            category=order.pop("category", "gift"),
            posting_office="GBLONA",
            mail_class="C",
            **order,
        ),
        sender=SENDER,
        recipient=ADDRESSEE,
        lines=lines,
        seller=SellerRegistration(customs_code="", name="GBA"),
        created_at=CREATED - timedelta(days=1),
    )


def itmatt_bytes(snaps: list[DeclarationSnapshot], created: datetime = CREATED) -> bytes:
    return itmatt.build(snaps, created=created, sender_operator="GBA", recipient_operator="CNA")


def write_itmatt(folder: Path, name: str, snaps: list[DeclarationSnapshot]) -> Path:
    """Write an ITMATT file as the exchange does: a hidden temporary name, then renamed."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{name}.tmp"
    tmp.write_bytes(itmatt_bytes(snaps))
    return tmp.rename(folder / name)
