"""Silkpost tariff tables: dated duty/tax data and the pure landed-cost, quota and rebate
calculators. Framework-free: plain dataclasses in, plain dataclasses out, Decimal only.

Public API:
    quote(request, as_of, tariff=None) -> Quote
    load_tariff(root=None) -> Tariff
    QuoteRequest, QuoteLine, Quote
    NotCovered, QuoteRefused, InvalidRequest
    rebate(...), fx_settlement_report(...), quota helpers (tariff_tables.quota)
"""

from .errors import DataError, InvalidRequest, NotCovered, QuoteRefused, TariffError
from .loader import load_tariff
from .model import FxRate
from .quote import quote
from .rebates import RebateResult, rebate
from .request import QuoteLine, QuoteRequest
from .result import DutyLine, FeeLine, Quote, Rule, TaxLine
from .settlement import fx_settlement_report
from .tariff import Tariff

__all__ = [
    "DataError",
    "DutyLine",
    "FeeLine",
    "FxRate",
    "InvalidRequest",
    "NotCovered",
    "Quote",
    "QuoteLine",
    "QuoteRefused",
    "QuoteRequest",
    "RebateResult",
    "Rule",
    "Tariff",
    "TariffError",
    "TaxLine",
    "fx_settlement_report",
    "load_tariff",
    "quote",
    "rebate",
]
