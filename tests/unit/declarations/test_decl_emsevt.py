"""EMSEVT: the event code table of DOMAIN.md §4, and event files in the project's schema.

The expected message is a whole file (``tests/golden/emsevt/``, indented like the other
golden messages); re-record it with ``SILKPOST_RECORD_GOLDEN=1`` only for an intended change.
"""

from __future__ import annotations

import difflib
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import golden_xml
import pytest

from declarations import emsevt
from declarations.errors import DeclarationError, SchemaValidationError, UnsafeXmlError

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "emsevt"
CET = timezone(timedelta(hours=1))
CST = timezone(timedelta(hours=8))
ITEM = "RR473124829GB"  # DOMAIN.md §2: check digit 9

#: DOMAIN.md §4, "EMSEVT event codes used for tracking timelines", in its order.
DOMAIN_CODES = (
    "EMA EMB EXA EXB EXC EXD EXX EMC EMJ EMK EMD EDA EDB EME EDC EMF EDD EDE EMG EDF EDG EDH "
    "EMH EMI EDX"
).split()


def test_the_table_holds_every_code_of_domain_section_4_in_order():
    assert [c.code for c in emsevt.CODES] == DOMAIN_CODES
    assert emsevt.BY_CODE["EMI"].label == "Final delivery"
    assert emsevt.BY_CODE["EMD"].label == "Arrival at inward office of exchange"
    assert emsevt.BY_CODE["EDH"].label == (
        "Item arrival at collection point for pick-up (by recipient)"
    )


def test_recipients_see_everything_but_export_control_and_security():
    hidden = {c.code for c in emsevt.CODES if not c.recipient_visible}
    assert hidden == {"EXA", "EXB", "EXC", "EXD", "EXX"}


def test_reasons_apply_to_holds_and_failed_deliveries_only():
    with_reasons = {c.code: c.reasons for c in emsevt.CODES if c.reasons}
    assert with_reasons == {
        "EXB": "retention",
        "EXD": "retention",
        "EDA": "retention",
        "EME": "retention",
        "EDF": "retention",
        "EMH": "non_delivery",
    }


def _events() -> list[emsevt.Event]:
    return [
        emsevt.Event(ITEM, "EMD", datetime(2026, 12, 3, 8, 15, tzinfo=CET), "DEFRAA"),
        emsevt.Event(
            ITEM,
            "EME",
            datetime(2026, 12, 3, 9, 40, 30, tzinfo=CET),
            "DEFRAA",
            reason="inspection",
            receptacle_id="CNSZXADEFRAAACN60001001010125",
            despatch_id="CNSZXADEFRAAACN60001",
            note='Opened by customs & resealed <seal "7">',
        ),
        emsevt.Event(
            "EE471108151FR",
            "EMH",
            datetime(2026, 12, 4, 16, 2, tzinfo=UTC),
            "FR75015",
            reason="absent",
            action="notice_left",
        ),
    ]


def _message() -> bytes:
    return emsevt.build(
        _events(), created=datetime(2026, 12, 4, 18, 0, tzinfo=CET), sender="DEA", recipient="CNA"
    )


def test_a_message_is_the_recorded_one():
    text = golden_xml.pretty(_message())
    assert golden_xml.unpretty(text) == _message()
    path = GOLDEN / "three-events.xml"
    if os.environ.get("SILKPOST_RECORD_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
        pytest.skip("re-recorded")
    expected = path.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True), text.splitlines(keepends=True), "recorded", "now"
        )
    )
    assert not diff, diff


def test_reading_gives_back_the_events_with_their_offsets():
    message = emsevt.parse(_message())
    assert message.events == tuple(_events())
    assert message.events[0].at.utcoffset() == timedelta(hours=1)
    assert (message.sender, message.recipient) == ("DEA", "CNA")
    assert message.message_id == emsevt.message_id_for(
        "DEA", datetime(2026, 12, 4, 18, 0, tzinfo=CET), _events()
    )


