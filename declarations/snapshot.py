"""The declaration snapshot: one frozen, versioned record every customs document is built from.

Why a snapshot: a declaration filed with customs must be reproducible byte for byte long after
the order, the seller's profile or the tariff have changed. The application copies everything
a document needs into a :class:`DeclarationSnapshot` once, stores its JSON form, and every
document (ITMATT, CEB XML, CN22/CN23 PDFs) is a pure function of it.

Rules of the record:

* plain frozen dataclasses of ``str``, ``int``, ``Decimal``, ``date``/``datetime``, tuples of
  the same and nested records; the tariff quote is kept as the opaque JSON dict the tariff
  engine produced;
* ``to_json()`` gives a dict of JSON types (decimals as strings so no precision is lost) and
  ``from_json()`` restores an equal snapshot; ``schema_version`` says which layout a stored
  dict has, and :func:`DeclarationSnapshot.from_json` upgrades older layouts;
* constructors are forgiving about input types (``"12.50"``, ``12`` and ``Decimal("12.50")``
  are all accepted for money, lists become tuples) so the application can feed database rows
  directly; they are strict about nothing else — document builders do the business checks.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

SCHEMA_VERSION = 1

ZERO = Decimal("0")


class SnapshotError(ValueError):
    """A stored snapshot dict that cannot be read (unknown version, wrong shape)."""


# --------------------------------------------------------------------------------------------
# Generic conversion between the typed records and JSON-compatible dicts.
# --------------------------------------------------------------------------------------------


def _present(hint: Any) -> Any:
    """The type of an optional field's value when it is there (``X`` for ``X | None``)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


