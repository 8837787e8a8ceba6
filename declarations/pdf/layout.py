"""Boxes and the few drawing primitives the forms are made of.

Why: the UPU forms are grids of ruled, labelled boxes. Describing each form as boxes sliced
off a frame (:class:`Box`) keeps the geometry readable, and drawing every string through
:class:`Painter` guarantees each one is fitted to its box (see :mod:`declarations.pdf.fit`)
and drawn in the right font for its script.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from declarations.pdf import fonts
from declarations.pdf.fit import Fitted, fit_text

#: Inner padding of a ruled box, in points.
PAD = 0.6 * mm
#: Size of the small printed captions ("(2) Quantity"), in points.
CAPTION = 5.0


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in points, (x, y) its bottom-left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w

    def take_top(self, h: float) -> tuple[Box, Box]:
        """(slice of height ``h`` at the top, the rest below it)."""
        return Box(self.x, self.top - h, self.w, h), Box(self.x, self.y, self.w, self.h - h)

    def take_bottom(self, h: float) -> tuple[Box, Box]:
        """(slice of height ``h`` at the bottom, the rest above it)."""
        return Box(self.x, self.y, self.w, h), Box(self.x, self.y + h, self.w, self.h - h)

    def columns(self, fractions: Sequence[float]) -> list[Box]:
        """Split side by side; ``fractions`` are relative widths (normalised here)."""
        total = sum(fractions)
        out, x = [], self.x
        for i, f in enumerate(fractions):
            w = self.right - x if i == len(fractions) - 1 else self.w * f / total
            out.append(Box(x, self.y, w, self.h))
            x += w
        return out

    def rows(self, fractions: Sequence[float]) -> list[Box]:
        """Split top to bottom; ``fractions`` are relative heights."""
        total = sum(fractions)
        out, top = [], self.top
        for i, f in enumerate(fractions):
            h = top - self.y if i == len(fractions) - 1 else self.h * f / total
            out.append(Box(self.x, top - h, self.w, h))
            top -= h
        return out

    def inset(self, dx: float, dy: float | None = None) -> Box:
        dy = dx if dy is None else dy
        return Box(self.x + dx, self.y + dy, max(0.0, self.w - 2 * dx), max(0.0, self.h - 2 * dy))


class Painter:
    """A reportlab canvas plus the form primitives: ruled boxes, captions, fitted text,
    tick boxes. It remembers the current font so repeated strings do not re-emit it."""

    def __init__(self, canvas: Canvas) -> None:
        fonts.ensure_registered()
        self.canvas = canvas
        self._font: tuple[str, float] | None = None
        self._line_width: float | None = None

    # -- pages -----------------------------------------------------------------------------

    def show_page(self) -> None:
        self.canvas.showPage()
        self._font = None
        self._line_width = None

    def set_page_size(self, size: tuple[float, float]) -> None:
        self.canvas.setPageSize(size)

    # -- lines -----------------------------------------------------------------------------

    def line_width(self, w: float) -> None:
        if self._line_width != w:
            self.canvas.setLineWidth(w)
            self._line_width = w

    def rule(self, box: Box, width: float = 0.5) -> None:
        """A ruled rectangle."""
        self.line_width(width)
        self.canvas.rect(box.x, box.y, box.w, box.h, stroke=1, fill=0)

    def hline(self, x1: float, x2: float, y: float, width: float = 0.5) -> None:
        self.line_width(width)
        self.canvas.line(x1, y, x2, y)

    def vline(self, x: float, y1: float, y2: float, width: float = 0.5) -> None:
        self.line_width(width)
        self.canvas.line(x, y1, x, y2)

    # -- text ------------------------------------------------------------------------------

    def _set_font(self, name: str, size: float) -> None:
        if self._font != (name, size):
            self.canvas.setFont(name, size)
            self._font = (name, size)

    def draw_line(
        self, x: float, y: float, text: str, size: float, *, bold: bool = False, align: str = "l"
    ) -> None:
        """One line of text at baseline ``y``; ``align`` l/c/r relative to ``x``."""
        if not text:
            return
        if align != "l":
            width = fonts.string_width(text, size, bold)
            x -= width if align == "r" else width / 2
        parts = fonts.runs(text, bold)
        if len(parts) == 1:
            name, part = parts[0]
            self._set_font(name, size)
            self.canvas.drawString(x, y, part)
            return
        t = self.canvas.beginText(x, y)
        for name, part in parts:
            t.setFont(name, size)
            t.textOut(part)
        self.canvas.drawText(t)
        self._font = None

    def caption(self, box: Box, text: str, size: float = CAPTION, bold: bool = False) -> float:
        """Caption on one line at the top-left of ``box`` (shrunk or cut to the box width);
        returns the height it took."""
        fitted = fit_text(
            text, box.w - 2 * PAD, size * 1.2, max_size=size, min_size=3.5, max_lines=1, bold=bold
        )
        if fitted.lines:
            self.draw_line(
                box.x + PAD, box.top - PAD - size * 0.8, fitted.lines[0], fitted.size, bold=bold
            )
        return size * 1.05 + PAD

    def text(
        self,
        box: Box,
        text: str,
        *,
        max_size: float = 8.0,
        min_size: float = 4.5,
        max_lines: int | None = None,
        bold: bool = False,
        align: str = "l",
        valign: str = "t",
    ) -> Fitted:
        """Fit ``text`` into ``box`` (padding included) and draw it."""
        inner = box.inset(PAD, PAD * 0.5)
        fitted = fit_text(
            text,
            inner.w,
            inner.h,
            max_size=max_size,
            min_size=min_size,
            max_lines=max_lines,
            bold=bold,
        )
        if not fitted.lines:
            return fitted
        block = len(fitted.lines) * fitted.leading
        if valign == "c":
            top = inner.top - (inner.h - block) / 2
        elif valign == "b":
            top = inner.y + block
        else:
            top = inner.top
        x = {"l": inner.x, "c": inner.x + inner.w / 2, "r": inner.right}[align]
        # Baseline sits at 0.8 of the size below the top of each line slot, leaving room
        # for descenders inside the slot (slot height = leading >= 1.15 × size).
        y = top - fitted.size * 0.82
        for line in fitted.lines:
            self.draw_line(x, y, line, fitted.size, bold=bold, align=align)
            y -= fitted.leading
        return fitted

    def field(
        self,
        box: Box,
        caption: str,
        value: str,
        *,
        rule: bool = True,
        max_size: float = 8.0,
        min_size: float = 4.5,
        max_lines: int | None = None,
        bold: bool = False,
        align: str = "l",
    ) -> None:
        """A ruled box with a caption and a fitted value below it."""
        if rule:
            self.rule(box)
        used = self.caption(box, caption) if caption else 0.0
        _, body = box.take_top(used)
        self.text(
            body,
            value,
            max_size=max_size,
            min_size=min_size,
            max_lines=max_lines,
            bold=bold,
            align=align,
        )

    def tick_box(
        self, x: float, y: float, size: float, checked: bool, label: str, label_size: float
    ) -> float:
        """A check box with its bottom-left at (x, y) and a label to its right; the tick is
        an "X" glyph so it can be found in the text layer. Returns the right edge."""
        self.line_width(0.5)
        self.canvas.rect(x, y, size, size, stroke=1, fill=0)
        if checked:
            self.draw_line(x + size / 2, y + size * 0.18, "X", size * 0.95, bold=True, align="c")
        lx = x + size + 1.2 * mm
        self.draw_line(lx, y + size * 0.2, label, label_size)
        return lx + fonts.string_width(label, label_size)
