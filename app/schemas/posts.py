"""Request and response schemas of the postal channel: offices, lanes, receptacles,
despatches. The rules come from :mod:`declarations` (IMPC form, leg fields per mode, the
crossing table, mail codes); these schemas state them in the OpenAPI document and refuse
what breaks them with field paths."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from declarations import impc, mail_codes, postal_network
from declarations.despatch import FIELD_RULES, LEG_FIELDS, MODES, leg_problems

from .fields import Country, ExactDecimal, Text
from .query import QuerySchema
from .times import Day, Instant

#: The most parcels one receptacle takes in one request, and receptacles one despatch.
MAX_RECEPTACLE_PARCELS = 2000
MAX_DESPATCH_RECEPTACLES = 999
MAX_RECEPTACLE_KG = Decimal("1000")


class Impc(fields.String):
    """An office-of-exchange code: country, 3-letter location, qualifier (UPU S34)."""

    def __init__(self, **kwargs):
        metadata = {
            "description": impc.FORMAT,
            "pattern": impc.PATTERN,
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if not impc.is_impc(text):
            raise ValidationError(f"{value!r} is not an IMPC code ({impc.FORMAT})")
        return text


# -- offices and lanes --------------------------------------------------------------------


class OfficeIn(Schema):
    code = Impc(required=True)
    name = Text(100, required=True)
    operator_code = fields.String(
        validate=validate.Regexp(r"^[A-Z0-9]{6}$", error="a 6-character UPU operator code"),
        metadata={"description": "UPU designated operator code (code list 206), e.g. J1CCNA"},
    )
    operator_name = Text(100)
    timezone = fields.String(
        required=True,
        metadata={"description": "IANA time zone of the office, e.g. Asia/Shanghai"},
    )
    valid_from = Day()
    valid_to = Day()
    reviewed = fields.Boolean(
        load_default=False,
        metadata={"description": "checked against UPU code list 108b"},
    )
    source = Text(2000, required=True, metadata={"description": "where the code comes from"})
    note = Text(2000)

    @validates("code")
    def _country(self, value: str, **kwargs) -> None:
        Country().deserialize(value[:2])

    @validates("timezone")
    def _zone(self, value: str, **kwargs) -> None:
        if not postal_network.is_timezone(value):
            raise ValidationError(f"{value!r} is not an IANA time zone")

    @validates_schema
    def _dates(self, data, **kwargs) -> None:
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            raise ValidationError("must not be before valid_from", "valid_to")


class OfficeOut(Schema):
    code = fields.String()
    name = fields.String()
    country = fields.String()
    operator_code = fields.String(allow_none=True)
    operator_name = fields.String(allow_none=True)
    timezone = fields.String()
    valid_from = Day(allow_none=True)
    valid_to = Day(allow_none=True)
    reviewed = fields.Boolean()
    source = fields.String()
    note = fields.String(allow_none=True)
    origin = fields.String(metadata={"description": "seed (reviewed data files) or api"})


class LaneIn(Schema):
    origin_office = Impc(required=True)
    destination_office = Impc(required=True)
    mode = fields.String(required=True, validate=validate.OneOf(MODES))
    border_crossing = fields.String(
        validate=validate.OneOf(tuple(postal_network.crossings())),
        metadata={"description": "required for rail lanes, allowed for road, not for air or sea"},
    )
    gateway = Text(100)
    carrier = Text(100)
    source = Text(2000, required=True)
    note = Text(2000)


class CrossingOut(Schema):
    code = fields.String()
    name = fields.String()
    across = fields.String()
    carries_mail = fields.Boolean(
        metadata={"description": "a source reports mail by rail through it (else freight only)"}
    )
    source = fields.String()


class LaneOut(Schema):
    id = fields.String()
    code = fields.String()
    origin_office = fields.String()
    destination_office = fields.String()
    mode = fields.String()
    border_crossing = fields.Nested(CrossingOut, allow_none=True)
    gateway = fields.String(allow_none=True)
    carrier = fields.String(allow_none=True)
    reviewed = fields.Boolean()
    source = fields.String()
    note = fields.String(allow_none=True)
    origin = fields.String()


class LaneQuery(QuerySchema):
    mode = fields.String(validate=validate.OneOf(MODES))
    origin_office = Impc()
    destination_office = Impc()


# -- receptacles --------------------------------------------------------------------------


class ReceptacleIn(Schema):
    origin_office = Impc(required=True)
    destination_office = Impc(required=True)
    mail_category = fields.String(
        required=True,
        validate=validate.OneOf(tuple(mail_codes.load().categories)),
        metadata={
            "description": "UPU code list 115: A air, B S.A.L., C surface, D priority surface"
        },
    )
    mail_subclass = fields.String(
        required=True,
        validate=validate.OneOf(tuple(mail_codes.load().subclasses)),
        metadata={"description": "UPU code list 117 (the codes the project's table holds)"},
    )
    parcel_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=36)),
        required=True,
        validate=validate.Length(min=1, max=MAX_RECEPTACLE_PARCELS),
    )
    gross_weight_kg = ExactDecimal(
        places=3,
        max_value=MAX_RECEPTACLE_KG,
        metadata={
            "description": "the weighed receptacle; must be the parcels' gross weights plus "
            "the tare within max(0.1 kg, 1 %). Without it, parcels + tare is used."
        },
    )
    tare_kg = ExactDecimal(
        places=3,
        allow_zero=True,
        max_value=Decimal("100"),
        metadata={"description": "empty receptacle"},
    )
    registered = fields.Boolean(
        load_default=False,
        metadata={"description": "holds registered or insured items (S9 position 25)"},
    )

    @validates_schema
    def _distinct(self, data, **kwargs) -> None:
        seen: set[str] = set()
        errors = {}
        for i, pid in enumerate(data.get("parcel_ids") or ()):
            if pid in seen:
                errors[i] = ["listed twice"]
            seen.add(pid)
        if errors:
            raise ValidationError({"parcel_ids": errors})
        if data.get("origin_office") and data.get("origin_office") == data.get(
            "destination_office"
        ):
            raise ValidationError(
                "origin and destination offices of exchange differ", "destination_office"
            )


class ReceptacleParcelOut(Schema):
    parcel_id = fields.String()
    item_id = fields.String()
    gross_weight_kg = ExactDecimal(places=3)


class ReceptacleOut(Schema):
    id = fields.String()
    s9_id = fields.String(metadata={"description": "UPU S9 identifier (29 characters)"})
    s9_grouped = fields.String()
    final = fields.Boolean(
        metadata={
            "description": "the id is final once the despatch is closed (numbered, last flag set)"
        }
    )
    status = fields.String(metadata={"description": "open, despatched or closed"})
    origin_office = fields.String()
    destination_office = fields.String()
    mail_category = fields.String()
    mail_class = fields.String()
    mail_subclass = fields.String()
    year = fields.Integer()
    despatch_number = fields.Integer()
    serial = fields.Integer()
    last = fields.Boolean()
    registered = fields.Boolean()
    gross_weight_kg = ExactDecimal(
        places=3, metadata={"description": "the weight in the S9 id, in 0.1 kg"}
    )
    declared_weight_kg = ExactDecimal(places=3, allow_none=True)
    contents_weight_kg = ExactDecimal(places=3)
    tare_kg = ExactDecimal(places=3, allow_none=True)
    parcels = fields.List(fields.Nested(ReceptacleParcelOut))
    despatch_id = fields.String(allow_none=True)
    label_url = fields.String(allow_none=True)
    created_at = Instant()


# -- despatches ---------------------------------------------------------------------------


def _leg_field(name: str) -> fields.String:
    caption, _, form = FIELD_RULES[name]
    modes = [m for m, leg in LEG_FIELDS.items() if name in leg.names]
    required = [m for m, leg in LEG_FIELDS.items() if name in leg.required]
    text = f"{caption} ({' and '.join(modes)} legs"
    text += f"; required for {' and '.join(required)}): {form}" if required else f"): {form}"
    return fields.String(metadata={"description": text})


class TransportIn(Schema):
    """A transport leg: the mode's fields (flight; train and wagon; truck; vessel and
    voyage) and no other mode's, the planned departure and optionally the arrival."""

    mode = fields.String(required=True, validate=validate.OneOf(MODES))
    departure = Instant(required=True)
    arrival = Instant()
    carrier = Text(70)
    flight = _leg_field("flight")
    airport_of_loading = _leg_field("airport_of_loading")
    airport_of_transhipment = _leg_field("airport_of_transhipment")
    airport_of_unloading = _leg_field("airport_of_unloading")
    air_waybill = _leg_field("air_waybill")
    train = _leg_field("train")
    wagon = _leg_field("wagon")
    seal = _leg_field("seal")
    consignment_note = _leg_field("consignment_note")
    truck = _leg_field("truck")
    vessel = _leg_field("vessel")
    voyage = _leg_field("voyage")
    port_of_loading = _leg_field("port_of_loading")
    port_of_discharge = _leg_field("port_of_discharge")

    @validates_schema
    def _fits_mode(self, data, **kwargs) -> None:
        mode = data.get("mode")
        if mode not in MODES:
            return
        legs = {k: v for k, v in data.items() if k in FIELD_RULES}
        problems = leg_problems(mode, legs)
        if problems:
            raise ValidationError(problems)
        arrival, departure = _utc(data.get("arrival")), _utc(data.get("departure"))
        if arrival and departure and arrival < departure:
            raise ValidationError("must not be before the departure", "arrival")

    @post_load
    def _instants(self, data, **kwargs) -> dict:
        """A time without an offset is UTC (as everywhere in the API)."""
        for key in ("departure", "arrival"):
            if data.get(key) is not None:
                data[key] = _utc(data[key])
        return data


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class DespatchIn(Schema):
    lane_id = fields.String(required=True, validate=validate.Length(min=1, max=40))
    transport = fields.Nested(TransportIn, required=True)
    receptacle_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=36)),
        required=True,
        validate=validate.Length(min=1, max=MAX_DESPATCH_RECEPTACLES),
    )

    @validates_schema
    def _distinct(self, data, **kwargs) -> None:
        ids = data.get("receptacle_ids") or []
        twice = {i: ["listed twice"] for i, r in enumerate(ids) if r in ids[:i]}
        if twice:
            raise ValidationError({"receptacle_ids": twice})


