"""Domain exceptions and the one JSON error envelope.

Every error the API returns has the shape ``{code, status, message, errors}``, where
``errors`` maps a field path such as ``items.0.hs_code`` to a list of messages.
Services raise the exceptions below; views never build error responses themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A refusal the client can act on: a message, and ``errors`` by field path.

    A subclass names its HTTP status in its header:
    ``class NotFound(DomainError, code=404, status="Not Found")``.
    """

    code = 400
    status = "Bad Request"
    headers: Mapping[str, str] = {}

    def __init_subclass__(cls, code: int | None = None, status: str | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code, cls.status = code, status or HTTP_STATUS_CODES[code]

    def __init__(self, message: str, errors: Mapping[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or {})


class ValidationFailed(DomainError, code=422, status="Unprocessable Entity"): ...


class NotFound(DomainError, code=404, status="Not Found"): ...


class Conflict(DomainError, code=409, status="Conflict"): ...


class Unauthorized(DomainError, code=401, status="Unauthorized"): ...


class Forbidden(DomainError, code=403, status="Forbidden"): ...


class PayloadTooLarge(DomainError, code=413, status="Payload Too Large"): ...


class UnsupportedMediaType(DomainError, code=415, status="Unsupported Media Type"): ...


class RetryLater(DomainError):
    """A refusal that ends by itself: the client may try again after ``retry_after`` s."""

    def __init__(self, message: str, errors=None, retry_after: int = 30):
        super().__init__(message, errors)
        self.headers = {"Retry-After": str(retry_after)}


class ServiceUnavailable(RetryLater, code=503, status="Service Unavailable"):
    """A dependency is down and the work was not accepted."""


class TooManyRequests(RetryLater, code=429, status="Too Many Requests"):
    """This client made too many attempts of one kind in the current window."""


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested error dicts into ``{"a.0.b": [msg, ...]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if path.endswith("._schema"):
                path = path[: -len("._schema")]
            elif path == "_schema":
                path = ""
            for k, v in flatten_errors(value, path).items():
                flat.setdefault(k, []).extend(v)
    elif isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            flat.setdefault(prefix or "_schema", []).extend(messages)
        else:
            for m in messages:
                for k, v in flatten_errors(m, prefix).items():
                    flat.setdefault(k, []).extend(v)
    else:
        flat.setdefault(prefix or "_schema", []).append(str(messages))
    return flat


_LOCATIONS = ("json", "query", "form", "files", "headers", "view_args", "path")


def envelope(code: int, status: str, message: str, errors: Mapping | None = None):
    body = {"code": code, "status": status, "message": message, "errors": dict(errors or {})}
    response = jsonify(body)
    response.status_code = code
    return response


def _http_exception(error: HTTPException):
    data = getattr(error, "data", None) or {}
    messages = data.get("errors") or data.get("messages") or {}
    if isinstance(messages, Mapping) and set(messages) <= set(_LOCATIONS):
        merged: dict = {}
        for loc_messages in messages.values():
            merged.update(flatten_errors(loc_messages))
        errors = merged
    else:
        errors = flatten_errors(messages) if messages else {}
    if error.code == 422 and errors:
        message = "The request has invalid fields; see errors."
    elif error.code == 413:
        message = "The upload is larger than this server accepts."
    else:
        message = data.get("message") or error.description or error.name
    response = envelope(error.code or 500, error.name, message, errors)
    keep_headers(error, response)
    for k, v in (data.get("headers") or {}).items():
        response.headers[k] = v
    return response


def keep_headers(error: HTTPException, response) -> None:
    """The exception's own headers (``Allow`` of a 405, ``Retry-After`` of a 429 …) stay on
    the response that replaces its body."""
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value


def _domain_error(error: DomainError):
    response = envelope(error.code, error.status, error.message, error.errors)
    response.headers.update(error.headers)
    return response


def _unexpected(error: Exception):
    log.exception("unhandled error: %s", error)
    e = InternalServerError()
    return envelope(500, e.name, "Internal error; the incident was logged.")


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(HTTPException, _http_exception)
    app.register_error_handler(Exception, _unexpected)
