"""Binding the pages to an app: Babel, CSRF on every form, security headers, templates."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, request
from flask_babel import get_locale

from . import errors, i18n, nav, texts, web
from .extensions import babel, csrf
from .session import forget_user, signed_in_user

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
API_PREFIX = "/api/"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _security_headers(response):
    if response.mimetype == "text/html":
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
    return response


def _csrf_for_forms() -> None:
    """Every form post outside the API carries a CSRF token; the API uses Bearer tokens
    (never cookies), so a forged cross-site request cannot act for anyone there. A request
    that matches no route acts on nothing: it gets its 404 or 405, not a CSRF refusal."""
    if (
        request.method in UNSAFE_METHODS
        and request.url_rule is not None
        and not request.path.startswith(API_PREFIX)
    ):
        csrf.protect()


def _template_context() -> dict:
    user = signed_in_user()
    locale = str(get_locale())
    return {
        "user": user,
        "nav_items": nav.items_for(user),
        "languages": i18n.LANGUAGES,
        "locale": locale,
        "html_lang": i18n.html_lang(locale),
        "poll_ms": current_app.config.get("WEB_POLL_MS", 1000),
    }


def init_app(app: Flask) -> None:
    """Bind the pages' extensions and register the ``web`` blueprint with every page."""
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked by _csrf_for_forms instead
    catalogues = i18n.catalogue_dir(Path(app.config["SILKPOST_DATA_DIR"]))
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(catalogues))
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    app.before_request(forget_user)
    app.before_request(_csrf_for_forms)
    app.jinja_env.filters.update(i18n.FILTERS)
    app.jinja_env.globals.update(texts.GLOBALS)
    from . import pages

    pages.load()
    app.register_blueprint(web)


def _configure_blueprint() -> None:
    """Once per process: error pages, headers and template context on the blueprint."""
    errors.register(web)
    web.after_request(_security_headers)
    web.app_context_processor(_template_context)


_configure_blueprint()
