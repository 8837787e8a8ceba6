"""CN 23 customs declaration (UPU), drawn from a declaration snapshot.

Two sheet layouts with the same boxes: ``wide`` — the UPU form's own landscape proportions,
printed two copies to an A4 sheet (or one) — and ``narrow`` for 100 × 150 mm thermal labels.
Articles beyond what the first sheet holds go on continuation sheets that repeat the header
and the item number, so every article line is printed; totals always cover the whole item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from declarations.pdf.barcode import MIN_BAR_HEIGHT, draw_item_barcode
from declarations.pdf.document import chunks
from declarations.pdf.fields import Article, FormFields, form_fields
from declarations.pdf.layout import Box, Painter
from declarations.pdf.parts import (
    Column,
    draw_articles,
    draw_categories,
    draw_party,
    draw_signature,
    draw_strip,
)
from declarations.snapshot import DeclarationSnapshot

THERMAL = (100 * mm, 150 * mm)
PAGES = ("a4", "thermal")


@dataclass(frozen=True, slots=True)
class Geometry:
    """Row heights (mm, before stretching to the frame) and column widths of one layout."""

    narrow: bool
    margin: float
    header: float
    party: float
    table_header: float
    row: float
    first_rows: int
    totals: float
    categories: float
    comments: float
    licences: float
    bottom: float
    columns: tuple[float, ...]
    value_size: float
    category_columns: int


WIDE = Geometry(
    narrow=False,
    margin=5 * mm,
    header=19 * mm,
    party=19 * mm,
    table_header=6 * mm,
    row=6.5 * mm,
    first_rows=5,
    totals=8 * mm,
    categories=13 * mm,
    comments=0.0,
    licences=7 * mm,
    bottom=13 * mm,
    columns=(76, 14, 20, 24, 38, 28),
    value_size=8.0,
    category_columns=3,
)

NARROW = Geometry(
    narrow=True,
    margin=3 * mm,
    header=8 * mm + MIN_BAR_HEIGHT + 5 * mm,
    party=19 * mm,
    table_header=6 * mm,
    row=6 * mm,
    first_rows=4,
    totals=7 * mm,
    categories=12 * mm,
    comments=6 * mm,
    licences=6 * mm,
    bottom=13 * mm,
    columns=(33, 8, 11, 13, 17, 12),
    value_size=7.0,
    category_columns=2,
)


def _columns(geometry: Geometry, currency: str) -> tuple[Column, ...]:
    w = geometry.columns
    return (
        Column("(1) Detailed description of contents", w[0], lambda a: a.description, "l", 2),
        Column("(2) Quantity", w[1], lambda a: a.quantity, "r"),
        Column("(3) Net weight (in kg)", w[2], lambda a: a.net_weight, "r"),
        Column(f"(5) Value ({currency})", w[3], lambda a: a.value, "r"),
        Column("(7) HS tariff number", w[4], lambda a: a.hs_code, "l"),
        Column("(8) Country of origin of goods", w[5], lambda a: a.origin, "c"),
    )


def _stretch(geometry: Geometry, content: Box, fixed: float, flexible: float) -> float:
    """Factor applied to the flexible rows so the sheet fills the frame exactly."""
    return (content.h - fixed) / flexible if flexible else 1.0


def _header(p: Painter, box: Box, f: FormFields, g: Geometry, sheet: int, sheets: int) -> None:
    sheet_note = f"Sheet {sheet} of {sheets}" if sheets > 1 else ""
    if g.narrow:
        top, code = box.take_top(8 * mm)
        op, title = top.columns([45, 49])
    else:
        op, title, code = box.columns([62, 58, 80])
    p.field(op, "Designated operator", f.operator, max_size=7.5, max_lines=2)
    p.rule(title)
    lines = title.rows([1, 1.2, 1] if not g.narrow else [1, 1])
    if g.narrow:
        p.text(lines[0], "CUSTOMS DECLARATION  CN 23", max_size=9, bold=True, max_lines=1)
        p.text(
            lines[1],
            " · ".join(x for x in ("May be opened officially", sheet_note) if x),
            max_size=6,
            max_lines=1,
        )
    else:
        p.text(lines[0], "CUSTOMS DECLARATION", max_size=10, bold=True, max_lines=1, align="c")
        p.text(lines[1], "CN 23", max_size=14, bold=True, max_lines=1, align="c", valign="c")
        p.text(
            lines[2],
            " · ".join(x for x in ("May be opened officially", sheet_note) if x),
            max_size=7,
            align="c",
        )
    p.rule(code)
    used = p.caption(code, "No. of item (barcode, if any)")
    _, body = code.take_top(used)
    draw_item_barcode(p, body, f.item_id, text_size=7.5 if not g.narrow else 7)


def _parties(p: Painter, box: Box, f: FormFields, g: Geometry) -> None:
    from_box, to_box = box.rows([1, 1])
    size = g.value_size
    if g.narrow:
        sender_extra = [x for x in (f.sender_contact,) if x]
        if f.sender_reference:
            sender_extra.append(f"Sender's customs reference: {f.sender_reference}")
        draw_party(p, from_box, "From", f.sender, sender_extra, max_size=size)
        to_extra = []
        if f.importer_reference:
            to_extra.append(f"Importer's reference: {f.importer_reference}")
        if f.recipient_contact:
            to_extra.append(f"Importer's tel./e-mail: {f.recipient_contact}")
        draw_party(p, to_box, "To", f.recipient, to_extra, max_size=size)
        return
    from_left, from_right = from_box.columns([120, 80])
    to_left, to_right = to_box.columns([120, 80])
    draw_party(p, from_left, "From", f.sender, [f.sender_contact] if f.sender_contact else [])
    p.field(from_right, "Sender's customs reference (if any)", f.sender_reference, max_lines=2)
    draw_party(p, to_left, "To", f.recipient)
    ref, contact = to_right.rows([1, 1])
    p.field(
        ref,
        "Importer's reference (if any) (tax code/VAT No./importer code)",
        f.importer_reference,
        max_lines=1,
    )
    p.field(contact, "Importer's telephone/fax/e-mail (if known)", f.recipient_contact)


def _totals(p: Painter, box: Box, f: FormFields, g: Geometry) -> None:
    w = g.columns
    if g.narrow:
        charges, gross, value = box.columns([41, 24, 29])
    else:
        charges, gross, value = box.columns([w[0] + w[1], w[2], w[3] + w[4] + w[5]])
    fee = f"{f.postal_charges} {f.currency}" if f.postal_charges else ""
    p.field(charges, "(9) Postal charges/Fees", fee, max_lines=1)
    p.field(gross, "(4) Total gross weight (kg)", f.total_gross_weight, max_lines=1, align="r")
    p.field(value, "(6) Total value", f"{f.total_value} {f.currency}", max_lines=1, bold=True)


def _lower(p: Painter, rest: Box, f: FormFields, g: Geometry, k: float) -> None:
    """Boxes (10)–(15) below the totals."""
    cats, rest = rest.take_top(g.categories * k)
    if g.narrow:
        comments, rest = rest.take_top(g.comments * k)
        draw_categories(p, cats, "(10) Category of item", f, columns=2, label_size=5.5)
    else:
        cats, comments = cats.columns([120, 80])
        draw_categories(p, cats, "(10) Category of item", f, columns=3)
    p.field(
        comments,
        "(11) Comments (e.g. goods subject to quarantine, sanitary/phytosanitary inspection "
        "or other restrictions)",
        f.comments,
        max_size=7,
    )
    licences, bottom = rest.take_top(g.licences * k)
    lic, cert, inv = licences.columns([1, 1, 1])
    p.field(lic, "(12) Licence No(s).", f.licence, max_lines=1)
    p.field(cert, "(13) Certificate No(s).", f.certificate, max_lines=1)
    p.field(inv, "(14) Invoice No.", f.invoice, max_lines=1)
    office, sign = bottom.columns([30, 64] if g.narrow else [60, 140])
    posting = "\n".join(x for x in (f.office_of_origin, f.posting_date) if x)
    p.field(office, "Office of origin/Date of posting", posting, max_size=7.5)
    statement_size = 5.5 if not g.narrow else 4.8
    draw_signature(p, sign, "(15) Date and sender's signature", f, statement_size=statement_size)


def _continuation_rows(g: Geometry, content: Box) -> int:
    strip = 7 * mm
    available = content.h - g.header - strip - g.table_header - g.totals
    return max(1, int(available / g.row))


def sheets(f: FormFields, page: str) -> list[Sequence[Article]]:
    """Articles per sheet: the first sheet, then continuation sheets."""
    g = NARROW if page == "thermal" else WIDE
    content = _frame(page).inset(g.margin)
    return chunks(f.articles, g.first_rows, _continuation_rows(g, content))


def _frame(page: str) -> Box:
    if page == "thermal":
        return Box(0, 0, *THERMAL)
    return Box(0, A4[1] / 2, A4[0], A4[1] / 2)


def draw_first_sheet(
    p: Painter, frame: Box, f: FormFields, g: Geometry, articles: Sequence[Article], n: int
) -> None:
    content = frame.inset(g.margin)
    fixed = g.header
    flexible = (
        2 * g.party
        + g.table_header
        + g.first_rows * g.row
        + g.totals
        + g.categories
        + g.comments
        + g.licences
        + g.bottom
    )
    k = _stretch(g, content, fixed, flexible)
    header, rest = content.take_top(g.header)
    _header(p, header, f, g, 1, n)
    parties, rest = rest.take_top(2 * g.party * k)
    _parties(p, parties, f, g)
    table, rest = rest.take_top((g.table_header + g.first_rows * g.row) * k)
    columns = _columns(g, f.currency)
    if n > 1:
        first = columns[0]
        columns = (
            Column(
                f"{first.caption} — continued on sheet 2 (of {n})",
                first.width,
                first.value,
                first.align,
                first.max_lines,
            ),
            *columns[1:],
        )
    draw_articles(
        p, table, columns, articles, g.first_rows, g.table_header * k, value_size=g.value_size
    )
    totals, rest = rest.take_top(g.totals * k)
    _totals(p, totals, f, g)
    _lower(p, rest, f, g, k)


def draw_continuation_sheet(
    p: Painter,
    frame: Box,
    f: FormFields,
    g: Geometry,
    articles: Sequence[Article],
    sheet: int,
    n: int,
) -> None:
    content = frame.inset(g.margin)
    header, rest = content.take_top(g.header)
    _header(p, header, f, g, sheet, n)
    strip, rest = rest.take_top(7 * mm)
    sender = f.sender[0] if f.sender else ""
    recipient = f.recipient[0] if f.recipient else ""
    note = f"Continuation sheet {sheet} of {n} — item {f.item_id} — from {sender} to {recipient}"
    draw_strip(p, strip, note)
    totals, table = rest.take_bottom(g.totals)
    rows = _continuation_rows(g, content)
    draw_articles(
        p,
        table,
        _columns(g, f.currency),
        articles,
        rows,
        g.table_header,
        value_size=g.value_size,
    )
    _totals(p, totals, f, g)


def draw_cn23(
    p: Painter, snapshot: DeclarationSnapshot, *, page: str = "a4", copies: int = 2
) -> int:
    """Draw the CN23 of ``snapshot`` on new pages of ``p``; returns the number of pages.

    ``page``: ``a4`` (two copies of each sheet, one above the other, unless ``copies=1``) or
    ``thermal`` (100 × 150 mm, one copy per page).
    """
    if page not in PAGES:
        raise ValueError(f"page must be one of {PAGES}, got {page!r}")
    f = form_fields(snapshot)
    g = NARROW if page == "thermal" else WIDE
    parts = sheets(f, page)
    n = len(parts)
    if page == "thermal":
        p.set_page_size(THERMAL)
        frames = [Box(0, 0, *THERMAL)]
    else:
        p.set_page_size(A4)
        half = A4[1] / 2
        frames = [Box(0, half, A4[0], half)]
        if copies >= 2:
            frames.append(Box(0, 0, A4[0], half))
    for i, articles in enumerate(parts):
        for frame in frames:
            if i == 0:
                draw_first_sheet(p, frame, f, g, articles, n)
            else:
                draw_continuation_sheet(p, frame, f, g, articles, i + 1, n)
        if len(frames) > 1:
            p.canvas.setDash(3, 3)
            p.hline(8 * mm, A4[0] - 8 * mm, A4[1] / 2, width=0.3)
            p.canvas.setDash()
        p.show_page()
    return n
