"""Errors on pages are pages: the same domain exceptions as the API, rendered as HTML."""

from __future__ import annotations

import logging

from flask import Blueprint, make_response, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..errors import DomainError, keep_headers

log = logging.getLogger(__name__)

TITLES = {
    400: _l("The request could not be used"),
    401: _l("Please sign in"),
    403: _l("You may not open this page"),
    404: _l("Not found"),
    409: _l("This cannot be done now"),
    413: _l("The file is too large"),
    415: _l("Unsupported format"),
    422: _l("Some fields need correcting"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}


CSRF_MESSAGE = _l(
    "The form was not accepted: its security token is missing or expired. "
    "Reload the page and send the form again."
)


def error_page(code: int, message: str, errors: dict | None = None):
    title = TITLES.get(code) or TITLES[400 if code < 500 else 500]
    body = render_template(
        "error.html", code=code, title=title, message=message, errors=errors or {}
    )
    return body, code


def _domain(error: DomainError):
    response = make_response(*error_page(error.code, error.message, error.errors))
    response.headers.update(error.headers)  # Retry-After of a 429 or 503
    return response


def _csrf(error: CSRFError):
    return error_page(400, CSRF_MESSAGE)


def _http(error: HTTPException):
    body, code = error_page(error.code or 500, error.description or error.name)
    response = make_response(body, code)
    keep_headers(error, response)
    return response


def _unexpected(error: Exception):
    log.exception("unhandled error on a page: %s", error)
    return error_page(500, _l("The incident was logged."))


def register(blueprint: Blueprint) -> None:
    blueprint.register_error_handler(CSRFError, _csrf)
    blueprint.register_error_handler(DomainError, _domain)
    blueprint.register_error_handler(HTTPException, _http)
    blueprint.register_error_handler(Exception, _unexpected)
