"""The registry of document kinds: what each entry states is what its builder gives.

A new kind is one entry in ``declarations/kinds.py``; an order document also needs its golden
case (``golden_xml.CASES[<kind>]`` and the recorded file), which the first test asks for.
"""

from __future__ import annotations

import io

import golden_xml
import pytest
from lxml import etree
from pypdf import PdfReader

from declarations import examples, pdf
from declarations.errors import WrongFlowError
from declarations.forms import SdrRate, record
from declarations.kinds import KINDS, PDF, XML, Supplied

ORDER = [k for k in KINDS.values() if not k.per_parcel]
FORMS = [k for k in KINDS.values() if k.per_parcel]
DS = "{http://www.w3.org/2000/09/xmldsig#}Signature"
#: Page sizes in points: A4, 100 × 150 mm, 4 × 6 in.
A4, THERMAL, LABEL = (595, 842), (283, 425), (288, 432)


def _snapshot(flow: str):
    snap = examples.import_snapshot(2) if flow == "import" else examples.export_snapshot(2)
    return record(snap, SdrRate(snap.order.currency, 1000, snap.created_at.date()))


def test_every_order_kind_has_a_golden_message():
    assert {k.name for k in ORDER} <= set(golden_xml.CASES)


@pytest.mark.parametrize("kind", ORDER, ids=[k.name for k in ORDER])
def test_order_documents_are_the_xml_their_entry_describes(ceb_dir, kind):
    supplied = Supplied(schema_dir=ceb_dir, operator="CNPOST", signer=golden_xml.signer())
    for flow in kind.flows:
        root = etree.fromstring(kind.build(_snapshot(flow), supplied))
        assert kind.media_type == XML
        assert (root.find(DS) is not None) == kind.signed
        name = etree.QName(root).localname
        assert name == (f"{kind.name.upper()}Message" if kind.dxp else "ITMATT")


@pytest.mark.parametrize("kind", ORDER, ids=[k.name for k in ORDER])
def test_an_order_of_another_flow_is_refused_by_the_builder(kind):
    for flow in {"import", "export"} - set(kind.flows):
        with pytest.raises(WrongFlowError):
            kind.build(_snapshot(flow), Supplied(signer=golden_xml.signer()))


#: The page each printed form comes on.
PAGES = {
    "label": LABEL,
    "cn23": A4,
    "cn23_thermal": THERMAL,
    "cn22": THERMAL,
    "customs_form": THERMAL,
}


@pytest.mark.cjk_font
@pytest.mark.parametrize("kind", FORMS, ids=[k.name for k in FORMS])
def test_parcel_forms_render_on_their_page(kind):
    data = kind.build(_snapshot("export"), Supplied())
    assert kind.media_type == PDF and not kind.signed and not kind.dxp
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == PAGES[kind.name]


def test_batch_kinds_are_forms_the_batch_renderer_knows():
    batch = [k for k in KINDS.values() if k.batch]
    assert [k.name for k in batch] == ["label", "cn23", "cn23_thermal", "customs_form"]
    assert all(k.per_parcel and k.form.renderer in pdf.KINDS for k in batch)
