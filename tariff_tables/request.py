"""The quote request: a plain, typed mirror of the order API body.

Validation here is structural (codes, signs, HS format); whether the tables cover the
request is the engine's business and raises NotCovered instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .errors import InvalidRequest

FLOWS = frozenset({"export", "import"})
REGIMES = frozenset({"cbec", "postal"})
PAYERS = frozenset({"sender", "recipient", "third_party"})
INCOTERMS = frozenset({"EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP"})
CATEGORIES = frozenset(
    {"gift", "documents", "commercial_sample", "returned_goods", "sale_of_goods", "other"}
)
CHANNELS = frozenset({"post", "express"})  # the order API's `channel` words
_CC = re.compile(r"^[A-Z]{2}$")
_CUR = re.compile(r"^[A-Z]{3}$")
_HS = re.compile(r"^\d{6,10}$")

# THE unit table: every unit code an order line may be counted in (API and files alike),
# mapped to the customs unit the rules use: kg, g, l, ml, piece, set or pair. Codes are
# looked up case-insensitively (:func:`customs_unit`); the order schema validates units
# with this table, so an order is taken only in a unit the engine can quote.
#
# - The customs unit names and common spellings.
# - China customs numeric unit codes (计量单位代码, DOMAIN.md §5): 035 kg, 036 g, 095 l,
#   096 ml, 007 piece, 011 article, 025 pair, 001/006 set; 140 box and 142 bottle are
#   counted as pieces.
# - UN/ECE Recommendation 20, "Codes for Units of Measure Used in International Trade",
#   Revision 17 (2021) (UNECE rec20_Rev17e-2021; code list read from the
#   datasets/unece-units-of-measure data package, version 17.0): KGM kilogram, GRM gram,
#   LTR litre, MLT millilitre, H87 piece, C62 one ("Synonym: unit"), EA each, NAR number
#   of articles, PR pair, SET set, and NPR number of pairs (deprecated there: "use pair").
#   PCE is not in Rec 20 at all: it is the legacy code for piece (replaced by H87) that
#   invoices still carry, accepted as an alias. Rec 20's KG is keg, a deleted code; "KG" is
#   read as the customs unit kg. Not taken: counts by the dozen or ten (DZN, DPR, TPR, TST),
#   lengths and areas (MTR, MTK: no customs unit among ours) and packaging (Rec 21 codes
#   such as XBX; Rec 20's BX and PK are deleted in favour of them).
UNIT_ALIASES = {
    # customs unit names and spellings
    "kg": "kg",
    "g": "g",
    "l": "l",
    "litre": "l",
    "liter": "l",
    "ml": "ml",
    "piece": "piece",
    "pcs": "piece",
    "pc": "piece",
    "item": "piece",
    "bottle": "piece",
    "box": "piece",
    "set": "set",
    "pair": "pair",
    "个": "piece",
    "件": "piece",
    # China customs unit codes
    "035": "kg",
    "036": "g",
    "095": "l",
    "096": "ml",
    "007": "piece",
    "011": "piece",
    "142": "piece",
    "140": "piece",
    "001": "set",
    "006": "set",
    "025": "pair",
    # UN/ECE Recommendation 20 (Rev. 17) common codes, and the legacy PCE
    "KGM": "kg",
    "GRM": "g",
    "LTR": "l",
    "MLT": "ml",
    "H87": "piece",
    "C62": "piece",
    "EA": "piece",
    "NAR": "piece",
    "PCE": "piece",
    "PR": "pair",
    "NPR": "pair",
    "SET": "set",
}
_UNIT_BY_KEY = {code.lower(): unit for code, unit in UNIT_ALIASES.items()}
ACCEPTED_UNITS = tuple(UNIT_ALIASES)
"""The accepted unit codes, in table order (listed in the refusal of an unknown unit)."""


def customs_unit(code: object) -> str | None:
    """The customs unit (kg, g, l, ml, piece, set, pair) a unit code names; None when the
    table does not know it. Case and surrounding spaces do not matter (``pce``, ``KGM ``)."""
    return _UNIT_BY_KEY.get(str(code).strip().lower())


def unknown_unit_message(code: object) -> str:
    """The refusal of a unit the table does not know, naming every accepted code."""
    return f"unit {code!r} is not a known unit; accepted: {', '.join(ACCEPTED_UNITS)}"


def normalise_hs(code: str) -> str:
    """Digits only: `6109.10.00` → `61091000`; 6 to 10 digits are required."""
    digits = code.replace(".", "").replace(" ", "")
    if not _HS.match(digits):
        raise InvalidRequest(f"HS code {code!r} must have 6 to 10 digits")
    return digits


def _dec(name: str, value: object, *, positive: bool = False) -> Decimal:
    if isinstance(value, float) or not isinstance(value, Decimal | int | str):
        raise InvalidRequest(f"{name} must be a Decimal, int or string, not {type(value)}")
    try:
        d = Decimal(value)  # type: ignore[arg-type]
    except Exception as exc:
        raise InvalidRequest(f"{name}={value!r} is not a number") from exc
    if not d.is_finite() or d < 0 or (positive and d == 0):
        raise InvalidRequest(f"{name}={value!r} must be {'positive' if positive else '≥ 0'}")
    return d


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """One order line. `unit_value` is per `unit`, in the request currency."""

    sku: str
    description: str
    hs_code: str
    quantity: Decimal
    unit: str
    net_weight_kg: Decimal | None
    unit_value: Decimal
    origin_country: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "hs_code", normalise_hs(self.hs_code))
        object.__setattr__(self, "quantity", _dec("quantity", self.quantity, positive=True))
        object.__setattr__(self, "unit_value", _dec("unit_value", self.unit_value))
        if self.net_weight_kg is not None:
            object.__setattr__(self, "net_weight_kg", _dec("net_weight_kg", self.net_weight_kg))
        unit = customs_unit(self.unit)
        if unit is None:
            raise InvalidRequest(unknown_unit_message(self.unit))
        object.__setattr__(self, "unit", unit)
        if not _CC.match(self.origin_country or ""):
            raise InvalidRequest(f"origin_country {self.origin_country!r} is not ISO alpha-2")

    @property
    def value(self) -> Decimal:
        """Line value (quantity × unit value) in the request currency."""
        return self.quantity * self.unit_value


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    """The order as the quote engine needs it.

    - `flow`: "export" (China → abroad) or "import" (abroad → China).
    - `regime`: "cbec" or "postal" for imports into China; None elsewhere.
    - `incoterm`, `duty_payer`: who pays (DDP → the sender, whatever `duty_payer` says).
    - `seller_collects_vat`: the seller is registered to collect tax at checkout (EU IOSS,
      UK point-of-sale VAT, AU/SG/MY low-value GST, BR Remessa Conforme).
    - `origin_country`: the dispatch country; each line has its own goods origin.
    - `destination_region`: province/state when the destination taxes by region (CA HST).
    - `channel`: "post" or "express" (courier) where the rules depend on it: Canada's
      CUSMA courier thresholds, Korea's express list clearance, Mexico's courier regime.
    - `personal_use`: goods for the buyer's own use (JP 60 % rule).
    - `buyer_year_used`: CNY already counted against the buyer's CBEC annual quota.
    """

    flow: str
    currency: str
    origin_country: str
    destination_country: str
    lines: tuple[QuoteLine, ...]
    regime: str | None = None
    incoterm: str | None = None
    duty_payer: str | None = None
    shipping_cost: Decimal = Decimal(0)
    insurance_cost: Decimal = Decimal(0)
    category: str = "sale_of_goods"
    gross_weight_kg: Decimal | None = None
    buyer_id: str | None = None
    buyer_year_used: Decimal = Decimal(0)
    seller_collects_vat: bool = False
    ioss_number: str | None = None
    destination_region: str | None = None
    channel: str | None = None
    personal_use: bool = False

    def __post_init__(self) -> None:
        s = object.__setattr__
        if self.flow not in FLOWS:
            raise InvalidRequest(f"flow {self.flow!r} not one of {sorted(FLOWS)}")
        if self.regime is not None and self.regime not in REGIMES:
            raise InvalidRequest(f"regime {self.regime!r} not one of {sorted(REGIMES)}")
        if self.incoterm is not None and self.incoterm not in INCOTERMS:
            raise InvalidRequest(f"incoterm {self.incoterm!r} is not an Incoterms 2020 rule")
        if self.duty_payer is not None and self.duty_payer not in PAYERS:
            raise InvalidRequest(f"duty_payer {self.duty_payer!r} not one of {sorted(PAYERS)}")
        if self.category not in CATEGORIES:
            raise InvalidRequest(f"category {self.category!r} not one of {sorted(CATEGORIES)}")
        if self.channel is not None and self.channel not in CHANNELS:
            raise InvalidRequest(f"channel {self.channel!r} not one of {sorted(CHANNELS)}")
        if not _CUR.match(self.currency or ""):
            raise InvalidRequest(f"currency {self.currency!r} is not ISO 4217")
        for name in ("origin_country", "destination_country"):
            if not _CC.match(getattr(self, name) or ""):
                raise InvalidRequest(f"{name} {getattr(self, name)!r} is not ISO alpha-2")
        if not self.lines:
            raise InvalidRequest("an order needs at least one line")
        s(self, "lines", tuple(self.lines))
        s(self, "shipping_cost", _dec("shipping_cost", self.shipping_cost))
        s(self, "insurance_cost", _dec("insurance_cost", self.insurance_cost))
        s(self, "buyer_year_used", _dec("buyer_year_used", self.buyer_year_used))
        if self.gross_weight_kg is not None:
            s(self, "gross_weight_kg", _dec("gross_weight_kg", self.gross_weight_kg))
        if self.flow == "import" and self.destination_country != "CN":
            raise InvalidRequest("flow 'import' means goods entering China: destination CN")
        if self.flow == "export" and self.destination_country == "CN":
            raise InvalidRequest("flow 'export' means goods leaving China: destination abroad")
        if self.destination_country == "CN" and self.regime is None:
            raise InvalidRequest("imports into China need regime 'cbec' or 'postal'")

    @property
    def goods_value(self) -> Decimal:
        """Intrinsic value: the goods alone, without transport or insurance."""
        return sum((ln.value for ln in self.lines), Decimal(0))

    @property
    def weight_kg(self) -> Decimal | None:
        """Gross weight when given, else the sum of net weights when every line has one."""
        if self.gross_weight_kg is not None:
            return self.gross_weight_kg
        weights = [ln.net_weight_kg for ln in self.lines]
        if any(w is None for w in weights):
            return None
        return sum(weights, Decimal(0))  # type: ignore[arg-type]
