"""Receipts become status events; folding them is order-independent and repeat-tolerant."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from declarations import xsd
from declarations.ceb import receipts
from declarations.ceb.receipts import CHINA_TIME, StatusEvent
from declarations.errors import DeclarationError


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
        ("export/CEB404Message.xml", "payment"),
        ("export/CEB506Message.xml", "waybill"),
        ("export/CEB606Message.xml", "cancel"),
        ("export/CEB508Message.xml", "arrival"),
        ("export/CEB510Message.xml", "departure"),
        ("export/CEB608Message.xml", "waybill_list"),
        ("export/CEB216Message.xml", "return_tally"),
        ("import/CEB514Message.xml", "signed_for"),
        ("import/CEB712Message.xml", "site_entry"),
    ],
)
def test_official_receipts_parse(ceb_dir, path, kind):
    events = receipts.parse((ceb_dir / "samples" / path).read_bytes())
    assert events and all(e.kind == kind and e.business_key for e in events)
    assert all(e.time.utcoffset() == timedelta(hours=8) for e in events)


#: The receipts and results of the 202205 schemas (root elements answering a filing), by
#: the side they come from; the samples hold all but CEB214, CEB792, CEB816, CEB818, CEB900.
RECEIPTS_202205 = {
    "import": "CEB312 CEB412 CEB512 CEB514 CEB622 CEB624 CEB626 CEB712 CEB816 CEB818 CEB900",
    "export": "CEB304 CEB404 CEB506 CEB508 CEB510 CEB604 CEB606 CEB608 CEB214 CEB216 CEB702 CEB792",
}


def test_every_official_receipt_sample_is_read_and_every_request_refused(ceb_dir):
    receipt_types = {t for types in RECEIPTS_202205.values() for t in types.split()}
    read, refused = set(), set()
    for path in sorted((ceb_dir / "samples").glob("*/*.xml")):
        msg_type = path.stem.removesuffix("Message")
        if msg_type in receipt_types:
            events = receipts.parse(path.read_bytes())
            assert events and all(e.business_key and e.status for e in events), path.name
            read.add(msg_type)
        else:
            with pytest.raises(DeclarationError, match="is not a receipt this service reads"):
                receipts.parse(path.read_bytes())
            refused.add(msg_type)
    assert read == receipt_types - {"CEB214", "CEB792", "CEB816", "CEB818", "CEB900"}
    requests = "CEB311 CEB411 CEB511 CEB513 CEB621 CEB623 CEB625 CEB711 CEB213 CEB215 CEB701"
    assert refused == set(requests.split())


#: The requests of the 202205 schemas, each built by a builder of declarations.ceb.
REQUESTS_202205 = {
    "import": "CEB311 CEB411 CEB511 CEB513 CEB621 CEB623 CEB625 CEB711",
    "export": "CEB303 CEB403 CEB505 CEB507 CEB509 CEB603 CEB605 CEB607 CEB213 CEB215 CEB701",
}


@pytest.mark.parametrize("side", ["import", "export"])
def test_the_schemas_hold_these_requests_and_receipts_and_no_other_message(ceb_dir, side):
    root = etree.parse(str(ceb_dir / f"ceb-{side}.xsd")).getroot()
    names = {(e.get("name") or "").removesuffix("Message") for e in root}
    official = {n for n in names if n.startswith("CEB")}
    ours = set(RECEIPTS_202205[side].split()) | set(REQUESTS_202205[side].split())
    assert official == ours
    assert len(official) == {"import": 19, "export": 23}[side]


TAX_STATUS = """<?xml version="1.0" encoding="UTF-8"?>
<ceb:CEB818Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"
 guid="4CDE1CFD-EDED-46B1-946C-B8022E42FC95" version="1.0">
