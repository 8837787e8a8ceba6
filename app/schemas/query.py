"""The base of every query-string schema: a parameter an endpoint does not take is an error.

The argument parser loads query strings leaving unknown keys out, so a typo such as
``?stauts=declared`` would silently list everything. Every query schema of the API
derives from :class:`QuerySchema`, which refuses such a key with a 422 naming it and the
parameters the endpoint takes. An integer parameter must fit the database's 64-bit integers
(a paging offset of 27 digits used to reach the database and fail there, 500): each integer
field states its ``validate.Range`` (at most :data:`LARGEST_INTEGER`), which the OpenAPI
document shows as ``minimum``/``maximum``.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, pre_load

LARGEST_INTEGER = 2**63 - 1


class QuerySchema(Schema):
    """Query parameters: each one the endpoint does not declare is refused by name."""

    @pre_load
    def _known_parameters_only(self, data: Any, **kwargs: Any) -> Any:
        accepted = sorted(field.data_key or name for name, field in self.load_fields.items())
        unknown = sorted(key for key in data if key not in accepted)
        if unknown:
            message = f"not a parameter of this endpoint; it takes: {', '.join(accepted)}"
            raise ValidationError({key: [message] for key in unknown})
        return data
