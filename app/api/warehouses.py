"""Warehouses (overseas, bonded, border) and the stock kept in them per seller and SKU."""

from __future__ import annotations

from flask_smorest import Blueprint

from ..auth import current_user, roles_required
from ..extensions import db
from ..models import StockEntry
from ..schemas.warehouses import (
    AdjustmentIn,
    EntryIn,
    EntryOut,
    MovementOut,
    MovementPageOut,
    MovementQuery,
    ReleaseIn,
    ReleaseOut,
    SaleIn,
    SaleOut,
    StockOut,
    StockQuery,
    WarehouseIn,
    WarehouseOut,
    WarehouseQuery,
)
from ..services import site_entries, stock, stock_in, stock_out
from ..services import warehouses as service

blp = Blueprint(
    "warehouses", __name__, url_prefix="/warehouses", description="Warehouses and stock"
)

_STOCK_409 = "Not enough stock: the message and errors name each SKU with its quantities"


def _warehouse(warehouse_id: str):
    return service.get_warehouse(current_user(), warehouse_id)


def _created(found: tuple) -> tuple:
    """``(object, created)`` from a service as the body and 201 (new) or 200 (known)."""
    obj, created = found
    return obj, 201 if created else 200


@blp.route("", methods=["POST"])
@roles_required("seller", "broker")
@blp.arguments(WarehouseIn)
@blp.response(201, WarehouseOut, description="Registered")
@blp.alt_response(200, schema=WarehouseOut, description="Already registered so")
def register(data):
    """Register a warehouse: a seller's own, or (brokers, admins) a public one any seller
    may keep stock in. Border warehouses name their land crossing."""
    warehouse, code = _created(service.register(current_user(), data))
    return service.view(warehouse), code


@blp.route("", methods=["GET"])
@roles_required("seller", "broker", "carrier")
@blp.arguments(WarehouseQuery, location="query")
@blp.response(200, WarehouseOut(many=True))
def list_warehouses(query):
    """The warehouses the caller may use: a seller the public ones and its own."""
    found = service.list_warehouses(current_user(), query.get("kind"))
    return [service.view(w) for w in found]


@blp.route("/<string:warehouse_id>", methods=["GET"])
@roles_required("seller", "broker", "carrier")
@blp.response(200, WarehouseOut)
def get_warehouse(warehouse_id):
    return service.view(_warehouse(warehouse_id))


@blp.route("/<string:warehouse_id>/stock", methods=["GET"])
@roles_required("seller", "broker")
@blp.arguments(StockQuery, location="query")
@blp.response(200, StockOut)
def get_stock(query, warehouse_id):
    """Each SKU's balance (a seller sees its own). Released 9810 exports bound for the
    warehouse are booked in first."""
    warehouse = _warehouse(warehouse_id)
    seller_id = stock.seller_scope(current_user(), query.get("seller_id"))
    booked = stock.book_exports(warehouse)
    return {
        "warehouse_id": warehouse.id,
        "kind": warehouse.kind,
        "booked_exports": booked,
        "items": stock.levels(warehouse, seller_id, query.get("sku")),
    }


@blp.route("/<string:warehouse_id>/movements", methods=["GET"])
@roles_required("seller", "broker")
@blp.arguments(MovementQuery, location="query")
@blp.response(200, MovementPageOut)
def get_movements(query, warehouse_id):
    """The stock ledger, oldest first: every arrival and departure with the balance after."""
    warehouse = _warehouse(warehouse_id)
    seller_id = stock.seller_scope(current_user(), query.get("seller_id"))
    stock.book_exports(warehouse)
    return stock.movements(warehouse, seller_id, query.get("sku"), query["page"], query["per_page"])


