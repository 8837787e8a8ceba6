"""Enveloped XML-DSig: our verifier, independent verifiers (signxml, xmlsec1) on the
standard-URI variant, tampering, and placement per schema."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from declarations import examples, signing
from declarations.ceb import export, import_
from declarations.errors import DeclarationError, SignatureError


@cache
def keypair() -> tuple[bytes, bytes]:
    return signing.make_demo_key_and_certificate("Silkpost signing test")


@cache
def signed_621(w3c: bool = False) -> bytes:
    key, cert = keypair()
    algorithm = signing.W3C_RSA_SHA1 if w3c else signing.CHINAPORT_RSA_SHA1
    return import_.build_ceb621(
        examples.import_snapshot(3), signer=signing.Signer(key, cert, algorithm=algorithm)
    )


def test_signed_inventory_uses_chinaport_uris_and_verifies():
    data = signed_621()
    text = data.decode()
    assert 'Algorithm="http://www.chinaport.gov.cn/2022/04/xmldsig#rsa-sha1"' in text
    assert 'Algorithm="http://www.chinaport.gov.cn/2022/04/xmldsig#sha1"' in text
    assert 'URI=""' in text and "REC-xml-c14n-20010315" in text
    root = etree.fromstring(data)
    assert etree.QName(root[-1]).localname == "Signature"  # import: after ExtendMessage?
    assert signing.verify(data).algorithm is signing.CHINAPORT_RSA_SHA1


def test_verify_with_trusted_certificate_only():
    from cryptography import x509

    key, cert = keypair()
    ok = x509.load_pem_x509_certificate(cert)
    signing.verify(signed_621(), trusted=[ok])
    _other_key, other_cert = signing.make_demo_key_and_certificate("someone else")
    with pytest.raises(SignatureError, match="not trusted"):
        signing.verify(signed_621(), trusted=[x509.load_pem_x509_certificate(other_cert)])


def test_signxml_verifies_the_standard_uri_variant():
    from signxml import DigestAlgorithm, SignatureConfiguration, SignatureMethod, XMLVerifier

    _key, cert = keypair()
    config = SignatureConfiguration(
        signature_methods=frozenset({SignatureMethod.RSA_SHA1}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA1}),
    )
    result = XMLVerifier().verify(
        signed_621(w3c=True), x509_cert=cert.decode(), expect_config=config
    )
    assert etree.QName(result.signed_xml).localname == "CEB621Message"
    signing.verify(signed_621(w3c=True))


@pytest.mark.skipif(shutil.which("xmlsec1") is None, reason="xmlsec1 binary not installed")
def test_xmlsec1_verifies_the_standard_uri_variant(tmp_path):
    _key, cert = keypair()
    (tmp_path / "cert.pem").write_bytes(cert)
    (tmp_path / "good.xml").write_bytes(signed_621(w3c=True))
    bad = signed_621(w3c=True).replace("电动牙刷".encode(), "电动牙膏".encode(), 1)
    (tmp_path / "bad.xml").write_bytes(bad)
    cmd = ["xmlsec1", "--verify", "--pubkey-cert-pem", str(tmp_path / "cert.pem")]
    assert subprocess.run([*cmd, str(tmp_path / "good.xml")], capture_output=True).returncode == 0
    assert subprocess.run([*cmd, str(tmp_path / "bad.xml")], capture_output=True).returncode != 0


def _content_spans(data: bytes) -> list[tuple[int, int]]:
    """Byte spans of text content and attribute values outside the signature."""
    end = data.index(b"<ds:Signature")
    start = data.index(b"<ceb:")
    spans = [(m.start(1), m.end(1)) for m in re.finditer(rb">([^<]+)<", data[:end])]
    spans += [(m.start(1), m.end(1)) for m in re.finditer(rb'="([^"]+)"', data[:end])]
    return [(a, b) for a, b in spans if a >= start]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_changing_any_byte_of_signed_content_breaks_verification(data):
    signed = signed_621()
    spans = _content_spans(signed)
    a, b = data.draw(st.sampled_from(spans))
    pos = data.draw(st.integers(a, b - 1))
    replacement = b"Z" if signed[pos : pos + 1] != b"Z" else b"Y"
    tampered = signed[:pos] + replacement + signed[pos + 1 :]
    with pytest.raises(DeclarationError):
        signing.verify(tampered)


def test_tampered_signature_value_and_removed_element_fail():
    signed = signed_621()
    root = etree.fromstring(signed)
    ns = {"ds": signing.DS}
    value = root.find("ds:Signature/ds:SignatureValue", ns)
    value.text = "A" + value.text[1:] if value.text[0] != "A" else "B" + value.text[1:]
    with pytest.raises(SignatureError):
        signing.verify(etree.tostring(root))
    root = etree.fromstring(signed)
    lst = root.find("{http://www.chinaport.gov.cn/ceb}Inventory")[-1]
    lst.getparent().remove(lst)
    with pytest.raises(SignatureError, match="digest"):
        signing.verify(etree.tostring(root))


def test_export_signature_goes_before_extend_message():
    key, cert = keypair()
    data = export.build_ceb603(examples.export_snapshot(1))
    root = etree.fromstring(data)
    ext = etree.SubElement(root, "{http://www.chinaport.gov.cn/ceb}ExtendMessage")
    signed = signing.Signer(key, cert).sign(etree.tostring(root))
    names = [etree.QName(c).localname for c in etree.fromstring(signed)]
    assert names[-2:] == ["Signature", "ExtendMessage"]
    assert ext is not None
    signing.verify(signed)


def test_signing_twice_is_refused():
    key, cert = keypair()
    with pytest.raises(SignatureError, match="already signed"):
        signing.Signer(key, cert).sign(signed_621())


def test_namespace_tampering_that_breaks_c14n_is_a_signature_error():
    """A tampered namespace URI that C14N 1.0 refuses (relative) is refused as a
    signature problem, not as a library error."""
    signed = signed_621()
    uri = b'xmlns:ceb="http://www.chinaport.gov.cn/ceb"'
    assert uri in signed
    tampered = signed.replace(uri, b'xmlns:ceb="httpZ//www.chinaport.gov.cn/ceb"', 1)
    with pytest.raises(SignatureError):
        signing.verify(tampered)
