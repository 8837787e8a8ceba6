"""The delivery bill of a despatch: CN 38 (air), CN 41 (S.A.L.) or CN 37 (surface), on A4.

What it shows follows the UPU Letter Post Regulations article on delivery bills CN 37, CN 38
and CN 41 (official Russian translation, /work/notes/research/posts.md §4.1): the bill is
filled in from the receptacle labels; the six-character IMPC codes of each receptacle's
origin and destination go in columns 2 and 3; registered (red-label) receptacles are
counted separately and marked "R" in the Observations column; totals of receptacles and
weight are given per category. A CN 37 is made out in three copies when a transport service
carries the mails (Parcel Post Regulations, same translation): one travels with the mails
to the office of destination, one returns receipted to the office of origin, one stays
with the transport service. The grid beyond columns 2 and 3 is the project's own layout
(the form's box numbering was not available), with the transport fields of the leg's mode.

Every receptacle is listed on its own line; lines beyond one sheet go on further sheets,
each repeating the header and carrying the totals forward. The bytes depend on the despatch
alone (the document date is its closing time).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from declarations.despatch import BILL_TITLES, Despatch, Receptacle
from declarations.pdf.document import chunks, new_canvas
from declarations.pdf.layout import Box, Painter
from declarations.pdf.parts import Column, draw_articles

MARGIN = 10 * mm
HEADER_H = 22 * mm
OFFICES_H = 13 * mm
DESPATCH_H = 12 * mm
TRANSPORT_H = 15 * mm
TABLE_HEADER_H = 8 * mm
ROW_H = 5.5 * mm
TOTALS_H = 24 * mm
SIGNATURES_H = 20 * mm
ROWS_PER_SHEET = 27

#: The copies of each form and what each is for.
COPIES: dict[str, tuple[str, ...]] = {
    "CN37": (
        "Copy 1 of 3 - for the office of destination (travels with the mails)",
        "Copy 2 of 3 - for the office of origin (returned receipted)",
        "Copy 3 of 3 - for the transport service (receipted by the office of destination)",
    ),
    "CN38": ("",),
    "CN41": ("",),
}
CARRIER_CAPTION = {
    "air": "Airline or its handling agent",
    "rail": "Transport service (railway)",
    "road": "Transport service (haulier)",
    "sea": "Transport service (shipping line)",
}


@dataclass(frozen=True, slots=True)
class Line:
    """One receptacle line of the bill."""

    no: int
    receptacle: Receptacle

    @property
    def observations(self) -> str:
        s9 = self.receptacle.s9
        return " ".join(
            x for x in ("R" if s9.is_registered else "", "Last" if s9.is_last else "") if x
        )


def _columns() -> tuple[Column, ...]:
    def s9(line: Line):
        return line.receptacle.s9

    return (
        Column("No.", 7, lambda ln: str(ln.no), "r"),
        Column("(2) Office of origin", 17, lambda ln: s9(ln).origin, "c"),
        Column("(3) Office of destination", 17, lambda ln: s9(ln).destination, "c"),
        Column("Category / subclass", 14, lambda ln: f"{s9(ln).category} {s9(ln).subclass}", "c"),
        Column("Despatch no.", 13, lambda ln: f"{s9(ln).despatch_number:04d}", "c"),
        Column("Receptacle no.", 13, lambda ln: f"{s9(ln).serial:03d}", "c"),
        Column("Receptacle identifier (UPU S9)", 58, lambda ln: str(s9(ln)), "l"),
        Column("Items", 11, lambda ln: str(len(ln.receptacle.items)), "r"),
        Column("Gross weight (kg)", 17, lambda ln: _kg(ln.receptacle.gross_weight_kg), "r"),
        Column("Observations", 23, lambda ln: ln.observations, "l"),
    )


def _kg(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.1")), "f")


def when(moment: datetime) -> str:
    """``2026-05-11 18:00 +08:00``: the local time and its offset."""
    offset = moment.isoformat()[-6:] if moment.utcoffset() else "+00:00"
    return f"{moment:%Y-%m-%d %H:%M} {offset}"


def render(despatch: Despatch) -> bytes:
    """The despatch's delivery bill, every copy its form is made out in, as PDF bytes."""
    buf = io.BytesIO()
    canvas = new_canvas(
        buf,
        A4,
        title=f"{despatch.form} {despatch.despatch_id}",
        subject=f"delivery bill of despatch {despatch.despatch_id}",
        created_at=despatch.closed_at,
    )
    p = Painter(canvas)
    lines = [Line(i, r) for i, r in enumerate(despatch.receptacles, 1)]
    sheets = chunks(lines, ROWS_PER_SHEET, ROWS_PER_SHEET)
    for copy in COPIES[despatch.form]:
        done: list[Line] = []
        for n, sheet in enumerate(sheets, 1):
            _sheet(p, despatch, sheet, done, copy, (n, len(sheets)))
            done.extend(sheet)
            p.show_page()
    canvas.save()
    return buf.getvalue()


