"""Helpers of the export-loop tests: orders, warehouses, customs receipts and results."""

from __future__ import annotations

import copy
from datetime import date, datetime
from decimal import Decimal

from support import BASE_EXPORT_ORDER, headers

from declarations.ceb import receipts_out
from declarations.ceb.receipts import CHINA_TIME

PROFILE = {
    "customs_code": "1105910159",
    "customs_name": "深圳示例科技有限公司",
    "dxp_id": "DXPENT0000000001",
}


def official_rate(app, currency: str, rate: str, start=date(2024, 1, 1), end=date(2027, 12, 31)):
    """An operator rate ``currency``→CNY for the period, labelled as a test fixture."""
    from app.services import quoting
    from tariff_tables import FxRate

    row = FxRate(
        valid_from=start,
        valid_to=end,
        base=currency,
        quote="CNY",
        rate=Decimal(rate),
        source="test fixture (not an official publication)",
        period=f"{start}..{end}",
    )
    table = quoting.tariff().with_fx_rates([row])
    app.extensions["silkpost.tariff"]["tariff"] = table
    return table


def export_order(**changes) -> dict:
    body = copy.deepcopy(BASE_EXPORT_ORDER)
    body.update(changes)
    return body


def item(sku: str, quantity, unit_value: str, hs_code: str = "610910", **more) -> dict:
    return {
        "sku": sku,
        "description": "Men's cotton T-shirt, knitted",
        "hs_code": hs_code,
        "quantity": quantity,
        "net_weight_kg": "0.200",
        "unit_value": unit_value,
        "origin_country": "CN",
        **more,
    }


def post_order(client, who, body: dict) -> dict:
    r = client.post("/api/v1/orders", json=body, headers=headers(who))
    assert r.status_code == 201, r.json
    return r.json


def register(client, who, **body) -> dict:
    r = client.post("/api/v1/warehouses", json=body, headers=headers(who))
    assert r.status_code == 201, r.json
    return r.json


def seller_id_of(auth: dict) -> str:
    from app.extensions import db
    from app.models import Seller

    return db.session.execute(
        db.select(Seller.id).where(Seller.user_id == auth["_user_id"])
    ).scalar_one()


def released(client, broker, orders: list[dict], when: datetime) -> None:
    """Customs release the export orders (a CEB604 with status 800 each), each with the
    inventory number :func:`invt_no` of the release day and its place in the list."""
    for start in range(0, len(orders), 100):
        nodes = [
            {
                "agentCode": PROFILE["customs_code"],
                "copNo": o["order_no"],
                "preNo": f"B{when:%Y%m%d}{n:09d}",
                "invtNo": invt_no(when, n),
                "ebcCode": PROFILE["customs_code"],
                "ebpCode": PROFILE["customs_code"],
                "orderNo": o["order_no"],
                "statisticsFlag": "B",
                "returnStatus": "800",
                "returnTime": when,
                "returnInfo": "放行",
            }
            for n, o in enumerate(orders[start : start + 100], start=start + 1)
        ]
        r = client.post(
            "/api/v1/receipts",
            data=receipts_out.build_receipt("CEB604", nodes),
            headers={**headers(broker), "Content-Type": "application/xml"},
        )
        assert r.status_code == 200, r.json
        assert not r.json["unmatched"], r.json


def invt_no(when: datetime, n: int) -> str:
    """``5301`` + year + ``E`` + month, day and a 5-digit number (18 characters)."""
    return f"5301{when:%Y}E{when:%m%d}{n:05d}"


def summary_result(
    sum_no: str,
    decl_seq_no: str,
    lines: list[tuple[str, str, int, int, str]],
    op_time: datetime,
    entry_id: str = "",
) -> bytes:
    """A CEB792 (one declaration): lines are (invtNo, logisticsNo, gseqno, gnum, gcode)."""
    when = op_time.astimezone(CHINA_TIME)
    entry = f"<entryId>{entry_id}</entryId>" if entry_id else ""
    rows = "".join(
        f"<SummaryResultList><invtNo>{i}</invtNo><logisticsNo>{lg}</logisticsNo>"
        f"<gseqno>{s}</gseqno><gnum>{g}</gnum><gcode>{code}</gcode></SummaryResultList>"
        for i, lg, s, g, code in lines
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<CEB792Message xmlns="http://www.chinaport.gov.cn/ceb" guid="8D3F2A61-0B5C-4D7E-9A1B-'
        '2C3D4E5F6A7B" version="1.0"><SummaryResult><SummaryResultHead>'
        "<guid>8D3F2A61-0B5C-4D7E-9A1B-2C3D4E5F6A7B</guid><customsCode>5301</customsCode>"
        f"<sumNo>{sum_no}</sumNo><opDate>{when:%Y%m%d%H%M%S}000</opDate>"
        f"<declSeqNo>{decl_seq_no}</declSeqNo>{entry}<decState>10</decState>"
        f"<agentCode>{PROFILE['customs_code']}</agentCode><agentName>代理</agentName>"
        f"<ebcCode>{PROFILE['customs_code']}</ebcCode><ebcName>{PROFILE['customs_name']}</ebcName>"
        f"<declAgentCode>{PROFILE['customs_code']}</declAgentCode><declAgentName>代理</declAgentName>"
        "<grossWeight>1</grossWeight><netWeight>1</netWeight><msgCount>1</msgCount>"
        f"<msgSeqNo>1</msgSeqNo></SummaryResultHead>{rows}</SummaryResult></CEB792Message>"
    ).encode()


def post_xml(client, who, path: str, body: bytes):
    return client.post(path, data=body, headers={**headers(who), "Content-Type": "application/xml"})
