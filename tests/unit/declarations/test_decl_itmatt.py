"""ITMATT messages: every one validates against the project XSD; project checks catch the
faults posts refuse; CN22/CN23 choice follows the 300 SDR rule."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import decl_strategies as ds
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from declarations import examples, forms, itmatt
from declarations.errors import DeclarationError, IncompleteDataError
from declarations.snapshot import DeclarationSnapshot

EUR_RATE = forms.SdrRate("EUR", Decimal("1.1500"), date(2026, 3, 1), "IMF")


def _validate_bytes(data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    schema = itmatt.schema()
    assert schema.validate(root), schema.error_log
    return root


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(ds.any_snapshot(), min_size=1, max_size=3))
def test_every_generated_itmatt_validates(snaps):
    data = itmatt.build(snaps)
    root = _validate_bytes(data)
    assert len(root) == len(snaps)
    assert [i.findtext(f"{{{itmatt.NS}}}ItemId") for i in root] == [s.order.item_id for s in snaps]


def test_single_item_content_and_determinism():
    snap = forms.record(examples.export_snapshot(2), EUR_RATE)
    data = itmatt.build(snap)
    assert data == itmatt.build(snap)
    root = _validate_bytes(data)
    ns = {"i": itmatt.NS}
    assert root.findtext("i:Item/i:Form", namespaces=ns) == "CN22"
    assert root.findtext("i:Item/i:TotalValue", namespaces=ns) == "50"
    assert root.find("i:Item/i:TotalValue", namespaces=ns).get("currency") == "EUR"
    assert root.findtext("i:Item/i:Sender/i:Name", namespaces=ns) == "王芳"
    assert root.findtext("i:Item/i:Addressee/i:TaxId", namespaces=ns) == "IM2760000001"
    assert len(root.findall("i:Item/i:Contents/i:Piece", namespaces=ns)) == 2


def _with_line(snap: DeclarationSnapshot, **changes) -> DeclarationSnapshot:
    return snap.with_changes(lines=(dataclasses.replace(snap.lines[0], **changes),))


def test_generic_description_and_short_hs_are_refused_together():
    snap = _with_line(examples.export_snapshot(1), description="Gift", hs_code="6109")
    with pytest.raises(IncompleteDataError) as exc:
        itmatt.build(snap)
    text = str(exc.value)
    assert "too generic" in text and "HS code" in text
    assert len(exc.value.problems) == 2


def test_gross_weight_below_net_weight_is_refused():
    snap = examples.export_snapshot(3)
    snap = snap.with_changes(order=dataclasses.replace(snap.order, gross_weight_kg=Decimal("0.5")))
    with pytest.raises(IncompleteDataError, match="gross weight"):
        itmatt.build(snap)


def test_other_category_needs_explanation_and_bad_s10_is_named():
    snap = examples.export_snapshot(1)
    order = dataclasses.replace(snap.order, category="other", item_id="EB000717594HK")
    with pytest.raises(IncompleteDataError) as exc:
        itmatt.build(snap.with_changes(order=order))
    assert any("explanation" in p for p in exc.value.problems)
    assert any("S10" in p for p in exc.value.problems)


def test_documents_may_omit_hs_code():
    snap = examples.export_snapshot(1)
    snap = _with_line(snap, hs_code="", description="Signed contract papers")
    snap = snap.with_changes(order=dataclasses.replace(snap.order, category="documents"))
    _validate_bytes(itmatt.build(snap))


# -- CN22 / CN23 --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "exactly_is_cn23", "form"),
    [
        (Decimal("344.99"), True, "CN22"),  # 299.99 SDR
        (Decimal("345.00"), True, "CN23"),  # exactly 300 SDR
        (Decimal("345.00"), False, "CN22"),  # the other reading of "exactly 300"
        (Decimal("345.01"), False, "CN23"),
    ],
)
def test_300_sdr_rule(value, exactly_is_cn23, form):
    choice = forms.choose(value, "EUR", EUR_RATE, exactly_threshold_is_cn23=exactly_is_cn23)
    assert choice.form == form
    assert choice.sdr_rate == Decimal("1.1500") and choice.sdr_rate_date == date(2026, 3, 1)


def test_threshold_is_a_parameter_and_parcels_are_always_cn23():
    assert forms.choose(Decimal(10), "EUR", EUR_RATE, threshold_sdr=Decimal(5)).form == "CN23"
    assert forms.choose(Decimal(1), "EUR", EUR_RATE, parcel=True).form == "CN23"


def test_rate_must_match_currency_and_date():
    with pytest.raises(DeclarationError, match="valued in USD"):
        forms.choose(Decimal(1), "USD", EUR_RATE)
    with pytest.raises(DeclarationError, match="later than"):
        forms.choose(Decimal(1), "EUR", EUR_RATE, on=date(2026, 2, 1))


def test_choice_is_recorded_on_the_snapshot_and_survives_json():
    snap = forms.record(examples.export_snapshot(1), EUR_RATE)
    assert snap.form.form == "CN22" and snap.form.value_sdr == Decimal("21.7391")
    assert DeclarationSnapshot.from_json(snap.to_json()).form == snap.form
    parcel = snap.with_changes(order=dataclasses.replace(snap.order, item_id="CP123456785GB"))
    assert forms.record(parcel, EUR_RATE).form.form == "CN23"
