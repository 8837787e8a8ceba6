"""A reportlab canvas whose output depends on nothing but what is drawn on it.

Why: forms are stored and golden-tested, and a batch re-run must give the same file. Reportlab
stamps the current time and a random-ish document id unless told otherwise; ``invariant=1``
fixes both, and the creation/modification date is set from the snapshot so the metadata
still says when the declaration was made. Every font the canvas names is embedded (see
:mod:`declarations.pdf.fonts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import BinaryIO, TypeVar

from reportlab.pdfgen.canvas import Canvas

from declarations.pdf import fonts

PRODUCER = "Silkpost"
T = TypeVar("T")


def pdf_date(moment: datetime) -> str:
    """PDF date string; naive datetimes are taken as UTC."""
    offset = moment.utcoffset()
    if offset is None:
        tz = "+00'00'"
    else:
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        tz = f"{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"
    return f"D:{moment:%Y%m%d%H%M%S}{tz}"


def new_canvas(
    out: BinaryIO,
    pagesize: tuple[float, float],
    *,
    title: str,
    created_at: datetime,
    subject: str = "",
) -> Canvas:
    """A deterministic canvas writing to ``out`` when saved."""
    fonts.ensure_registered()
    canvas = Canvas(
        out,
        pagesize=pagesize,
        invariant=1,
        pageCompression=1,
        pdfVersion=(1, 4),
        # reportlab otherwise names Helvetica on every page, a font no PDF of ours embeds.
        initialFontName=fonts.SANS,
    )
    canvas.setTitle(title)
    canvas.setAuthor(PRODUCER)
    canvas.setCreator(PRODUCER)
    canvas.setProducer(PRODUCER)
    canvas.setSubject(subject)
    set_created(canvas, created_at)
    return canvas


def set_created(canvas: Canvas, created_at: datetime) -> None:
    """Creation and modification date of the document (written when it is saved)."""
    stamp = pdf_date(created_at)
    canvas.setDateFormatter(lambda *_parts: stamp)


def chunks(items: Sequence[T], first: int, rest: int) -> list[Sequence[T]]:
    """Split ``items`` into a first sheet of ``first`` and continuation sheets of ``rest``;
    always at least one (possibly empty) sheet."""
    out: list[Sequence[T]] = [items[:first]]
    i = first
    while i < len(items):
        out.append(items[i : i + rest])
        i += rest
    return out
