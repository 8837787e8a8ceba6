"""The project's field layouts (which drive element order and the structural checks) agree
with the official 202205 schemas: same elements, same order, same optionality and lengths."""

from __future__ import annotations

import pytest
from lxml import etree

from declarations.ceb import (
    common,
    export,
    import_,
    movements,
    receipts_out,
    returns,
    summary_apply,
)

XS = "{http://www.w3.org/2001/XMLSchema}"

CASES = [
    ("ceb-import.xsd", "OrderHead", import_.ORDER_HEAD),
    ("ceb-import.xsd", "OrderList", import_.ORDER_LIST),
    ("ceb-import.xsd", "PaymentHead", import_.PAYMENT_HEAD),
    ("ceb-import.xsd", "LogisticsHead", import_.LOGISTICS_HEAD),
    ("ceb-import.xsd", "InventoryHead", import_.INVENTORY_HEAD),
    ("ceb-import.xsd", "InventoryList", import_.INVENTORY_LIST),
    ("ceb-import.xsd", "InvtCancel", import_.CANCEL),
    ("ceb-import.xsd", "InvtRefundHead", import_.REFUND_HEAD),
    ("ceb-import.xsd", "InvtRefundList", import_.REFUND_LIST),
    ("ceb-import.xsd", "BaseTransfer", common.BASE_TRANSFER),
    ("ceb-import.xsd", "BaseSubscribe", common.BASE_SUBSCRIBE),
    ("ceb-export.xsd", "OrderHead", export.ORDER_HEAD),
    ("ceb-export.xsd", "OrderList", export.ORDER_LIST),
    ("ceb-export.xsd", "InventoryHead", export.INVENTORY_HEAD),
    ("ceb-export.xsd", "InventoryList", export.INVENTORY_LIST),
    ("ceb-export.xsd", "Receipts", export.RECEIPTS),
    ("ceb-export.xsd", "Logistics", export.LOGISTICS),
    ("ceb-export.xsd", "InvtCancel", export.CANCEL),
    ("ceb-export.xsd", "SummaryApplyHead", summary_apply.SUMMARY_HEAD),
    ("ceb-export.xsd", "SummaryApplyList", summary_apply.SUMMARY_LIST),
    ("ceb-export.xsd", "ArrivalHead", movements.ARRIVAL_HEAD),
    ("ceb-export.xsd", "ArrivalList", movements.ARRIVAL_LIST),
    ("ceb-export.xsd", "DepartureHead", movements.DEPARTURE_HEAD),
    ("ceb-export.xsd", "DepartureList", movements.DEPARTURE_LIST),
    ("ceb-export.xsd", "WayBillHead", movements.WAYBILL_HEAD),
    ("ceb-export.xsd", "WayBillList", movements.WAYBILL_LIST),
    ("ceb-export.xsd", "InvtRefundHead", returns.REFUND_HEAD),
    ("ceb-export.xsd", "InvtRefundList", returns.REFUND_LIST),
    ("ceb-export.xsd", "InvtRefundDetail", returns.REFUND_DETAIL),
    ("ceb-export.xsd", "SummaryResultHead", receipts_out.SUMMARY_RESULT_HEAD),
    ("ceb-export.xsd", "SummaryResultList", receipts_out.SUMMARY_RESULT_LIST),
    ("ceb-import.xsd", "DeliveryHead", movements.DELIVERY_HEAD),
    ("ceb-import.xsd", "DeliveryList", movements.DELIVERY_LIST),
    ("ceb-import.xsd", "LogisticsStatus", movements.LOGISTICS_STATUS),
    ("ceb-export.xsd", "BaseTransfer", common.BASE_TRANSFER),
    *(
        (spec.schema_file, spec.node, spec.fields)
        for spec in {(s.schema_file, s.node): s for s in receipts_out.RECEIPTS.values()}.values()
    ),
    ("ceb-import.xsd", "TaxHeadRd", receipts_out.TAX_HEAD),
    ("ceb-import.xsd", "TaxListRd", receipts_out.TAX_LIST),
]


def _official(schema: etree._Element, name: str) -> list[tuple[str, bool, int | None, int | None]]:
    el = schema.find(f"{XS}element[@name='{name}']")
    out = []
    for child in el.find(f"{XS}complexType/{XS}sequence"):
        if child.tag != f"{XS}element":
            continue
        facets = {f.tag.removeprefix(XS): f.get("value") for f in child.iter() if f.get("value")}
        lo = facets.get("length", facets.get("minLength"))
        hi = facets.get("length", facets.get("maxLength"))
        out.append(
            (
                child.get("name"),
                child.get("minOccurs") == "0",
                int(lo) if lo else None,
                int(hi) if hi else None,
            )
        )
    return out


@pytest.mark.parametrize(("xsd_file", "element", "layout"), CASES, ids=[c[1] for c in CASES])
def test_layout_matches_official_schema(ceb_dir, xsd_file, element, layout):
    schema = etree.parse(str(ceb_dir / xsd_file)).getroot()
    official = _official(schema, element)
    assert [o[0] for o in official] == [f.name for f in layout]
    for (name, optional, lo, hi), f in zip(official, layout, strict=True):
        assert f.optional == optional, name
        if f.kind == "s" and hi is not None:
            assert f.max_len == hi, name
            assert f.min_len >= (lo or 0), name
