"""4 × 6 in address label: addresses, the S10 item barcode and the customs block.

Why one label: small packets under the 300 SDR threshold travel with a CN22, and carriers
print it together with the address and item number on one thermal label. When the item needs
a CN23, the label says so and prints a summary of the contents (category, articles, totals)
without the CN22 statement — the CN23 itself is printed separately.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.pagesizes import inch
from reportlab.lib.units import mm

from declarations.pdf import cn22
from declarations.pdf.barcode import MIN_BAR_HEIGHT, draw_item_barcode
from declarations.pdf.document import chunks
from declarations.pdf.fields import Article, FormFields, form_fields
from declarations.pdf.layout import Box, Painter
from declarations.pdf.parts import draw_party
from declarations.snapshot import DeclarationSnapshot

PAGE = (4 * inch, 6 * inch)
MARGIN = 3 * mm
TOP_H = 8 * mm
FROM_H = 16 * mm
TO_H = 28 * mm
BARCODE_H = MIN_BAR_HEIGHT + 6 * mm
#: The customs block, smaller than on the CN22 and with the categories in three columns.
BLOCK = cn22.Block(row=5.5 * mm, categories=10 * mm, category_columns=3, signature=12 * mm)


def _block_title(form: str) -> tuple[str, bool]:
    if form == "CN22":
        return "CUSTOMS DECLARATION  CN 22 — May be opened officially", True
    return "CN 23 customs declaration attached — contents summary", False


def draw_label(p: Painter, snapshot: DeclarationSnapshot, *, form: str = "CN22") -> int:
    """Draw the label of ``snapshot`` on new 4 × 6 in pages; ``form`` is the customs form the
    item travels under (``CN22`` prints the CN22 on the label). Returns the page count."""
    f = form_fields(snapshot)
    content = Box(0, 0, *PAGE).inset(MARGIN)
    title, signature = _block_title(form)
    block_h = content.h - TOP_H - FROM_H - TO_H - BARCODE_H
    first = BLOCK.rows(block_h, title=True, signature=signature)
    parts = chunks(f.articles, first, cn22.continuation_rows(content))
    n = len(parts)
    p.set_page_size(PAGE)
    for i, articles in enumerate(parts):
        if i == 0:
            _first_page(p, content, f, articles, form, n)
        else:
            cn22.draw_continuation(p, content, f, articles, i + 1, n, f"{form} — address label")
        p.show_page()
    return n


def _first_page(
    p: Painter, content: Box, f: FormFields, articles: Sequence[Article], form: str, n: int
) -> None:
    """Operator and form, sender, recipient, the item barcode, then the customs block."""
    top, rest = content.take_top(TOP_H)
    op, service = top.columns([55, 40])
    p.field(op, "Designated operator", f.operator, max_size=7, max_lines=2)
    service_text = " · ".join(
        x
        for x in (
            form.replace("CN", "CN "),
            f.mail_class and f"class {f.mail_class}",
            f"Sheet 1 of {n}" if n > 1 else "",
        )
        if x
    )
    p.field(service, "Customs form", service_text, max_size=9, bold=True, max_lines=1)
    sender, rest = rest.take_top(FROM_H)
    extra = [f"Customs ref.: {f.sender_reference}"] if f.sender_reference else []
    draw_party(p, sender, "From", [", ".join(f.sender)], extra, max_size=7.5)
    recipient, rest = rest.take_top(TO_H)
    to_extra = [x for x in (f.recipient_contact,) if x]
    if f.importer_reference:
        to_extra.append(f"Importer's ref.: {f.importer_reference}")
    draw_party(p, recipient, "To", f.recipient, to_extra, max_size=11)
    item, rest = rest.take_top(BARCODE_H)
    p.rule(item)
    draw_item_barcode(p, item.inset(0, 1 * mm), f.item_id, text_size=9)
    title, signature = _block_title(form)
    cn22.draw_customs_block(p, rest, f, articles, title=title, signature=signature, block=BLOCK)
