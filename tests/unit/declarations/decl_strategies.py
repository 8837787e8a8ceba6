"""Hypothesis strategies producing complete declaration snapshots for both flows.

Amounts use up to five decimals, text mixes Chinese and Latin characters, and line counts go
up to the CEB maxima (99 import, 100 export) so the generated messages hit the schema limits.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal

from hypothesis import strategies as st

from declarations import s10
from declarations import snapshot as records
from declarations.itmatt import GENERIC_DESCRIPTIONS

CHINESE = (
    "电动牙刷男式棉制针织衫北京市海淀区中关村软件园上海深圳广州测试企业有限公司小米盒子纸尿裤李王张"
)
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -'.,&/éüß"


def text(min_size: int = 1, max_size: int = 30, chinese: bool = True) -> st.SearchStrategy[str]:
    alphabet = CHINESE + LATIN if chinese else LATIN
    return (
        st.text(alphabet=alphabet, min_size=min_size, max_size=max_size)
        .map(lambda s: " ".join(s.split()))
        .filter(lambda s: len(s) >= min_size)
    )


def money(max_value: int = 5000, places: int = 5) -> st.SearchStrategy[Decimal]:
    return st.decimals(
        min_value=Decimal(0), max_value=Decimal(max_value), places=places, allow_nan=False
    )


def positive(max_value: int = 50, places: int = 5) -> st.SearchStrategy[Decimal]:
    return st.decimals(
        min_value=Decimal(1).scaleb(-places), max_value=Decimal(max_value), places=places
    )


codes = st.text(alphabet="0123456789ABCDEF", min_size=10, max_size=10)


def digits(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=min_size, max_size=max_size)


digits10 = digits(10, 10)
import_origins = st.sampled_from(["JP", "KR", "US", "DE", "FR", "GB", "AU", "NZ", "HK"])
export_dests = st.sampled_from(["US", "DE", "FR", "GB", "JP", "AU", "CA", "NL", "ES", "SG"])
units = st.sampled_from(["piece", "set", "pair", "kg", "box", "bottle", "article", "007"])
s10_ids = st.builds(
    lambda svc, n, c: str(s10.build(svc, n, c)),
    st.sampled_from(["RR", "EE", "LX", "CP", "UA"]),
    st.integers(0, 99_999_999),
    st.sampled_from(["CN", "GB", "JP", "US"]),
)
moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31))


@st.composite
def lines(draw, origin: st.SearchStrategy[str], max_lines: int) -> tuple[records.Line, ...]:
    n = draw(st.integers(1, max_lines))
    proto = st.builds(
        records.Line,
        sku=st.text(alphabet="ABCDEFGHJK0123456789-", min_size=1, max_size=20),
        description=text(3, 60, chinese=False).filter(
            lambda s: s.strip().lower() not in GENERIC_DESCRIPTIONS
        ),
        description_local=text(1, 40),
        hs_code=digits10,
        quantity=positive(20, 2),
        unit=units,
        net_weight_kg=positive(5, 3),
        unit_value=positive(3000, 5),
        origin_country=origin,
        spec=text(0, 40),
    )
    first = draw(proto)
    # Repeating drawn lines keeps 99/100-line examples cheap to generate.
    others = draw(st.lists(proto, min_size=0, max_size=min(n - 1, 3)))
    pool = [first, *others]
    return tuple(pool[i % len(pool)] for i in range(n))


def party(country: st.SearchStrategy[str], chinese: bool) -> st.SearchStrategy[records.Party]:
    return st.builds(
        records.Party,
        name=text(1, 30, chinese),
        company=text(0, 40, chinese),
        street=text(1, 60, chinese),
        city=text(1, 30, chinese),
        postcode=digits(5, 6),
        state=text(0, 20, chinese),
        country=country,
        phone=digits(8, 15),
        email=st.just("buyer@example.com"),
        tax_id=st.text(alphabet="ABCDEFGHJK0123456789", min_size=0, max_size=18),
        id_number=st.text(alphabet="0123456789X", min_size=18, max_size=18),
    )


def _registrations(draw):
    seller = records.SellerRegistration(
        customs_code=draw(codes),
        name=draw(text(1, 50)),
        dxp_id="DXPENT" + draw(digits(10, 10)),
        platform_code=draw(st.one_of(st.just(""), codes)),
        platform_name=draw(st.one_of(st.just(""), text(1, 50))),
    )
    broker = draw(
        st.one_of(
            st.none(),
            st.builds(
                records.BrokerRegistration,
                customs_code=codes,
                name=text(1, 50),
                dxp_id=st.just("DXPB1"),
            ),
        )
    )
    logistics = records.LogisticsOperator(
        code=draw(codes), name=draw(text(1, 50)), dxp_id=draw(st.sampled_from(["", "DXPL1"]))
    )
    return {"seller": seller, "broker": broker, "logistics": logistics}


def _payment(draw, paid_at: datetime) -> records.Payment:
    return records.Payment(
        pay_code=draw(codes),
        pay_name=draw(text(1, 40)),
        transaction_id="PAY" + draw(digits(5, 20)),
        paid_at=paid_at,
    )


def _order_basics(draw, prefix: str, flow: str, ls, created: datetime, packing: str) -> dict:
    """What every drawn order states alike: a numbered order of ``flow``, an S10 item, and
    a gross weight of the lines' net weight plus ``packing`` kg."""
    return {
        "order_no": prefix + draw(digits(6, 20)),
        "flow": flow,
        "ordered_at": created,
        "item_id": draw(s10_ids),
        "gross_weight_kg": sum((ln.net_weight_kg for ln in ls), Decimal(0)) + Decimal(packing),
    }