class DespatchReceptacleOut(Schema):
    id = fields.String()
    s9_id = fields.String()
    serial = fields.Integer()
    last = fields.Boolean()
    registered = fields.Boolean()
    items = fields.Integer()
    gross_weight_kg = ExactDecimal(places=3)
    label_url = fields.String(allow_none=True)


class DespatchTotalsOut(Schema):
    receptacles = fields.Integer()
    items = fields.Integer()
    gross_weight_kg = ExactDecimal(places=3)


class DocumentLinkOut(Schema):
    form = fields.String(allow_none=True)
    url = fields.String(allow_none=True, metadata={"description": "once the despatch is closed"})
    message_id = fields.String(allow_none=True)
    sha256 = fields.String(allow_none=True)
    sent_at = Instant(allow_none=True, metadata={"description": "written to the partner's outbox"})


class DespatchOut(Schema):
    id = fields.String()
    despatch_id = fields.String(
        metadata={"description": "UPU S8 despatch identifier (20 characters)"}
    )
    status = fields.String(metadata={"description": "open or closed"})
    lane_id = fields.String()
    lane_code = fields.String()
    origin_office = fields.String()
    destination_office = fields.String()
    mail_category = fields.String()
    mail_subclass = fields.String()
    year = fields.Integer()
    despatch_number = fields.Integer()
    transport = fields.Dict()
    departure_at = Instant()
    arrival_at = Instant(allow_none=True)
    receptacles = fields.List(fields.Nested(DespatchReceptacleOut))
    totals = fields.Nested(DespatchTotalsOut)
    delivery_bill = fields.Nested(DocumentLinkOut)
    pre_advice = fields.Nested(DocumentLinkOut)
    closed_at = Instant(allow_none=True)
    created_at = Instant()
