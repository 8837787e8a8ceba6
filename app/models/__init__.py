"""SQLAlchemy models, one module per aggregate."""

from .audit import AuditEntry
from .clearance import LabelBatch, QuotaLedgerEntry, StatusEvent
from .declarations import Declaration, DeclarationDocument
from .imports import ImportBatch, ImportRowError
from .orders import Order, OrderLine, Parcel
from .s10 import S10Counter
from .tracking import PartnerPostFile, TrackingEvent, Webhook, WebhookDelivery
from .users import ROLES, ApiToken, Profile, Seller, User

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
    "Parcel",
    "PartnerPostFile",
    "Profile",
    "QuotaLedgerEntry",
    "S10Counter",
    "Seller",
    "StatusEvent",
    "TrackingEvent",
    "User",
    "Webhook",
    "WebhookDelivery",
]