<ceb:Tax><ceb:TaxHeadStatus><ceb:guid>4CDE1CFD-EDED-46B1-946C-B8022E42FC95</ceb:guid>
<ceb:returnTime>20260320101500000</ceb:returnTime><ceb:invtNo>010120261234567890</ceb:invtNo>
<ceb:taxNo>TAX2026000001</ceb:taxNo><ceb:status>2</ceb:status>
<ceb:entDutyNo>DUTY-1</ceb:entDutyNo></ceb:TaxHeadStatus></ceb:Tax></ceb:CEB818Message>"""


def test_official_inventory_receipt_time_is_china_standard_time(ceb_dir):
    """CEB622 sample: <returnTime>20160512102646001</returnTime>, i.e. 10:26:46.001 in
    Beijing, 02:26:46.001 UTC."""
    events = receipts.parse((ceb_dir / "samples/import/CEB622Message.xml").read_bytes())
    assert events[0].time.isoformat() == "2016-05-12T10:26:46.001000+08:00"
    assert events[0].time == datetime(2016, 5, 12, 2, 26, 46, 1000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("20260305101500123", "2026-03-05T10:15:00.123000+08:00"),  # 17: with milliseconds
        ("20260305101500", "2026-03-05T10:15:00+08:00"),  # 14: whole seconds
        (" 20260305101500000 ", "2026-03-05T10:15:00+08:00"),
        ("20260701000000000", "2026-07-01T00:00:00+08:00"),  # no daylight saving in summer
    ],
)
def test_receipt_times_are_read_at_utc_plus_eight(text, iso):
    parsed = receipts.parse_time(text)
    assert parsed.isoformat() == iso
    assert parsed.utcoffset() == timedelta(hours=8) and parsed.tzinfo is CHINA_TIME


def test_early_morning_in_beijing_is_the_previous_day_in_utc():
    parsed = receipts.parse_time("20260101053000250")
    assert parsed.astimezone(UTC).isoformat() == "2025-12-31T21:30:00.250000+00:00"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026030510150",  # 13 characters
        "202603051015001",  # 15: milliseconds cut short
        "2026030510150012",  # 16
        "202603051015001234",  # 18
        "20261305101500",  # month 13
        "20260230101500",  # 30 February
        "20260305241500",  # hour 24
        "2026030510150x12",
        "２０２６０３０５１０１５００",  # full-width digits
        "2026-03-05T10:15",
    ],
)
def test_malformed_receipt_times_are_refused(text):
    with pytest.raises(DeclarationError, match="YYYYMMDDhhmmss"):
        receipts.parse_time(text)


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


def test_tax_bill_status_folds_with_its_bill(ceb_dir):
    root = etree.fromstring(TAX_STATUS.encode())
    assert xsd.load(ceb_dir / "ceb-import.xsd").validate(root)
    (later,) = receipts.parse(TAX_STATUS.encode())
    assert (later.message_type, later.kind, later.keys["entDutyNo"]) == ("CEB818", "tax", "DUTY-1")
    state = receipts.current([later, *receipts.parse(TAX_BILL.encode())])
    assert (state.status, state.label) == ("2", "tax bill summarised")


def _ev(
    status: str, minute: int, key: str = "COP1", info: str = "", tz: timezone = CHINA_TIME
) -> StatusEvent:
    """An inventory event ``minute`` minutes after 09:00 Beijing time, written in ``tz``."""
    at = datetime(2026, 3, 3, 9, tzinfo=CHINA_TIME) + timedelta(minutes=minute)
    return StatusEvent("CEB622", "inventory", key, status, at.astimezone(tz), info)


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


OFFSETS = st.sampled_from([CHINA_TIME, UTC, timezone(timedelta(hours=-5)), timezone.min])


@given(st.permutations(TYPICAL), st.lists(OFFSETS, min_size=len(TYPICAL), max_size=len(TYPICAL)))
def test_fold_with_aware_times_depends_on_instants_not_on_how_they_are_written(events, zones):
    """The same receipts, each time written in some other offset (as read back from a
    database in UTC, say), fold to the same state and the same history."""
    rewritten = [replace(e, time=e.time.astimezone(z)) for e, z in zip(events, zones, strict=True)]
    state = receipts.current([*rewritten, *events])
    assert (state.status, state.time) == ("899", TYPICAL[-1].time)
    assert state.history == tuple(TYPICAL)


def test_a_late_event_in_utc_still_wins_by_its_instant():
    # 120 at 09:05 Beijing, then 300 at 01:09 UTC (= 09:09 Beijing): the review is later
    state = receipts.current([_ev("120", 5), _ev("300", 9, tz=UTC)])
    assert state.status == "300"
    assert state.time.isoformat() == "2026-03-03T01:09:00+00:00"
