"""SQLAlchemy models, one module per aggregate."""

from .audit import AuditEntry
from .cases import CaseEvent, ClearanceCase, InboxFile, OutboxMessage
from .clearance import LabelBatch, QuotaLedgerEntry, StatusEvent
from .declarations import Declaration, DeclarationDocument
from .imports import ImportBatch, ImportRowError
from .orders import Order, OrderLine, Parcel
from .s10 import S10Counter
from .users import ROLES, ApiToken, Profile, Seller, User

__all__ = [
    "ROLES",
    "ApiToken",
    "AuditEntry",
    "CaseEvent",
    "ClearanceCase",
    "Declaration",
    "DeclarationDocument",
    "ImportBatch",
    "ImportRowError",
    "InboxFile",
    "LabelBatch",
    "Order",
    "OrderLine",
    "OutboxMessage",
    "Parcel",
    "Profile",
    "QuotaLedgerEntry",
    "S10Counter",
    "Seller",
    "StatusEvent",
    "User",
]
