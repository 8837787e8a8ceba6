"""The document kinds the service produces, in one table.

Each kind states its title and media type, the orders it is for, whether the declarer signs
it, whether it may travel in a DXP envelope, whether label batches print it, and how it is
built from a declaration snapshot. The application lists, builds, stores and serves whatever
this table holds, so adding a kind is one entry here plus its golden test.

Order documents (XML) are served per order; printed forms (PDF) per parcel. Messages about
many orders at once (the CEB701 summary, parcel movements CEB507/509/607/711/513, the return
tally CEB215) are not order documents: their builders take their own records
(:mod:`declarations.ceb.summary_apply`, :mod:`declarations.ceb.movements`,
:mod:`declarations.ceb.returns`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from declarations import itmatt, pdf
from declarations.ceb import export, import_, returns
from declarations.ceb.common import Options
from declarations.snapshot import DeclarationSnapshot

XML = "application/xml"
PDF = "application/pdf"
IMPORT = ("import",)
EXPORT = ("export",)
EITHER = ("export", "import")


@dataclass(frozen=True, slots=True)
class Supplied:
    """What the deployment supplies to the builders besides the snapshot: the directory of
    the official CEB schemas (validation), the designated operator's code (the ITMATT
    sender) and, for signed kinds only, the declarer's signer; and what the filing says:
    its appType (``1`` new, ``2`` a change, e.g. after a customs rejection) and, for a
    cancel or a return, the reason."""

    schema_dir: str | Path | None = None
    operator: str = ""
    signer: Any = None
    app_type: str = "1"
    reason: str = ""


Build = Callable[[DeclarationSnapshot, Supplied], bytes]


@dataclass(frozen=True, slots=True)
class PdfForm:
    """A printed form: the :mod:`declarations.pdf` renderer and its options, used for one
    parcel and for batches alike."""

    renderer: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def render(self, snapshot: DeclarationSnapshot, supplied: Supplied) -> bytes:
        return pdf.render(snapshot, self.renderer, **self.options)


@dataclass(frozen=True, slots=True)
class DocumentKind:
    """One kind of document: ``flows`` are the order flows it is for, ``signed`` that the
    declarer signs it, ``dxp`` that it may be wrapped in a DxpMsg, ``form`` (printed forms
    only) how it is rendered, ``batch`` that label batches print it, ``action`` what filing
    it makes (``declare``; ``cancel`` and ``return`` need the customs inventory number and a
    reason)."""

    name: str
    title: str
    media_type: str
    flows: tuple[str, ...]
    build: Build
    signed: bool = False
    dxp: bool = False
    form: PdfForm | None = None
    batch: bool = False
    action: str = "declare"

    @property
    def per_parcel(self) -> bool:
        return self.form is not None

    @property
    def message_type(self) -> str:
        """The root element of a CEB message of this kind, its DxpMsg ``MsgType``."""
        return f"{self.name.upper()}Message"


def _itmatt(snapshot: DeclarationSnapshot, supplied: Supplied) -> bytes:
    return itmatt.build(snapshot, created=snapshot.created_at, sender_operator=supplied.operator)


def _ceb(
    name: str,
    title: str,
    flows: tuple[str, ...],
    builder,
    *,
    signed: bool = False,
    action: str = "declare",
):
    """A CEB message: validated against the official schemas when they are supplied, signed
    when its schema requires it, filed new or as a change, and carried to customs in a
    DxpMsg; a cancel or return states the reason supplied."""

    def build(snapshot: DeclarationSnapshot, supplied: Supplied) -> bytes:
        settings: dict[str, Any] = {
            "signer": supplied.signer if signed else None,
            "schema_dir": supplied.schema_dir,
            "options": Options(app_type=supplied.app_type),
        }
        if action != "declare":
            settings["reason"] = supplied.reason
        return builder(snapshot, **settings)

    return DocumentKind(name, title, XML, flows, build, signed=signed, dxp=True, action=action)


def _form(name: str, title: str, renderer: str, *, batch: bool = False, **options: Any):
    form = PdfForm(renderer, options)
    return DocumentKind(name, title, PDF, EITHER, form.render, form=form, batch=batch)


KINDS: dict[str, DocumentKind] = {
    kind.name: kind
    for kind in (
        DocumentKind("itmatt", "UPU ITMATT electronic advance data", XML, EITHER, _itmatt),
        _ceb("ceb311", "CEB311 import order", IMPORT, import_.build_ceb311),
        _ceb("ceb411", "CEB411 import payment", IMPORT, import_.build_ceb411),
        _ceb("ceb511", "CEB511 import waybill", IMPORT, import_.build_ceb511),
        _ceb(
            "ceb621", "CEB621 import inventory (signed)", IMPORT, import_.build_ceb621, signed=True
        ),
        _ceb(
            "ceb623",
            "CEB623 import inventory cancel (signed)",
            IMPORT,
            import_.build_ceb623,
            signed=True,
            action="cancel",
        ),
        _ceb(
            "ceb625",
            "CEB625 import return (signed)",
            IMPORT,
            import_.build_ceb625,
            signed=True,
            action="return",
        ),
        _ceb("ceb303", "CEB303 export order", EXPORT, export.build_ceb303),
        _ceb("ceb403", "CEB403 export receipt of payment", EXPORT, export.build_ceb403),
        _ceb("ceb505", "CEB505 export waybill", EXPORT, export.build_ceb505),
        _ceb("ceb603", "CEB603 export inventory", EXPORT, export.build_ceb603),
        _ceb(
            "ceb605", "CEB605 export inventory cancel", EXPORT, export.build_ceb605, action="cancel"
        ),
        _ceb("ceb213", "CEB213 export return", EXPORT, returns.build_ceb213, action="return"),
        _form("label", "4x6 in address label", "label", batch=True),
        _form("cn23", "CN23 customs declaration (A4)", "cn23", page="a4", copies=2, batch=True),
        _form(
            "cn23_thermal",
            "CN23 customs declaration (100x150 mm)",
            "cn23",
            page="thermal",
            copies=1,
            batch=True,
        ),
        _form("cn22", "CN22 customs declaration", "cn22"),
        _form(
            "customs_form",
            "CN22 or CN23, the form the item travels under (100x150 mm)",
            "customs_form",
            page="thermal",
            copies=1,
            batch=True,
        ),
    )
}

#: The documents one filing consists of, per flow (DOMAIN.md §5): order, payment (export:
#: receipt of payment), waybill, and the inventory that declares, filed in that order.
FILING_SETS: dict[str, tuple[str, ...]] = {
    "import": ("ceb311", "ceb411", "ceb511", "ceb621"),
    "export": ("ceb303", "ceb403", "ceb505", "ceb603"),
}
#: The kind that cancels a filed inventory, and the one that returns released goods.
CANCELS: dict[str, str] = {"import": "ceb623", "export": "ceb605"}
RETURNS: dict[str, str] = {"import": "ceb625", "export": "ceb213"}
