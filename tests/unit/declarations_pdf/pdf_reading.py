"""Reading generated PDFs back in tests: text, text rows by position, barcodes.

Rows matter because a customs form is a grid: finding "2" somewhere on the page proves
nothing, finding a row that holds the description, "2", "0.360", "25.00", the HS code and
the origin together proves the article line is printed as one line of the table.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader


@dataclass(frozen=True)
class Fragment:
    x: float
    y: float
    text: str


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in reader(data).pages]


def squash(text: str) -> str:
    """Whitespace removed: extraction may or may not put spaces between font runs."""
    return re.sub(r"\s+", "", text)


def fragments(data: bytes, page: int = 0) -> list[Fragment]:
    out: list[Fragment] = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append(Fragment(round(x, 1), round(y, 1), text.replace("\n", "")))

    reader(data).pages[page].extract_text(visitor_text=visit)
    return out


def rows(data: bytes, page: int = 0) -> list[str]:
    """Text of each baseline on the page, left to right, fragments separated by " | "."""
    by_y: dict[float, list[Fragment]] = {}
    for f in fragments(data, page):
        by_y.setdefault(f.y, []).append(f)
    out = []
    for y in sorted(by_y, reverse=True):
        parts = sorted(by_y[y], key=lambda f: f.x)  # stable: runs of one string keep order
        merged: list[str] = []
        last_x = None
        for f in parts:
            if merged and f.x == last_x:
                merged[-1] += f.text
            else:
                merged.append(f.text)
            last_x = f.x
        out.append(" | ".join(merged))
    return out


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} not installed (Debian: poppler-utils / zbar-tools); CI installs it")
    return path


def decode_barcodes(
    data: bytes, tmp_path: Path, page: int = 1, crop: tuple[int, int, int, int] | None = None
) -> list[str]:
    """Render ``page`` at 300 dpi with pdftoppm (``crop``: x, y, width, height in pixels)
    and decode it with zbarimg (which reports identical symbols on one image once)."""
    pdftoppm, zbarimg = need("pdftoppm"), need("zbarimg")
    src = tmp_path / "doc.pdf"
    src.write_bytes(data)
    region: list[str] = []
    if crop is not None:
        region = ["-x", str(crop[0]), "-y", str(crop[1]), "-W", str(crop[2]), "-H", str(crop[3])]
    page_args = ["-f", str(page), "-l", str(page)]
    subprocess.run(
        [
            pdftoppm,
            "-r",
            "300",
            "-gray",
            "-png",
            *page_args,
            *region,
            str(src),
            str(tmp_path / "page"),
        ],
        check=True,
        capture_output=True,
    )
    (png,) = sorted(tmp_path.glob("page*.png"))
    result = subprocess.run([zbarimg, "-q", str(png)], capture_output=True, text=True)
    png.unlink()
    return [line for line in result.stdout.splitlines() if line]


#: Top and bottom halves of an A4 page at 300 dpi (two CN23 copies per sheet).
A4_TOP = (0, 0, 2480, 1754)
A4_BOTTOM = (0, 1754, 2480, 1754)


def decode_a4_copies(data: bytes, tmp_path: Path, page: int = 1) -> list[str]:
    return [
        *decode_barcodes(data, tmp_path, page, A4_TOP),
        *decode_barcodes(data, tmp_path, page, A4_BOTTOM),
    ]
