"""Enveloped XML-DSig for CEB messages, as China E-Port expects it.

The signature signs the whole document (``Reference URI=""``) with the enveloped-signature
transform and inclusive C14N 1.0 (``REC-xml-c14n-20010315``), and carries the signer's X.509
certificate in ``KeyInfo``. E-Port names its algorithms with its own URIs
(``http://www.chinaport.gov.cn/2022/04/xmldsig#rsa-sha1`` / ``#sha1``) for what is plain
RSA PKCS#1 v1.5 with SHA-1; generic XML-DSig libraries do not accept those URIs, so signing and
verification are done here with lxml's C14N and ``cryptography``. The same code can emit the
standard W3C URIs (:data:`W3C_RSA_SHA1`), which lets an independent verifier (xmlsec1,
signxml) check the canonicalisation and digests.

Signing works on serialised bytes and returns bytes: whatever is signed is exactly what is
sent. The signature goes where the schemas want it: for import messages it is the last child
(after ``ExtendMessage``), for export messages it precedes ``ExtendMessage``.

SM2/SM3 (``#sm2-sm3`` / ``#sm3``) is an extension point: implement :class:`Algorithm` for it
(e.g. with gmssl or a hardware key) and pass it to :class:`Signer`; nothing else changes.
"""

from __future__ import annotations

import base64
import copy
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from declarations import safexml
from declarations.ceb.common import EXPORT_MESSAGES as _EXPORT_MESSAGES
from declarations.errors import SignatureError

DS = "http://www.w3.org/2000/09/xmldsig#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
CEB_NS = "http://www.chinaport.gov.cn/ceb"

_DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>\n"


def _ds(tag: str) -> str:
    return f"{{{DS}}}{tag}"


class Algorithm(Protocol):
    """A signature/digest pair. Implement this for SM2-SM3 to add national-algorithm
    signing; the XML handling does not change."""

    signature_uri: str
    digest_uri: str

    def digest(self, data: bytes) -> bytes: ...

    def sign(self, key: object, data: bytes) -> bytes: ...

    def verify(self, certificate: x509.Certificate, signature: bytes, data: bytes) -> None: ...