def _sheet(
    p: Painter,
    d: Despatch,
    lines: Sequence[Line],
    before: Sequence[Line],
    copy: str,
    sheet: tuple[int, int],
) -> None:
    p.set_page_size(A4)
    frame = Box(0, 0, *A4).inset(MARGIN)
    header, rest = frame.take_top(HEADER_H)
    _header(p, header, d, copy)
    offices, rest = rest.take_top(OFFICES_H)
    _offices(p, offices, d)
    despatch_box, rest = rest.take_top(DESPATCH_H)
    _despatch(p, despatch_box, d, sheet)
    transport, rest = rest.take_top(TRANSPORT_H)
    _transport(p, transport, d)
    signatures, rest = rest.take_bottom(SIGNATURES_H)
    totals, table = rest.take_bottom(TOTALS_H)
    draw_articles(p, table, _columns(), lines, ROWS_PER_SHEET, TABLE_HEADER_H, value_size=7.5)
    _totals(p, totals, d, lines, before, last=sheet[0] == sheet[1])
    _signatures(p, signatures, d)


def _header(p: Painter, box: Box, d: Despatch, copy: str) -> None:
    title, code = box.columns([120, 70])
    p.rule(title)
    top, bottom = title.rows([1.2, 1])
    p.text(top, "DELIVERY BILL", max_size=16, bold=True, max_lines=1, valign="c")
    p.text(bottom, BILL_TITLES[d.form], max_size=10, max_lines=1, valign="c")
    p.rule(code)
    big, note = code.rows([1.6, 1])
    p.text(big, d.form.replace("CN", "CN "), max_size=22, bold=True, align="c", valign="c")
    p.text(note, copy, max_size=6.5, max_lines=2, align="c", valign="c")


def _offices(p: Painter, box: Box, d: Despatch) -> None:
    operator, origin, destination = box.columns([50, 70, 70])
    op = d.origin.operator_name or d.origin.operator_code
    if d.origin.operator_name and d.origin.operator_code:
        op = f"{d.origin.operator_name} ({d.origin.operator_code})"
    p.field(operator, "Designated operator", op, max_lines=2)
    p.field(origin, "Office of exchange of origin", d.origin.label, max_lines=2, bold=True)
    p.field(
        destination,
        "Office of exchange of destination",
        d.destination.label,
        max_lines=2,
        bold=True,
    )


def _despatch(p: Painter, box: Box, d: Despatch, sheet: tuple[int, int]) -> None:
    ident, category, closed, sheet_box = box.columns([70, 50, 45, 25])
    s9 = d.first
    p.field(ident, "Despatch (UPU S8)", s9.grouped_despatch, bold=True)
    p.field(
        category, "Category / class / subclass", f"{s9.category} / {s9.mail_class} / {s9.subclass}"
    )
    p.field(closed, "Date and time of closing", when(d.closed_at))
    p.field(sheet_box, "Sheet", f"{sheet[0]} of {sheet[1]}", align="c")


def _transport(p: Painter, box: Box, d: Despatch) -> None:
    """Two rows: when and by whom (mode, departure, arrival, carrier, lane), then the
    fields of the mode (flight and airports; train, wagon, seal, border crossing; …)."""
    t = d.transport
    general = [("Mode", t.mode), ("Departure", when(t.departure))]
    if t.arrival is not None:
        general.append(("Arrival", when(t.arrival)))
    if t.carrier:
        general.append(("Carrier", t.carrier))
    if d.lane:
        general.append(("Lane", d.lane))
    for row, items in zip(box.rows([1, 1]), (general, t.items()), strict=True):
        if not items:
            p.rule(row)
            continue
        for cell, (caption, value) in zip(row.columns([1] * len(items)), items, strict=True):
            p.field(cell, caption, value, max_lines=1, max_size=7.5)


def _sum(lines: Sequence[Line]) -> tuple[int, int, Decimal]:
    weight = sum((ln.receptacle.gross_weight_kg for ln in lines), Decimal("0.0"))
    return len(lines), sum(len(ln.receptacle.items) for ln in lines), weight


def _total_text(label: str, lines: Sequence[Line]) -> str:
    n, items, weight = _sum(lines)
    return f"{label}: {n} receptacles, {items} items, {_kg(weight)} kg"


def _totals(
    p: Painter,
    box: Box,
    d: Despatch,
    lines: Sequence[Line],
    before: Sequence[Line],
    *,
    last: bool,
) -> None:
    left, right = box.columns([100, 90])
    every = [*before, *lines]
    groups: dict[tuple[str, str], list[Line]] = {}
    for ln in every:
        s9 = ln.receptacle.s9
        groups.setdefault((s9.category, s9.subclass), []).append(ln)
    registered = [ln for ln in every if ln.receptacle.s9.is_registered]
    by_category = [_total_text(f"Category {c}, subclass {s}", g) for (c, s), g in groups.items()]
    by_category.append(_total_text("Registered (R)", registered))
    p.field(
        left,
        "Totals by category and subclass",
        "\n".join(by_category) if last else "",
        max_size=7.5,
    )
    totals = [_total_text("This sheet", lines)]
    if before:
        totals.append(_total_text("Brought forward", before))
    totals.append(_total_text("Total of the despatch" if last else "Carried forward", every))
    p.field(right, "Totals", "\n".join(totals), max_size=7.5, bold=last)


def _signatures(p: Painter, box: Box, d: Despatch) -> None:
    dispatching, carrier, receiving = box.columns([1, 1, 1])
    p.field(dispatching, f"Office of exchange of origin {d.origin.code}: date and signature", "")
    p.field(carrier, f"{CARRIER_CAPTION[d.transport.mode]}: date and signature", "")
    p.field(
        receiving, f"Office of exchange of destination {d.destination.code}: date and signature", ""
    )
