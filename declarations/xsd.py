"""Loading XSDs once and validating trees against them.

Schemas are read from files the operator controls (the project's own ``schemas/`` folder or
the directory configured as ``CEB_XSD_DIR``); they are parsed without network access and cached
per path, since compiling the CEB schemas costs far more than validating one message.
"""

from __future__ import annotations

import threading
from pathlib import Path

from lxml import etree

from declarations import safexml
from declarations.errors import SchemaValidationError

PROJECT_SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

_cache: dict[Path, etree.XMLSchema] = {}
#: The same schemas by the path exactly as callers pass it, which saves resolving the path on
#: every message (resolving is a few system calls; compiling is done once per resolved file).
_by_argument: dict[object, etree.XMLSchema] = {}
_lock = threading.Lock()


def load(path: str | Path) -> etree.XMLSchema:
    """The compiled schema at ``path`` (cached). Imports resolve relative to the file."""
    schema = _by_argument.get(path)
    if schema is not None:
        return schema
    key = Path(path).resolve()
    schema = _cache.get(key)
    if schema is None:
        with _lock:
            schema = _cache.get(key)
            if schema is None:
                schema = etree.XMLSchema(etree.parse(str(key), safexml.parser()))
                _cache[key] = schema
    if len(_by_argument) < 1000:
        _by_argument[path] = schema
    return schema


def load_in(directory: str | Path, name: str) -> etree.XMLSchema:
    """``load(Path(directory) / name)``, remembered per (directory, name) as given."""
    key = (directory, name)
    schema = _by_argument.get(key)
    if schema is None:
        schema = load(Path(directory) / name)
        if len(_by_argument) < 1000:
            _by_argument[key] = schema
    return schema


def validate(root: etree._Element, schema: etree.XMLSchema, what: str) -> None:
    """Raise :class:`SchemaValidationError` listing every violation, or return quietly."""
    if schema.validate(root):
        return
    problems = [f"line {e.line}: {e.message}" for e in schema.error_log]  # type: ignore[attr-defined]
    raise SchemaValidationError(f"{what} does not validate against its schema", problems)
