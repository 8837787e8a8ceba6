"""Registered warehouses: who may see and use which, and which orders may name which.

A warehouse registered by a seller is that seller's own; one registered by a broker or an
admin is public (a 公共海外仓, a bonded zone's warehouse, a border warehouse) and any
seller may keep stock in it. Stock is always kept per seller, so sharing a warehouse never
shows one seller another's goods.

Which warehouse an order may name depends on its trade mode:

- 9810 (export of stock) goes to an overseas warehouse or a border warehouse;
- 1210 (bonded CBEC import) is released from a bonded warehouse;
- 9610 with a warehouse is a retail export despatched from a border warehouse's stock.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select

from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import User, Warehouse
from ..models.warehouses import BORDER_TRANSPORT
from . import audit, post_network

#: The kinds of warehouse an order of each trade mode may name.
KINDS_FOR_TRADE_MODE = {"9810": ("overseas", "border"), "1210": ("bonded",), "9610": ("border",)}

#: The fields a registration states (the rest are the service's).
REGISTERED = (
    "kind", "name", "country", "operator", "crossing", "transport", "lane_id", "ems_no",
    "area_code", "operator_code", "operator_dxp_id", "customs_code",
)  # fmt: skip


def _own_seller_id(user: User) -> str | None:
    return user.seller.id if user.role == "seller" and user.seller else None


def visible(user: User):
    """A select of the warehouses ``user`` may see: a seller the public ones and its own."""
    stmt = select(Warehouse)
    if user.role == "seller":
        own = _own_seller_id(user)
        stmt = stmt.where(or_(Warehouse.seller_id.is_(None), Warehouse.seller_id == own))
    elif user.role not in ("broker", "admin", "carrier"):
        stmt = stmt.where(False)
    return stmt


def get_warehouse(user: User, warehouse_id: str) -> Warehouse:
    """A warehouse ``user`` may see; another seller's is reported as not found."""
    found = db.session.execute(
        visible(user).where(Warehouse.id == warehouse_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("No such warehouse.")
    return found


def list_warehouses(user: User, kind: str | None = None) -> list[Warehouse]:
    stmt = visible(user).order_by(Warehouse.kind, Warehouse.name, Warehouse.id)
    if kind:
        stmt = stmt.where(Warehouse.kind == kind)
    return list(db.session.execute(stmt).scalars())


def register(user: User, data: dict) -> tuple[Warehouse, bool]:
    """Register a warehouse (validated ``data``); ``(warehouse, created)``.

    The same registration sent again returns the stored warehouse; the same name with other
    particulars in the same scope (the seller's own, or public) is a conflict.
    """
    if user.role == "seller" and user.seller is None:
        raise Forbidden("This user has no seller account.")
    seller_id = _own_seller_id(user)
    scope = Warehouse.seller_id == seller_id if seller_id else Warehouse.seller_id.is_(None)
    same_name = db.session.execute(
        select(Warehouse).where(scope, Warehouse.name == data["name"])
    ).scalar_one_or_none()
    wanted = {k: data.get(k) for k in REGISTERED}
    if wanted["lane_id"]:
        wanted.update(border_lane(wanted["lane_id"], wanted["crossing"], wanted["transport"]))
    if same_name is not None:
        if {k: getattr(same_name, k) for k in REGISTERED} == wanted:
            return same_name, False
        raise Conflict(
            f"A warehouse named {data['name']!r} is already registered with other particulars.",
            {"name": ["already registered"]},
        )
    warehouse = Warehouse(**wanted, seller_id=seller_id, created_by=user.id)
    db.session.add(warehouse)
    db.session.flush()
    audit.record(user.id, "warehouse.registered", "warehouse", warehouse.id, after=wanted)
    db.session.commit()
    return warehouse, True


def border_lane(lane_id: str, crossing: str | None, transport: str | None) -> dict:
    """The crossing and transport of a border warehouse on ``lane_id``: the lane's (a road
    or rail lane through a land border crossing); a crossing or transport given must agree."""
    try:
        lane = post_network.get_lane(lane_id)
    except NotFound:
        raise ValidationFailed("No such lane.", {"lane_id": ["no such lane"]}) from None
    named = (post_network.lane_view(lane)["border_crossing"] or {}).get("name")
    errors = {}
    if lane.mode not in BORDER_TRANSPORT:
        errors["lane_id"] = [f"a {lane.mode} lane; a border warehouse feeds road or rail lanes"]
    elif not lane.border_crossing:
        errors["lane_id"] = ["the lane names no border crossing"]
    if transport and transport != lane.mode:
        errors["transport"] = [f"the lane is {lane.mode}"]
    if crossing and crossing not in (lane.border_crossing, named):
        errors["crossing"] = [f"the lane crosses at {named or lane.border_crossing}"]
    if errors:
        raise ValidationFailed("The lane cannot feed this border warehouse.", errors)
    return {"crossing": crossing or named or lane.border_crossing, "transport": lane.mode}


def of_orders(seller_id: str, orders: Iterable[dict]) -> dict[str, Warehouse]:
    """The warehouses the orders name that the seller may use (public or its own)."""
    ids = {o["warehouse_id"] for o in orders if o.get("warehouse_id")}
    if not ids:
        return {}
    stmt = select(Warehouse).where(
        Warehouse.id.in_(ids),
        or_(Warehouse.seller_id.is_(None), Warehouse.seller_id == seller_id),
    )
    return {w.id: w for w in db.session.execute(stmt).scalars()}


def order_refusal(order: dict, places: dict[str, Warehouse]) -> str | None:
    """Why a validated order may not name its warehouse (None when it may, or names none)."""
    warehouse_id = order.get("warehouse_id")
    if not warehouse_id:
        return None
    warehouse = places.get(warehouse_id)
    if warehouse is None:
        return f"warehouse {warehouse_id} is not registered"
    mode = order.get("trade_mode") or "9610"
    kinds = KINDS_FOR_TRADE_MODE.get(mode, ())
    if warehouse.kind not in kinds:
        return (
            f"trade mode {mode} needs a {' or '.join(kinds)} warehouse; "
            f"{warehouse.name} is {warehouse.kind}"
        )
    return None


def view(warehouse: Warehouse) -> dict:
    return {
        "id": warehouse.id,
        **{k: getattr(warehouse, k) for k in REGISTERED},
        "seller_id": warehouse.seller_id,
        "public": warehouse.seller_id is None,
        "created_at": warehouse.created_at,
    }


__all__ = [
    "KINDS_FOR_TRADE_MODE",
    "get_warehouse",
    "list_warehouses",
    "of_orders",
    "order_refusal",
    "register",
    "view",
    "visible",
]
