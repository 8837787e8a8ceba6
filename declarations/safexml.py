"""The one entry point for parsing XML that comes from outside (receipts, uploads, DXP).

Customs messages never need a DTD, entities or external resources, so any document that
declares them is refused outright rather than parsed "safely": that closes XXE (external
entities reading files or URLs) and entity-expansion bombs (billion laughs) without depending
on parser subtleties. Parsing is also bounded in size and uses lxml with entity resolution,
network access and DTD loading off, and without ``huge_tree``.
"""

from __future__ import annotations

import re
import threading

from lxml import etree

from declarations.errors import DeclarationError, UnsafeXmlError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

_DTD_MARKERS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class MalformedXmlError(DeclarationError):
    """The input is not well-formed XML."""


_local = threading.local()


def parser(*, huge_tree: bool = False) -> etree.XMLParser:
    """This thread's parser that resolves no entities, loads no DTD and never touches the
    network; every XML the project reads goes through one (lxml parsers must not be shared
    between threads). ``huge_tree`` lifts libxml2's size limits, for what the project wrote."""
    name = "huge" if huge_tree else "bounded"
    found = getattr(_local, name, None)
    if found is None:
        found = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=huge_tree
        )
        setattr(_local, name, found)
    return found


def parse(data: bytes | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse untrusted XML and return its root element.

    Raises :class:`UnsafeXmlError` for oversized input or any DTD/entity declaration, and
    :class:`MalformedXmlError` for input that is not well-formed.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        raise UnsafeXmlError(f"XML document of {len(raw)} bytes exceeds the {max_bytes} limit")
    if _DTD_MARKERS.search(raw):
        raise UnsafeXmlError(
            "XML document declares a DTD or entities (possible XXE or entity-expansion attack)"
        )
    try:
        root = etree.fromstring(raw, parser())
    except etree.XMLSyntaxError as exc:
        raise MalformedXmlError("input is not well-formed XML", [str(exc)]) from None
    if root is None:
        raise MalformedXmlError("input holds no XML element")
    # Catches DTDs the byte scan could not see (e.g. a UTF-16 document).
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise UnsafeXmlError("XML document declares a DTD (possible XXE or entity attack)")
    if any(isinstance(n, etree._Entity) for n in root.iter(etree.Entity)):
        raise UnsafeXmlError("XML document uses entity references")
    return root
