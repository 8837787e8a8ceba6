"""Date-times in and out of the API: ISO 8601, always with an offset.

The database keeps UTC instants, but SQLite hands them back without their zone; every
date-time the API returns therefore goes through :func:`iso_instant`, which reads a naive
value as UTC. Marshmallow schemas use :class:`Instant` for each date-time field, and the
app's JSON provider applies the same rule to date-times a view returns without a schema.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask.json.provider import DefaultJSONProvider
from marshmallow import fields


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

    def _serialize(self, value: Any, attr, obj, **kwargs) -> str | None:
        return None if value is None else iso_instant(value)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON with ISO 8601 dates and date-times (instead of RFC 822 HTTP dates)."""

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, datetime):
            return iso_instant(o)
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)
