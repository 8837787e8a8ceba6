"""Example despatches (framework-free records) for the PREDES, delivery bill and label
tests: a rail despatch Dongguan to Vilnius via Khorgos, an air one Shanghai to Frankfurt
with a registered receptacle, and an S.A.L. one."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from declarations import s9, s10
from declarations.despatch import Despatch, Item, Office, Receptacle, Transport

CHINA = timezone(timedelta(hours=8))
VILNIUS_SUMMER = timezone(timedelta(hours=3))
CLOSED = datetime(2026, 5, 11, 18, 0, tzinfo=CHINA)

DONGGUAN = Office("CNDGGA", "DONGGUAN", "J1CCNA", "China Post")
VILNIUS = Office("LTVNOA", "VNO PASTO SKIRSTYMO DEPARTAMENTAS", "J1CLTA", "Lithuania Post")
SHANGHAI = Office("CNSHAA", "SHANGHAI", "J1CCNA", "China Post")
FRANKFURT = Office("DEFRAA", "FRANKFURT/FLUGHAFEN", "J1CDEA", "Deutsche Post")


def item_id(n: int) -> str:
    return str(s10.build("LX", 80657600 + n, "CN"))


def _item(n: int, kg: str) -> Item:
    ident = item_id(n)
    return Item(
        item_id=ident,
        gross_weight_kg=Decimal(kg),
        itmatt_message_id=str(uuid.uuid5(uuid.NAMESPACE_URL, ident)),
        itmatt_sha256=format(n, "064x"),
        itmatt_file=f"ITMATT-{ident}.xml",
    )


def _receptacles(
    origin: Office,
    destination: Office,
    category: str,
    subclass: str,
    count: int,
    per: int,
    kg: str = "1.2",
    tare: str = "0.25",
    registered: tuple[int, ...] = (),
) -> tuple[Receptacle, ...]:
    out = []
    for serial in range(1, count + 1):
        items = tuple(_item(serial * 100 + k, kg) for k in range(per))
        weight = sum((i.gross_weight_kg for i in items), Decimal(tare))
        rid = s9.build(
            origin=origin.code,
            destination=destination.code,
            category=category,
            subclass=subclass,
            year=2026,
            despatch_number=7,
            serial=serial,
            weight_kg=weight,
            last=serial == count,
            registered=serial in registered,
        )
        out.append(Receptacle(rid, items, tare_kg=Decimal(tare)))
    return tuple(out)


def rail(count: int = 2, per: int = 2) -> Despatch:
    leg = Transport(
        mode="rail",
        departure=datetime(2026, 5, 12, 10, 0, tzinfo=CHINA),
        arrival=datetime(2026, 5, 27, 9, 0, tzinfo=VILNIUS_SUMMER),
        fields={"train": "X8012", "wagon": "TGHU 123456 7", "seal": "CN 0042117"},
        border_crossing="KHORGOS",
    )
    return Despatch(
        origin=DONGGUAN,
        destination=VILNIUS,
        year=2026,
        receptacles=_receptacles(DONGGUAN, VILNIUS, "C", "CC", count, per),
        transport=leg,
        closed_at=CLOSED,
        lane="CNDGGA-LTVNOA-RAIL-KHORGOS",
    )


def air(category: str = "A") -> Despatch:
    leg = Transport(
        mode="air",
        departure=datetime(2026, 5, 12, 1, 30, tzinfo=CHINA),
        fields={
            "flight": "CA931",
            "airport_of_loading": "PVG",
            "airport_of_unloading": "FRA",
            "air_waybill": "999-12345675",
        },
        carrier="Air China",
    )
    return Despatch(
        origin=SHANGHAI,
        destination=FRANKFURT,
        year=2026,
        receptacles=_receptacles(
            SHANGHAI, FRANKFURT, category, "CC", 3, 1, kg="0.8", registered=(2,)
        ),
        transport=leg,
        closed_at=CLOSED,
        lane="CNSHAA-DEFRAA-AIR",
    )
