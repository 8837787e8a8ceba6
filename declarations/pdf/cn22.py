"""CN 22 customs declaration (UPU) on a 100 × 150 mm label, from a declaration snapshot.

The CN22's own boxes: category of item, (1) quantity and detailed description, (2) weight,
(3) value, (4) HS tariff number, (5) country of origin, (6) total weight, (7) total value,
(8) date and sender's signature under the statement. The customs block is also what the
4 × 6 in address label prints (see :mod:`declarations.pdf.label`), so it is drawn into any
box. Articles that do not fit go on continuation labels repeating the item number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm

from declarations.pdf.barcode import MIN_BAR_HEIGHT, draw_item_barcode
from declarations.pdf.document import chunks
from declarations.pdf.fields import Article, FormFields, form_fields
from declarations.pdf.layout import Box, Painter
from declarations.pdf.parts import (
    Column,
    draw_articles,
    draw_categories,
    draw_signature,
    draw_strip,
)
from declarations.snapshot import DeclarationSnapshot

PAGE = (100 * mm, 150 * mm)
MARGIN = 3 * mm
TITLE_H = 9 * mm
BARCODE_H = MIN_BAR_HEIGHT + 5 * mm
STRIP_H = 6 * mm


@dataclass(frozen=True, slots=True)
class Block:
    """The heights (points) of the customs block's parts and its category columns: the CN22
    has its own, the address label prints the same block smaller."""

    row: float = 6 * mm
    categories: float = 14 * mm
    category_columns: int = 2
    header: float = 6 * mm
    totals: float = 7 * mm
    signature: float = 15 * mm

    def rows(self, height: float, *, title: bool, signature: bool) -> int:
        """How many article rows :func:`draw_customs_block` fits in ``height``."""
        used = self.categories + self.header + self.totals
        used += STRIP_H * 0.9 if title else 0.0
        used += self.signature if signature else 0.0
        return max(1, int((height - used) / self.row + 1e-6))


CN22_BLOCK = Block()


def columns(currency: str) -> tuple[Column, ...]:
    return (
        Column(
            "(1) Quantity and detailed description of contents",
            40,
            lambda a: f"{a.quantity} × {a.description}",
            "l",
            2,
        ),
        Column("(2) Weight (kg)", 12, lambda a: a.net_weight, "r"),
        Column(f"(3) Value ({currency})", 14, lambda a: a.value, "r"),
        Column("(4) HS tariff number", 16, lambda a: a.hs_code, "l"),
        Column("(5) Country of origin", 12, lambda a: a.origin, "c"),
    )


def draw_title(p: Painter, box: Box, f: FormFields, title: str, note: str = "") -> None:
    """Designated operator on the left; form name and "May be opened officially" right."""
    op, name = box.columns([40, 54])
    p.field(op, "Designated operator", f.operator, max_size=7, max_lines=2)
    p.rule(name)
    upper, lower = name.rows([1.1, 1])
    p.text(upper, title, max_size=9, bold=True, max_lines=1, valign="c")
    p.text(
        lower,
        " · ".join(x for x in ("May be opened officially", note) if x),
        max_size=6.5,
        max_lines=1,
    )


def draw_item(p: Painter, box: Box, f: FormFields) -> None:
    p.rule(box)
    used = p.caption(box, "No. of item (barcode)")
    _, body = box.take_top(used)
    draw_item_barcode(p, body, f.item_id, text_size=7)


def draw_totals(p: Painter, box: Box, f: FormFields) -> None:
    weight, value = box.columns([1, 1])
    p.field(weight, "(6) Total weight (kg)", f.total_gross_weight, max_lines=1, align="r")
    p.field(value, "(7) Total value", f"{f.total_value} {f.currency}", max_lines=1, bold=True)


def draw_customs_block(
    p: Painter,
    box: Box,
    f: FormFields,
    articles: Sequence[Article],
    *,
    title: str | None,
    signature: bool,
    block: Block = CN22_BLOCK,
) -> None:
    """Category, article table, totals and (optionally) the signed statement, filling
    ``box``; the table takes the height left over and holds :meth:`Block.rows` rows."""
    rest = box
    if title:
        strip, rest = rest.take_top(STRIP_H * 0.9)
        draw_strip(p, strip, title, size=7.5, bold=True)
    cats, rest = rest.take_top(block.categories)
    draw_categories(p, cats, "Category of item", f, columns=block.category_columns, label_size=5.5)
    if signature:
        sign, rest = rest.take_bottom(block.signature)
        draw_signature(p, sign, "(8) Date and sender's signature", f, statement_size=5)
    totals, table = rest.take_bottom(block.totals)
    draw_totals(p, totals, f)
    rows = max(1, int((table.h - block.header) / block.row + 1e-6))
    draw_articles(p, table, columns(f.currency), articles, rows, block.header, value_size=7)


def draw_continuation(
    p: Painter,
    content: Box,
    f: FormFields,
    articles: Sequence[Article],
    sheet: int,
    n: int,
    title: str,
) -> None:
    """A continuation label: title, item barcode, the further articles and the totals."""
    header, rest = content.take_top(TITLE_H)
    draw_title(p, header, f, title, f"Sheet {sheet} of {n}")
    item, rest = rest.take_top(BARCODE_H)
    draw_item(p, item, f)
    strip, rest = rest.take_top(STRIP_H)
    draw_strip(p, strip, f"Continuation sheet {sheet} of {n} — item {f.item_id}")
    totals, table = rest.take_bottom(CN22_BLOCK.totals)
    draw_totals(p, totals, f)
    rows = continuation_rows(content)
    header = CN22_BLOCK.header
    draw_articles(p, table, columns(f.currency), articles, rows, header, value_size=7)


def continuation_rows(content: Box) -> int:
    b = CN22_BLOCK
    return max(
        1, int((content.h - TITLE_H - BARCODE_H - STRIP_H - b.totals - b.header) / b.row + 1e-6)
    )


def draw_cn22(p: Painter, snapshot: DeclarationSnapshot) -> int:
    """Draw the CN22 of ``snapshot`` on new 100 × 150 mm pages; returns the page count."""
    f = form_fields(snapshot)
    content = Box(0, 0, *PAGE).inset(MARGIN)
    first = CN22_BLOCK.rows(content.h - TITLE_H - BARCODE_H, title=False, signature=True)
    parts = chunks(f.articles, first, continuation_rows(content))
    n = len(parts)
    p.set_page_size(PAGE)
    for i, articles in enumerate(parts):
        if i == 0:
            header, rest = content.take_top(TITLE_H)
            draw_title(
                p, header, f, "CUSTOMS DECLARATION  CN 22", f"Sheet 1 of {n}" if n > 1 else ""
            )
            item, rest = rest.take_top(BARCODE_H)
            draw_item(p, item, f)
            draw_customs_block(p, rest, f, articles, title=None, signature=True)
        else:
            draw_continuation(p, content, f, articles, i + 1, n, "CUSTOMS DECLARATION  CN 22")
        p.show_page()
    return n