def _coerce(value: Any, hint: Any) -> Any:
    """Convert a constructor argument to the declared field type (lenient, never lossy)."""
    return None if value is None else _coercer(hint)(value)


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def _to_datetime(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _to_date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _to_str(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _as_is(value: Any) -> Any:
    return value


@functools.cache
def _coercer(hint: Any) -> Callable[[Any], Any]:
    """How a (present) value of the field type ``hint`` is converted: worked out once per
    type, since every snapshot converts thousands of values."""
    hint = _present(hint)
    simple = {Decimal: _to_decimal, datetime: _to_datetime, date: _to_date, str: _to_str}
    if hint in simple:
        return simple[hint]
    if typing.get_origin(hint) is tuple:
        (item_hint, _ellipsis) = typing.get_args(hint)
        return functools.partial(_to_tuple, item_hint)
    if dataclasses.is_dataclass(hint):
        return functools.partial(_to_record, hint)
    return _as_is


def _to_tuple(item_hint: Any, value: Any) -> tuple:
    return tuple(_coerce(v, item_hint) for v in value)


def _to_record(cls: type, value: Any) -> Any:
    return cls(**value) if isinstance(value, dict) else value


_JSON_AS_IS = (str, int, bool, type(None), float)


def _to_json(value: Any) -> Any:
    kind = type(value)
    if kind in _JSON_AS_IS:
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {name: _to_json(getattr(value, name)) for name in _field_names(kind)}
    if isinstance(value, dict):
        return _copied(value)
    return value


def _copied(value: Any) -> Any:
    """A copy of a JSON value (dicts and lists new, nothing shared with the original)."""
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copied(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_copied(v) for v in value)
    return value if isinstance(value, _JSON_AS_IS) else copy.deepcopy(value)


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _from_json(value: Any, hint: Any) -> Any:
    """The typed value of a JSON value: records and tuples field by field, plain dicts
    copied, anything else as the constructors coerce it."""
    hint = _present(hint)
    if value is not None and dataclasses.is_dataclass(hint):
        return _record_from_json(value, hint)
    if value is not None and typing.get_origin(hint) is tuple:
        (item_hint, _ellipsis) = typing.get_args(hint)
        return tuple(_from_json(v, item_hint) for v in value)
    if typing.get_origin(hint) is dict or hint is dict:
        return _copied(value)
    return _coerce(value, hint)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """The resolved field types of a record class (slow to resolve, and never changing)."""
    return typing.get_type_hints(cls)


def _record_from_json(value: Any, cls: type) -> Any:
    if not isinstance(value, dict):
        raise SnapshotError(f"{cls.__name__}: expected an object, got {type(value).__name__}")
    hints = _hints(cls)
    unknown = set(value) - {f.name for f in dataclasses.fields(cls)}
    if unknown:
        raise SnapshotError(f"{cls.__name__}: unknown keys {sorted(unknown)}")
    return cls(**{k: _from_json(v, hints[k]) for k, v in value.items()})


@functools.cache
def _converters(cls: type) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """Each field of a record class with how its constructor value is converted."""
    hints = _hints(cls)
    return tuple((name, _coercer(hints[name])) for name in _field_names(cls))


class _Record:
    """Mixin for frozen records: coerce constructor values, serialise to JSON types."""

    def __post_init__(self) -> None:
        for name, convert in _converters(type(self)):
            raw = getattr(self, name)
            if raw is None:
                continue
            value = convert(raw)
            if value is not raw:
                object.__setattr__(self, name, value)

    def to_json(self) -> dict[str, Any]:
        """JSON-compatible dict: decimals as strings, dates in ISO 8601."""
        return _to_json(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Any:
        return _from_json(data, cls)


# --------------------------------------------------------------------------------------------
# The records.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Party(_Record):
    """Sender, recipient or buyer. ``country`` is ISO 3166-1 alpha-2.

    ``tax_id`` is the customs/tax reference printed on CN23 and sent in ITMATT (VAT, IOSS,
    EORI, USCI…); ``id_number`` is a personal identity document number (China's CBEC import
    requires the buyer's resident ID).
    """

    name: str
    company: str = ""
    street: str = ""
    city: str = ""
    postcode: str = ""
    state: str = ""
    country: str = ""
    phone: str = ""
    email: str = ""
    tax_id: str = ""
    id_number: str = ""

    def address_line(self) -> str:
        """One-line postal address, most specific part last as Chinese addresses are written
        when the party is in China, Western order otherwise."""
        if self.country == "CN":
            parts = [self.state, self.city, self.street]
            return "".join(p for p in parts if p)
        parts = [self.street, self.city, self.state, self.postcode, self.country]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Line(_Record):
    """One article of the order.

    ``unit`` is a unit name from :mod:`declarations.ceb.codes` (``piece``, ``pair``, ``kg``…)
    or a three-digit China customs unit code. ``net_weight_kg`` is the net weight of the whole
    line; ``unit_value`` is in the order currency. The optional fields carry what China customs
    needs beyond a CN23: the legal (statutory) unit and quantity of the tariff line, the
    brand/specification text (``spec`` → gmodel), the barcode and, for bonded stock, the
    warehouse-book item number.
    """

    sku: str
    description: str
    hs_code: str
    quantity: Decimal
    unit: str
    net_weight_kg: Decimal
    unit_value: Decimal
    origin_country: str
    description_local: str = ""
    spec: str = ""
    barcode: str = ""
    legal_unit: str = ""
    legal_quantity: Decimal | None = None
    second_unit: str = ""
    second_quantity: Decimal | None = None
    item_record_no: str = ""

    @property
    def total_value(self) -> Decimal:
        return self.quantity * self.unit_value


@dataclass(frozen=True)
class Order(_Record):
    """The commercial facts of the order.

    ``flow`` is ``export`` or ``import``; ``regime`` is ``cbec`` (cross-border e-commerce
    declaration) or ``postal`` (personal postal article). ``category`` is the CN22/CN23 box 10
    value: ``gift``, ``documents``, ``commercial_sample``, ``returned_goods``,
    ``sale_of_goods`` or ``other`` (then ``category_explanation`` says what). ``item_id`` is
    the S10 id; ``logistics_no`` is the carrier's waybill number when it differs from it.
    """

    order_no: str
    flow: str
    regime: str
    currency: str
    ordered_at: datetime
    item_id: str
    incoterm: str = "DAP"
    shipping_cost: Decimal = ZERO
    insurance_cost: Decimal = ZERO
    discount: Decimal = ZERO
    category: str = "sale_of_goods"
    category_explanation: str = ""
    gross_weight_kg: Decimal = ZERO
    buyer_reg_no: str = ""
    logistics_no: str = ""
    invoice_no: str = ""
    licence_no: str = ""
    certificate_no: str = ""
    comments: str = ""
    posting_office: str = ""
    mail_class: str = ""
    note: str = ""

    @property
    def waybill_no(self) -> str:
        """The carrier's waybill number: its own when it has one, else the S10 item id."""
        return self.logistics_no or self.item_id


@dataclass(frozen=True)
class SellerRegistration(_Record):
    """The seller's China customs registration (电商企业) and the platform it sells on
    (电商平台; a seller selling on its own site is its own platform)."""

    customs_code: str
    name: str
    dxp_id: str = ""
    platform_code: str = ""
    platform_name: str = ""

    @property
    def ebp_code(self) -> str:
        return self.platform_code or self.customs_code

    @property
    def ebp_name(self) -> str:
        return self.platform_name or self.name


@dataclass(frozen=True)
class BrokerRegistration(_Record):
    """The customs broker who files in the seller's name (报关企业, agentCode/agentName)."""

    customs_code: str
    name: str
    dxp_id: str = ""


@dataclass(frozen=True)
class LogisticsOperator(_Record):
    """The postal/express operator carrying the parcel (物流企业), by its customs code, and
    the DXP id it sends its waybills from (empty: the declarer transmits them)."""

    code: str
    name: str
    dxp_id: str = ""


@dataclass(frozen=True)
class Payment(_Record):
    """The payment record behind an import order (支付凭证). ``amount_paid`` is the amount the
    payment company reports; when given it must equal the order's acturalPaid."""

    pay_code: str
    pay_name: str
    transaction_id: str
    paid_at: datetime
    amount_paid: Decimal | None = None


@dataclass(frozen=True)
class CustomsFiling(_Record):
    """CEB filing particulars that belong to the shipment rather than the order.

    Codes are China customs codes: ``customs_code``/``port_code`` are 4-digit customs
    district codes, ``trade_mode`` 9610/1210/…, ``traf_mode`` the transport mode code,
    ``wrap_type`` the packing code, ``pod`` the export port of destination. Identifiers issued
    by customs (``pre_no``, ``invt_no``) are filled in once the receipts bring them; they are
    needed for cancels, returns and the CEB701 summary.
    """

    customs_code: str = ""
    port_code: str = ""
    trade_mode: str = "9610"
    traf_mode: str = "5"
    traf_name: str = ""
    voyage_no: str = ""
    bill_no: str = ""
    total_package_no: str = ""
    loct_no: str = ""
    licence_no: str = ""
    assure_code: str = ""
    ems_no: str = ""
    area_code: str = ""
    area_name: str = ""
    wrap_type: str = "2"
    cop_no: str = ""
    pre_no: str = ""
    invt_no: str = ""
    declared_on: date | None = None
    ie_date: date | None = None
    pod: str = ""
    statistics_flag: str = "A"
    owner_code: str = ""
    owner_name: str = ""


@dataclass(frozen=True)
class FormChoice(_Record):
    """Which UPU form the item travels under, and the figures that decided it."""

    form: str
    value_sdr: Decimal
    threshold_sdr: Decimal
    sdr_rate: Decimal
    sdr_rate_currency: str
    sdr_rate_date: date


@dataclass(frozen=True)
class DeclarationSnapshot(_Record):
    """Everything needed to produce the customs documents of one parcel."""

    order: Order
    sender: Party
    recipient: Party
    lines: tuple[Line, ...]
    seller: SellerRegistration
    created_at: datetime
    quote: dict[str, Any] | None = None
    broker: BrokerRegistration | None = None
    logistics: LogisticsOperator | None = None
    payment: Payment | None = None
    buyer: Party | None = None
    filing: CustomsFiling = field(default_factory=CustomsFiling)
    form: FormChoice | None = None
    schema_version: int = SCHEMA_VERSION

    # -- derived values used by several documents -------------------------------------------

    @property
    def goods_value(self) -> Decimal:
        """Sum of line values in the order currency."""
        return sum((line.total_value for line in self.lines), ZERO)

    @property
    def net_weight_kg(self) -> Decimal:
        return sum((line.net_weight_kg for line in self.lines), ZERO)

    @property
    def buyer_party(self) -> Party:
        """The buyer (订购人); the recipient unless a separate buyer was recorded."""
        return self.buyer or self.recipient

    def quote_amount(self, key: str) -> Decimal:
        """A money figure of the quote (``tax_total``, ``duty_total``, ``total``); zero when the
        order has no quote, as customs expect ``0`` rather than an absent tax."""
        if not self.quote or self.quote.get(key) in (None, ""):
            return ZERO
        return Decimal(str(self.quote[key]))

    @property
    def quote_currency(self) -> str:
        return str((self.quote or {}).get("currency") or self.order.currency)

    def with_changes(self, **changes: Any) -> DeclarationSnapshot:
        """A copy with some top-level fields replaced (records are immutable)."""
        return dataclasses.replace(self, **changes)

    # -- versioned JSON ---------------------------------------------------------------------

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DeclarationSnapshot:
        """Rebuild a snapshot from its stored dict, upgrading older layouts first."""
        if not isinstance(data, dict):
            raise SnapshotError("a snapshot is a JSON object")
        version = data.get("schema_version")
        if not isinstance(version, int):
            raise SnapshotError("schema_version missing or not an integer")
        if version > SCHEMA_VERSION:
            raise SnapshotError(
                f"snapshot schema_version {version} is newer than this code ({SCHEMA_VERSION})"
            )
        data = copy.deepcopy(data)
        while data["schema_version"] < SCHEMA_VERSION:
            data = _MIGRATIONS[data["schema_version"]](data)
        return _from_json(data, cls)


#: schema_version N -> function turning a version-N dict into a version-N+1 dict.
_MIGRATIONS: dict[int, typing.Callable[[dict[str, Any]], dict[str, Any]]] = {}
