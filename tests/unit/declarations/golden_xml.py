"""The golden declaration cases: whole expected messages, one file per case, and the refusal
texts, under ``tests/golden/declarations/``.

The cases are chosen to reach every message kind and the paths inside them: single and
batched business nodes, the three :class:`Options` variants (defaults; appType/appStatus/
appTime; an explicit transmitter with subscriptions), legal and second units, text that needs
escaping, signed import and export messages, a CEB701 split into numbered messages and one
stating a period, the movements (CEB507 split, 509, 607, 711, 513) and export returns (CEB213
whole and in part, CEB215), every receipt the simulator writes (CEB792 results of a worked
summary among them), DxpMsg envelopes to both receivers, and a refusal for each check the
builders make.

Messages are stored indented (:func:`pretty`) so a change reads as a diff; :func:`unpretty`
gives the exact bytes back, and the test checks that round trip, so equal files mean
byte-identical output. Signatures are deterministic (RSA PKCS#1 v1.5) with the fixed demo key
stored beside the files (``demo-signer.*.pem``, made by
:func:`declarations.signing.make_demo_key_and_certificate`), so signed messages are compared
whole, SignatureValue and certificate included.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from declarations import dxp, examples, itmatt, s10, signing
from declarations.ceb import (
    export,
    import_,
    movements,
    receipts,
    receipts_out,
    returns,
    summary,
    summary_apply,
)
from declarations.ceb.common import Options, Subscription, Transmitter
from declarations.errors import DeclarationError
from declarations.kinds import KINDS, Supplied
from declarations.snapshot import DeclarationSnapshot, Party

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "declarations"
REFUSALS = GOLDEN / "refusals.txt"
WHEN = datetime(2026, 4, 1, 9, 30, 0)

Case = Callable[[Path], bytes]
Refusal = Callable[[Path], object]


# -- indented form ---------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r">\n *<")


def pretty(data: bytes) -> str:
    """The message with a line break and two spaces per level before every tag that follows
    another tag directly; text stays on its element's line."""
    text = data.decode("utf-8")
    header, _, body = text.partition("?>\n")
    out, depth, last_end = [], 0, 0
    for m in _TAG.finditer(body):
        tag = m.group()
        closing = tag.startswith("</")
        if closing:
            depth -= 1
        if m.start() == last_end and m.start() > 0:
            out.append("\n" + "  " * depth)
        elif m.start() > last_end:
            out.append(body[last_end : m.start()])
        out.append(tag)
        if not closing and not tag.endswith("/>"):
            depth += 1
        last_end = m.end()
    out.append(body[last_end:])
    return header + "?>\n" + "".join(out) + "\n"


def unpretty(text: str) -> bytes:
    header, _, body = text.partition("?>\n")
    return (header + "?>\n" + _BREAK.sub("><", body.removesuffix("\n"))).encode("utf-8")


# -- inputs ----------------------------------------------------------------------------------


@cache
def signer() -> signing.Signer:
    key = (GOLDEN / "demo-signer.key.pem").read_bytes()
    cert = (GOLDEN / "demo-signer.cert.pem").read_bytes()
    return signing.Signer(key, cert)


def _replace(snap: DeclarationSnapshot, part: str, **changes) -> DeclarationSnapshot:
    return snap.with_changes(**{part: dataclasses.replace(getattr(snap, part), **changes)})


def _with_line(snap: DeclarationSnapshot, index: int, **changes) -> DeclarationSnapshot:
    lines = list(snap.lines)
    lines[index] = dataclasses.replace(lines[index], **changes)
    return snap.with_changes(lines=tuple(lines))


def imp() -> DeclarationSnapshot:
    return examples.import_snapshot(2)


def _with_units(snap: DeclarationSnapshot, index: int, kg: str, second: tuple, record: str):
    """Line ``index`` with a statutory unit (kg), a second unit, a bonded-stock item number
    and no barcode."""
    unit, qty = second
    return _with_line(
        snap,
        index,
        legal_unit="kg",
        legal_quantity=Decimal(kg),
        second_unit=unit,
        second_quantity=Decimal(qty),
        item_record_no=record,
        barcode="",
    )


def imp_units() -> DeclarationSnapshot:
    return _with_units(imp(), 1, "0.75", ("pair", 3), "T0101W000123")


