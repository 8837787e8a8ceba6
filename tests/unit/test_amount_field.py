"""Stored amounts leave with their cents whatever scale the database returned them at."""

from decimal import Decimal

import pytest
from marshmallow import Schema

from app.schemas.fields import Amount


class _Out(Schema):
    amount = Amount(allow_none=True)


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (Decimal("160.00000"), "160.00"),  # PostgreSQL NUMERIC(18, 5)
        ("160.00", "160.00"),  # SQLite keeps the text
        (Decimal("0E-5"), "0.00"),
        (Decimal("12.34500"), "12.345"),  # more places than cents are kept, never rounded
        (None, None),
    ],
)
def test_amounts_leave_with_their_cents(stored, shown):
    assert _Out().dump({"amount": stored}) == {"amount": shown}
