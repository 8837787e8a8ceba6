"""The text writer and the signer's shortcuts give exactly what lxml gives."""

from __future__ import annotations

import pytest
from lxml import etree

from declarations import examples, signing, xmlout
from declarations.ceb import export, import_

#: Every character up to U+3000 plus the special ones above (full range checked once by hand:
#: all 1,114,112 code points agree).
CHARS = [chr(c) for c in range(0x3000)] + ["\ud800", "\udfff", "\ufffe", "\uffff", "\U0001f600"]


def test_escaping_and_refusals_match_lxml():
    for ch in CHARS:
        value = f"a{ch}b"
        el = etree.Element("x")
        try:
            el.text = value
            el.set("y", value)
        except ValueError as exc:
            assert not xmlout.is_xml_text(value)
            with pytest.raises(type(exc)) as got:
                xmlout.escape_text(value)
            assert str(got.value) == str(exc)
            continue
        expected = etree.tostring(el, encoding="UTF-8")
        written = f'<x y="{xmlout.escape_attr(value)}">{xmlout.escape_text(value)}</x>'
        assert written.encode() == expected, repr(ch)


def test_writer_matches_lxml_for_empty_and_nested_elements():
    w = xmlout.Writer("c:")
    w.start("a", ' xmlns:c="u"')
    w.leaf("b", "")
    w.start("e")
    w.end()
    w.leaf("f", "x&y")
    root = etree.Element("{u}a", nsmap={"c": "u"})
    etree.SubElement(root, "{u}b").text = ""
    etree.SubElement(root, "{u}e")
    etree.SubElement(root, "{u}f").text = "x&y"
    assert w.to_bytes() == etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize(
    "unsigned",
    [
        lambda: import_.build_ceb621(examples.import_snapshot(3), signer=None),
        lambda: export.build_ceb603(examples.export_snapshot(2)),
    ],
)
def test_spliced_signature_is_the_serialised_one(unsigned):
    key, cert = signing.make_demo_key_and_certificate("splice test")
    signer = signing.Signer(key, cert)
    data = unsigned()
    spliced, tree = signer.sign_with_tree(data, as_lxml_writes=True)
    assert spliced == signer.sign(data)
    assert etree.tostring(tree, method="c14n") == etree.tostring(
        etree.fromstring(spliced), method="c14n"
    )
    signing.verify(spliced)
