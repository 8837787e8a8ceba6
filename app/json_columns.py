"""How JSON kept in databases is written and read: orjson, for every JSON column (the
engine's ``json_serializer`` / ``json_deserializer``) and the simulator's own store.

The standard library's encoder was a tenth of the clearance path's CPU: every receipt is
a status event with JSON details, every case and snapshot carries JSON, and the simulator
keeps each filing's fields as JSON. orjson writes the same JSON (compact, keys in insertion
order, non-ASCII as UTF-8 rather than escapes, which reads back the same) several times
faster. Non-string keys are written as strings, as the standard library does; anything it
cannot represent (a Decimal, a set) is refused with a ``TypeError``, as before.
"""

from __future__ import annotations

from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> str:
    return orjson.dumps(value, option=_OPTIONS).decode("utf-8")


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)


def engine_options() -> dict:
    """The engine options that make JSON columns use these."""
    return {"json_serializer": dumps, "json_deserializer": loads}