def imp_second() -> DeclarationSnapshot:
    """A second import order: a separate buyer, a discount and a note that needs escaping."""
    snap = _replace(
        imp_units(),
        "order",
        order_no="SP-IMP-0002",
        discount=Decimal("5.00"),
        note="A&B <x> \"q\" 'a' \r ]]>",
    )
    buyer = Party(name="李大宝", phone="13900001111", id_number="110108198802021234", country="CN")
    return snap.with_changes(buyer=buyer)


def imp_declared() -> DeclarationSnapshot:
    """The import after customs issued its inventory number (cancel and return need it)."""
    return _replace(imp(), "filing", invt_no="010120261234567890")


def exp() -> DeclarationSnapshot:
    return examples.export_snapshot(2)


def exp_units() -> DeclarationSnapshot:
    return _with_units(exp(), 0, "0.72", ("piece", 2), "E5304000001")


def exp_second() -> DeclarationSnapshot:
    return _replace(exp_units(), "order", order_no="SP-EXP-0002", item_id="LX806576739CN")


def exp_declared() -> DeclarationSnapshot:
    """The export after customs issued its numbers (a cancel needs the invtNo)."""
    return _replace(exp(), "filing", pre_no="P20260303000000017", invt_no="53042026E000000017")


def _export_item(service: str, serial: int, **order) -> DeclarationSnapshot:
    """The one-line export example as another postal item, with ``order`` changes."""
    item_id = str(s10.build(service, serial, "CN"))
    return _replace(examples.export_snapshot(1), "order", item_id=item_id, **order)


def itmatt_other() -> DeclarationSnapshot:
    """An item of category "other", insured, with every optional reference and a recipient
    with a company, a state and a two-line street."""
    snap = _export_item(
        "CP",
        12345678,
        category="other",
        category_explanation="Handmade ceramic bowl, personal effect",
        insurance_cost=Decimal("2.50"),
        licence_no="LIC-7",
        certificate_no="CERT-9",
        comments="Fragile & <handle> with care",
    )
    return _replace(
        snap, "recipient", company="Müller GmbH", state="Berlin", street="Hauptstraße 5\nHof 2"
    )


def itmatt_documents() -> DeclarationSnapshot:
    snap = _export_item("RR", 87654321, category="documents", incoterm="", mail_class="")
    return _with_line(snap, 0, description="Signed contract, paper", hs_code="")


TRANSMITTER = Options(
    transmitter=Transmitter("3301960ABC", "某某报关行", "DXPENT0000000001", "n"),
    subscriptions=(Subscription("DXPENT0000000002"), Subscription("DXPX", "RET", "x")),
)
CHANGE = Options(app_type="2", app_status="1", app_time=WHEN)


def exp_summarised(n: int, **filing) -> DeclarationSnapshot:
    """Export ``n`` declared for a summary (statisticsFlag B), its own order and waybill."""
    snap = _replace(exp(), "order", order_no=f"SP-EXP-{n:04d}", item_id=f"LX{n:09d}CN")
    return _replace(snap, "filing", cop_no=f"SPEXP{n:04d}", statistics_flag="B", **filing)


def released(n: int, **filing) -> summary.ReleasedInventory:
    """The record of export ``n`` once customs released it (invtNo 5304…E…n)."""
    return summary.inventory_from_snapshot(
        exp_summarised(n, **filing),
        invt_no=f"53042026E{n:09d}",
        status="800",
        released_at=datetime(2026, 3, 3 + n, 12, 0, tzinfo=receipts.CHINA_TIME),
    )


def _ceb701(sd: Path, **settings) -> list[bytes]:
    return summary_apply.build_ceb701(
        [released(1), released(2), released(3)],
        seller=exp().seller,
        cop_no="SUM-2026-03",
        filed_at=WHEN,
        decl_agent=("4403980DEF", "深圳示例报关行"),
        options=Options(subscriptions=(Subscription("DXPENT0000000004"),)),
        schema_dir=sd,
        **settings,
    )


#: A truck of mail bags at the Shenzhen site, flown out on CZ3456: the parcels of the
#: example exports, the carrier (China Post EMS) as site operator, the broker declaring.
EMS = movements.Company("4403180EMS", "中国邮政速递物流股份有限公司", "DXPENT0000000006")
BROKER = movements.Company("4403980DEF", "深圳示例报关行", "DXPENT0000000004")


