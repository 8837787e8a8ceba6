"""Reading what arrives in the outbox: the DxpMsg envelope, the CEB message in it, its schema
check and its signature, into plain records the simulator decides on.

Everything here is untrusted input: parsed with the project's safe parser, and any failure
(no envelope, no XML, a schema violation) becomes :class:`Unreadable`, which customs answer
with a CEB900 format-error receipt rather than a business receipt.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from lxml import etree

from declarations import dxp, safexml, signing, xsd
from declarations.ceb.common import EXPORT_MESSAGES, EXPORT_XSD, IMPORT_XSD
from declarations.ceb.reader import Fields, business_nodes
from declarations.errors import DeclarationError, SignatureError

#: The declarations the simulated customs answer.
ANSWERED = frozenset(
    "CEB311 CEB411 CEB511 CEB621 CEB623 CEB625 CEB711 CEB513 CEB303 CEB403 CEB505 CEB603 "
    "CEB605 CEB701 CEB507 CEB509 CEB607 CEB213 CEB215".split()
)
_SIGNATURE = "{http://www.w3.org/2000/09/xmldsig#}Signature"
_CEB = "{http://www.chinaport.gov.cn/ceb}"
#: How many schema violations a format-error receipt lists.
MAX_REPORTED = 5


class Unreadable(Exception):
    """A message customs cannot read: the id and type to answer under, and why."""

    def __init__(self, msg_id: str, msg_type: str, info: str, sender: str = "") -> None:
        super().__init__(info)
        self.msg_id, self.msg_type, self.info, self.sender = msg_id, msg_type, info, sender


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message taken from the outbox: its DXP message id (for de-duplication), type
    (``CEB621``), the DXP id to answer to, its business nodes (head fields, list rows), and
    its signature: absent, verified (the certificate's SHA-256 fingerprint) or failed."""

    msg_id: str
    msg_type: str
    sender: str
    nodes: list[tuple[Fields, list[Fields]]]
    signed: bool
    fingerprint: str | None
    signature_error: str | None


def load_schemas(schema_dir: Path | None) -> None:
    """Parse the schemas messages are checked against now, not on the first message: a
    simulator that has started answers at once (each schema is ≈ 0.3 s of CPU to parse)."""
    for name in (IMPORT_XSD, EXPORT_XSD) if schema_dir is not None else ():
        xsd.load_in(schema_dir, name)


def read(envelope: bytes, schema_dir: Path | None) -> Incoming:
    """The message in ``envelope``, checked against its schema when ``schema_dir`` is set."""
    try:
        env = dxp.unwrap(envelope)
    except DeclarationError as exc:
        raise Unreadable(hashlib.sha256(envelope).hexdigest(), "Unknown", exc.summary) from None
    msg_id = env.cop_msg_id or hashlib.sha256(envelope).hexdigest()
    msg_type = env.msg_type.removesuffix("Message")
    try:
        root = safexml.parse(env.data)
    except DeclarationError as exc:
        raise Unreadable(msg_id, env.msg_type, _text(exc), env.sender_id) from None
    name = etree.QName(root).localname
    if name != f"{msg_type}Message" or msg_type not in ANSWERED:
        info = f"{name} (MsgType {env.msg_type}) is not a declaration customs answer here"
        raise Unreadable(msg_id, env.msg_type or name, info, env.sender_id)
    if schema_dir is not None:
        schema_file = EXPORT_XSD if msg_type in EXPORT_MESSAGES else IMPORT_XSD
        schema = xsd.load_in(schema_dir, schema_file)
        if not schema.validate(root):
            errors = [f"line {e.line}: {e.message}" for e in schema.error_log]
            info = "; ".join(errors[:MAX_REPORTED])
            raise Unreadable(msg_id, env.msg_type, info, env.sender_id)
    try:
        nodes = business_nodes(root)
    except DeclarationError as exc:
        raise Unreadable(msg_id, env.msg_type, _text(exc), env.sender_id) from None
    sender = env.sender_id or root.findtext(f"{_CEB}BaseTransfer/{_CEB}dxpId") or ""
    return Incoming(msg_id, msg_type, sender, nodes, *_signature(root))


def _signature(root: etree._Element) -> tuple[bool, str | None, str | None]:
    """(signed, certificate fingerprint, error) of a parsed message; verifying takes the
    signature out of the tree, so this comes last."""
    if root.find(_SIGNATURE) is None:
        return False, None, None
    try:
        verified = signing.verify_root(root)
    except SignatureError as exc:
        return True, None, exc.summary
    return True, fingerprint(verified.certificate), None


def fingerprint(certificate: x509.Certificate) -> str:
    """The SHA-256 fingerprint of a certificate, in hex (how signers are registered)."""
    return certificate.fingerprint(hashes.SHA256()).hex()


def _text(exc: DeclarationError) -> str:
    return "; ".join([exc.summary, *exc.problems[:MAX_REPORTED]])
