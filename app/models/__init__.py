"""SQLAlchemy models, one module per aggregate."""

from .audit import AuditEntry
from .cases import CaseEvent, ClearanceCase, InboxFile, OutboxMessage
from .clearance import LabelBatch, QuotaLedgerEntry, StatusEvent
from .declarations import Declaration, DeclarationDocument
from .imports import ImportBatch, ImportRowError
from .inbound import InboundDecision, InboundItem
from .money import PaymentReceived, PurchaseInvoice
from .movements import MovementFiling
from .orders import Order, OrderLine, Parcel
from .posts import Despatch, DespatchSeries, Lane, Office, Receptacle, ReceptacleItem
from .s10 import S10Counter
from .summaries import SummaryDeclaration, SummaryResultLine
from .summary_filings import SummaryApplication, SummaryFiling
from .tracking import PartnerPostFile, TrackingEvent, Webhook, WebhookDelivery
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
    "InboundDecision",
    "InboundItem",
    "ROLES",
    "ApiToken",
    "AuditEntry",
    "CaseEvent",
    "ClearanceCase",
    "Declaration",
    "DeclarationDocument",
    "Despatch",
    "DespatchSeries",
    "ImportBatch",
    "ImportRowError",
    "InboxFile",
    "LabelBatch",
    "MovementFiling",
    "Lane",
    "Office",
    "Order",
    "OrderLine",
    "OutboxMessage",
    "Parcel",
    "PartnerPostFile",
    "OverseasSale",
    "Parcel",
    "PaymentReceived",
    "Profile",
    "PurchaseInvoice",
    "QuotaLedgerEntry",
    "Receptacle",
    "ReceptacleItem",
    "S10Counter",
    "Seller",
    "StatusEvent",
    "TrackingEvent",
    "User",
    "Webhook",
    "WebhookDelivery",
    "StockAllocation",
    "StockEntry",
    "StockEntryLine",
    "StockLevel",
    "StockLot",
    "StockMovement",
    "StockRelease",
    "SummaryApplication",
    "SummaryDeclaration",
    "SummaryFiling",
    "SummaryResultLine",
    "User",
    "Warehouse",
]
