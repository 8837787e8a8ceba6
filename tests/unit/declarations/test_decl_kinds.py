"""The registry of document kinds: what each entry states is what its builder gives.

A new kind is one entry in ``declarations/kinds.py``; an order document also needs its golden
case (``golden_xml.CASES[<kind>]`` and the recorded file), which the first test asks for.
"""

from __future__ import annotations

import dataclasses
import io

import golden_xml
import pytest
from lxml import etree
from pypdf import PdfReader

from declarations import examples, pdf
from declarations.ceb.common import NS
from declarations.errors import IncompleteDataError, WrongFlowError
from declarations.forms import SdrRate, record
from declarations.kinds import CANCELS, FILING_SETS, KINDS, PDF, RETURNS, XML, Supplied

ORDER = [k for k in KINDS.values() if not k.per_parcel]
FORMS = [k for k in KINDS.values() if k.per_parcel]
DS = "{http://www.w3.org/2000/09/xmldsig#}Signature"
#: Page sizes in points: A4, 100 × 150 mm, 4 × 6 in.
A4, THERMAL, LABEL = (595, 842), (283, 425), (288, 432)


def _snapshot(flow: str):
    """The example of ``flow`` after customs issued its inventory number (which cancels and
    returns need)."""
    snap = examples.import_snapshot(2) if flow == "import" else examples.export_snapshot(2)
    # the inventory number, and the flight a return comes back by (a CEB213 states it)
    filing = dataclasses.replace(
        snap.filing, invt_no="0101202611234567", traf_name="CZ3456", voyage_no="CZ3456/0303"
    )
    snap = snap.with_changes(filing=filing)
    return record(snap, SdrRate(snap.order.currency, 1000, snap.created_at.date()))


def _supplied(ceb_dir, **changes) -> Supplied:
    settings = {"operator": "CNPOST", "signer": golden_xml.signer(), "reason": "r", **changes}
    return Supplied(schema_dir=ceb_dir, **settings)


def test_every_order_kind_has_a_golden_message():
    assert {k.name for k in ORDER} <= set(golden_xml.CASES)


@pytest.mark.parametrize("kind", ORDER, ids=[k.name for k in ORDER])
def test_order_documents_are_the_xml_their_entry_describes(ceb_dir, kind):
    for flow in kind.flows:
        root = etree.fromstring(kind.build(_snapshot(flow), _supplied(ceb_dir)))
        assert kind.media_type == XML
        assert (root.find(DS) is not None) == kind.signed
        name = etree.QName(root).localname
        assert name == (kind.message_type if kind.dxp else "ITMATT")
        assert name == (f"{kind.name.upper()}Message" if kind.dxp else "ITMATT")


CEB = [k for k in ORDER if k.dxp]


@pytest.mark.parametrize("kind", CEB, ids=[k.name for k in CEB])
def test_ceb_kinds_file_new_or_as_a_change(ceb_dir, kind):
    (flow,) = kind.flows
    for app_type in ("1", "2"):
        root = etree.fromstring(kind.build(_snapshot(flow), _supplied(ceb_dir, app_type=app_type)))
        assert {e.text for e in root.iter(f"{{{NS}}}appType")} == {app_type}
    with pytest.raises(IncompleteDataError, match="appType '3' must be 1"):
        kind.build(_snapshot(flow), _supplied(ceb_dir, app_type="3"))


ACTIONS = [k for k in CEB if k.action != "declare"]


@pytest.mark.parametrize("kind", ACTIONS, ids=[k.name for k in ACTIONS])
def test_cancels_and_returns_state_the_reason_supplied(ceb_dir, kind):
    (flow,) = kind.flows
    root = etree.fromstring(kind.build(_snapshot(flow), _supplied(ceb_dir, reason="买家取消")))
    assert [e.text for e in root.iter(f"{{{NS}}}reason")] == ["买家取消"]
    with pytest.raises(IncompleteDataError, match="reason is required"):
        kind.build(_snapshot(flow), _supplied(ceb_dir, reason=""))


def test_filing_sets_cancels_and_returns_name_kinds_of_their_flow():
    named = [(f, k) for f, ks in FILING_SETS.items() for k in ks]
    named += [*CANCELS.items(), *RETURNS.items()]
    assert all(flow in KINDS[name].flows for flow, name in named)
    assert {KINDS[n].action for n in CANCELS.values()} == {"cancel"}
    assert {KINDS[n].action for n in RETURNS.values()} == {"return"}
    assert {k.name for k in CEB} == {n for _, n in named}


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
