"""Customs forms and labels as PDF: CN23, CN22, the 4 × 6 in address label, and batches.

Every function here is a pure function of declaration snapshots: the same snapshot gives
byte-identical PDF bytes (fixed metadata, creation date from the snapshot), so documents can
be stored by reference and golden-tested. Batches draw many parcels onto one canvas, which
embeds each font subset once for the whole file rather than once per parcel.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from declarations.errors import DeclarationError
from declarations.pdf.cn22 import draw_cn22
from declarations.pdf.cn23 import draw_cn23
from declarations.pdf.document import new_canvas, set_created
from declarations.pdf.label import draw_label
from declarations.pdf.layout import Painter
from declarations.snapshot import DeclarationSnapshot

KINDS = ("cn23", "cn22", "label", "customs_form")

Progress = Callable[[int, int | None], None]
"""Called as ``progress(done, total)`` after each parcel; ``total`` is None when unknown."""

__all__ = [
    "KINDS",
    "BatchResult",
    "choose_form",
    "render",
    "render_batch",
    "render_cn22",
    "render_cn23",
    "render_customs_form",
    "render_label",
    "write_batch",
]


def choose_form(snapshot: DeclarationSnapshot, force_cn23: bool = False) -> str:
    """``CN22`` or ``CN23`` from the 300 SDR choice recorded on the snapshot.

    A seller may always ask for a CN23 (``force_cn23``). A snapshot without a recorded choice
    gets a CN23: it is accepted for any value, a CN22 only below the threshold.
    """
    if force_cn23 or snapshot.form is None:
        return "CN23"
    return "CN23" if snapshot.form.form.upper() == "CN23" else "CN22"


def _draw(p: Painter, snapshot: DeclarationSnapshot, kind: str, options: dict[str, Any]) -> int:
    force = bool(options.get("force_cn23", False))
    page = options.get("page", "a4")
    copies = int(options.get("copies", 2))
    if kind == "cn23":
        return draw_cn23(p, snapshot, page=page, copies=copies)
    if kind == "cn22":
        if choose_form(snapshot) != "CN22":
            raise DeclarationError(
                f"item {snapshot.order.item_id} needs a CN23, not a CN22",
                [_form_reason(snapshot)],
            )
        return draw_cn22(p, snapshot)
    if kind == "label":
        return draw_label(p, snapshot, form=choose_form(snapshot, force))
    if kind == "customs_form":
        if choose_form(snapshot, force) == "CN22":
            return draw_cn22(p, snapshot)
        return draw_cn23(p, snapshot, page=page, copies=copies)
    raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")


def _form_reason(snapshot: DeclarationSnapshot) -> str:
    choice = snapshot.form
    if choice is None:
        return "no CN22/CN23 choice is recorded on the declaration"
    return (
        f"contents worth {choice.value_sdr} SDR against a threshold of "
        f"{choice.threshold_sdr} SDR (rate {choice.sdr_rate} {choice.sdr_rate_currency} "
        f"of {choice.sdr_rate_date})"
    )


def render(snapshot: DeclarationSnapshot, kind: str, **options: Any) -> bytes:
    """One parcel's document of ``kind`` (see :data:`KINDS`) as PDF bytes."""
    buf = io.BytesIO()
    canvas = new_canvas(
        buf,
        (100, 100),
        title=f"{kind.upper()} {snapshot.order.item_id}",
        subject=f"order {snapshot.order.order_no}",
        created_at=snapshot.created_at,
    )
    _draw(Painter(canvas), snapshot, kind, options)
    canvas.save()
    return buf.getvalue()


def render_cn23(snapshot: DeclarationSnapshot, *, page: str = "a4", copies: int = 2) -> bytes:
    """CN23 on A4 (``copies`` 1 or 2 per sheet) or ``page="thermal"`` (100 × 150 mm)."""
    return render(snapshot, "cn23", page=page, copies=copies)


def render_cn22(snapshot: DeclarationSnapshot) -> bytes:
    """CN22 on 100 × 150 mm; raises :class:`DeclarationError` if the item needs a CN23."""
    return render(snapshot, "cn22")


def render_label(snapshot: DeclarationSnapshot, *, force_cn23: bool = False) -> bytes:
    """4 × 6 in address label with the S10 barcode and the CN22 (or a CN23 summary)."""
    return render(snapshot, "label", force_cn23=force_cn23)


def render_customs_form(
    snapshot: DeclarationSnapshot,
    force_cn23: bool = False,
    *,
    page: str = "a4",
    copies: int = 2,
) -> bytes:
    """The customs form the item travels under: CN22 below the recorded 300 SDR threshold,
    CN23 otherwise or when the seller forces it (``page``/``copies`` apply to the CN23)."""
    return render(snapshot, "customs_form", force_cn23=force_cn23, page=page, copies=copies)


@dataclass(frozen=True, slots=True)
class BatchResult:
    parcels: int
    pages: int


def write_batch(
    snapshots: Iterable[DeclarationSnapshot],
    out: BinaryIO,
    kind: str = "label",
    *,
    progress: Progress | None = None,
    total: int | None = None,
    title: str = "",
    **options: Any,
) -> BatchResult:
    """Render every snapshot into one multi-page PDF written to ``out``.

    ``snapshots`` is consumed lazily (a generator reading parcels from storage in chunks
    works), and ``progress(done, total)`` is called after each parcel so a job can report how
    far it got. The file is written when the last parcel is drawn: reportlab keeps the
    compressed page streams in memory until then (tens of kilobytes per page). The document
    date is the latest snapshot creation date, so a re-run gives the same bytes.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    epoch = datetime(2000, 1, 1)
    canvas = new_canvas(out, (100, 100), title=title or f"{kind.upper()} batch", created_at=epoch)
    painter = Painter(canvas)
    latest: datetime | None = None
    parcels = pages = 0
    for snapshot in snapshots:
        pages += _draw(painter, snapshot, kind, options)
        parcels += 1
        created = snapshot.created_at.replace(tzinfo=None)
        if latest is None or created > latest:
            latest = created
        if progress is not None:
            progress(parcels, total)
    if parcels == 0:
        canvas.showPage()
    set_created(canvas, latest or epoch)
    canvas.save()
    return BatchResult(parcels, pages)


def render_batch(
    snapshots: Iterable[DeclarationSnapshot], kind: str = "label", **options: Any
) -> bytes:
    """:func:`write_batch` into bytes."""
    buf = io.BytesIO()
    write_batch(snapshots, buf, kind, **options)
    return buf.getvalue()
