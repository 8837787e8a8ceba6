"""The DXP transport envelope (``DxpMsg``) in which signed CEB messages travel.

The E-Port transfer client picks ``DxpMsg`` files up from an outbox folder (or they go over
MQ/AS2); the CEB message itself is carried Base64-encoded in ``Data``, so its bytes — and its
signature — arrive untouched. Incoming envelopes (receipts) are parsed with the safe parser and
their payload handed back as bytes for the same treatment.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lxml import etree

from declarations import safexml, xmlout, xsd
from declarations.ceb.common import EXPORT_MESSAGES
from declarations.errors import DeclarationError, IncompleteDataError

NS = "http://www.chinaport.gov.cn/dxp"
SCHEMA_FILE = "dxp-terminal.xsd"
#: Receiver ids of the CEB systems seen in practice (settings may override).
IMPORT_RECEIVER = "DXPEDCCEB0000002"
EXPORT_RECEIVER = "DXPEDCCEB0000003"


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


@dataclass(frozen=True, slots=True)
class Envelope:
    """A DXP message: the transport header (message id, sender, receivers, time, the CEB
    message type) and the payload bytes."""

    cop_msg_id: str
    sender_id: str
    receiver_ids: tuple[str, ...]
    created: datetime
    msg_type: str
    data: bytes
    file_name: str = ""
    biz_keys: dict[str, str] = field(default_factory=dict)


def default_receiver(msg_type: str) -> str:
    return (
        EXPORT_RECEIVER
        if msg_type.removesuffix("Message") in EXPORT_MESSAGES
        else (IMPORT_RECEIVER)
    )


def wrap(
    message: bytes,
    *,
    sender_id: str,
    created: datetime,
    receiver_ids: tuple[str, ...] | None = None,
    cop_msg_id: str | None = None,
    msg_type: str | None = None,
    file_name: str | None = None,
    biz_keys: dict[str, str] | None = None,
    schema_dir: str | Path | None = None,
) -> bytes:
    """Wrap a (signed) CEB message into a ``DxpMsg``. The message id defaults to the CEB
    message guid and the type to its root element name."""
    if not (msg_type and cop_msg_id):  # only then is the message read
        root_el = safexml.parse(message)
        msg_type = msg_type or etree.QName(root_el).localname
        cop_msg_id = cop_msg_id or root_el.get("guid") or ""
    receivers = receiver_ids or (default_receiver(msg_type),)
    problems = []
    if not 1 <= len(sender_id) <= 16:
        problems.append("sender id must be 1 to 16 characters")
    if not 1 <= len(receivers) <= 5 or any(not 1 <= len(r) <= 16 for r in receivers):
        problems.append("1 to 5 receiver ids of 1 to 16 characters")
    if not 1 <= len(cop_msg_id) <= 255:
        problems.append("message id must be 1 to 255 characters")
    if biz_keys and len(biz_keys) > 5:
        problems.append("at most 5 business keys")
    if problems:
        raise IncompleteDataError("DXP envelope cannot be produced", problems)

    w = xmlout.Writer("dxp:")
    w.start("DxpMsg", f' xmlns:dxp="{NS}" ver="1.0"')
    w.start("TransInfo")
    w.leaf("CopMsgId", cop_msg_id)
    w.leaf("SenderId", sender_id)
    w.start("ReceiverIds")
    for r in receivers:
        w.leaf("ReceiverId", r)
    w.end()
    w.leaf("CreatTime", created.isoformat(timespec="seconds"))
    w.leaf("MsgType", msg_type)
    w.end()
    w.parts.append(f"<dxp:Data>{base64.b64encode(message).decode('ascii')}</dxp:Data>")
    w.start("AddInfo")
    w.leaf("FileName", file_name or f"{msg_type}_{cop_msg_id}.xml")
    if biz_keys:
        w.start("BizKey")
        for name, value in biz_keys.items():
            w.leaf("Key", value, f' name="{xmlout.escape_attr(name)}"')
        w.end()
    data = w.to_bytes()
    if schema_dir is not None:
        schema = xsd.load_in(schema_dir, SCHEMA_FILE)
        xmlout.validate_built(xmlout.parse(data), schema, "DxpMsg")
    return data


def unwrap(envelope: bytes, *, max_bytes: int = safexml.DEFAULT_MAX_BYTES) -> Envelope:
    """Read a ``DxpMsg`` from outside; the payload is returned as bytes, to be parsed (and
    its signature checked) by the caller with the same safe parser."""
    root = safexml.parse(envelope, max_bytes=max_bytes)
    if root.tag != _q("DxpMsg"):
        raise DeclarationError(f"not a DxpMsg envelope: {etree.QName(root).localname}")
    info = root.find(_q("TransInfo"))
    data_el = root.find(_q("Data"))
    if info is None or data_el is None:
        raise DeclarationError("DxpMsg lacks TransInfo or Data")
    try:
        data = base64.b64decode("".join((data_el.text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise DeclarationError("DxpMsg Data is not valid Base64") from None
    created_text = info.findtext(_q("CreatTime")) or ""
    try:
        created = datetime.fromisoformat(created_text)
    except ValueError:
        raise DeclarationError(f"DxpMsg CreatTime {created_text!r} is not a date-time") from None
    keys = {
        k.get("name", ""): k.text or ""
        for k in root.iterfind(f"{_q('AddInfo')}/{_q('BizKey')}/{_q('Key')}")
    }
    return Envelope(
        cop_msg_id=info.findtext(_q("CopMsgId")) or "",
        sender_id=info.findtext(_q("SenderId")) or "",
        receiver_ids=tuple(
            r.text or "" for r in info.iterfind(f"{_q('ReceiverIds')}/{_q('ReceiverId')}")
        ),
        created=created,
        msg_type=info.findtext(_q("MsgType")) or "",
        data=data,
        file_name=root.findtext(f"{_q('AddInfo')}/{_q('FileName')}") or "",
        biz_keys=keys,
    )
