"""The summary declaration rule (declarations.ceb.summary) on a hand-worked month of 300
released export parcels, its options, the records it reads, and the CEB701 built from them.

The month (November 2026, one shipper, all by air, every line's destination its parcel's):

* parcel i goes to DE (304) when i % 3 == 0, FR (305) when i % 3 == 1, US (502) when
  i % 3 == 2; EUR to DE and FR, USD to the US;
* it leaves by Shenzhen (5304), except US parcels after the 150th, which leave by 5141;
* parcels 291-300 are 9810 (to an overseas warehouse), the others 9610;
* every parcel has line 1, 2 men's T-shirts (6109100021 男式棉制针织T恤衫) at 12.50 EUR /
  13.00 USD each; parcels with i % 4 == 0 add a mug (6911101900 陶瓷马克杯, 6.00 EUR / 6.50 USD);
  parcels with i % 25 == 0 add one women's T-shirt (6109100021 女式棉制针织T恤衫, 12.50 EUR /
  13.00 USD), numbered after the lines before it;
* parcels with i % 10 == 0 were made by another producer (ownerCode 4403960PRD);
* each weighs 0.5 kg gross, 0.4 kg net.

Hand count, 9610 (i <= 290): DE i = 3..288 step 3: 96 parcels, mugs i ≡ 0 (mod 12): 24,
women's i ≡ 0 (mod 75): 75, 150, 225; FR i = 1..289: 97, mugs i ≡ 4 (mod 12): 24, women's
25, 100, 175, 250; US by 5304 i = 2..149: 50, mugs i ≡ 8 (mod 12) 8..140: 12, women's 50,
125; US by 5141 i = 152..290: 47, mugs 152..284: 12, women's 200, 275. 9810: DE 291, 294,
297, 300 (mug and women's at 300); FR 292, 295, 298 (mug at 292); US 293, 296, 299 (mug at
296). Values follow: e.g. DE 9610 men's 96 × 25.00 = 2400.00 EUR.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from decimal import Decimal

import golden_xml
import pytest
from lxml import etree

from declarations import safexml
from declarations.ceb import export, reader, receipts, summary, summary_apply
from declarations.ceb.common import NS
from declarations.errors import DeclarationError, IncompleteDataError

N = {"ceb": NS}
SELLER = "4403960ABC"
D = Decimal
MEN, WOMEN, MUG = "男式棉制针织T恤衫", "女式棉制针织T恤衫", "陶瓷马克杯"
DE, FR, US = "304", "305", "502"
EUR, USD = "300", "502"
T_SHIRT, MUG_CODE = "6109100021", "6911101900"


def _line(gnum: int, gcode: str, name: str, qty: int, price: str, country: str, currency: str):
    return summary.InventoryLine(
        gnum, gcode, name, name, country, currency, D(qty), "007", D(qty), "007", D(price) * qty
    )


def parcel(i: int) -> summary.ReleasedInventory:
    """Parcel ``i`` of the month (module docstring)."""
    country = (DE, FR, US)[i % 3]
    currency, t_price, mug_price = (
        (USD, "13.00", "6.50") if country == US else (EUR, "12.50", "6.00")
    )
    lines = [_line(1, T_SHIRT, MEN, 2, t_price, country, currency)]
    if i % 4 == 0:
        lines.append(_line(len(lines) + 1, MUG_CODE, MUG, 1, mug_price, country, currency))
    if i % 25 == 0:
        lines.append(_line(len(lines) + 1, T_SHIRT, WOMEN, 1, t_price, country, currency))
    return summary.ReleasedInventory(
        invt_no=f"53042026E{i:09d}",
        cop_no=f"SPEXP{i:04d}",
        logistics_no=f"LX{i:09d}CN",
        ebc_code=SELLER,
        owner_code="4403960PRD" if i % 10 == 0 else SELLER,
        customs_code="5304",
        port_code="5141" if country == US and i > 150 else "5304",
        trade_mode="9810" if i > 290 else "9610",
        traf_mode="5",
        country=country,
        lines=tuple(lines),
        released_at=datetime(2026, 11, 1, 8, tzinfo=receipts.CHINA_TIME) + timedelta(hours=2 * i),
        gross_weight=D("0.5"),
        net_weight=D("0.4"),
    )


MONTH = [parcel(i) for i in range(1, 301)]


def _view(declarations):
    """Each declaration as (trade mode, country, port, parcels, [(gseqno, name, currency,
    value)])."""
    return [
        (
            d.key.trade_mode,
            d.key.country,
            d.key.port_code,
            len(d.invt_nos),
            [(ln.gseqno, ln.item_name, ln.currency, ln.total_price) for ln in d.lines],
        )
        for d in declarations
    ]


def test_a_month_of_300_parcels_makes_the_hand_worked_declarations():
    assert _view(summary.summarise(MONTH)) == [
        ("9610", DE, "5304", 96, [(1, WOMEN, EUR, D("37.50")), (2, MEN, EUR, D("2400.00")),
                                 (3, MUG, EUR, D("144.00"))]),
        ("9610", FR, "5304", 97, [(1, WOMEN, EUR, D("50.00")), (2, MEN, EUR, D("2425.00")),
                                 (3, MUG, EUR, D("144.00"))]),
        ("9610", US, "5141", 47, [(1, WOMEN, USD, D("26.00")), (2, MEN, USD, D("1222.00")),
                                 (3, MUG, USD, D("78.00"))]),
        ("9610", US, "5304", 50, [(1, WOMEN, USD, D("26.00")), (2, MEN, USD, D("1300.00")),
                                 (3, MUG, USD, D("78.00"))]),
        ("9810", DE, "5304", 4, [(1, WOMEN, EUR, D("12.50")), (2, MEN, EUR, D("100.00")),
                                (3, MUG, EUR, D("6.00"))]),
        ("9810", FR, "5304", 3, [(1, MEN, EUR, D("75.00")), (2, MUG, EUR, D("6.00"))]),
        ("9810", US, "5141", 3, [(1, MEN, USD, D("78.00")), (2, MUG, USD, D("6.50"))]),
    ]  # fmt: skip


def test_every_inventory_line_is_in_exactly_one_declaration_line():
    declarations = summary.summarise(MONTH)
    mapped = [(m.invt_no, m.gnum) for d in declarations for ln in d.lines for m in ln.sources]
    assert sorted(mapped) == sorted((p.invt_no, ln.gnum) for p in MONTH for ln in p.lines)
    assert len(mapped) == 300 + 75 + 12  # every parcel, the mugs, the women's T-shirts
    totals: dict[str, Decimal] = {}
    for d in declarations:
        for ln in d.lines:
            totals[ln.currency] = totals.get(ln.currency, D(0)) + ln.total_price
    # 200 EUR parcels: 5000.00 men's + 50 mugs 300.00 + 8 women's 100.00; 100 USD parcels:
    # 2600.00 + 25 mugs 162.50 + 4 women's 52.00
    assert totals == {EUR: D("5400.00"), USD: D("2814.50")}


def test_a_declaration_line_names_its_inventory_lines_and_adds_their_quantities():
    de = summary.summarise(MONTH)[0]
    women, men, mug = de.lines
    assert [(m.invt_no[-3:], m.gnum, m.logistics_no) for m in women.sources] == [
        ("075", 2, "LX000000075CN"),
        ("150", 2, "LX000000150CN"),
        ("225", 2, "LX000000225CN"),
    ]
    assert men.quantities == (("007", D(192)),) and men.legal_quantities == (("007", D(192)),)
    assert (mug.gcode, len(mug.sources)) == (MUG_CODE, 24)
    assert (de.gross_weight, de.net_weight) == (D("48.0"), D("38.4"))  # 96 × 0.5, 96 × 0.4


def test_by_classification_name_the_two_t_shirts_share_a_line():
    rule = summary.GroupingRule(item_name_flag="0")
    de = summary.summarise(MONTH, rule)[0]
    assert [(ln.gcode, ln.total_price, ln.quantities) for ln in de.lines] == [
        (T_SHIRT, D("2437.50"), (("007", D(195)),)),  # 96 × 2 men's + 3 women's
        (MUG_CODE, D("144.00"), (("007", D(24)),)),
    ]


def test_by_shipper_and_producer_the_other_producers_parcels_are_declared_apart():
    declarations = summary.summarise(MONTH, summary.GroupingRule(summary_flag="2"))
    # the other producer made parcels in five groups (none among 9810 FR and US)
    assert len(declarations) == 12
    de = [d for d in declarations if d.key.trade_mode == "9610" and d.key.country == DE]
    assert [(d.key.owner_code, len(d.invt_nos)) for d in de] == [
        (SELLER, 87),
        ("4403960PRD", 9),  # i = 30, 60, ..., 270
    ]


def test_the_declared_unit_is_a_key_only_when_asked():
    litre = dataclasses.replace(MONTH[2].lines[0], unit="095")
    other = dataclasses.replace(MONTH[2], lines=(litre,))
    month = [other, *MONTH[5:6]]  # parcels 3 and 6: both DE, one T-shirt line each
    assert len(summary.summarise(month)[0].lines) == 1
    by_unit = summary.summarise(month, summary.GroupingRule(by_declared_unit=True))
    assert [ln.quantities for ln in by_unit[0].lines] == [(("007", D(2)),), (("095", D(2)),)]


def test_a_group_over_the_line_limit_is_split_and_weighed_where_its_parcels_start():
    rule = summary.GroupingRule(max_lines=2)
    parts = [d for d in summary.summarise(MONTH, rule) if d.key.country == DE][:2]
    assert [(d.part, [ln.item_name for ln in d.lines]) for d in parts] == [
        (1, [WOMEN, MEN]),
        (2, [MUG]),
    ]
    assert parts[0].gross_weight == D("48.0") and parts[1].gross_weight == 0
    assert parts[1].lines[0].gseqno == 1, "each declaration numbers its own lines"


def test_the_lines_of_a_summary_result_are_totalled_from_the_inventories():
    """What a CEB792 maps (invtNo, gnum -> gseqno) gives back the declaration lines."""
    for d in summary.summarise(MONTH):
        rows = [
            {"invtNo": m.invt_no, "gnum": str(m.gnum), "gseqno": str(ln.gseqno)}
            for ln in d.lines
            for m in ln.sources
        ]
        assert summary.lines_from_result(rows, MONTH) == list(d.lines)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"ebc_code": "4403960OTH"}, "belongs to shipper 4403960OTH, not 4403960ABC"),
        ({"status": "399"}, "is not released (status 399)"),
        ({"statistics_flag": "A"}, "was declared with statisticsFlag A, not B (汇总申报)"),
        ({"sum_no": "S20261201000000001"}, "is already in summary S20261201000000001"),
        ({"released_at": datetime(2026, 12, 1, 0, 0, 0)}, "was not released in the period"),
        ({"customs_code": "5141"}, "was declared at customs office 5141, not 5304"),
        ({"loct_no": "5304W2"}, "is at supervision site 5304W2, not 5304W1"),
        ({"status": "899", "released_at": datetime(2026, 11, 30, 23, 59, 59)}, ""),
    ],
)
def test_what_cannot_be_summarised_says_why(change, reason):
    inv = dataclasses.replace(MONTH[0], **{"loct_no": "5304W1", **change})
    window, office = summary.month_window("2026-11"), ("5304", "5304W1")
    assert summary.ineligible(inv, ebc_code=SELLER, window=window, office=office) == reason


def test_a_month_is_its_first_and_last_second_in_china_time():
    start, end = summary.month_window("2026-12")
    assert (start.isoformat(), end.isoformat()) == (
        "2026-12-01T00:00:00+08:00",
        "2026-12-31T23:59:59+08:00",
    )
    assert summary.month_window("2028-02")[1].day == 29


def test_the_record_of_a_filed_inventory_is_what_its_ceb603_says(ceb_dir):
    """inventory_from_snapshot (what the service files) equals the record read back from
    the CEB603 XML (what customs hold), so preview and simulator group alike."""
    snap = golden_xml.exp_summarised(7)
    head, rows = reader.business_nodes(safexml.parse(export.build_ceb603(snap)))[0]
    when = datetime(2026, 3, 5, tzinfo=receipts.CHINA_TIME)
    read = summary.inventory_from_fields(
        {**head, "invtNo": "X1"}, rows, status="800", released_at=when
    )
    built = summary.inventory_from_snapshot(snap, invt_no="X1", status="800", released_at=when)
    assert read == built
    assert (built.statistics_flag, built.trade_mode, built.country) == ("B", "9610", "304")


def _head(data: bytes) -> etree._Element:
    return etree.fromstring(data).find("ceb:SummaryApply/ceb:SummaryApplyHead", N)


def test_a_ceb701_lists_the_inventories_or_states_the_period(ceb_dir):
    listed = golden_xml._ceb701(ceb_dir)
    assert len(listed) == 1 and _head(listed[0]).findtext("ceb:startTime", namespaces=N) is None
    root = etree.fromstring(listed[0])
    assert [e.text for e in root.iter(f"{{{NS}}}invtNo")] == [
        f"53042026E{n:09d}" for n in (1, 2, 3)
    ]
    (period,) = golden_xml._ceb701(ceb_dir, window=summary.month_window("2026-03"))
    head = _head(period)
    assert [head.findtext(f"ceb:{t}", namespaces=N) for t in ("startTime", "endTime")] == [
        "20260301000000",
        "20260331235959",
    ]
    assert list(etree.fromstring(period).iter(f"{{{NS}}}invtNo")) == [], "the list is ignored"


def test_a_split_ceb701_keeps_its_copno_and_numbers_its_parts(ceb_dir):
    parts = golden_xml._ceb701(ceb_dir, max_per_message=1)
    heads = [_head(p) for p in parts]
    assert [
        (h.findtext("ceb:copNo", namespaces=N), h.findtext("ceb:msgSeqNo", namespaces=N))
        for h in heads
    ] == [("SUM-2026-03", "1"), ("SUM-2026-03", "2"), ("SUM-2026-03", "3")]
    assert {h.findtext("ceb:msgCount", namespaces=N) for h in heads} == {"3"}  # fmt: skip


def test_a_ceb701_is_refused_for_inventories_released_outside_its_period():
    with pytest.raises(IncompleteDataError, match="was not released in the period"):
        summary_apply.build_ceb701(
            [golden_xml.released(1)],
            seller=golden_xml.exp().seller,
            cop_no="S",
            filed_at=golden_xml.WHEN,
            window=summary.month_window("2026-04"),
        )


def test_summarising_is_refused_for_inventories_listed_twice():
    with pytest.raises(DeclarationError, match="listed twice"):
        summary.summarise([MONTH[0], MONTH[0]])
