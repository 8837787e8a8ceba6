"""Languages of the pages (English, Simplified Chinese) and locale-aware formatting.

The choice is remembered in a cookie; without one, the browser's Accept-Language decides.
Amounts stay ``Decimal`` all the way into Babel's formatter (never float).
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from flask import current_app, request
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    format_timedelta,
)

#: Locale code → its name in its own language (what the switch shows).
LANGUAGES = {"en": "English", "zh_Hans": "中文"}
LANG_COOKIE = "silkpost_lang"
LANG_COOKIE_SECONDS = 365 * 24 * 3600


SHIPPED_CATALOGUES = Path(__file__).with_name("translations")


def _stale(po: Path) -> bool:
    mo = po.with_suffix(".mo")
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def _compile(po: Path, mo: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh)
    mo.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=mo.parent, suffix=".part")
    with os.fdopen(fd, "wb") as out:
        write_mo(out, catalog)
    os.replace(tmp, mo)  # atomic: several web workers may start at once


def catalogue_dir(data_dir: Path) -> Path:
    """Where Babel finds the compiled catalogues.

    ``make install`` compiles them beside the ``.po`` files. An install that skipped it
    (a wheel, a container image) gets them compiled once under the data dir instead of
    silently showing English.
    """
    pos = sorted(SHIPPED_CATALOGUES.glob("*/LC_MESSAGES/messages.po"))
    if not any(_stale(po) for po in pos):
        return SHIPPED_CATALOGUES
    target = data_dir / "translations"
    for po in pos:
        mo = target / po.relative_to(SHIPPED_CATALOGUES).with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            _compile(po, mo)
    return target


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


def percent(value) -> str:
    """``Decimal("0.13")`` → ``13%``; a rate's every digit is kept (``0.135`` → ``13.5%``)."""
    rate = _decimal(value)
    if rate is None:
        return ""
    return format_percent(rate, "#,##0.###%")


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


def age(value) -> str:
    """How long ago a stored timestamp was, in words of the locale ("3 hours")."""
    if not isinstance(value, datetime):
        return ""
    from ..models.base import utcnow

    if value.tzinfo is None:  # SQLite gives back the stored UTC time without its offset
        value = value.replace(tzinfo=UTC)
    return format_timedelta(utcnow() - value, threshold=1.1)


FILTERS = {
    "money": money,
    "number": number,
    "percent": percent,
    "when": when,
    "iso": iso,
    "age": age,
}
