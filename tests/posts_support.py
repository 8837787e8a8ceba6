"""Test helpers for the postal channel: export parcels released by a customs receipt, and
the API calls that make receptacles and despatches."""

from __future__ import annotations

import copy

from support import BASE_EXPORT_ORDER, headers

RAIL_LANE = "CNDGGA-LTVNOA-RAIL-KHORGOS"
AIR_LANE = "CNSHAA-DEFRAA-AIR"
RAIL_LEG = {
    "mode": "rail",
    "train": "X8012",
    "wagon": "TGHU 123456 7",
    "seal": "CN 0042117",
    "consignment_note": "SMGS 20260511-77",
    "departure": "2026-05-12T10:00:00+08:00",
    "arrival": "2026-05-27T09:00:00+03:00",
}
AIR_LEG = {"mode": "air", "flight": "CA931", "departure": "2026-05-12T01:30:00+08:00"}


def export_orders(app, seller: dict, count: int, prefix: str = "SO", **changes) -> list[dict]:
    """``count`` export orders stored through the bulk intake (as a file import would);
    returns ``{id, order_no, parcel_id, item_id}`` per order."""
    from app.extensions import db
    from app.models import Order, Seller
    from app.services import orders

    seller_id = db.session.execute(
        db.select(Seller.id).where(Seller.user_id == seller["_user_id"])
    ).scalar_one()
    bodies = []
    for n in range(count):
        body = copy.deepcopy(BASE_EXPORT_ORDER)
        body.update(order_no=f"{prefix}-{n:04d}", **changes)
        bodies.append(orders.validate_order(body))
    result = orders.store_orders(seller_id, bodies, seller["_user_id"])
    db.session.commit()
    out = []
    for order_id in result.created:
        order = db.session.get(Order, order_id)
        parcel = order.parcels[0]
        out.append(
            {
                "id": order.id,
                "order_no": order.order_no,
                "parcel_id": parcel.id,
                "item_id": parcel.item_id,
            }
        )
    return out


def release_receipt(order_nos: list[str], status: str = "800") -> bytes:
    """A CEB604 export inventory receipt giving ``status`` (800: released) to each order."""
    nodes = "".join(
        "<ceb:InventoryReturn>"
        f"<ceb:guid>4CDE1CFD-EDED-46B1-946C-{n:012d}</ceb:guid>"
        "<ceb:agentCode>4403980DEF</ceb:agentCode>"
        f"<ceb:copNo>{no}</ceb:copNo><ceb:preNo>P2026050100000{n:04d}</ceb:preNo>"
        f"<ceb:invtNo>53042026E00000{n:04d}</ceb:invtNo><ceb:orderNo>{no}</ceb:orderNo>"
        f"<ceb:returnStatus>{status}</ceb:returnStatus>"
        "<ceb:returnTime>20260511093003000</ceb:returnTime>"
        "<ceb:returnInfo>放行</ceb:returnInfo></ceb:InventoryReturn>"
        for n, no in enumerate(order_nos)
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        '<ceb:CEB604Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" '
        'guid="A2C965F1-00AB-50A3-90C8-9821498D27E5" version="1.0">'
        f"{nodes}</ceb:CEB604Message>"
    ).encode()


def release(client, broker: dict, orders: list[dict], status: str = "800") -> None:
    """Customs release the orders: the broker posts their inventory receipt."""
    r = client.post(
        "/api/v1/receipts",
        data=release_receipt([o["order_no"] for o in orders], status),
        headers={**headers(broker), "Content-Type": "application/xml"},
    )
    assert r.status_code == 200, r.json
    assert len(r.json["orders"]) == len(orders), r.json


def lane_id(client, auth: dict, code: str) -> str:
    lanes = client.get("/api/v1/lanes", headers=headers(auth)).json
    return next(lane["id"] for lane in lanes if lane["code"] == code)


def receptacle(client, carrier: dict, parcel_ids: list[str], **changes):
    body = {
        "origin_office": "CNDGGA",
        "destination_office": "LTVNOA",
        "mail_category": "C",
        "mail_subclass": "CC",
        "parcel_ids": parcel_ids,
        **changes,
    }
    return client.post("/api/v1/receptacles", json=body, headers=headers(carrier))


def despatch(client, carrier: dict, lane: str, receptacle_ids: list[str], leg: dict | None = None):
    body = {"lane_id": lane, "transport": leg or RAIL_LEG, "receptacle_ids": receptacle_ids}
    return client.post("/api/v1/despatches", json=body, headers=headers(carrier))
