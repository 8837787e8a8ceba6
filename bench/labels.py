"""Throughput of CN23 rendering against a bare reportlab floor.

Prints CN23 pages per second on one core for the project's renderer — fields formatted from
the snapshot, every string fitted to its box and cut into per-script font runs, continuation
logic, the Code 128 item barcode — against a floor: a bare reportlab canvas replaying the
same page (the same strings at the same places in the same fonts, the same ruled boxes and
lines, and reportlab's stock Code 128 widget). Both write compressed pages and save the PDF.
Run: ``.venv/bin/python bench/labels.py [seconds-per-case]``.
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportlab.graphics.barcode.code128 import Code128  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from declarations import examples  # noqa: E402
from declarations import pdf as forms  # noqa: E402
from declarations.pdf import fonts  # noqa: E402
from declarations.pdf.barcode import MIN_BAR_HEIGHT, X_DIMENSION  # noqa: E402
from declarations.pdf.cn23 import draw_cn23  # noqa: E402
from declarations.pdf.layout import Box, Painter  # noqa: E402
from declarations.s10 import build  # noqa: E402

BATCH = 100


class RecordingPainter(Painter):
    """Records what one page draws, for the floor to replay with bare canvas calls."""

    def __init__(self, canvas: Canvas) -> None:
        super().__init__(canvas)
        self.strings: list[tuple[float, float, float, tuple[tuple[str, str], ...]]] = []
        self.rects: list[tuple[float, float, float, float]] = []
        self.lines: list[tuple[float, float, float, float]] = []

    def draw_line(self, x, y, text, size, *, bold=False, align="l"):  # type: ignore[override]
        if text:
            x0 = x
            if align != "l":
                w = fonts.string_width(text, size, bold)
                x0 -= w if align == "r" else w / 2
            self.strings.append((x0, y, size, fonts.runs(text, bold)))
        super().draw_line(x, y, text, size, bold=bold, align=align)

    def rule(self, box: Box, width: float = 0.5) -> None:
        self.rects.append((box.x, box.y, box.w, box.h))
        super().rule(box, width)

    def hline(self, x1, x2, y, width=0.5):  # type: ignore[override]
        self.lines.append((x1, y, x2, y))
        super().hline(x1, x2, y, width)

    def vline(self, x, y1, y2, width=0.5):  # type: ignore[override]
        self.lines.append((x, y1, x, y2))
        super().vline(x, y1, y2, width)


def record(snapshot, page: str) -> RecordingPainter:
    canvas = Canvas(io.BytesIO(), invariant=1)
    painter = RecordingPainter(canvas)
    draw_cn23(painter, snapshot, page=page, copies=1)
    return painter


def floor_batch(rec: RecordingPainter, pagesize, item_id: str, n: int) -> bytes:
    """``n`` pages of the recorded content drawn with plain canvas calls."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=pagesize, invariant=1, pageCompression=1)
    for _ in range(n):
        c.setLineWidth(0.5)
        for x, y, w, h in rec.rects:
            c.rect(x, y, w, h, stroke=1, fill=0)
        for x1, y1, x2, y2 in rec.lines:
            c.line(x1, y1, x2, y2)
        for x, y, size, runs in rec.strings:
            if len(runs) == 1:
                c.setFont(runs[0][0], size)
                c.drawString(x, y, runs[0][1])
            else:
                t = c.beginText(x, y)
                for font, part in runs:
                    t.setFont(font, size)
                    t.textOut(part)
                c.drawText(t)
        Code128(
            item_id, barHeight=MIN_BAR_HEIGHT, barWidth=X_DIMENSION, humanReadable=False
        ).drawOn(c, 20 * mm, 100 * mm)
        c.showPage()
    c.save()
    return buf.getvalue()


def varied(snapshot, n: int) -> list:
    """``n`` parcels differing in item id, recipient and sender reference, so the batch
    figures do not lean on caches of identical strings."""
    out = []
    for i in range(n):
        order = replace(snapshot.order, item_id=str(build("LX", 80657000 + i, "CN")))
        recipient = replace(snapshot.recipient, name=f"Anna Müller {i}", street=f"Hauptstraße {i}")
        out.append(snapshot.with_changes(order=order, recipient=recipient))
    return out


def pages_per_second(fn: Callable[[], int], seconds: float) -> float:
    fn()
    pages, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        pages += fn()
    return pages / elapsed


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    print(f"fonts: {fonts.source().family} ({fonts.source().regular})")
    snapshot = examples.export_snapshot(3)
    item = snapshot.order.item_id
    snapshots = varied(snapshot, BATCH)

    for page, pagesize in (("thermal", (100 * mm, 150 * mm)), ("a4", (595.27, 841.89))):
        rec = record(snapshot, page)
        print(
            f"\nCN23 {page}, one copy per page: {len(rec.strings)} strings, "
            f"{len(rec.rects)} boxes, {len(rec.lines)} rules, Code 128 item barcode"
        )
        single = pages_per_second(
            lambda page=page: bool(forms.render_cn23(snapshot, page=page, copies=1)), seconds
        )
        batch = pages_per_second(
            lambda page=page: (
                forms.write_batch(snapshots, io.BytesIO(), "cn23", page=page, copies=1).pages
            ),
            seconds,
        )
        floor = pages_per_second(
            lambda rec=rec, pagesize=pagesize: (floor_batch(rec, pagesize, item, BATCH), BATCH)[1],
            seconds,
        )
        print(f"  one PDF per parcel      {single:8.1f} pages/s")
        print(f"  batch of {BATCH} in one PDF {batch:8.1f} pages/s")
        print(f"  floor (bare canvas)     {floor:8.1f} pages/s")
        print(f"  floor / batch           {floor / batch:8.2f}x   (target <= 2x, >= 100 pages/s)")

    two_up = pages_per_second(
        lambda: forms.write_batch(snapshots, io.BytesIO(), "cn23", page="a4", copies=2).pages,
        seconds,
    )
    print(f"\nCN23 A4 two copies per sheet, batch: {two_up:.1f} sheets/s")
    labels = pages_per_second(
        lambda: forms.write_batch(snapshots, io.BytesIO(), "label").pages, seconds
    )
    print(f"4x6 label with CN22 block, batch: {labels:.1f} pages/s")


if __name__ == "__main__":
    main()