def consignment(**changes) -> movements.Consignment:
    parcels = tuple(
        movements.Parcel(f"LX{n:09d}CN", f"BAG{1 + n // 3:03d}", f"53042026E{n:09d}")
        for n in (1, 2, 3)
    )
    values = {
        "cop_no": "MV-2026-0303-01",
        "customs_code": "5304",
        "logistics": EMS,
        "traf_mode": "5",
        "parcels": parcels,
        "at": WHEN,
        "operator": EMS,
        "agent": BROKER,
        "loct_no": "5304W1",
        "traf_name": "CZ3456",
        "voyage_no": "CZ3456/20260401",
        "bill_no": "78412345678",
        "domestic_traf_no": "粤B12345",
        "gross_weight": Decimal("2.70"),
        **changes,
    }
    return movements.Consignment(**values)


def import_site_entry() -> movements.Consignment:
    """The import example's parcel entering the Beijing site from flight CA1234."""
    site = movements.Company("1101180326", "示例监管场所", "DXPLGS0000000001")
    carrier = movements.Company("1101180326", "示例物流企业")
    parcels = (movements.Parcel("RR473124829GB"), movements.Parcel("RR473124830GB", note="破损"))
    return movements.Consignment(
        "RK-2026-0401", "0101", carrier, "5", parcels, WHEN, operator=site, ie_flag="I",
        traf_name="CA1234", voyage_no="CA1234/20260401", bill_no="99912345678",
        unload_location="A区3号库",
    )  # fmt: skip


def return_tally() -> movements.Consignment:
    """Two returned parcels reaching the Shenzhen site, tallied by the site operator."""
    parcels = tuple(
        movements.Parcel(f"LX{n:09d}CN", invt_no=f"53042026E{n:09d}", cop_no=f"TALLY-{n:04d}")
        for n in (1, 2)
    )
    return consignment(
        cop_no="RT-2026-0401", parcels=parcels, ie_flag="I", unload_location="退货区"
    )


def exp_return() -> DeclarationSnapshot:
    """The export example, released, coming back on the flight it left by."""
    return _replace(exp_declared(), "filing", traf_name="CZ3456", voyage_no="CZ3456/20260303")


#: The carrier of the import example, sending from its own DXP id.
CARRIER = movements.Company("1101180326", "示例物流企业", "DXPLGS0000000001")
SIGNED_FOR = [
    movements.SignedFor(CARRIER, "RR473124829GB", WHEN),
    movements.SignedFor(CARRIER, "RR473124830GB", WHEN, note="本人签收"),
]


def _kind(name: str, snapshot: Callable[[], DeclarationSnapshot], **filing: str) -> Case:
    """The document kind ``name`` as the service builds it (declarations.kinds); ``filing``
    is the appType or reason supplied."""

    def build(schema_dir: Path) -> bytes:
        supplied = Supplied(schema_dir=schema_dir, operator="CNPOST", signer=signer(), **filing)
        return KINDS[name].build(snapshot(), supplied)

    return build


