"""CEB export messages (303, 403, 505, 603, 605) validate against the official export
XSD; who transmits each follows DOMAIN.md §5."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import decl_strategies as ds
import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from declarations import examples, xsd
from declarations.ceb import export
from declarations.ceb.common import NS
from declarations.errors import IncompleteDataError, WrongFlowError

N = {"ceb": NS}


def _valid(data: bytes, ceb_dir) -> etree._Element:
    root = etree.fromstring(data)
    schema = xsd.load(ceb_dir / "ceb-export.xsd")
    assert schema.validate(root), schema.error_log
    return root


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(ds.export_snapshots())
def test_generated_export_orders_and_inventories_validate(ceb_dir, snap):
    order = _valid(export.build_ceb303(snap, schema_dir=ceb_dir), ceb_dir)
    inv = _valid(export.build_ceb603(snap, schema_dir=ceb_dir), ceb_dir)
    assert len(order.findall("ceb:Order/ceb:OrderList", N)) == len(snap.lines)
    assert len(inv.findall("ceb:Inventory/ceb:InventoryList", N)) == len(snap.lines)
    assert order.findtext("ceb:Order/ceb:OrderHead/ceb:orderType", namespaces=N) == "E"
    receipt = _valid(export.build_ceb403(snap, schema_dir=ceb_dir), ceb_dir)
    assert receipt.findtext("ceb:Receipts/ceb:orderNo", namespaces=N) == snap.order.order_no
    waybill = _valid(export.build_ceb505(snap, schema_dir=ceb_dir), ceb_dir)
    assert waybill.findtext("ceb:Logistics/ceb:logisticsNo", namespaces=N) == snap.order.item_id
    if snap.filing.invt_no:
        cancel = _valid(export.build_ceb605(snap, reason="退单", schema_dir=ceb_dir), ceb_dir)
        assert cancel.findtext("ceb:InvtCancel/ceb:invtNo", namespaces=N) == snap.filing.invt_no
    else:
        with pytest.raises(IncompleteDataError, match="invtNo"):
            export.build_ceb605(snap, reason="退单")


def _sender(data: bytes) -> str:
    return etree.fromstring(data).findtext("ceb:BaseTransfer/ceb:copCode", namespaces=N)


def test_each_message_is_sent_by_whoever_files_it():
    """Orders and the receipt of payment by the seller, the waybill by the logistics
    operator (by the declarer for an operator without a DXP id), the inventory and its
    cancel by the broker as the seller's agent."""
    snap = examples.export_snapshot(1)
    snap = snap.with_changes(filing=dataclasses.replace(snap.filing, invt_no="53042026E0000001"))
    seller, broker, operator = "4403960ABC", "4403980DEF", "4403180EMS"
    assert _sender(export.build_ceb303(snap)) == seller
    assert _sender(export.build_ceb403(snap)) == seller
    assert _sender(export.build_ceb505(snap)) == operator
    assert _sender(export.build_ceb603(snap)) == broker
    assert _sender(export.build_ceb605(snap, reason="x")) == broker
    silent = snap.with_changes(logistics=dataclasses.replace(snap.logistics, dxp_id=""))
    assert _sender(export.build_ceb505(silent)) == broker
    assert _sender(export.build_ceb603(silent.with_changes(broker=None))) == seller


def test_receipt_of_payment_charges_what_was_paid(ceb_dir):
    snap = examples.export_snapshot(2)
    charged = export.build_ceb403(snap, schema_dir=ceb_dir)
    assert etree.fromstring(charged).findtext("ceb:Receipts/ceb:charge", namespaces=N) == "56.9"
    paid = snap.with_changes(payment=dataclasses.replace(snap.payment, amount_paid=Decimal("60")))
    charged = export.build_ceb403(paid, schema_dir=ceb_dir)
    assert etree.fromstring(charged).findtext("ceb:Receipts/ceb:charge", namespaces=N) == "60"


def test_100_lines_pass_and_101_are_refused(ceb_dir):
    _valid(export.build_ceb603(examples.export_snapshot(100), schema_dir=ceb_dir), ceb_dir)
    with pytest.raises(IncompleteDataError, match="at most 100"):
        export.build_ceb303(examples.export_snapshot(101))


def test_currency_and_destination_codes(ceb_dir):
    root = _valid(export.build_ceb603(examples.export_snapshot(1), schema_dir=ceb_dir), ceb_dir)
    head = root.find("ceb:Inventory/ceb:InventoryHead", N)
    assert head.findtext("ceb:country", namespaces=N) == "304"  # DE
    assert head.findtext("ceb:fCurrency", namespaces=N) == "300"  # EUR
    assert head.findtext("ceb:ieFlag", namespaces=N) == "E"


def test_missing_port_of_destination_is_reported():
    snap = examples.export_snapshot(1)
    snap = snap.with_changes(filing=dataclasses.replace(snap.filing, pod=""))
    with pytest.raises(IncompleteDataError, match="POD"):
        export.build_ceb603(snap)


def test_import_orders_are_refused():
    with pytest.raises(WrongFlowError):
        export.build_ceb603(examples.import_snapshot(1))
