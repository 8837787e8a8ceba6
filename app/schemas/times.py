"""Days and date-times in and out of the API: ISO 8601, date-times always with an offset.

Both are bounded to the days ``FIRST_DAY`` … ``LAST_DAY``: a day at the edge of what Python
can represent (0001-01-01, 9999-12-31) overflows as soon as it is moved to another zone or
a day further, and no customs record is dated there (422 naming the range instead).

The database keeps UTC instants, but SQLite hands them back without their zone; every
date-time the API returns therefore goes through :func:`iso_instant`, which reads a naive
value as UTC. Marshmallow schemas use :class:`Instant` for each date-time field, and the
app's JSON provider applies the same rule to date-times a view returns without a schema.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask.json.provider import DefaultJSONProvider
from marshmallow import ValidationError, fields

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
DAY_RANGE = f"between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"


def iso_instant(value: datetime) -> str:
    """ISO 8601 with an offset: an aware value keeps its own, a naive one is UTC."""
    return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).isoformat()


class Instant(fields.DateTime):
    """A date-time field: ISO 8601 in (kept as given), out always with an offset.

    A value without an offset means UTC, in and out: it is kept as sent (so the order body
    and its hash stay what the client wrote) and returned with ``+00:00``.
    """

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("metadata", {}).setdefault(
            "description", "ISO 8601 date-time with an offset; one without is read as UTC"
        )
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr, data, **kwargs) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        check_day(moment.date())
        return moment

    def _serialize(self, value: Any, attr, obj, **kwargs) -> str | None:
        return None if value is None else iso_instant(value)


def check_day(day: date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(f"Must be a day {DAY_RANGE}.")


class Day(fields.Date):
    """A calendar day (ISO 8601 ``YYYY-MM-DD``) between ``FIRST_DAY`` and ``LAST_DAY``."""

    def __init__(self, **kwargs: Any):
        metadata = kwargs.setdefault("metadata", {})
        description = metadata.get("description")
        metadata["description"] = (
            f"{description}; a day {DAY_RANGE}" if description else (f"A day {DAY_RANGE}")
        )
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr, data, **kwargs) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        check_day(day)
        return day


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON with ISO 8601 dates and date-times (instead of RFC 822 HTTP dates)."""

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, datetime):
            return iso_instant(o)
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)
