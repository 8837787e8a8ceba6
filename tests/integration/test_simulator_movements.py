"""The customs simulator answers parcel movements (CEB507/509/607 export, CEB711/513 import),
export returns (CEB213, then the tally CEB215) and bonded imports (CEB621 with tradeMode
1210), each filing built by the real builders."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from integration.test_simulator_kit import (
    ACCEPTED,
    REFERENCE,
    SIMULATOR_TESTS,
    T0,
    customs,
    declared,
    demo_signer,
    envelope,
    export_order,
    filing_set,
    import_order,
    replace,
    wrapped,
)

from app.gateway.simulator import codes
from declarations import dxp
from declarations.ceb import movements, receipts, returns
from declarations.ceb.common import Options

pytestmark = SIMULATOR_TESTS

EMS = movements.Company("4403180EMS", "中国邮政速递物流股份有限公司", "DXPENT0000000006")
BROKER = movements.Company("4403980DEF", "深圳示例报关行", "DXPENT0000000004")
IMPORT_CARRIER = movements.Company("1101180326", "北京示例物流有限公司", "DXPLGS0000000001")


def code(rule: str) -> str:
    return codes.REJECTIONS[rule].code


def batch(*waybills: str, **changes) -> movements.Consignment:
    """The export parcels ``waybills`` on a truck to the Shenzhen site and flight CZ3456."""
    values = {
        "cop_no": "MV-0303-01",
        "customs_code": "5304",
        "logistics": EMS,
        "traf_mode": "5",
        "parcels": tuple(movements.Parcel(w) for w in waybills),
        "at": T0,
        "operator": EMS,
        "agent": BROKER,
        "traf_name": "CZ3456",
        "voyage_no": "CZ3456/0303",
        "bill_no": "78412345678",
        "domestic_traf_no": "粤B12345",
        "gross_weight": Decimal("1.2"),
        **changes,
    }
    return movements.Consignment(**values)


def _send_batch(c, build, consignment, name, sender, at, **settings):
    for n, message in enumerate(build(consignment, schema_dir=REFERENCE, **settings)):
        c.send(wrapped(f"{name}_{n}.xml", message, sender), at=at)


def _exports(c, *numbers: int) -> dict[int, str]:
    """File export orders ``numbers`` (accepted, released at 4 s); their invtNos."""
    for n in numbers:
        c.send(filing_set(export_order(n)))
    issued = {s.node["copNo"]: s.node["invtNo"] for s in c.got if s.msg_type == "CEB604"}
    return {n: issued[f"SPEXP{n:04d}"] for n in numbers}


def test_an_arrival_of_known_waybills_is_accepted_and_an_unknown_one_refused(tmp_path):
    c = customs(tmp_path)
    _exports(c, 1, 2)
    known = batch("LX000000001CN", "LX000000002CN")
    _send_batch(c, movements.build_ceb507, known, "arr", EMS.dxp_id, 1)
    assert c.statuses("CEB508") == ["2", "399"]
    (node,) = [s.node for s in c.got if s.msg_type == "CEB508"][:1]
    assert (node["operatorCode"], node["copNo"], node["msgSeqNo"], len(node["preNo"])) == (
        "4403180EMS",
        "MV-0303-01",
        "1",
        18,
    )
    unknown = batch("LX000000009CN", cop_no="MV-0303-02")
    _send_batch(c, movements.build_ceb507, unknown, "arr2", EMS.dxp_id, 2)
    assert c.info("CEB508") == [
        f"{code('no_match')} 未收到对应的订单、支付单或运单: no waybill on file for LX000000009CN"
    ]
    _send_batch(c, movements.build_ceb507, known, "again", EMS.dxp_id, 3)
    assert c.info("CEB508")[-1].startswith(f"{code('duplicate')} 单证已存在")


def test_a_departure_waits_for_the_release(tmp_path):
    c = customs(tmp_path)
    _exports(c, 1)
    early = batch("LX000000001CN")
    _send_batch(c, movements.build_ceb509, early, "dep", EMS.dxp_id, 2)  # 800 comes at 4 s
    assert c.info("CEB510") == [
        f"{code('not_released')} 清单未放行: no released export inventory for LX000000001CN"
    ]
    later = batch("LX000000001CN", cop_no="MV-0303-09")
    _send_batch(c, movements.build_ceb509, later, "dep2", EMS.dxp_id, 4)
    assert c.statuses("CEB510", "MV-0303-09") == ["2", "399"]


def test_a_master_waybill_list_names_the_inventories_customs_issued(tmp_path):
    c = customs(tmp_path)
    issued = _exports(c, 1, 2)
    parcels = tuple(movements.Parcel(f"LX{n:09d}CN", invt_no=issued[n]) for n in (1, 2))
    good = batch(parcels=parcels)
    _send_batch(c, movements.build_ceb607, good, "wb", BROKER.dxp_id, 1, signer=demo_signer())
    assert c.statuses("CEB608") == ["2", "399"]
    swapped = (dataclasses.replace(parcels[0], invt_no=issued[2]),)
    wrong = batch(parcels=swapped, cop_no="WB-2")
    _send_batch(c, movements.build_ceb607, wrong, "wb2", BROKER.dxp_id, 2, signer=demo_signer())
    assert c.info("CEB608") == [
        f"{code('mismatch')} 单证信息不一致: {issued[2]} is not the inventory of LX000000001CN"
    ]


def test_a_master_waybill_list_declared_unsigned_is_refused(tmp_path):
    """The schema lets the signature out; its documentation and customs do not."""
    c = customs(tmp_path)
    _exports(c, 1)
    staged = movements.build_ceb607(
        batch("LX000000001CN"), options=Options(app_status="1"), schema_dir=REFERENCE
    )[0]
    declared_unsigned = staged.replace(b"<ceb:appStatus>1<", b"<ceb:appStatus>2<")
    c.send(wrapped("wb.xml", declared_unsigned, BROKER.dxp_id), at=1)
    assert c.info("CEB608") == [
        f"{code('signature')} 验签失败: CEB607 declared (appStatus 2) must be signed"
    ]


def _import_waybills(c, *numbers: int) -> None:
    for n in numbers:
        c.send(envelope("ceb511", import_order(n)))


def site_entry(*waybills: str, **changes) -> movements.Consignment:
    site = movements.Company("1101180999", "北京示例监管场所", "DXPENT0000000009")
    values = {
        "cop_no": "RK-0303-01",
        "customs_code": "0101",
        "logistics": IMPORT_CARRIER,
        "traf_mode": "5",
        "parcels": tuple(movements.Parcel(w) for w in waybills),
        "at": T0,
        "operator": site,
        "ie_flag": "I",
        "traf_name": "CA1234",
        "voyage_no": "CA1234/0303",
        "bill_no": "99912345678",
        **changes,
    }
    return movements.Consignment(**values)


def test_a_site_entry_of_known_waybills_ends_in_customs_entry_with_its_number(tmp_path):
    c = customs(tmp_path)
    _import_waybills(c, 1, 2)
    carrier = import_order(1).logistics
    entry = site_entry(
        "YT0000000001", "YT0000000002", logistics=movements.Company(carrier.code, carrier.name)
    )
    data = movements.build_ceb711(entry, signer=demo_signer(), schema_dir=REFERENCE)
    c.send(wrapped("rk.xml", data, "DXPENT0000000009"), at=1)
    assert c.statuses("CEB712") == ["2", "120"]
    entered = [s.node for s in c.got if s.msg_type == "CEB712"][-1]
    assert entered["returnInfo"] == "海关入库" and len(entered["rkdNo"]) == 18
    assert entered["rkdNo"].startswith("010120260303")
    stranger = site_entry("YT0000000077", cop_no="RK-0303-02", logistics=entry.logistics)
    data = movements.build_ceb711(stranger, signer=demo_signer(), schema_dir=REFERENCE)
    c.send(wrapped("rk2.xml", data, "DXPENT0000000009"), at=2)
    assert c.info("CEB712")[0].endswith("no waybill on file for YT0000000077")


def test_a_bulk_entry_into_a_bonded_warehouse_is_entered_by_its_ledger(tmp_path):
    """Packages of a bonded entry are no declared parcels: the ledger named in
    unloadLocation makes it a bulk entry; each package is listed once."""
    c = customs(tmp_path)
    carrier = movements.Company("3105980ABC", "宁波示例物流有限公司")
    bulk = site_entry(
        "COSU6312345670-01",
        "COSU6312345670-02",
        logistics=carrier,
        unload_location="账册T3105W000123 Ningbo Meishan bonded warehouse",
    )
    data = movements.build_ceb711(bulk, signer=demo_signer(), schema_dir=REFERENCE)
    c.send(wrapped("rk.xml", data, "DXPENT0000000009"), at=1)
    assert c.statuses("CEB712") == ["2", "120"]
    twice = dataclasses.replace(
        bulk, cop_no="RK-0303-03", parcels=(movements.Parcel("P-1"), movements.Parcel("P-1"))
    )
    data = movements.build_ceb711(twice, signer=demo_signer(), schema_dir=REFERENCE)
    c.send(wrapped("rk3.xml", data, "DXPENT0000000009"), at=2)
    assert c.info("CEB712")[-1] == (
        f"{code('mismatch')} 单证信息不一致: packages listed twice: P-1"
    )
    unmarked = dataclasses.replace(bulk, cop_no="RK-0303-04", unload_location="A区3号库")
    data = movements.build_ceb711(unmarked, signer=demo_signer(), schema_dir=REFERENCE)
    c.send(wrapped("rk4.xml", data, "DXPENT0000000009"), at=3)
    assert c.info("CEB712")[-1].endswith(
        "no waybill on file for COSU6312345670-01, COSU6312345670-02"
    )


def test_an_unsigned_site_entry_is_refused(tmp_path):
    c = customs(tmp_path, schema_dir=None)  # the schema itself requires the signature
    _import_waybills(c, 1)
    carrier = import_order(1).logistics
    entry = site_entry("YT0000000001", logistics=movements.Company(carrier.code, carrier.name))
    signed = movements.build_ceb711(entry, signer=demo_signer())
    unsigned = signed.split(b"<ds:Signature")[0] + b"</ceb:CEB711Message>"
    c.send(wrapped("rk.xml", unsigned, "DXPENT0000000009"), at=1)
    assert c.info("CEB712") == [
        f"{code('signature')} 验签失败: CEB711 must be signed by the declarer"
    ]


def test_signed_for_is_accepted_for_a_known_waybill_and_only_as_s(tmp_path):
    c = customs(tmp_path)
    _import_waybills(c, 1)
    carrier = import_order(1).logistics
    company = movements.Company(carrier.code, carrier.name, "DXPLGS0000000001")
    signed_for = [movements.SignedFor(company, "YT0000000001", T0 + timedelta(days=2))]
    data = movements.build_ceb513(signed_for, schema_dir=REFERENCE)
    c.send(wrapped("s.xml", data, company.dxp_id), at=1)
    assert c.statuses("CEB514") == ["2", "399"]
    returned = data.replace(b"<ceb:logisticsStatus>S<", b"<ceb:logisticsStatus>R<")
    c.send(
        wrapped("r.xml", returned.replace(b"YT0000000001", b"YT0000000002"), company.dxp_id), at=2
    )
    assert c.info("CEB514") == [
        f"{code('status_code')} 物流状态不符: logisticsStatus 'R', only S (signed for) is reported"
    ]


def _return_of(snap, invt_no: str, **transport):
    t = returns.ReturnTransport(traf_name="CZ3457", voyage_no="CZ3457/0310", **transport)
    return returns.build_ceb213(
        declared(snap, invt_no), reason="买家退货", transport=t, schema_dir=REFERENCE
    )


def test_an_export_return_needs_a_released_inventory_and_then_its_tally_is_accepted(tmp_path):
    c = customs(tmp_path)
    snap = export_order(1)
    issued = _exports(c, 1)
    c.send(wrapped("r0.xml", _return_of(snap, issued[1]), BROKER.dxp_id), at=2)
    assert c.info("CEB214") == [
        f"{code('return_state')} 清单状态不允许退货: inventory {issued[1]} is not released "
        "(status 120)"
    ]
    back = _return_of(snap, issued[1], co_el_no="RET-1", logistics_no="EA000000001CN")
    c.send(wrapped("r1.xml", back, BROKER.dxp_id), at=6)
    assert c.statuses("CEB214", "RET-1") == ["2", "120", "800"]
    tally = batch(
        parcels=(movements.Parcel("EA000000001CN", invt_no=issued[1], cop_no="TALLY-1"),),
        ie_flag="I",
    )
    c.send(wrapped("t.xml", returns.build_ceb215(tally, schema_dir=REFERENCE), EMS.dxp_id), at=8)
    assert c.statuses("CEB216", "TALLY-1") == ["2", "399"]
    stray = batch(parcels=(movements.Parcel("EA000000099CN", cop_no="TALLY-2"),), ie_flag="I")
    c.send(wrapped("t2.xml", returns.build_ceb215(stray, schema_dir=REFERENCE), EMS.dxp_id), at=9)
    assert c.info("CEB216") == [
        f"{code('no_match')} 未收到对应的订单、支付单或运单: no return application for waybill "
        "EA000000099CN"
    ]


def test_an_export_return_of_more_than_was_declared_is_refused(tmp_path):
    c = customs(tmp_path)
    snap = export_order(1)
    issued = _exports(c, 1)
    more = snap.with_changes(lines=(dataclasses.replace(snap.lines[0], quantity=5), snap.lines[1]))
    data = returns.build_ceb213(
        declared(more, issued[1]),
        reason="r",
        transport=returns.ReturnTransport(traf_name="CZ1", voyage_no="CZ1/1"),
        schema_dir=REFERENCE,
    )
    c.send(wrapped("r.xml", data, BROKER.dxp_id), at=6)
    assert c.info("CEB214") == [f"{code('mismatch')} 单证信息不一致: line 1 returns 5, more than 2"]


def bonded(n: int):
    """Import ``n`` released from a bonded warehouse (1210): its account book and items."""
    snap = import_order(n)
    snap = replace(
        snap, "filing", trade_mode="1210", ems_no="T0101W000001", area_code="1101180001",
        area_name="北京示例保税仓储有限公司",
    )  # fmt: skip
    lines = tuple(
        dataclasses.replace(ln, item_record_no=f"T{k:04d}") for k, ln in enumerate(snap.lines, 1)
    )
    return snap.with_changes(lines=lines)


def test_a_bonded_import_is_decided_like_a_direct_one(tmp_path):
    c = customs(tmp_path)
    c.send(filing_set(bonded(1)))
    assert c.statuses("CEB622", "SPINV0001") == ACCEPTED


def test_a_bonded_import_without_its_stock_references_is_refused(tmp_path):
    """Built without emsNo and signed again: the schema lets it through, customs do not."""
    c = customs(tmp_path)
    snap = bonded(2)
    c.send(filing_set(snap)[:3])
    name, env = envelope("ceb621", snap)
    signed = dxp.unwrap(env)
    body = signed.data.split(b"<ds:Signature")[0] + b"</ceb:CEB621Message>"
    body = body.replace(b"<ceb:emsNo>T0101W000001</ceb:emsNo>", b"")
    resigned = demo_signer().sign(body)
    c.send(wrapped(name, resigned, signed.sender_id), at=1)
    (info,) = c.info("CEB622")
    assert info == (
        f"{code('bonded_reference')} 保税账册信息不符: "
        "SP-IMP-0002: emsNo is required for a bonded import (1210)"
    )


def test_a_9810_inventory_is_decided_like_a_9610_one(tmp_path):
    c = customs(tmp_path)
    c.send(filing_set(replace(export_order(1), "filing", trade_mode="9810")))
    assert c.statuses("CEB604") == ACCEPTED


@pytest.mark.parametrize("receipt", ["CEB508", "CEB712", "CEB214"])
def test_the_receipts_written_read_back_as_their_events(tmp_path, receipt):
    c = customs(tmp_path)
    _exports(c, 1)
    _import_waybills(c, 1)
    _send_batch(c, movements.build_ceb507, batch("LX000000001CN"), "arr", EMS.dxp_id, 1)
    carrier = import_order(1).logistics
    entry = site_entry("YT0000000001", logistics=movements.Company(carrier.code, carrier.name))
    rk = movements.build_ceb711(entry, signer=demo_signer(), schema_dir=REFERENCE)
    c.send(wrapped("rk.xml", rk, "DXPENT0000000009"), at=1)
    back = _return_of(export_order(1), _issued_export(c), co_el_no="R1")
    c.send(wrapped("ret.xml", back, BROKER.dxp_id), at=6)
    files = [f for f in c.sim.due(T0 + timedelta(hours=1)) if f.name.startswith(receipt)]
    events = [e for f in files for e in receipts.parse(dxp.unwrap(f.content).data)]
    expected = {"CEB508": ("arrival", "MV-0303-01"), "CEB712": ("site_entry", "RK-0303-01"),
                "CEB214": ("refund", "R1")}[receipt]  # fmt: skip
    assert {(e.kind, e.business_key) for e in events} == {expected}
    assert [e.status for e in sorted(events, key=lambda e: e.time)][-1] in ("399", "120", "800")


def _issued_export(c) -> str:
    return next(s.node["invtNo"] for s in c.got if s.msg_type == "CEB604")