#: One case per order document kind (named after it), then variants of builder options.
CASES: dict[str, Case] = {
    "itmatt": _kind("itmatt", exp),
    "ceb311": _kind("ceb311", imp),
    "ceb411": _kind("ceb411", imp),
    "ceb511": _kind("ceb511", imp),
    "ceb621": _kind("ceb621", imp_units),
    "ceb303": _kind("ceb303", exp),
    "ceb403": _kind("ceb403", exp),
    "ceb505": _kind("ceb505", exp),
    "ceb603": _kind("ceb603", exp_units),
    "ceb605": _kind("ceb605", exp_declared, reason="买家取消订单"),
    "ceb213": _kind("ceb213", exp_return, reason="买家退货"),
    "ceb621-change": _kind("ceb621", imp, app_type="2"),
    "ceb505-batch": lambda sd: export.build_ceb505(
        [exp_units(), exp_second()], options=CHANGE, schema_dir=sd
    ),
    "ceb403-transmitter": lambda sd: export.build_ceb403(
        _replace(exp(), "payment", amount_paid=Decimal("60.00")), options=TRANSMITTER, schema_dir=sd
    ),
    "itmatt-batch": lambda sd: itmatt.build(
        [imp(), itmatt_other(), itmatt_documents()],
        created=WHEN,
        sender_operator="CNPOST",
        recipient_operator="DPAG",
    ),
    "ceb311-batch": lambda sd: import_.build_ceb311(
        [imp_units(), imp_second()], options=CHANGE, schema_dir=sd
    ),
    "ceb411-transmitter": lambda sd: import_.build_ceb411(
        imp(), options=TRANSMITTER, schema_dir=sd
    ),
    "ceb623": lambda sd: import_.build_ceb623(
        imp_declared(), reason="买家取消订单", signer=signer(), schema_dir=sd
    ),
    "ceb625": lambda sd: import_.build_ceb625(
        imp_declared(),
        reason="质量问题",
        returned={2: Decimal(1)},
        signer=signer(),
        options=CHANGE,
        schema_dir=sd,
    ),
    "ceb303-batch": lambda sd: export.build_ceb303(
        [exp_units(), exp_second()], options=TRANSMITTER, schema_dir=sd
    ),
    "ceb603-change": lambda sd: export.build_ceb603(exp_units(), options=CHANGE, schema_dir=sd),
    "ceb603-signed": lambda sd: export.build_ceb603(
        [exp(), exp_second()], signer=signer(), schema_dir=sd
    ),
    "ceb701-1": lambda sd: _ceb701(sd, max_per_message=2)[0],
    "ceb701-2": lambda sd: _ceb701(sd, max_per_message=2)[1],
    "ceb701-window": lambda sd: _ceb701(
        sd,
        window=summary.month_window("2026-03"),
        rule=summary.GroupingRule(summary_flag="2", item_name_flag="0"),
        signer=signer(),
    )[0],
    "ceb507-1": lambda sd: movements.build_ceb507(consignment(), schema_dir=sd, max_per_message=2)[
        0
    ],
    "ceb507-2": lambda sd: movements.build_ceb507(consignment(), schema_dir=sd, max_per_message=2)[
        1
    ],
    "ceb509": lambda sd: movements.build_ceb509(consignment(operator=None), schema_dir=sd)[0],
    "ceb607": lambda sd: movements.build_ceb607(consignment(), signer=signer(), schema_dir=sd)[0],
    "ceb711": lambda sd: movements.build_ceb711(
        import_site_entry(), signer=signer(), schema_dir=sd
    ),
    "ceb513": lambda sd: movements.build_ceb513(SIGNED_FOR, options=TRANSMITTER, schema_dir=sd),
    "ceb213-partial": lambda sd: returns.build_ceb213(
        exp_return(),
        reason="尺码不符",
        returned={1: Decimal(1)},
        transport=returns.ReturnTransport(
            co_el_no="RET-0001", logistics_no="EA123456789CN", country="FR", traf_mode="2"
        ),
        options=CHANGE,
        schema_dir=sd,
    ),
    "ceb215": lambda sd: returns.build_ceb215(return_tally(), schema_dir=sd),
    "dxp-ceb621": lambda sd: dxp.wrap(
        import_.build_ceb621(imp(), signer=signer()),
        sender_id="DXPENT0000000002",
        created=WHEN,
        biz_keys={"orderNo": "SP-IMP-0001", "logisticsNo": "RR473124829GB"},
        schema_dir=sd,
    ),
    "dxp-ceb303": lambda sd: dxp.wrap(
        export.build_ceb303(exp()), sender_id="DXPENT0000000003", created=WHEN, schema_dir=sd
    ),
}


# -- receipts --------------------------------------------------------------------------------

#: The documents the sample receipts answer: the example import (0101 Beijing) and export
#: (5304 Shenzhen) filings, with the numbers E-Port and customs issue.
_IMPORT_KEYS = {
    "customsCode": "0101",
    "ebpCode": "1101110325",
    "ebcCode": "1105910159",
    "agentCode": "1101180999",
    "copNo": "SPINV0001",
    "preNo": "B20260303000000001",
}
_EXPORT_KEYS = {
    "agentCode": "4403980DEF",
    "copNo": "SPEXP0001",
    "preNo": "P20260303000000001",
    "invtNo": "53042026E000000001",
}
#: One document's receipts in the order they come: (status, seconds after filing, text).
_PATH = (
    ("2", 0, "电子口岸申报中"),
    ("120", 1, "海关入库"),
    ("399", 2, "海关审结"),
    ("800", 3, "放行"),
)


def _path(keys: dict, path=_PATH) -> list[dict]:
    return [
        {**keys, "returnStatus": status, "returnTime": WHEN.replace(second=s), "returnInfo": text}
        for status, s, text in path
    ]


