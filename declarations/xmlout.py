"""Writing the generated messages as text, byte for byte as lxml would serialise them.

Why not an element tree: building a message element by element with lxml costs more than the
project's checks, the serialisation and the XSD validation together. The builders append
ready-made tag strings and escaped text to a list instead; where a tree is needed (XSD
validation, signing) the finished bytes are parsed once, so what is validated and signed is
exactly what is sent.

The output is identical to ``etree.tostring(tree, xml_declaration=True, encoding="UTF-8")`` of
the tree the builders used to make: same declaration, ``<tag/>`` for an element without
content, ``<tag></tag>`` for one with empty text, and lxml's escaping (text: ``& < >`` and
CR; attributes also ``"``, LF and TAB). Text lxml refuses (control characters, lone
surrogates, U+FFFE/U+FFFF) is refused the same way, with lxml's own exception.
"""

from __future__ import annotations

import re

from lxml import etree

from declarations import safexml, xsd

#: What ``etree.tostring(..., xml_declaration=True, encoding="UTF-8")`` starts with.
HEADER = "<?xml version='1.0' encoding='UTF-8'?>\n"

#: Characters lxml will not put into a text node or attribute value.
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Anything in text that needs a second look: escaping or refusal.
_TEXT_ATTN = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ATTR_ATTN = re.compile('[&<>"\r\n\t\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')

text_needs_care = _TEXT_ATTN.search


def is_xml_text(value: str) -> bool:
    """Whether lxml would accept ``value`` as text or an attribute value."""
    return _BAD.search(value) is None


def _refuse(value: str, attribute: bool) -> None:
    """Raise exactly what lxml raises for ``value`` (ValueError or UnicodeEncodeError)."""
    probe = etree.Element("x")
    if attribute:
        probe.set("x", value)
    else:
        probe.text = value
    raise AssertionError(f"lxml accepted {value!r}")  # pragma: no cover - _BAD is exact


#: What lxml writes for the characters it escapes in text; attributes escape more.
_TEXT_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
_ATTR_ENTITIES = (*_TEXT_ENTITIES, ('"', "&quot;"), ("\n", "&#10;"), ("\t", "&#9;"))


def _escaped(value: str, entities: tuple[tuple[str, str], ...], attribute: bool) -> str:
    if _BAD.search(value) is not None:
        _refuse(value, attribute)
    for char, entity in entities:  # "&" first, so no entity is escaped twice
        value = value.replace(char, entity)
    return value


def escape_text(value: str) -> str:
    """``value`` as lxml writes it in element content; raises like lxml for invalid text."""
    if _TEXT_ATTN.search(value) is None:
        return value
    return _escaped(value, _TEXT_ENTITIES, attribute=False)


def escape_attr(value: str) -> str:
    """``value`` as lxml writes it in a double-quoted attribute."""
    if _ATTR_ATTN.search(value) is None:
        return value
    return _escaped(value, _ATTR_ENTITIES, attribute=True)


class Writer:
    """Appends a message in document order: ``start``/``end`` for containers, ``leaf`` for
    text elements, or ready-made strings appended to ``parts`` directly."""

    __slots__ = ("parts", "_prefix", "_stack")

    def __init__(self, prefix: str = "") -> None:
        self.parts: list[str] = []
        self._prefix = prefix
        self._stack: list[tuple[str, int]] = []

    def start(self, tag: str, attrs: str = "") -> None:
        """Open ``tag``; ``attrs`` is the already escaped `` name="value"`` text."""
        self._stack.append((tag, len(self.parts)))
        self.parts.append(f"<{self._prefix}{tag}{attrs}>")

    def end(self) -> None:
        tag, at = self._stack.pop()
        parts = self.parts
        if at == len(parts) - 1:  # nothing inside: lxml writes <tag/>
            parts[at] = parts[at][:-1] + "/>"
        else:
            parts.append(f"</{self._prefix}{tag}>")

    def leaf(self, tag: str, text: str, attrs: str = "") -> None:
        p = self._prefix
        self.parts.append(f"<{p}{tag}{attrs}>{escape_text(text)}</{p}{tag}>")

    def to_bytes(self) -> bytes:
        while self._stack:
            self.end()
        return (HEADER + "".join(self.parts)).encode("utf-8")


def parse(data: bytes) -> etree._Element:
    """Parse a message this package wrote (no DTD, entities or network, like the signer)."""
    return etree.fromstring(data, safexml.parser(huge_tree=True))


def validate_built(root: etree._Element, schema: etree.XMLSchema, what: str) -> None:
    """Validate the parsed form of a freshly written message, reporting violations exactly as
    validating the element tree the builders used to make did (that tree had no source
    lines, so every error said ``line 0``)."""
    if schema.validate(root):
        return
    for el in root.iter():
        el.sourceline = 0
    xsd.validate(root, schema, what)