@st.composite
def import_snapshots(draw, max_lines: int = 99) -> records.DeclarationSnapshot:
    ls = draw(lines(import_origins, max_lines))
    trade_mode = draw(st.sampled_from(["9610", "1210"]))
    bonded = {}
    if trade_mode == "1210":  # a bonded import names the stock it leaves (account book, item)
        ls = tuple(
            dataclasses.replace(ln, item_record_no=ln.item_record_no or f"T{i:04d}")
            for i, ln in enumerate(ls, 1)
        )
        bonded = {"ems_no": "T0101W000001", "area_code": "1101180001", "area_name": "示例保税仓"}
    registrations = _registrations(draw)
    goods = sum((ln.total_value for ln in ls), Decimal(0))
    freight = draw(money(200))
    tax = draw(st.one_of(st.none(), money(500, 2)))
    quote = None if tax is None else {"currency": "CNY", "tax_total": str(tax), "total": str(tax)}
    discount = draw(st.one_of(st.just(Decimal(0)), money(10, 2)))
    created = draw(moments)
    return records.DeclarationSnapshot(
        order=records.Order(
            **_order_basics(draw, "SP", "import", ls, created, "0.1"),
            regime="cbec",
            currency="CNY",
            shipping_cost=freight,
            insurance_cost=draw(money(20, 2)),
            # never more than the goods at the discount's own precision (cent, rounded down)
            discount=min(discount, goods.quantize(Decimal("0.01"), ROUND_DOWN)),
            buyer_reg_no=draw(st.one_of(st.just(""), text(1, 20, False))),
        ),
        sender=draw(party(import_origins, chinese=False)),
        recipient=draw(party(st.just("CN"), chinese=True)),
        lines=ls,
        quote=quote,
        **registrations,
        payment=_payment(draw, created),
        filing=records.CustomsFiling(
            customs_code=draw(st.sampled_from(["0101", "2244", "5141", "3700"])),
            port_code=draw(st.sampled_from(["0101", "2244", "5141"])),
            trade_mode=trade_mode,
            **bonded,
            traf_mode="5",
            traf_name="CA926",
            voyage_no="V" + draw(digits(1, 8)),
            bill_no="B" + draw(digits(5, 12)),
            declared_on=created.date(),
        ),
        created_at=created,
    )


@st.composite
def export_snapshots(draw, max_lines: int = 100) -> records.DeclarationSnapshot:
    ls = draw(lines(st.just("CN"), max_lines))
    registrations = _registrations(draw)
    created = draw(moments)
    return records.DeclarationSnapshot(
        order=records.Order(
            **_order_basics(draw, "SE", "export", ls, created, "0.05"),
            regime=draw(st.sampled_from(["cbec", "postal"])),
            currency=draw(st.sampled_from(["USD", "EUR", "GBP", "JPY", "AUD", "CNY"])),
            shipping_cost=draw(money(100)),
            insurance_cost=draw(money(10, 2)),
            category=draw(st.sampled_from(["sale_of_goods", "gift", "commercial_sample"])),
            posting_office=draw(st.one_of(st.just(""), text(1, 30, False))),
            mail_class=draw(st.sampled_from(["", "U", "C", "E"])),
        ),
        sender=draw(party(st.just("CN"), chinese=True)),
        recipient=draw(party(export_dests, chinese=False)),
        lines=ls,
        quote=None,
        **registrations,
        payment=_payment(draw, created),
        filing=records.CustomsFiling(
            customs_code=draw(st.sampled_from(["5304", "2244", "0101"])),
            port_code=draw(st.sampled_from(["5304", "2244", "0101"])),
            trade_mode=draw(st.sampled_from(["9610", "9710", "9810"])),
            traf_mode=draw(st.sampled_from(["5", "6", "4"])),
            pod=draw(st.sampled_from(["3040", "5020", "USA", "DEU1"])),
            declared_on=created.date(),
            ie_date=created.date() if draw(st.booleans()) else None,
            invt_no=draw(st.one_of(st.just(""), digits10)),
        ),
        created_at=created,
    )


def any_snapshot() -> st.SearchStrategy[records.DeclarationSnapshot]:
    return st.one_of(import_snapshots(max_lines=5), export_snapshots(max_lines=5))


__all__ = ["date", "import_snapshots", "export_snapshots", "any_snapshot"]
