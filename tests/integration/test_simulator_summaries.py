"""The customs simulator answers CEB701 summary applications: CEB702 receipts, then one CEB792
per export declaration, grouped by declarations.ceb.summary exactly as the service previews
it; applications naming inventories that do not qualify are refused.

The month: 300 released export parcels of one seller, parcel n to DE (n % 3 == 0), FR (1)
or the US (2), EUR to Europe and USD to the US, the US parcels after the 150th by 5141, the
last ten (291-300) 9810; each parcel holds the example's two lines of two T-shirts at 12.50
(50.00 a parcel). Hand count as in tests/unit/declarations/test_decl_summary.py: 9610 DE 96
parcels, FR 97, US by 5141 47, US by 5304 50; 9810 DE 4, FR 3, US 3.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from integration.test_simulator_kit import (
    REFERENCE,
    SELLER_DXP,
    SIMULATOR_TESTS,
    T0,
    customs,
    export_order,
    filing_set,
    issued_inventories,
    released_records,
    replace,
    summary_application,
    wrapped,
)

from app.gateway.simulator import codes
from declarations import dxp
from declarations.ceb import export, receipts, summary
from declarations.ceb.common import filer

pytestmark = SIMULATOR_TESTS


def month_export(n: int, **filing):
    """Parcel ``n`` of the month (module docstring), declared for a summary (B)."""
    snap = export_order(n)
    country, currency = (("DE", "EUR"), ("FR", "EUR"), ("US", "USD"))[n % 3]
    snap = replace(replace(snap, "recipient", country=country), "order", currency=currency)
    port = "5141" if country == "US" and n > 150 else "5304"
    mode = "9810" if n > 290 else "9610"
    values = {"statistics_flag": "B", "port_code": port, "trade_mode": mode, **filing}
    return replace(snap, "filing", **values)


def _batches(snaps) -> list[tuple[str, bytes]]:
    """The month's filings as the gateway drops them: 100 orders to a message."""
    out = []
    for kind, build in (
        ("CEB303", export.build_ceb303),
        ("CEB403", export.build_ceb403),
        ("CEB505", export.build_ceb505),
        ("CEB603", export.build_ceb603),
    ):
        for i in range(0, len(snaps), 100):
            chunk = snaps[i : i + 100]
            sender = filer(kind, chunk[0]).dxp_id
            out.append(wrapped(f"{kind}_month_{i}.xml", build(chunk, schema_dir=REFERENCE), sender))
    return out


def _results(c) -> list[receipts.StatusEvent]:
    """The CEB792 events the seller reads from the receipt files written."""
    files = c.sim.due(T0 + timedelta(hours=1))
    events = [e for f in files for e in receipts.parse(dxp.unwrap(f.content).data)]
    return [e for e in events if e.message_type == "CEB792"]


def test_a_month_of_300_released_parcels_is_summarised_as_previewed(tmp_path):
    c = customs(tmp_path)
    snaps = [month_export(n) for n in range(1, 301)]
    c.send(_batches(snaps))
    assert c.statuses("CEB604").count("800") == 300
    records = released_records(c, snaps)
    c.send(summary_application(records), at=30)
    assert c.statuses("CEB702") == ["2", "399"]
    sum_no = next(s.node["sumNo"] for s in c.got if s.msg_type == "CEB702" and "sumNo" in s.node)
    results = _results(c)
    assert [e.keys["sumNo"] for e in results] == [sum_no] * 7
    preview = summary.summarise(records)
    mapped = [
        {(row["invtNo"], int(row["gnum"])): int(row["gseqno"]) for row in e.extra["lines"]}
        for e in results
    ]
    assert mapped == [
        {(m.invt_no, m.gnum): ln.gseqno for ln in d.lines for m in ln.sources} for d in preview
    ]
    lines = [summary.lines_from_result(e.extra["lines"], records) for e in results]
    assert [[(ln.currency, ln.total_price) for ln in d] for d in lines] == [
        [("300", Decimal("4800.00"))],  # 9610 DE: 96 × 50.00 EUR
        [("300", Decimal("4850.00"))],  # 9610 FR: 97 parcels
        [("502", Decimal("2350.00"))],  # 9610 US by 5141: 47 parcels, USD
        [("502", Decimal("2500.00"))],  # 9610 US by 5304: 50
        [("300", Decimal("200.00"))],  # 9810 DE: 4
        [("300", Decimal("150.00"))],  # 9810 FR: 3
        [("502", Decimal("150.00"))],  # 9810 US: 3
    ]
    assert len({e.business_key for e in results}) == 7, "one declSeqNo per declaration"


def test_an_inventory_is_summarised_once(tmp_path):
    c = customs(tmp_path)
    snaps = [month_export(n) for n in (3, 6)]
    c.send(_batches(snaps))
    records = released_records(c, snaps)
    c.send(summary_application(records), at=30)
    c.send(summary_application(records, cop_no="SUM-AGAIN"), at=40)
    assert c.statuses("CEB702", "SUM-AGAIN") == ["2", "100"]
    (info,) = c.info("CEB702")
    assert info.startswith(f"{codes.REJECTIONS['summary_state'].code} 清单不符合汇总条件: ")
    assert "is already in summary S2026" in info


