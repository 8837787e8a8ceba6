"""The S10 item number as a Code 128 barcode with its grouped human-readable text.

Why here: every form and label carries the item number the same way (DOMAIN §2): Code 128,
X-dimension about 0.33 mm, bars at least 12.5 mm high, text grouped ``RR 473 124 829 GB``
below. Bar patterns are computed once per item id (a batch prints an item's label and its
CN23 from the same pattern).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm

from declarations.pdf.layout import Box, Painter
from declarations.s10 import S10Error, parse

X_DIMENSION = 0.33 * mm
MIN_X_DIMENSION = 0.25 * mm
MIN_BAR_HEIGHT = 12.5 * mm
#: Blank space each side of the bars, in modules (Code 128 asks for 10).
QUIET_MODULES = 10


def grouped(item_id: str) -> str:
    """``RR 473 124 829 GB`` for a valid S10 id, the id unchanged otherwise."""
    try:
        return parse(item_id).grouped
    except S10Error:
        return item_id


@dataclass(frozen=True, slots=True)
class BarPattern:
    """Bars as (offset, width) in modules, and the symbol's width in modules."""

    bars: tuple[tuple[int, int], ...]
    modules: int


@lru_cache(maxsize=4096)
def pattern(value: str) -> BarPattern:
    """The Code 128 bars of ``value``, from reportlab's encoder (upper-case letters in its
    decomposition are bars, lower-case ones spaces, A = one module wide)."""
    code = Code128(value, barWidth=1.0, quiet=0, humanReadable=False)
    code.validate()
    code.encode()
    code.decompose()
    bars: list[tuple[int, int]] = []
    pos = 0
    for ch in code.decomposed:
        if "A" <= ch <= "Z":
            width = ord(ch) - ord("A") + 1
            bars.append((pos, width))
        else:
            width = ord(ch) - ord("a") + 1
        pos += width
    return BarPattern(tuple(bars), pos)


def draw_item_barcode(
    painter: Painter,
    box: Box,
    item_id: str,
    *,
    bar_height: float = MIN_BAR_HEIGHT,
    text_size: float = 8.0,
) -> None:
    """Barcode and grouped text centred in ``box``. The X-dimension shrinks (down to
    0.25 mm) only if the box is too narrow for 0.33 mm plus quiet zones."""
    if not item_id:
        return
    bars = pattern(item_id)
    total = bars.modules
    x_dim = min(X_DIMENSION, box.w / (total + 2 * QUIET_MODULES))
    x_dim = max(x_dim, MIN_X_DIMENSION)
    width = total * x_dim
    x0 = box.x + (box.w - width) / 2
    text_h = text_size * 1.1
    block = bar_height + text_h
    y0 = box.y + (box.h - block) / 2 + text_h
    c = painter.canvas
    path = c.beginPath()
    for offset, w in bars.bars:
        path.rect(x0 + offset * x_dim, y0, w * x_dim, bar_height)
    c.drawPath(path, stroke=0, fill=1)
    painter.draw_line(
        box.x + box.w / 2, y0 - text_size * 0.95, grouped(item_id), text_size, align="c"
    )
