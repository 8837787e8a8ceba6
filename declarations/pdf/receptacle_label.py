"""The receptacle label: offices, category, numbers, weight, the planned transport and a
Code 128 barcode of the 29-character S9 identifier, on a 6 x 4 in thermal label.

Why these fields: "each receptacle bears a label containing key information and, in
particular, a barcode", and "the planned transportation is included on each of the
receptacle labels" (UPU, "PREDES and RESDES message exchanges", 2019); delivery bills are
filled in from these labels (Letter Post Regulations), so the label carries everything a
bill line holds. A registered receptacle is marked "R" (red label), the last receptacle of
the despatch "LAST". The barcode is Code 128 like the S10 item barcode (the symbology of the
S9 barcode is not stated in the public sources; Code 128 encodes all 29 characters).
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import inch
from reportlab.lib.units import mm

from declarations.despatch import Despatch, Receptacle
from declarations.mail_codes import load as mail_codes
from declarations.pdf.barcode import draw_item_barcode
from declarations.pdf.delivery_bill import when
from declarations.pdf.document import new_canvas
from declarations.pdf.layout import Box, Painter

PAGE = (6 * inch, 4 * inch)
MARGIN = 4 * mm
OFFICES_H = 22 * mm
NUMBERS_H = 19 * mm
TRANSPORT_H = 12 * mm
BAR_HEIGHT = 15 * mm

#: What the category box says, in capitals as on mail bags.
CATEGORY_WORDS = {"A": "AIR / PRIORITY", "B": "S.A.L.", "C": "SURFACE", "D": "PRIORITY BY SURFACE"}


def render(despatch: Despatch, receptacle: Receptacle) -> bytes:
    """One receptacle's label as PDF bytes (dated by the despatch's closing time)."""
    buf = io.BytesIO()
    canvas = new_canvas(
        buf,
        PAGE,
        title=f"Receptacle {receptacle.s9}",
        subject=f"despatch {despatch.despatch_id}",
        created_at=despatch.closed_at,
    )
    p = Painter(canvas)
    p.set_page_size(PAGE)
    draw(p, despatch, receptacle)
    p.show_page()
    canvas.save()
    return buf.getvalue()


def draw(p: Painter, d: Despatch, r: Receptacle) -> None:
    s9 = r.s9
    frame = Box(0, 0, *PAGE).inset(MARGIN)
    offices, rest = frame.take_top(OFFICES_H)
    origin, destination = offices.columns([42, 58])
    p.field(
        origin,
        "From (office of exchange of origin)",
        f"{s9.origin}\n{d.origin.name}",
        max_size=12,
    )
    p.field(
        destination,
        "To (office of exchange of destination)",
        f"{s9.destination}\n{d.destination.name}",
        max_size=16,
        bold=True,
    )
    numbers, rest = rest.take_top(NUMBERS_H)
    _numbers(p, numbers, d, r)
    transport, rest = rest.take_top(TRANSPORT_H)
    _transport(p, transport, d)
    p.rule(rest)
    text, bars = rest.take_top(6 * mm)
    p.text(text, s9.grouped, max_size=10, bold=True, max_lines=1, align="c", valign="c")
    draw_item_barcode(p, bars.inset(2 * mm, 1 * mm), str(s9), bar_height=BAR_HEIGHT, text_size=8)


def _numbers(p: Painter, box: Box, d: Despatch, r: Receptacle) -> None:
    s9 = r.s9
    cells = box.columns([38, 22, 18, 24, 20, 18])
    category, subclass, despatch, serial, weight, flags = cells
    p.field(
        category, f"Category {s9.category}", CATEGORY_WORDS[s9.category], max_size=11, bold=True
    )
    subclass_name = mail_codes().class_name(s9.subclass)
    p.field(subclass, "Class / subclass", f"{subclass_name} {s9.subclass}", max_size=9)
    p.field(despatch, "Despatch no.", f"{s9.despatch_number:04d}", max_size=12, bold=True)
    last = "  LAST" if s9.is_last else ""
    p.field(serial, "Receptacle no.", f"{s9.serial:03d}{last}", max_size=12, bold=True)
    p.field(weight, "Gross weight", f"{s9.weight_kg} kg", max_size=11, bold=True)
    registered = " · R" if s9.is_registered else ""
    p.field(flags, "Items / registered", f"{len(r.items)}{registered}", max_size=11, bold=True)


def _transport(p: Painter, box: Box, d: Despatch) -> None:
    t = d.transport
    parts = [t.mode.upper(), *(f"{caption} {value}" for caption, value in t.items())]
    parts.append(f"departs {when(t.departure)}")
    p.field(box, "Planned transport", " · ".join(parts), max_size=9, max_lines=2)