@dataclass(frozen=True, slots=True)
class RsaSha1:
    """RSA PKCS#1 v1.5 with SHA-1, under whichever URIs the receiver expects."""

    signature_uri: str
    digest_uri: str

    def digest(self, data: bytes) -> bytes:
        return hashlib.sha1(data).digest()  # noqa: S324 - mandated by the E-Port spec

    def sign(self, key: object, data: bytes) -> bytes:
        if not isinstance(key, rsa.RSAPrivateKey):
            raise SignatureError("RSA-SHA1 signing needs an RSA private key")
        return key.sign(data, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303

    def verify(self, certificate: x509.Certificate, signature: bytes, data: bytes) -> None:
        public = certificate.public_key()
        if not isinstance(public, rsa.RSAPublicKey):
            raise SignatureError("certificate does not hold an RSA key")
        try:
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
        except InvalidSignature:
            raise SignatureError("signature value does not verify") from None


CHINAPORT_RSA_SHA1 = RsaSha1(
    "http://www.chinaport.gov.cn/2022/04/xmldsig#rsa-sha1",
    "http://www.chinaport.gov.cn/2022/04/xmldsig#sha1",
)
W3C_RSA_SHA1 = RsaSha1("http://www.w3.org/2000/09/xmldsig#rsa-sha1", DS + "sha1")
#: URIs of the national algorithm, for an :class:`Algorithm` implementation to use.
CHINAPORT_SM2_SM3_URIS = (
    "http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3",
    "http://www.chinaport.gov.cn/2022/04/xmldsig#sm3",
)
ALGORITHMS: dict[tuple[str, str], Algorithm] = {
    (a.signature_uri, a.digest_uri): a for a in (CHINAPORT_RSA_SHA1, W3C_RSA_SHA1)
}


def _c14n(node: etree._Element | etree._ElementTree) -> bytes:
    # lxml copies the in-scope namespace declarations of ancestors onto a subtree, which is
    # what inclusive C14N 1.0 requires for SignedInfo.
    try:
        return etree.tostring(node, method="c14n", exclusive=False, with_comments=False)
    except etree.C14NError as exc:
        # e.g. a relative namespace URI, which C14N 1.0 refuses: such a document cannot be
        # signed or verified, and must say so rather than fail with a library error
        raise SignatureError(f"the document cannot be canonicalised (C14N 1.0): {exc}") from exc


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _message_name(root: etree._Element) -> str:
    return etree.QName(root).localname.removesuffix("Message")


def _insert(root: etree._Element, signature: etree._Element) -> None:
    if _message_name(root) in _EXPORT_MESSAGES:
        extend = root.find(f"{{{CEB_NS}}}ExtendMessage")
        if extend is not None:
            extend.addprevious(signature)
            return
    root.append(signature)


class Signer:
    """Signs serialised messages with one key and its certificate (the declarer's)."""

    def __init__(
        self,
        key_pem: bytes,
        certificate_pem: bytes,
        *,
        algorithm: Algorithm = CHINAPORT_RSA_SHA1,
        key_name: str | None = None,
        password: bytes | None = None,
    ) -> None:
        self._key = serialization.load_pem_private_key(key_pem, password=password)
        self.certificate = x509.load_pem_x509_certificate(certificate_pem)
        self.algorithm = algorithm
        self.key_name = (
            key_name if key_name is not None else format(self.certificate.serial_number, "x")
        )
        self._cert_b64 = _b64(self.certificate.public_bytes(serialization.Encoding.DER))
        self._template_for: tuple[str, str, str] | None = None
        self._signature_template: etree._Element | None = None
        self._template_bytes: tuple[bytes, bytes, bytes] = (b"", b"", b"")

    def _template(self) -> etree._Element:
        """The ds:Signature element without DigestValue and SignatureValue text, made once
        per algorithm, key name and certificate and copied for each message."""
        key = (self.algorithm.signature_uri, self.algorithm.digest_uri, self.key_name)
        if self._template_for != key:
            sig = etree.Element(_ds("Signature"), nsmap={"ds": DS})
            info = etree.SubElement(sig, _ds("SignedInfo"))
            etree.SubElement(info, _ds("CanonicalizationMethod")).set("Algorithm", C14N)
            etree.SubElement(info, _ds("SignatureMethod")).set("Algorithm", key[0])
            ref = etree.SubElement(info, _ds("Reference"))
            ref.set("URI", "")
            transforms = etree.SubElement(ref, _ds("Transforms"))
            etree.SubElement(transforms, _ds("Transform")).set("Algorithm", ENVELOPED)
            etree.SubElement(ref, _ds("DigestMethod")).set("Algorithm", key[1])
            etree.SubElement(ref, _ds("DigestValue"))
            etree.SubElement(sig, _ds("SignatureValue"))
            key_info = etree.SubElement(sig, _ds("KeyInfo"))
            etree.SubElement(key_info, _ds("KeyName")).text = key[2]
            x509_data = etree.SubElement(key_info, _ds("X509Data"))
            etree.SubElement(x509_data, _ds("X509Certificate")).text = self._cert_b64
            # The template as it is written inside a document (it declares its only
            # namespace itself), cut where the two base64 values go.
            marked = copy.deepcopy(sig)
            marked[0][2][2].text, marked[1].text = "@DIGEST@", "@VALUE@"
            head, rest = etree.tostring(marked).split(b"@DIGEST@")
            middle, tail = rest.split(b"@VALUE@")
            self._template_bytes = (head, middle, tail)
            self._signature_template, self._template_for = sig, key
        return self._signature_template

    def sign(self, xml: bytes) -> bytes:
        """Return ``xml`` with an enveloped ds:Signature added."""
        return self.sign_with_tree(xml)[0]

    def sign_with_tree(
        self, xml: bytes, *, as_lxml_writes: bool = False
    ) -> tuple[bytes, etree._Element]:
        """:meth:`sign`, also handing back the signed document as parsed and signed in
        memory (the same infoset as the bytes), so a caller can validate it without parsing
        the result again.

        ``as_lxml_writes`` is the caller's word that ``xml`` is byte for byte what lxml
        writes for its own parse (declaration included), as this package's writers produce:
        the result is then ``xml`` with the signature spliced in before the closing root tag
        instead of the whole document being serialised again (the same bytes)."""
        root = etree.fromstring(xml, safexml.parser())
        if root.find(_ds("Signature")) is not None:
            raise SignatureError("message is already signed")
        tree = root.getroottree()
        digest = self.algorithm.digest(_c14n(tree))

        sig = copy.deepcopy(self._template())
        info, value = sig[0], sig[1]  # SignedInfo, SignatureValue
        info[2][2].text = _b64(digest)  # Reference/DigestValue

        _insert(root, sig)
        # SignedInfo is canonicalised in place so inherited namespaces are included.
        value.text = _b64(self.algorithm.sign(self._key, _c14n(info)))
        if as_lxml_writes and sig.getnext() is None and sig.getparent() is root:
            name = etree.QName(root).localname
            closing = (f"</{root.prefix}:{name}>" if root.prefix else f"</{name}>").encode()
            if xml.endswith(closing) and xml.startswith(_DECLARATION):
                head, middle, tail = self._template_bytes
                signature = b"".join(
                    (head, info[2][2].text.encode(), middle, value.text.encode(), tail)
                )
                return xml[: -len(closing)] + signature + closing, root
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8"), root


@dataclass(frozen=True, slots=True)
class Verified:
    """A signature that verified: the certificate that made it and the algorithm used."""

    certificate: x509.Certificate
    algorithm: Algorithm


def _detach(el: etree._Element) -> None:
    """Remove ``el`` but keep the text that follows it (lxml's remove() drops the tail,
    whereas the enveloped-signature transform removes only the element)."""
    parent = el.getparent()
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


@lru_cache(maxsize=256)
def _certificate(der: bytes) -> x509.Certificate:
    """A certificate from its DER bytes; a receiver sees the same few declarers' certificates
    on every message, and parsing one costs more than the rest of a look-up."""
    return x509.load_der_x509_certificate(der)


def _one(parent: etree._Element, path: str) -> etree._Element:
    found = parent.findall(path, {"ds": DS})
    if len(found) != 1:
        raise SignatureError(f"expected exactly one {path}, found {len(found)}")
    return found[0]


def verify(
    xml: bytes,
    *,
    trusted: list[x509.Certificate] | None = None,
    algorithms: dict[tuple[str, str], Algorithm] | None = None,
) -> Verified:
    """Verify the enveloped signature of a message; raise :class:`SignatureError` if it does
    not. With ``trusted``, the certificate in KeyInfo must also be one of those."""
    return verify_root(safexml.parse(xml), trusted=trusted, algorithms=algorithms)


def verify_root(
    root: etree._Element,
    *,
    trusted: list[x509.Certificate] | None = None,
    algorithms: dict[tuple[str, str], Algorithm] | None = None,
) -> Verified:
    """:func:`verify` of a message already parsed (with the safe parser), for a reader that
    has checked the tree otherwise first. The signature is taken out of ``root`` (the
    enveloped-signature transform), so the tree is not the message any more afterwards."""
    sig = _one(root, "ds:Signature")
    info = _one(sig, "ds:SignedInfo")
    if _one(info, "ds:CanonicalizationMethod").get("Algorithm") != C14N:
        raise SignatureError("unsupported canonicalisation method")
    ref = _one(info, "ds:Reference")
    if ref.get("URI") != "":
        raise SignatureError('the reference must cover the whole document (URI="")')
    transforms = [t.get("Algorithm") for t in ref.findall("ds:Transforms/ds:Transform", {"ds": DS})]
    if transforms not in ([ENVELOPED], [ENVELOPED, C14N]):
        raise SignatureError(f"unsupported transforms {transforms}")
    key = (
        _one(info, "ds:SignatureMethod").get("Algorithm", ""),
        _one(ref, "ds:DigestMethod").get("Algorithm", ""),
    )
    algorithm = (algorithms or ALGORITHMS).get(key)
    if algorithm is None:
        raise SignatureError(f"unsupported algorithms {key}")
    try:
        cert_der = base64.b64decode(
            "".join(_one(sig, "ds:KeyInfo/ds:X509Data/ds:X509Certificate").text.split())
        )
        certificate = _certificate(cert_der)
        signature_value = base64.b64decode("".join(_one(sig, "ds:SignatureValue").text.split()))
        expected_digest = base64.b64decode("".join(_one(ref, "ds:DigestValue").text.split()))
    except (ValueError, TypeError, AttributeError) as exc:
        raise SignatureError(f"malformed signature element: {exc}") from None
    if trusted is not None and all(certificate != t for t in trusted):
        raise SignatureError("signed with a certificate that is not trusted for this sender")

    algorithm.verify(certificate, signature_value, _c14n(info))

    _detach(sig)
    if algorithm.digest(_c14n(root.getroottree())) != expected_digest:
        raise SignatureError("digest mismatch: the signed content was changed")
    return Verified(certificate, algorithm)


def make_demo_key_and_certificate(
    common_name: str, *, days: int = 365, key_size: int = 2048
) -> tuple[bytes, bytes]:
    """A self-signed RSA key and X.509 certificate (PEM) for demos and tests.

    DEMO ONLY: customs accept only certificates issued by China E-Port's CA to the declarer.
    The subject says so, so such a certificate is recognisable wherever it ends up.
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Silkpost DEMO - not for production"),
        ]
    )
    now = datetime.now(UTC)
    # A declarer's certificate signs (digital signature, non-repudiation) and nothing else.
    signing_only = x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=False,
        crl_sign=False, encipher_only=False, decipher_only=False,
    )  # fmt: skip
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(signing_only, critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)