_REJECTED = (("100", 4, "-623005 清单状态不允许撤销 & <800 放行>"),)
#: A movement's receipts (2 → 399) and a refusal; the keys of a batch and of a summary.
_MOVED = (("2", 0, "电子口岸申报中"), ("399", 1, "海关审结"))
_REFUSED = (("100", 2, "SIM-NO-MATCH 未收到对应的订单、支付单或运单: LX000000003CN"),)
_BATCH_KEYS = {
    "logisticsCode": "4403180EMS",
    "copNo": "MV-2026-0303-01",
    "preNo": "B20260401000000002",
    "msgSeqNo": 1,
}
_SUMMARY_KEYS = {
    "agentCode": "4403960ABC",
    "ebcCode": "4403960ABC",
    "copNo": "SUM-2026-03",
    "preNo": "B20260401000000003",
    "msgSeqNo": 1,
}
RECEIPT_RETURNS: dict[str, list[dict]] = {
    "CEB312": _path({"ebpCode": "1101110325", "ebcCode": "1105910159", "orderNo": "SP-IMP-0001"}),
    "CEB412": _path({"payCode": "1101110323", "payTransactionId": "P0242250007"})[:2],
    "CEB512": _path({"logisticsCode": "1101180326", "logisticsNo": "RR473124829GB"})[:2],
    "CEB622": _path({**_IMPORT_KEYS, "invtNo": "01012026I000000001"}),
    "CEB624": _path(_IMPORT_KEYS, _REJECTED),
    "CEB626": _path({**_IMPORT_KEYS, "invtNo": "01012026I000000001"})[:3],
    "CEB900": [
        {
            "returnStatus": "-1",
            "returnTime": WHEN,
            "returnInfo": "line 1: Element 'ceb:orderNo': [facet 'maxLength'] …",
            "oriCopMsgId": "0D4C1B06-2C51-5E8B-9F6A-1B2C3D4E5F60",
            "oriMessageType": "CEB311Message",
            "oriBizMessage": "CEB311_case_v1_a1.xml",
        }
    ],
    "CEB304": _path({"ebpCode": "4403960XYZ", "ebcCode": "4403960ABC", "orderNo": "SP-EXP-0001"}),
    "CEB404": _path({"ebcCode": "4403960ABC", "orderNo": "SP-EXP-0001", "payNo": "EP1"})[:2],
    "CEB506": _path({"logisticsCode": "4403180EMS", "logisticsNo": "LX806576725CN"})[:2],
    "CEB604": _path(
        {
            **_EXPORT_KEYS,
            "ebcCode": "4403960ABC",
            "ebpCode": "4403960XYZ",
            "orderNo": "SP-EXP-0001",
            "statisticsFlag": "A",
        }
    ),
    "CEB606": _path(_EXPORT_KEYS)[:3],
    # movements and returns: accepted (2 → 399), the arrival's second part refused
    "CEB508": _path(_BATCH_KEYS | {"operatorCode": "4403180EMS", "billNo": ""}, _MOVED)
    + _path(_BATCH_KEYS | {"operatorCode": "4403180EMS", "billNo": "", "msgSeqNo": 2}, _REFUSED),
    "CEB510": _path(_BATCH_KEYS, _MOVED),
    "CEB608": _path(_BATCH_KEYS | {"agentCode": "4403980DEF", "billNo": "78412345678"}, _MOVED),
    "CEB514": _path(
        {"logisticsCode": "1101180326", "logisticsNo": "RR473124829GB", "logisticsStatus": "S"},
        _MOVED,
    ),
    "CEB712": _path(
        {
            "customsCode": "0101",
            "operatorCode": "1101180326",
            "copNo": "RK-2026-0401",
            "preNo": "B20260401000000005",
            "rkdNo": "010120260401000005",
        },
        (("2", 0, "电子口岸申报中"), ("120", 1, "海关入库")),
    ),
    "CEB214": _path(
        {
            "ebpCode": "4403960XYZ",
            "ebcCode": "4403960ABC",
            "agentCode": "4403980DEF",
            "coElNo": "SPEXP0001R",
            "preNo": "B20260401000000006",
            "invtNo": "53042026E000000017",
        },
        (("2", 0, "申请申报中"), ("120", 1, "申请已入库"), ("399", 2, "申请审核通过")),
    ),
    "CEB216": _path(
        {
            "operatorCode": "4403180EMS",
            "logisticsCode": "4403180EMS",
            "logisticsNo": "LX000000001CN",
            "coElNo": "TALLY-0001",
        },
        _MOVED,
    ),
    "CEB702": _path(_SUMMARY_KEYS, _MOVED[:1])
    + _path(_SUMMARY_KEYS | {"sumNo": "S20260401000000001"}, _MOVED[1:]),
}
TAX_BILL = {
    "head": {
        "returnTime": WHEN,
        "invtNo": "01012026I000000001",
        "taxNo": "TAX2026000001",
        "customsTax": Decimal(0),
        "valueAddedTax": Decimal("29.12"),
        "consumptionTax": Decimal(0),
        "status": "1",
        "assureCode": "1105910159",
        "ebcCode": "1105910159",
        "logisticsCode": "1101180326",
        "agentCode": "1101180999",
        "customsCode": "0101",
    },
    "lines": [
        {
            "gnum": 1,
            "gcode": "8509800000",
            "taxPrice": Decimal("320"),
            "customsTax": Decimal(0),
            "valueAddedTax": Decimal("29.12"),
            "consumptionTax": Decimal(0),
        }
    ],
}


