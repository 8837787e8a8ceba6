"""Item barcodes decode back to the S10 id; continuation sheets; deterministic bytes; batches."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest
from pdf_reading import decode_a4_copies, decode_barcodes, page_texts, reader, squash

from declarations import examples
from declarations import pdf as forms
from declarations.pdf.barcode import MIN_BAR_HEIGHT, X_DIMENSION, grouped, pattern
from declarations.s10 import build


def _numbered(snapshot, n: int):
    """``snapshot`` with ``n`` distinct article lines, so each can be looked for."""
    base = snapshot.lines[0]
    lines = tuple(
        replace(base, description=f"Article {i:02d} cotton T-shirt", hs_code=f"61091000{i:02d}")
        for i in range(n)
    )
    return snapshot.with_changes(lines=lines)


# -- barcodes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "render",
    [
        lambda s: forms.render_cn23(s, copies=1),
        lambda s: forms.render_cn23(s, page="thermal"),
        lambda s: forms.render_label(s),
        lambda s: forms.render_customs_form(s),
    ],
    ids=["cn23-a4", "cn23-thermal", "label", "customs-form"],
)
def test_item_barcode_decodes_to_the_s10_id(render, export_cn22, tmp_path):
    assert decode_barcodes(render(export_cn22), tmp_path) == ["CODE-128:LX806576725CN"]


def test_both_a4_copies_carry_a_readable_barcode(tmp_path):
    data = forms.render_cn23(examples.import_snapshot(2))
    assert decode_a4_copies(data, tmp_path) == ["CODE-128:RR473124829GB"] * 2


def test_barcode_geometry_meets_the_s10_print_rules():
    assert X_DIMENSION == pytest.approx(0.33 * 72 / 25.4)
    assert MIN_BAR_HEIGHT >= 12.5 * 72 / 25.4 - 1e-9
    assert grouped("RR473124829GB") == "RR 473 124 829 GB"
    assert grouped("not-an-s10") == "not-an-s10"
    # a 13-character S10 id fits a 100 mm label at 0.33 mm with 10-module quiet zones
    assert (pattern("RR473124829GB").modules + 20) * 0.33 < 94


# -- continuation sheets -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "render,copies",
    [
        (lambda s: forms.render_cn23(s), 2),
        (lambda s: forms.render_cn23(s, page="thermal"), 1),
        (lambda s: forms.render_label(s, force_cn23=True), 1),
        (lambda s: forms.render_cn22(s), 1),
    ],
    ids=["cn23-a4", "cn23-thermal", "label", "cn22"],
)
def test_thirty_articles_go_on_continuation_sheets(render, copies, export_cn22, tmp_path):
    snap = _numbered(export_cn22, 30)
    data = render(snap)
    texts = page_texts(data)
    assert len(texts) > 1
    n = len(texts)
    for i, text in enumerate(texts):
        assert "LX 806 576 725 CN" in text, f"item number missing on sheet {i + 1}"
        if i:
            assert f"Continuation sheet {i + 1} of {n}" in text
    everything = squash("".join(texts))
    for i in range(30):
        assert everything.count(squash(f"Article {i:02d} cotton T-shirt")) == copies, i
        assert everything.count(f"61091000{i:02d}") == copies, i
    # totals cover all 30 lines: 30 × 2 × 12.50
    assert "750.00EUR" in everything
    decode = decode_a4_copies if copies == 2 else decode_barcodes
    assert decode(data, tmp_path, page=n) == ["CODE-128:LX806576725CN"] * copies


def test_a_form_that_fits_has_one_sheet(export_cn23):
    assert len(reader(forms.render_cn23(export_cn23)).pages) == 1
    assert "Sheet 1 of" not in page_texts(forms.render_cn23(export_cn23))[0]


# -- determinism -------------------------------------------------------------------------------


def test_same_snapshot_gives_identical_bytes(export_cn22):
    for render in (forms.render_cn23, forms.render_cn22, forms.render_label):
        assert render(export_cn22) == render(export_cn22)
    again = forms.render_cn23(examples.export_snapshot(3).with_changes(form=export_cn22.form))
    assert again == forms.render_cn23(export_cn22)


def test_metadata_is_fixed_and_dated_from_the_snapshot(export_cn22):
    meta = reader(forms.render_cn23(export_cn22)).metadata
    assert meta["/CreationDate"] == "D:20260303090000+00'00'"
    assert meta["/ModDate"] == meta["/CreationDate"]
    assert meta["/Producer"] == "Silkpost"
    later = export_cn22.with_changes(created_at=datetime(2026, 4, 1, 12, 30))
    assert reader(forms.render_cn23(later)).metadata["/CreationDate"] == ("D:20260401123000+00'00'")


def test_changed_content_changes_the_bytes(export_cn22):
    order = replace(export_cn22.order, invoice_no="INV-2026-0002")
    assert forms.render_cn23(export_cn22.with_changes(order=order)) != forms.render_cn23(
        export_cn22
    )


# -- batches -----------------------------------------------------------------------------------


def _parcels(n: int):
    snap = examples.export_snapshot(2)
    for i in range(n):
        order = replace(snap.order, item_id=str(build("LX", 10000000 + i, "CN")))
        yield snap.with_changes(order=order)


def test_batch_is_one_pdf_with_every_parcel(tmp_path):
    parcels = list(_parcels(12))
    data = forms.render_batch(parcels, "label")
    texts = page_texts(data)
    assert len(texts) == 12
    for snap, text in zip(parcels, texts, strict=True):
        assert grouped(snap.order.item_id) in text
    assert decode_barcodes(data, tmp_path, page=7) == [f"CODE-128:{parcels[6].order.item_id}"]
    assert data == forms.render_batch(parcels, "label")


def test_batch_mixes_cn22_and_cn23_page_sizes(export_cn22, export_cn23):
    data = forms.render_batch([export_cn22, export_cn23], "customs_form")
    sizes = [tuple(round(float(v)) for v in p.mediabox.upper_right) for p in reader(data).pages]
    assert sizes == [(283, 425), (595, 842)]


def test_streaming_batch_reports_progress_and_reads_lazily():
    seen: list[tuple[int, int | None]] = []
    pulled = 0

    def source():
        nonlocal pulled
        for snap in _parcels(5):
            pulled += 1
            assert len(seen) == pulled - 1, "snapshots must be read one at a time"
            yield snap

    out = io.BytesIO()
    result = forms.write_batch(
        source(), out, "cn23", page="thermal", progress=lambda d, t: seen.append((d, t)), total=5
    )
    assert result == forms.BatchResult(parcels=5, pages=5)
    assert seen == [(i, 5) for i in range(1, 6)]
    assert len(reader(out.getvalue()).pages) == 5


def test_batch_date_is_the_latest_snapshot_date():
    parcels = list(_parcels(3))
    parcels[1] = parcels[1].with_changes(created_at=datetime(2026, 5, 6, 7, 8, 9))
    meta = reader(forms.render_batch(parcels, "label")).metadata
    assert meta["/CreationDate"] == "D:20260506070809+00'00'"


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        forms.render_batch([], "cn99")


@pytest.mark.slow
def test_thousand_parcel_batch_has_a_page_per_parcel():
    data = forms.render_batch(_parcels(1000), "label")
    pdf = reader(data)
    assert len(pdf.pages) == 1000
    assert grouped(str(build("LX", 10000999, "CN"))) in pdf.pages[999].extract_text()
    assert Decimal(len(data)) / 1000 < 40_000  # fonts embedded once, not per parcel