@blp.route("/<string:warehouse_id>/entries", methods=["POST"])
@roles_required("seller", "broker")
@blp.arguments(EntryIn)
@blp.response(201, EntryOut, description="Entered into stock")
@blp.alt_response(200, schema=EntryOut, description="This entry was already recorded")
@blp.alt_response(409, description="Not a bonded or border warehouse, or the reference is taken")
@blp.alt_response(422, description="Bad input, or a bonded entry lacking what its CEB711 needs")
@blp.alt_response(503, description="The job queue is unreachable: nothing was stored")
def post_entry(data, warehouse_id):
    """Goods entered into a bonded or border warehouse, by SKU, under the entry's reference
    (sending the same entry again changes nothing). A bonded entry states its `transport`
    and is reported to customs as a site entry record (CEB711, filed by a job); its stock
    counts at once, `customs.confirmed` says when customs have entered it (CEB712)."""
    entry, code = _created(stock_in.enter(current_user(), _warehouse(warehouse_id), data))
    return site_entries.entry_views([entry])[0], code


@blp.route("/<string:warehouse_id>/entries", methods=["GET"])
@roles_required("seller", "broker")
@blp.arguments(StockQuery, location="query")
@blp.response(200, EntryOut(many=True))
def list_entries(query, warehouse_id):
    warehouse = _warehouse(warehouse_id)
    seller_id = stock.seller_scope(current_user(), query.get("seller_id"))
    stmt = db.select(StockEntry).where(StockEntry.warehouse_id == warehouse.id)
    if seller_id:
        stmt = stmt.where(StockEntry.seller_id == seller_id)
    return site_entries.entry_views(
        list(db.session.execute(stmt.order_by(StockEntry.entered_at)).scalars())
    )


@blp.route("/<string:warehouse_id>/adjustments", methods=["POST"])
@roles_required("seller", "broker")
@blp.arguments(AdjustmentIn)
@blp.response(201, MovementOut)
@blp.alt_response(409, description=_STOCK_409)
def post_adjustment(data, warehouse_id):
    """A counted correction with its reason (damaged, lost, found); never below zero."""
    return stock.adjust(current_user(), _warehouse(warehouse_id), data), 201


@blp.route("/<string:warehouse_id>/sales", methods=["POST"])
@roles_required("seller", "broker")
@blp.arguments(SaleIn)
@blp.response(201, SaleOut, description="Sold out of stock")
@blp.alt_response(200, schema=SaleOut, description="This sale was already recorded")
@blp.alt_response(409, description=_STOCK_409)
def post_sale(data, warehouse_id):
    """A sale out of an overseas or border warehouse; `trace` links each unit back to the
    9810 export it left China under (order line, inventory number, declaration line)."""
    sale, code = _created(stock_out.sell(current_user(), _warehouse(warehouse_id), data))
    return stock_out.sale_views([sale])[0], code


@blp.route("/<string:warehouse_id>/sales", methods=["GET"])
@roles_required("seller", "broker")
@blp.arguments(StockQuery, location="query")
@blp.response(200, SaleOut(many=True))
def list_sales(query, warehouse_id):
    warehouse = _warehouse(warehouse_id)
    seller_id = stock.seller_scope(current_user(), query.get("seller_id"))
    return stock_out.sale_views(stock_out.sales(warehouse, seller_id, query.get("sku")))


@blp.route("/<string:warehouse_id>/releases", methods=["POST"])
@roles_required("seller", "broker")
@blp.arguments(ReleaseIn)
@blp.response(201, ReleaseOut, description="Released from stock")
@blp.alt_response(200, schema=ReleaseOut, description="Released before")
@blp.alt_response(409, description=_STOCK_409 + "; or the buyer's annual quota is exceeded")
def post_release(data, warehouse_id):
    """Release a buyer's order from stock: a 1210 order from a bonded warehouse (counted
    against the buyer's annual CBEC quota; its CEB621 states trade mode 1210), or a 9610
    export from a border warehouse. All lines or nothing."""
    found, code = _created(
        stock_out.release(current_user(), _warehouse(warehouse_id), data["order_id"])
    )
    return stock_out.release_views([found])[0], code


@blp.route("/<string:warehouse_id>/releases", methods=["GET"])
@roles_required("seller", "broker", "carrier")
@blp.arguments(StockQuery, location="query")
@blp.response(200, ReleaseOut(many=True))
def list_releases(query, warehouse_id):
    """Orders released from the warehouse (a border warehouse's feed its despatches)."""
    warehouse = _warehouse(warehouse_id)
    seller_id = stock.seller_scope(current_user(), query.get("seller_id"))
    return stock_out.release_views(stock_out.releases(warehouse, seller_id))