def _receipt(msg_type: str) -> Case:
    return lambda sd: receipts_out.build_receipt(msg_type, RECEIPT_RETURNS[msg_type], schema_dir=sd)


CASES.update({f"receipt-{m.lower()}": _receipt(m) for m in RECEIPT_RETURNS})
CASES["receipt-ceb816"] = lambda sd: receipts_out.build_tax_bill([TAX_BILL], schema_dir=sd)


def summary_results(declarations: list[summary.SummaryDeclaration]) -> list[dict]:
    """CEB792 results of ``declarations`` as customs would number them."""
    return [
        {
            "head": {
                "customsCode": "5304",
                "sumNo": "S20260401000000001",
                "opDate": WHEN.replace(minute=40),
                "declSeqNo": f"D20260401{n:09d}",
                "entryId": f"530420261{n:09d}",
                "decState": "1",
                "agentCode": "4403960ABC",
                "agentName": "深圳示例服饰有限公司",
                "ebcCode": "4403960ABC",
                "ebcName": "深圳示例服饰有限公司",
                "declAgentCode": "4403980DEF",
                "declAgentName": "深圳示例报关行",
                "grossWeight": d.gross_weight,
                "netWeight": d.net_weight,
                "msgCount": 1,
                "msgSeqNo": 1,
            },
            "lines": summary.result_rows(d),
        }
        for n, d in enumerate(declarations, 1)
    ]


def _summarised() -> list[summary.SummaryDeclaration]:
    """Three released exports, one of them by another port: two declarations."""
    return summary.summarise([released(1), released(2), released(3, port_code="5141")])


CASES["receipt-ceb792"] = lambda sd: receipts_out.build_summary_results(
    summary_results(_summarised()), schema_dir=sd
)


# -- refusals --------------------------------------------------------------------------------


def _bad_line(snap: DeclarationSnapshot, hs_code: str) -> DeclarationSnapshot:
    """Every per-line code wrong at once, to pin the order in which problems are listed."""
    return _with_line(
        snap,
        0,
        unit="furlong",
        hs_code=hs_code,
        legal_unit="parsec",
        second_unit="bushel",
        origin_country="XX",
    )


def _import_problems() -> DeclarationSnapshot:
    snap = _bad_line(imp(), "85")
    snap = _replace(snap, "recipient", phone="")
    snap = _replace(snap, "seller", name="长" * 120)
    return _replace(snap, "order", note="bad\x01char", currency="USD")


def _export_problems() -> DeclarationSnapshot:
    snap = _bad_line(exp(), "12345")
    snap = _replace(snap, "recipient", country="ZZ")
    snap = _replace(snap, "filing", pod="")
    return _replace(snap, "order", currency="XYZ")


def _itmatt_problems() -> DeclarationSnapshot:
    snap = _replace(
        exp(),
        "order",
        item_id="RR473124820GB",
        category="other",
        currency="eur",
        gross_weight_kg=Decimal("0.1"),
        comments="x" * 513,
    )
    snap = _replace(snap, "sender", name=" ", street="", country="China")
    snap = _with_line(snap, 0, description="Gift", hs_code="61", quantity=Decimal(0))
    return _with_line(snap, 1, origin_country="", unit_value=Decimal(-1))


