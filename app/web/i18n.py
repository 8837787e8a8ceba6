"""Languages of the pages (English, Simplified Chinese) and locale-aware formatting.

The choice is remembered in a cookie; without one, the browser's Accept-Language decides.
Amounts stay ``Decimal`` all the way into Babel's formatter (never float).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask import current_app, request
from flask_babel import format_currency, format_date, format_datetime, format_decimal

#: Locale code → its name in its own language (what the switch shows).
LANGUAGES = {"en": "English", "zh_Hans": "中文"}
LANG_COOKIE = "silkpost_lang"
LANG_COOKIE_SECONDS = 365 * 24 * 3600


def html_lang(locale: str) -> str:
    """BCP 47 tag for ``<html lang>``: ``zh_Hans`` → ``zh-Hans``."""
    return locale.replace("_", "-")


def select_locale() -> str:
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    best = request.accept_languages.best_match(["en", "zh", "zh-CN", "zh-Hans", "zh-SG"])
    return "zh_Hans" if best and best.startswith("zh") else "en"


def set_language_cookie(response, locale: str) -> None:
    response.set_cookie(
        LANG_COOKIE,
        locale,
        max_age=LANG_COOKIE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None


def money(value, currency: str | None) -> str:
    """``Decimal("1234.5"), "EUR"`` → ``€1,234.50`` (en) or ``€1,234.50`` per locale rules."""
    amount = _decimal(value)
    if amount is None:
        return ""
    if not currency:
        return format_decimal(amount)
    return format_currency(amount, currency)


def number(value) -> str:
    amount = _decimal(value)
    return "" if amount is None else format_decimal(amount)


def when(value) -> str:
    """A stored timestamp in the configured time zone, formatted for the locale."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return format_datetime(value, "medium")
    if isinstance(value, date):
        return format_date(value, "medium")
    return str(value)


def iso(value) -> str:
    """Machine-readable form for ``<time datetime>``."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value or "")


FILTERS = {"money": money, "number": number, "when": when, "iso": iso}
