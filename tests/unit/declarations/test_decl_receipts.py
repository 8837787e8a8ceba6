"""Receipts become status events; folding them is order-independent and repeat-tolerant."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from declarations import xsd
from declarations.ceb import receipts
from declarations.ceb.receipts import StatusEvent


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("import/CEB312Message.xml", "order"),
        ("import/CEB412Message.xml", "payment"),
        ("import/CEB512Message.xml", "waybill"),
        ("import/CEB622Message.xml", "inventory"),
        ("import/CEB624Message.xml", "cancel"),
        ("import/CEB626Message.xml", "refund"),
        ("export/CEB304Message.xml", "order"),
        ("export/CEB604Message.xml", "inventory"),
        ("export/CEB702Message.xml", "summary"),
    ],
)
def test_official_receipts_parse(ceb_dir, path, kind):
    events = receipts.parse((ceb_dir / "samples" / path).read_bytes())
    assert events and all(e.kind == kind and e.business_key for e in events)
    assert all(isinstance(e.time, datetime) for e in events)


TAX_BILL = """<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB816Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"
 guid="4CDE1CFD-EDED-46B1-946C-B8022E42FC94" version="1.0">
<ceb:Tax><ceb:TaxHeadRd><ceb:guid>4CDE1CFD-EDED-46B1-946C-B8022E42FC94</ceb:guid>
<ceb:returnTime>20260305101500123</ceb:returnTime><ceb:invtNo>010120261234567890</ceb:invtNo>
<ceb:taxNo>TAX2026000001</ceb:taxNo><ceb:customsTax>0</ceb:customsTax>
<ceb:valueAddedTax>29.12</ceb:valueAddedTax><ceb:consumptionTax>0</ceb:consumptionTax>
<ceb:status>1</ceb:status></ceb:TaxHeadRd>
<ceb:TaxListRd><ceb:gnum>1</ceb:gnum><ceb:gcode>8509800000</ceb:gcode>
<ceb:taxPrice>320</ceb:taxPrice>
<ceb:customsTax>0</ceb:customsTax><ceb:valueAddedTax>29.12</ceb:valueAddedTax>
<ceb:consumptionTax>0</ceb:consumptionTax></ceb:TaxListRd></ceb:Tax></ceb:CEB816Message>"""


def test_tax_bill_is_schema_valid_and_parses(ceb_dir):
    root = etree.fromstring(TAX_BILL.encode())
    assert xsd.load(ceb_dir / "ceb-import.xsd").validate(root)
    (event,) = receipts.parse(TAX_BILL.encode())
    assert event.kind == "tax" and event.business_key == "010120261234567890"
    assert str(event.extra["total"]) == "29.12"
    assert event.label == "tax bill issued"


def _ev(status: str, minute: int, key: str = "COP1", info: str = "") -> StatusEvent:
    return StatusEvent(
        "CEB622",
        "inventory",
        key,
        status,
        datetime(2026, 3, 3, 9) + timedelta(minutes=minute),
        info,
    )


TYPICAL = [
    _ev("2", 0),
    _ev("3", 1),
    _ev("120", 5),
    _ev("300", 9),
    _ev("500", 20),
    _ev("399", 60),
    _ev("800", 61),
    _ev("899", 600),
]


@given(st.permutations(TYPICAL), st.lists(st.sampled_from(TYPICAL), max_size=5))
def test_fold_is_independent_of_arrival_order_and_repeats(events, repeats):
    state = receipts.current([*events, *repeats])
    assert state.status == "899" and state.label == "closed"
    assert len(state.history) == len(TYPICAL)


def test_release_is_not_undone_by_a_late_accept():
    state = receipts.current([_ev("800", 61), _ev("120", 70)])
    assert state.status == "800" and state.released


def test_rejection_after_review_wins_over_earlier_acceptance():
    state = receipts.current([_ev("120", 5), _ev("100", 30, info="申报要素不全"), _ev("3", 40)])
    assert state.status == "100" and state.info == "申报要素不全"


def test_documents_are_folded_separately():
    states = receipts.fold([_ev("800", 1, "A"), _ev("2", 2, "B")])
    assert states[("inventory", "A")].status == "800"
    assert states[("inventory", "B")].status == "2"