REFUSAL_CASES: dict[str, Refusal] = {
    "ceb311 for an export order": lambda sd: import_.build_ceb311(exp()),
    "ceb621 for a personal postal import": lambda sd: import_.build_ceb621(
        _replace(imp(), "order", regime="postal"), signer=signer()
    ),
    "ceb603 for an import order": lambda sd: export.build_ceb603(imp()),
    "ceb311 payment differs, currency wrong": lambda sd: import_.build_ceb311(
        _replace(_replace(imp(), "payment", amount_paid=Decimal(1)), "order", currency="USD")
    ),
    "ceb511 discount exceeds the amount payable": lambda sd: import_.build_ceb511(
        _replace(imp(), "order", discount=Decimal(999999))
    ),
    "ceb621 problems of every kind": lambda sd: import_.build_ceb621(
        _import_problems(), signer=signer()
    ),
    "ceb311 problems of every kind": lambda sd: import_.build_ceb311(_import_problems()),
    "ceb603 problems of every kind": lambda sd: export.build_ceb603(_export_problems()),
    "ceb303 problems of every kind": lambda sd: export.build_ceb303(_export_problems()),
    "ceb311 without lines": lambda sd: import_.build_ceb311(imp().with_changes(lines=())),
    "ceb303 without lines": lambda sd: export.build_ceb303(exp().with_changes(lines=())),
    "ceb621 with 100 lines": lambda sd: import_.build_ceb621(
        examples.import_snapshot(100), signer=signer()
    ),
    "ceb603 with 101 lines": lambda sd: export.build_ceb603(examples.export_snapshot(101)),
    "ceb411 without a payment": lambda sd: import_.build_ceb411(imp().with_changes(payment=None)),
    "ceb403 without a payment": lambda sd: export.build_ceb403(exp().with_changes(payment=None)),
    "ceb403 for an import order": lambda sd: export.build_ceb403(imp()),
    "ceb505 without a logistics operator": lambda sd: export.build_ceb505(
        exp().with_changes(logistics=None)
    ),
    "ceb505 problems of every kind": lambda sd: export.build_ceb505(_export_problems()),
    "ceb605 without the inventory number or a reason": lambda sd: export.build_ceb605(
        exp(), reason=""
    ),
    "ceb621 filed with appType 3 and appStatus 9": lambda sd: import_.build_ceb621(
        imp(), signer=signer(), options=Options(app_type="3", app_status="9")
    ),
    "ceb511 without a logistics operator": lambda sd: import_.build_ceb511(
        imp().with_changes(logistics=None)
    ),
    "ceb623 without the inventory number": lambda sd: import_.build_ceb623(
        imp(), reason="r", signer=signer()
    ),
    "ceb625 returns beyond the inventory": lambda sd: import_.build_ceb625(
        imp(), reason="r", returned={1: Decimal(5), 7: Decimal(1)}, signer=signer()
    ),
    "ceb625 returning nothing": lambda sd: import_.build_ceb625(
        imp_declared(), reason="r", returned={}, signer=signer()
    ),
    "ceb621 unsigned, against the official schema": lambda sd: import_.build_ceb621(
        imp(), signer=None, schema_dir=sd
    ),
    "ceb311 with six subscriptions": lambda sd: import_.build_ceb311(
        imp(), options=Options(subscriptions=[Subscription(f"DXP{k}") for k in range(6)])
    ),
    "ceb303 batch of 101 orders": lambda sd: export.build_ceb303(
        [
            _replace(exp(), "order", order_no=f"SP-EXP-{k:04d}").with_changes(lines=exp().lines[:1])
            for k in range(101)
        ],
    ),
    "ceb311 of no orders": lambda sd: import_.build_ceb311([]),
    "ceb603 of no orders, transmitter given": lambda sd: export.build_ceb603(
        [], options=TRANSMITTER
    ),
    "ceb701 without inventories, period reversed": lambda sd: summary_apply.build_ceb701(
        [],
        seller=exp().seller,
        cop_no="SUM-X",
        filed_at=WHEN,
        window=(datetime(2026, 4, 1), datetime(2026, 3, 1)),
    ),
    "ceb701 of inventories that do not qualify": lambda sd: summary_apply.build_ceb701(
        [
            released(1),
            released(1),
            dataclasses.replace(released(2), status="120"),
            dataclasses.replace(released(3), statistics_flag="A", sum_no="S20260301000000009"),
            dataclasses.replace(released(4), ebc_code="4403960OTH", customs_code="5141"),
            released(5),
        ],
        seller=exp().seller,
        cop_no="SUM-X",
        filed_at=WHEN,
        rule=summary.GroupingRule(summary_flag="3", item_name_flag=""),
        window=summary.month_window("2026-03"),
    ),
    "ceb507 without site operator, vehicle or parcels": lambda sd: movements.build_ceb507(
        consignment(operator=None, domestic_traf_no="", parcels=())
    ),
    "ceb607 declared unsigned, without declarer or weight": lambda sd: movements.build_ceb607(
        consignment(agent=None, gross_weight=None)
    ),
    "ceb711 unsigned": lambda sd: movements.build_ceb711(import_site_entry(), signer=None),
    "ceb513 of no parcels": lambda sd: movements.build_ceb513([]),
    "ceb213 from China, beyond the inventory, without its number": lambda sd: returns.build_ceb213(
        _replace(exp_return(), "filing", invt_no=""),
        reason="r",
        returned={1: Decimal(5), 9: Decimal(1)},
        transport=returns.ReturnTransport(country="CN"),
    ),
    "ceb213 of an import order": lambda sd: returns.build_ceb213(imp(), reason="r"),
    "ceb215 without site operator or tally numbers": lambda sd: returns.build_ceb215(
        consignment(operator=None, ie_flag="I")
    ),
    "ceb621 bonded (1210) without its stock references": lambda sd: import_.build_ceb621(
        _replace(imp(), "filing", trade_mode="1210"), signer=signer()
    ),
    "summary of an inventory listed twice, flags wrong": lambda sd: summary.summarise(
        [released(1), released(1)], summary.GroupingRule("0", "2", max_lines=0)
    ),
    "summary result naming unknown lines": lambda sd: summary.lines_from_result(
        [{"invtNo": "53042026E000000001", "gnum": "7", "gseqno": "1"}], [released(1)]
    ),
    "month not YYYY-MM": lambda sd: summary.month_window("2026/03"),
    "itmatt problems of every kind": lambda sd: itmatt.build(_itmatt_problems()),
    "itmatt against its schema": lambda sd: itmatt.build(_replace(exp(), "order", incoterm="ddp")),
    "itmatt without items": lambda sd: itmatt.build([]),
    "itmatt with a 20-digit amount": lambda sd: itmatt.build(
        _with_line(exp(), 0, unit_value=Decimal("12345678901234567.123"))
    ),
    "receipt CEB622 of 101 nodes, one without its keys": lambda sd: receipts_out.build_receipt(
        "CEB622", [{}] + RECEIPT_RETURNS["CEB622"] * 25
    ),
    "receipt of a request message": lambda sd: receipts_out.build_receipt("CEB621", []),
    "summary result without results": lambda sd: receipts_out.build_summary_results([]),
    "tax bill without lines": lambda sd: receipts_out.build_tax_bill([{**TAX_BILL, "lines": []}]),
    "dxp sender id too long, six business keys": lambda sd: dxp.wrap(
        import_.build_ceb311(imp()),
        sender_id="DXP-SENDER-ID-TOO-LONG",
        created=WHEN,
        biz_keys={f"k{k}": "v" for k in range(6)},
    ),
}


def refusal_text(name: str, schema_dir: Path) -> str:
    """``== name ==`` then ``ErrorClass: message`` of what the case raises."""
    try:
        REFUSAL_CASES[name](schema_dir)
    except (DeclarationError, ValueError) as exc:
        # ValueError too: lxml's refusal of text it cannot write, and over-long decimals.
        return f"== {name} ==\n{type(exc).__name__}: {exc}\n"
    return f"== {name} ==\n(no refusal: a document was produced)\n"


def refusals(schema_dir: Path) -> str:
    header = (
        "# What the declaration builders say when they refuse: one section per case in\n"
        "# tests/unit/declarations/golden_xml.py (REFUSAL_CASES).\n"
    )
    return header + "".join("\n" + refusal_text(n, schema_dir) for n in REFUSAL_CASES)


__all__ = ["CASES", "GOLDEN", "REFUSALS", "pretty", "refusals", "unpretty"]
