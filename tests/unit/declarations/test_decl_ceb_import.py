"""CEB import messages: valid against the official 202205 XSDs for generated orders (Chinese
text, up to 99 lines, 5-decimal amounts), the three-document rules, and the official samples
read back and regenerated."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from functools import cache

import decl_strategies as ds
import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from declarations import examples, signing, xsd
from declarations.ceb import import_, reader
from declarations.ceb.common import NS, filer
from declarations.errors import ConsistencyError, IncompleteDataError, WrongFlowError

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
N = {"ceb": NS}


@cache
def demo_signer() -> signing.Signer:
    key, cert = signing.make_demo_key_and_certificate("Silkpost test declarer")
    return signing.Signer(key, cert)


def _valid(data: bytes, ceb_dir) -> etree._Element:
    root = etree.fromstring(data)
    schema = xsd.load(ceb_dir / "ceb-import.xsd")
    assert schema.validate(root), schema.error_log
    return root


@SETTINGS
@given(ds.import_snapshots())
def test_generated_import_sets_validate_against_official_xsd(ceb_dir, snap):
    docs = import_.build_import_set(snap, signer=demo_signer(), schema_dir=ceb_dir)
    roots = {kind: _valid(data, ceb_dir) for kind, data in docs.items()}
    order = roots["ceb311"].find("ceb:Order/ceb:OrderHead", N)
    paid = Decimal(order.findtext("ceb:acturalPaid", namespaces=N))
    parts = [
        Decimal(order.findtext(f"ceb:{k}", namespaces=N))
        for k in ("goodsValue", "freight", "taxTotal", "discount")
    ]
    assert paid == parts[0] + parts[1] + parts[2] - parts[3]
    amount = roots["ceb411"].findtext("ceb:Payment/ceb:PaymentHead/ceb:amountPaid", namespaces=N)
    assert Decimal(amount) == paid
    waybill = roots["ceb511"].find("ceb:Logistics/ceb:LogisticsHead", N)
    for tag in ("consignee", "consigneeTelephone", "consigneeAddress"):
        assert waybill.findtext(f"ceb:{tag}", namespaces=N) == order.findtext(
            f"ceb:{tag}", namespaces=N
        )
    inv_lines = roots["ceb621"].findall("ceb:Inventory/ceb:InventoryList", N)
    order_lines = roots["ceb311"].findall("ceb:Order/ceb:OrderList", N)
    assert [x.findtext("ceb:gnum", namespaces=N) for x in inv_lines] == [
        x.findtext("ceb:gnum", namespaces=N) for x in order_lines
    ]
    assert order.findtext("ceb:consignee", namespaces=N) == snap.recipient.name
    signing.verify(docs["ceb621"])


def test_batch_of_orders_in_one_message(ceb_dir):
    snaps = [
        examples.import_snapshot(2).with_changes(
            order=dataclasses.replace(examples.import_snapshot(2).order, order_no=f"SP-{i}")
        )
        for i in range(5)
    ]
    root = _valid(import_.build_ceb311(snaps, schema_dir=ceb_dir), ceb_dir)
    assert len(root.findall("ceb:Order", N)) == 5


def test_99_lines_pass_and_100_are_refused(ceb_dir):
    signer = demo_signer()
    _valid(
        import_.build_ceb621(examples.import_snapshot(99), signer=signer, schema_dir=ceb_dir),
        ceb_dir,
    )
    with pytest.raises(IncompleteDataError, match="at most 99"):
        import_.build_ceb621(examples.import_snapshot(100), signer=signer)


def test_five_decimal_amounts_and_chinese_text_survive(ceb_dir):
    snap = examples.import_snapshot(1)
    line = dataclasses.replace(
        snap.lines[0],
        unit_value=Decimal("12.34567"),
        quantity=Decimal(3),
        description_local="花王纸尿裤",
    )
    snap = snap.with_changes(lines=(line,), quote=None)
    root = _valid(import_.build_ceb311(snap, schema_dir=ceb_dir), ceb_dir)
    lst = root.find("ceb:Order/ceb:OrderList", N)
    assert lst.findtext("ceb:price", namespaces=N) == "12.34567"
    assert lst.findtext("ceb:totalPrice", namespaces=N) == "37.03701"
    assert lst.findtext("ceb:itemName", namespaces=N) == "花王纸尿裤"
    assert root.findtext("ceb:Order/ceb:OrderHead/ceb:taxTotal", namespaces=N) == "0"


def test_payment_amount_mismatch_is_refused_before_any_message():
    snap = examples.import_snapshot(2)
    snap = snap.with_changes(payment=dataclasses.replace(snap.payment, amount_paid=Decimal(1)))
    for build in (import_.build_ceb311, import_.build_ceb411, import_.build_ceb511):
        with pytest.raises(ConsistencyError, match="amountPaid"):
            build(snap)
    with pytest.raises(ConsistencyError):
        import_.build_ceb621(snap, signer=demo_signer())


def test_structural_problems_are_listed_together():
    snap = examples.import_snapshot(1)
    snap = snap.with_changes(
        recipient=dataclasses.replace(snap.recipient, phone=""),
        lines=(dataclasses.replace(snap.lines[0], hs_code="85", unit="furlong"),),
    )
    with pytest.raises(IncompleteDataError) as exc:
        import_.build_ceb621(snap, signer=demo_signer())
    text = "\n".join(exc.value.problems)
    assert "furlong" in text and "HS code" in text and "buyerTelephone" in text


def test_export_orders_and_non_cny_imports_are_refused():
    with pytest.raises(WrongFlowError):
        import_.build_ceb311(examples.export_snapshot(1))
    snap = examples.import_snapshot(1)
    snap = snap.with_changes(order=dataclasses.replace(snap.order, currency="USD"))
    with pytest.raises(IncompleteDataError, match="CNY"):
        import_.build_ceb311(snap)


def test_cancel_and_return_need_the_inventory_number(ceb_dir):
    snap = examples.import_snapshot(2)
    with pytest.raises(IncompleteDataError, match="invtNo"):
        import_.build_ceb623(snap, reason="buyer cancelled", signer=demo_signer())
    snap = snap.with_changes(filing=dataclasses.replace(snap.filing, invt_no="010120261234567890"))
    _valid(
        import_.build_ceb623(snap, reason="买家取消订单", signer=demo_signer(), schema_dir=ceb_dir),
        ceb_dir,
    )
    root = _valid(
        import_.build_ceb625(
            snap,
            reason="质量问题",
            returned={2: Decimal(1)},
            signer=demo_signer(),
            schema_dir=ceb_dir,
        ),
        ceb_dir,
    )
    assert [e.text for e in root.iter(f"{{{NS}}}gnum")] == ["2"]
    with pytest.raises(IncompleteDataError, match="return quantity"):
        import_.build_ceb625(snap, reason="x", returned={1: Decimal(5)}, signer=demo_signer())


def test_output_is_deterministic():
    snap = examples.import_snapshot(3)
    assert import_.build_ceb311(snap) == import_.build_ceb311(snap)


@pytest.mark.parametrize("number", ["311", "411", "511", "621", "623", "625"])
def test_official_samples_read_into_snapshots_and_regenerate_valid_xml(ceb_dir, number):
    raw = (ceb_dir / "samples" / "import" / f"CEB{number}Message.xml").read_bytes()
    snaps = reader.read(raw)
    assert snaps
    options = import_.Options(transmitter=reader.transmitter(raw))
    signer = demo_signer()
    builders = {
        "311": lambda s: import_.build_ceb311(s, options=options, schema_dir=ceb_dir),
        "411": lambda s: import_.build_ceb411(s, options=options, schema_dir=ceb_dir),
        "511": lambda s: import_.build_ceb511(s, options=options, schema_dir=ceb_dir),
        "621": lambda s: import_.build_ceb621(
            s, signer=signer, options=options, schema_dir=ceb_dir
        ),
        "623": lambda s: import_.build_ceb623(
            s, reason="sample", signer=signer, options=options, schema_dir=ceb_dir
        ),
        "625": lambda s: import_.build_ceb625(
            s, reason="sample", signer=signer, options=options, schema_dir=ceb_dir
        ),
    }
    for snap in snaps:
        again = reader.read(builders[number](snap))
        assert again[0].order.order_no == snap.order.order_no
        assert [ln.sku for ln in again[0].lines] == [ln.sku for ln in snap.lines]


def test_each_message_is_sent_by_whoever_files_it():
    """DOMAIN.md §5: the order by the seller, the payment record transmitted by the seller,
    the waybill by the logistics operator, the inventory, cancel and return by the broker as
    the seller's agent, with copies of the receipts to the others."""
    snap = examples.import_snapshot(1)
    snap = snap.with_changes(filing=dataclasses.replace(snap.filing, invt_no="010120261234567890"))
    signer = demo_signer()
    sent = {
        "CEB311": import_.build_ceb311(snap),
        "CEB411": import_.build_ceb411(snap),
        "CEB511": import_.build_ceb511(snap),
        "CEB621": import_.build_ceb621(snap, signer=signer),
        "CEB623": import_.build_ceb623(snap, reason="r", signer=signer),
        "CEB625": import_.build_ceb625(snap, reason="r", signer=signer),
    }
    seller, broker, operator = "DXPENT0000000001", "DXPENT0000000002", "DXPENT0000000005"
    expected = {
        "CEB311": (seller, [broker]),
        "CEB411": (seller, [broker]),
        "CEB511": (operator, [seller, broker]),
        "CEB621": (broker, [seller]),
        "CEB623": (broker, [seller]),
        "CEB625": (broker, [seller]),
    }
    for message, data in sent.items():
        root = etree.fromstring(data)
        copies = [e.text for e in root.iterfind("ceb:BaseSubscribe/ceb:dxpAddress", N)]
        assert (root.findtext("ceb:BaseTransfer/ceb:dxpId", namespaces=N), copies) == expected[
            message
        ], message
        assert filer(message, snap).dxp_id == expected[message][0]


def test_a_bonded_import_comes_from_china_and_names_its_stock(ceb_dir):
    """1210: the head country is 142 (「保税进口填写代码"142"」), emsNo/areaCode/areaName and
    every line's itemRecordNo are stated."""
    snap = examples.import_snapshot(2)
    filing = dataclasses.replace(
        snap.filing, trade_mode="1210", ems_no="T0101W000001", area_code="1101180001",
        area_name="示例保税仓",
    )  # fmt: skip
    lines = tuple(
        dataclasses.replace(ln, item_record_no=f"T{n:04d}") for n, ln in enumerate(snap.lines, 1)
    )
    data = import_.build_ceb621(
        snap.with_changes(filing=filing, lines=lines), signer=demo_signer(), schema_dir=ceb_dir
    )
    head = _valid(data, ceb_dir).find("ceb:Inventory/ceb:InventoryHead", N)
    assert [head.findtext(f"ceb:{n}", namespaces=N) for n in ("tradeMode", "country", "emsNo")] == [
        "1210",
        "142",
        "T0101W000001",
    ]
    with pytest.raises(IncompleteDataError, match="itemRecordNo"):
        import_.build_ceb621(snap.with_changes(filing=filing), signer=demo_signer())
