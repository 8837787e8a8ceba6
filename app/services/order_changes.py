"""Changing a stored order: its body as the seller would send it, and replacing it.

``order_body`` gives the order in the input shape of ``OrderIn`` (every field present, None
where unset), so a change can be stated as field paths of the error envelope
(``items.0.hs_code``); ``replace_order`` validates a whole new body with the same schema as
a new order and rewrites the order, its lines and its parcel in the caller's transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ..errors import ValidationFailed
from ..models import Order, OrderLine, User
from ..models.base import new_id, utcnow
from ..schemas.orders import LineSchema, OrderIn, PartySchema
from . import audit, quoting
from .orders import body_hash, validate_order

#: Order columns a replacement rewrites (besides parties, payment, lines and totals).
SCALARS = (
    "incoterm",
    "freight_payer",
    "duty_payer",
    "currency",
    "shipping_cost",
    "insurance_cost",
    "category",
    "category_explanation",
    "gross_weight_kg",
    "ordered_at",
    "seller_collects_vat",
)
#: What identifies the order and its parcel: never changed by a replacement.
FIXED = ("order_no", "flow", "regime", "item_id")
PARTY_FIELDS = tuple(PartySchema().fields)
LINE_FIELDS = tuple(LineSchema().fields)


def _text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _party(stored: dict) -> dict:
    return {f: stored.get(f) for f in PARTY_FIELDS}


def order_body(order: Order) -> dict:
    """The order as an ``OrderIn`` body (JSON values), every field present."""
    body: dict[str, Any] = {
        f: _text(getattr(order, f)) for f in ("order_no", "flow", "regime", *SCALARS)
    }
    body["item_id"] = order.parcels[0].item_id if order.parcels else None
    body["payment"] = dict(order.payment) if order.payment else None
    body["sender"] = _party(order.sender)
    body["recipient"] = _party(order.recipient)
    body["items"] = [{f: _text(getattr(ln, f)) for f in LINE_FIELDS} for ln in order.lines]
    return {k: body[k] for k in OrderIn().fields if k in body}


def _fixed_fields(order: Order, data: dict) -> dict[str, list[str]]:
    current = order_body(order)
    errors = {}
    for name in FIXED:
        if data.get(name) not in (None, current[name]):
            errors[name] = [f"cannot change ({current[name]}) once the order is stored"]
    return errors


def replace_order(user: User, order: Order, body: Any, actor: User | None) -> Order:  # noqa: ARG001
    """Rewrite ``order`` from a new body (validated as a new order would be); the order
    number, flow, regime and item id stay. Does not commit."""
    data = validate_order(body)
    errors = _fixed_fields(order, data)
    if errors:
        raise ValidationFailed("The order has fields that cannot change; see errors.", errors)
    before = order_body(order)
    for name in SCALARS:
        setattr(order, name, data.get(name))
    order.seller_collects_vat = bool(data.get("seller_collects_vat"))
    order.sender = {k: v for k, v in data["sender"].items() if v is not None}
    order.recipient = {k: v for k, v in data["recipient"].items() if v is not None}
    order.payment = _payment(data.get("payment"))
    order.lines = [_line(n, item) for n, item in enumerate(data["items"], start=1)]
    order.goods_value = sum((ln.line_value for ln in order.lines), Decimal(0))
    order.net_weight_kg = sum((ln.net_weight_kg for ln in order.lines), Decimal(0))
    for parcel in order.parcels[:1]:
        parcel.gross_weight_kg = data["gross_weight_kg"]
    order.body_hash = body_hash(data)
    order.quote, order.quote_error = quoting.frozen_quote(data, utcnow().date())
    after = order_body(order)
    audit.record(
        actor.id if actor else None,
        "order.replaced",
        "order",
        order.id,
        before={"changes": {p: v[0] for p, v in diff(before, after).items()}},
        after={"changes": {p: v[1] for p, v in diff(before, after).items()}},
    )
    return order


def _payment(p: dict | None) -> dict | None:
    return {**p, "paid_at": p["paid_at"].isoformat()} if p else None


def _line(n: int, item: dict) -> OrderLine:
    values = {f: item.get(f) for f in LINE_FIELDS}
    values["unit"] = values["unit"] or "piece"
    return OrderLine(
        id=new_id(), line_no=n, line_value=item["quantity"] * item["unit_value"], **values
    )


# -- field paths ----------------------------------------------------------------------------


def _walk(body: Any, path: str) -> tuple[Any, str | int]:
    """The container holding ``path`` and the key in it; KeyError when there is none."""
    parts = path.split(".")
    node = body
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
        if not isinstance(node, dict | list):
            raise KeyError(path)
    last: str | int = parts[-1]
    if isinstance(node, list):
        last = int(last)
        if not 0 <= last < len(node):
            raise KeyError(path)
    elif last not in node:
        raise KeyError(path)
    return node, last


def apply_paths(body: dict, fields: dict[str, Any]) -> dict:
    """A copy of ``body`` with each ``{"items.0.hs_code": value}`` set; paths that do not
    name a field of the order are a 422 naming them."""
    import copy

    changed = copy.deepcopy(body)
    unknown = {}
    for path, value in fields.items():
        if path.split(".")[0] in FIXED:
            unknown[path] = ["cannot change once the order is stored"]
            continue
        try:
            node, key = _walk(changed, path)
        except (KeyError, IndexError, ValueError, TypeError):
            unknown[path] = ["not a field of this order"]
            continue
        node[key] = value
    if unknown:
        raise ValidationFailed("The amendment names fields the order does not have.", unknown)
    return changed


def diff(before: Any, after: Any, prefix: str = "") -> dict[str, tuple[Any, Any]]:
    """``{path: (before, after)}`` for every leaf that differs (lines added or removed
    show as whole values)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: dict[str, tuple[Any, Any]] = {}
        for key in dict.fromkeys([*before, *after]):
            out.update(diff(before.get(key), after.get(key), f"{prefix}{key}."))
        return out
    if isinstance(before, list) and isinstance(after, list):
        out = {}
        for n in range(max(len(before), len(after))):
            b = before[n] if n < len(before) else None
            a = after[n] if n < len(after) else None
            out.update(diff(b, a, f"{prefix}{n}."))
        return out
    return {} if before == after else {prefix.rstrip("."): (before, after)}
