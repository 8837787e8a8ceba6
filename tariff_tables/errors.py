"""Domain exceptions of the tariff engine.

They are distinct so the app can map each to its own envelope: a gap in the tables is not
the same thing as an order that customs would refuse, nor as a malformed request.
"""

from __future__ import annotations

from datetime import date


class TariffError(Exception):
    """Base class for everything the engine raises on purpose."""


class NotCovered(TariffError):
    """The tables hold no sourced figure for what the quote needs.

    The engine never substitutes a zero for a missing rate: it raises this instead, and the
    message names exactly what is missing (destination, HS code, currency pair, date).
    """

    def __init__(
        self,
        what: str,
        *,
        destination: str | None = None,
        hs_code: str | None = None,
        currency_pair: tuple[str, str] | None = None,
        on: date | None = None,
    ) -> None:
        self.what = what
        self.destination = destination
        self.hs_code = hs_code
        self.currency_pair = currency_pair
        self.on = on
        parts = [what]
        if destination:
            parts.append(f"destination {destination}")
        if hs_code:
            parts.append(f"HS {hs_code}")
        if currency_pair:
            parts.append(f"currency pair {currency_pair[0]}/{currency_pair[1]}")
        if on:
            parts.append(f"on {on.isoformat()}")
        super().__init__("not covered: " + ", ".join(parts))


class QuoteRefused(TariffError):
    """The order cannot use the requested channel (e.g. over the CBEC order limit).

    `code` is stable for the app to map; customs error numbers are quoted when one exists.
    """

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class InvalidRequest(TariffError, ValueError):
    """The quote request itself is malformed (bad HS code, negative value, unknown flow)."""


class DataError(TariffError):
    """A data file breaks the table schema; raised at load time, never during a quote."""
