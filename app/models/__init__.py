"""SQLAlchemy models, one module per aggregate."""

from .audit import AuditEntry
from .clearance import LabelBatch, QuotaLedgerEntry, StatusEvent
from .declarations import Declaration, DeclarationDocument
from .imports import ImportBatch, ImportRowError
from .money import PaymentReceived, PurchaseInvoice
from .orders import Order, OrderLine, Parcel
from .s10 import S10Counter
from .summaries import SummaryDeclaration, SummaryResultLine
from .users import ROLES, ApiToken, Profile, Seller, User
from .warehouses import (
    OverseasSale,
    StockAllocation,
    StockEntry,
    StockEntryLine,
    StockLevel,
    StockLot,
    StockMovement,
    StockRelease,
    Warehouse,
)

__all__ = [
    "ROLES",
    "ApiToken",
    "AuditEntry",
    "Declaration",
    "DeclarationDocument",
    "ImportBatch",
    "ImportRowError",
    "LabelBatch",
    "Order",
    "OrderLine",
    "OverseasSale",
    "Parcel",
    "PaymentReceived",
    "Profile",
    "PurchaseInvoice",
    "QuotaLedgerEntry",
    "S10Counter",
    "Seller",
    "StatusEvent",
    "StockAllocation",
    "StockEntry",
    "StockEntryLine",
    "StockLevel",
    "StockLot",
    "StockMovement",
    "StockRelease",
    "SummaryDeclaration",
    "SummaryResultLine",
    "User",
    "Warehouse",
]
