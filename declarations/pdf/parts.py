"""Pieces shared by the CN23, the CN22 and the address label: article tables, category
check boxes, party blocks, the signature statement.

Why shared: the three documents print the same facts in boxes of different sizes; drawing
them with the same code keeps wording and behaviour (fitting, fonts) identical.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm

from declarations.pdf.fields import CATEGORIES, STATEMENT, Article, FormFields
from declarations.pdf.layout import CAPTION, Box, Painter


@dataclass(frozen=True, slots=True)
class Column:
    """A column of an article table: caption, relative width, the value it shows."""

    caption: str
    width: float
    value: Callable[[Article], str]
    align: str = "l"
    max_lines: int | None = 1


def draw_articles(
    p: Painter,
    box: Box,
    columns: Sequence[Column],
    articles: Sequence[Article],
    rows: int,
    header_h: float,
    *,
    value_size: float = 7.0,
    caption_size: float = CAPTION,
) -> None:
    """Header row of captions, then ``rows`` ruled rows, the first ``len(articles)`` filled."""
    header, body = box.take_top(header_h)
    widths = [c.width for c in columns]
    for column, cell in zip(columns, header.columns(widths), strict=True):
        p.rule(cell)
        p.text(cell, column.caption, max_size=caption_size, min_size=3.5)
    p.rule(body)
    cells = body.columns(widths)
    for cell in cells[1:]:
        p.vline(cell.x, body.y, body.top)
    row_h = body.h / rows if rows else body.h
    for i in range(1, rows):
        p.hline(body.x, body.right, body.top - i * row_h, width=0.25)
    for i, article in enumerate(articles[:rows]):
        y = body.top - (i + 1) * row_h
        for column, cell in zip(columns, cells, strict=True):
            p.text(
                Box(cell.x, y, cell.w, row_h),
                column.value(article),
                max_size=value_size,
                min_size=3.5,
                max_lines=column.max_lines,
                align=column.align,
                valign="c",
            )


def draw_strip(p: Painter, box: Box, text: str, *, size: float = 7.0, bold: bool = False) -> None:
    """A ruled strip of one line of text, centred in height (titles, continuation notes)."""
    p.rule(box)
    p.text(box, text, max_size=size, bold=bold, max_lines=1, valign="c")


#: The side of a category check box, in points.
TICK = 2.6 * mm
#: The size of the signature line's date and signatory, in points.
SIGNED_SIZE = 7.5


def draw_categories(
    p: Painter, box: Box, caption: str, f: FormFields, *, columns: int = 3, label_size: float = 6.0
) -> None:
    """Box 10: the six category check boxes, the chosen one ticked, and the explanation."""
    p.rule(box)
    used = p.caption(box, caption)
    _, body = box.take_top(used)
    n_rows = (len(CATEGORIES) + columns - 1) // columns
    explanation_h = label_size * 1.5
    grid, expl = body.take_top(body.h - explanation_h)
    row_h = grid.h / n_rows
    col_w = (grid.w - 1 * mm) / columns
    size = min(TICK, row_h * 0.8)
    for i, (key, label) in enumerate(CATEGORIES):
        r, c = divmod(i, columns)
        x = grid.x + 1 * mm + c * col_w
        y = grid.top - (r + 1) * row_h + (row_h - size) / 2
        p.tick_box(x, y, size, key == f.category, label, min(label_size, size * 0.95))
    explanation = f.category_explanation
    text = f"Explanation: {explanation}" if explanation else "Explanation:"
    p.text(expl, text, max_size=label_size, min_size=3.5, max_lines=1)


def draw_party(
    p: Painter,
    box: Box,
    caption: str,
    lines: Sequence[str],
    extra: Sequence[str] = (),
    *,
    max_size: float = 8.0,
) -> None:
    """A From/To block: caption in bold, then the address lines (first one, the name, bold
    would change its font run; it is kept regular so every line fits the same way)."""
    p.rule(box)
    used = p.caption(box, caption, size=CAPTION + 1, bold=True)
    _, body = box.take_top(used)
    p.text(body, "\n".join([*lines, *extra]), max_size=max_size, min_size=3.5)


def draw_signature(
    p: Painter, box: Box, caption: str, f: FormFields, *, statement_size: float = 5.5
) -> None:
    """The sender's statement, then the dated signature line."""
    p.rule(box)
    statement, sign = box.rows([0.52, 0.48])
    p.text(statement, STATEMENT, max_size=statement_size, min_size=3.5)
    used = p.caption(sign, caption)
    _, body = sign.take_top(used)
    signed = f"{f.signature_date}    {f.signatory}"
    p.text(body, signed, max_size=SIGNED_SIZE, min_size=3.5, max_lines=1)