def test_an_application_naming_one_that_does_not_qualify_is_refused_whole(tmp_path):
    c = customs(tmp_path)
    simplified = month_export(9, statistics_flag="A")  # 简化申报: never summarised
    snaps = [month_export(3), month_export(6), simplified]
    c.send(_batches(snaps))
    records = [r if r.cop_no != "SPEXP0009" else _claimed(r) for r in released_records(c, snaps)]
    c.send(summary_application(records), at=30)
    assert c.statuses("CEB702") == ["2", "100"]
    (info,) = c.info("CEB702")
    assert info.endswith(
        f"inventory {records[2].invt_no} was declared with statisticsFlag A, not B (汇总申报)"
    )
    assert _results(c) == []


def _claimed(r: summary.ReleasedInventory) -> summary.ReleasedInventory:
    """The record as a careless filer might keep it: claimed to be for a summary."""
    return dataclasses.replace(r, statistics_flag="B")


def test_an_inventory_not_yet_released_cannot_be_summarised(tmp_path):
    c = customs(tmp_path)
    snaps = [month_export(3)]
    c.send(_batches(snaps))
    records = [summary.inventory_from_snapshot(snaps[0], invt_no=issued_inventories(c)["SPEXP0003"],
                                               status="800", released_at=T0)]  # fmt: skip
    c.send(summary_application(records, at=2), at=2.5)  # customs have reported 2 and 120 so far
    assert c.info("CEB702") == [
        f"{codes.REJECTIONS['summary_state'].code} 清单不符合汇总条件: "
        f"inventory {records[0].invt_no} is not released (status 120)"
    ]


def test_a_period_takes_every_qualifying_inventory_released_in_it(tmp_path):
    c = customs(tmp_path)
    snaps = [month_export(n) for n in (3, 4, 5)] + [month_export(6, statistics_flag="A")]
    c.send(_batches(snaps))
    records = released_records(c, snaps[:1])  # the application's office comes from any one of them
    c.send(summary_application(records, window=summary.month_window("2026-03")), at=30)
    assert c.statuses("CEB702") == ["2", "399"]
    results = _results(c)
    taken = sorted({row["invtNo"] for e in results for row in e.extra["lines"]})
    issued = issued_inventories(c)
    assert taken == sorted(issued[f"SPEXP{n:04d}"] for n in (3, 4, 5)), "the A one is left out"
    # customs go by the release times they hold, not by the filer's records
    april = [dataclasses.replace(r, released_at=datetime(2026, 4, 2)) for r in records]
    period = summary.month_window("2026-04")
    c.send(summary_application(april, cop_no="SUM-APRIL", window=period), at=40)
    assert c.info("CEB702")[-1].endswith(
        "no inventory of 4403960ABC released in the period qualifies"
    )


def test_a_split_application_is_decided_when_its_last_part_comes(tmp_path):
    c = customs(tmp_path)
    snaps = [month_export(n) for n in (3, 6, 9)]
    c.send(_batches(snaps))
    first, second = summary_application(released_records(c, snaps), max_per_message=2)
    c.send(first, at=30)
    assert c.statuses("CEB702") == ["2"]
    c.send(second, at=35)
    parts = sorted(
        (s.node["msgSeqNo"], s.node["returnStatus"]) for s in c.got if s.msg_type == "CEB702"
    )
    assert parts == [("1", "2"), ("1", "399"), ("2", "2"), ("2", "399")]
    (result,) = _results(c)
    assert len(result.extra["lines"]) == 6, "three parcels of two lines, one declaration"
    c.send(wrapped("again.xml", dxp.unwrap(second[1]).data, SELLER_DXP), at=40)
    assert c.info("CEB702")[-1].startswith(f"{codes.REJECTIONS['duplicate'].code} 单证已存在")


def test_9810_inventories_are_accepted_and_declared_apart_from_9610(tmp_path):
    c = customs(tmp_path)
    snaps = [month_export(3), month_export(6, trade_mode="9810")]
    for s in snaps:
        c.send(filing_set(s))
    assert c.statuses("CEB604", "SPEXP0006") == ["2", "120", "399", "800", "899"]
    c.send(summary_application(released_records(c, snaps)), at=30)
    assert len(_results(c)) == 2


@pytest.mark.parametrize("flag", ["1", "2"])
def test_the_producer_splits_declarations_only_by_shipper_and_producer(tmp_path, flag):
    c = customs(tmp_path)
    snaps = [month_export(3), month_export(6, owner_code="4403960PRD", owner_name="示例制造厂")]
    c.send(_batches(snaps))
    rule = summary.GroupingRule(summary_flag=flag)
    c.send(summary_application(released_records(c, snaps), rule=rule), at=30)
    assert len(_results(c)) == int(flag)


def test_results_come_after_the_acceptance(tmp_path):
    c = customs(tmp_path)
    snaps = [month_export(3)]
    c.send(_batches(snaps))
    c.send(summary_application(released_records(c, snaps)), at=30)
    accepted = next(
        s for s in c.got if s.node.get("returnStatus") == "399" and s.msg_type == "CEB702"
    )
    (result,) = [s for s in c.got if s.msg_type == "CEB792"]
    assert result.due - accepted.due == timedelta(seconds=1)
    assert result.node["head"]["opDate"] == "20260303090033000"
    assert datetime.fromisoformat("2026-03-03T01:00:33+00:00") == result.due