def test_the_message_id_is_the_same_for_the_same_content():
    created = datetime(2026, 12, 4, 18, 0, tzinfo=CET)
    assert emsevt.build(_events(), created=created, sender="DEA", recipient="CNA") == _message()
    other = emsevt.build(_events()[:1], created=created, sender="DEA")
    assert emsevt.parse(other).message_id != emsevt.parse(_message()).message_id


def _file(event_xml: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<EMSEVT xmlns="urn:silkpost:emsevt:1" version="1" '
        'messageId="2061378b-1812-5112-8069-b56dddf95978" created="2026-12-03T10:00:00+01:00">'
        f"<Event>{event_xml}</Event></EMSEVT>"
    ).encode()


GOOD = f"<ItemId>{ITEM}</ItemId><Code>EMD</Code><Time>2026-12-03T08:15:00+01:00</Time>"
GOOD += "<Office>DEFRAA</Office>"


def test_a_hand_written_file_reads():
    (event,) = emsevt.parse(_file(GOOD)).events
    assert event == emsevt.Event(ITEM, "EMD", datetime(2026, 12, 3, 8, 15, tzinfo=CET), "DEFRAA")


@pytest.mark.parametrize(
    ("event_xml", "expected"),
    [
        (GOOD.replace("EMD", "EZZ"), "not an element of the set"),
        (GOOD.replace("+01:00", ""), "Time"),
        (GOOD.replace("DEFRAA", "d"), "Office"),
        (GOOD + "<Reason>inspection</Reason><Reason>x</Reason>", "Reason"),
        (GOOD.replace("<Office>", "<Place>x</Place><Office>"), "Place"),
    ],
)
def test_files_the_schema_refuses(event_xml, expected):
    with pytest.raises(SchemaValidationError) as caught:
        emsevt.parse(_file(event_xml))
    assert expected in "\n".join(caught.value.problems)


@pytest.mark.parametrize(
    ("event_xml", "expected"),
    [
        (GOOD.replace(ITEM, "RR473124828GB"), "s10: not a valid S10 item id: check digit is 8"),
        (GOOD + "<Reason>inspection</Reason>", "reason: EMD takes no reason"),
        (GOOD.replace("EMD", "EME") + "<Reason>absent</Reason>", "reason: not one of documents"),
        (GOOD.replace("EMD", "EME") + "<Action>notice_left</Action>", "action: only EMH"),
        (GOOD.replace("08:15:00", "24:00:00"), "time: '2026-12-03T24:00:00+01:00' is not"),
    ],
)
def test_events_the_checks_refuse(event_xml, expected):
    with pytest.raises(DeclarationError) as caught:
        emsevt.parse(_file(event_xml))
    assert any(expected in p for p in caught.value.problems), caught.value.problems


def test_entities_and_dtds_are_refused_before_parsing():
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<EMSEVT xmlns="urn:silkpost:emsevt:1">&x;</EMSEVT>'
    )
    with pytest.raises(UnsafeXmlError):
        emsevt.parse(xxe)
    with pytest.raises(UnsafeXmlError):
        emsevt.parse(_file(GOOD), max_bytes=100)


def test_problems_name_the_field_of_each_fault():
    bad = emsevt.Event("XX1", "ABC", datetime(2026, 12, 3, 8, 15), "d", note="n" * 201)
    assert [field for field, _ in emsevt.event_problems(bad)] == [
        "s10",
        "code",
        "office",
        "time",
        "note",
    ]
    assert emsevt.event_problems(_events()[1]) == []


def test_a_message_with_a_bad_event_is_not_built():
    bad = emsevt.Event(ITEM, "EMD", datetime(2026, 12, 3, 8, 15), "DEFRAA")
    with pytest.raises(DeclarationError) as caught:
        emsevt.build([bad], created=datetime(2026, 12, 3, tzinfo=CST))
    assert caught.value.problems == [
        f"event 0 ({ITEM} EMD): time: needs an offset, e.g. 2026-12-03T08:15:00+01:00"
    ]
