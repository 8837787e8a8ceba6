"""Fonts for the customs forms, and the choice of font per piece of text by script.

Why per script: a CN23 for a parcel from Shenzhen to Berlin carries Chinese names, German
umlauts and perhaps a Cyrillic address on the same page; no single font we can ship covers
all of them. Text is cut into *runs* of characters that one font can draw, and every
measurement and drawing goes through those runs.

Fonts, in order of preference:

* Latin, Cyrillic and Greek: PT Sans from the ``fontpkg-pt-sans`` package (OFL, static
  TrueType, Latin-extended + Cyrillic); else DejaVu Sans from Debian's ``fonts-dejavu-core``;
  else reportlab's own Bitstream Vera (Latin only: Cyrillic would print as blanks).
* Characters the main font lacks (Vietnamese, Armenian, …): DejaVu Sans when installed.
* Chinese, Japanese kana: the built-in ``STSong-Light`` CID font. Korean Hangul: the
  built-in ``HYSMyeongJo-Medium``. These are *not embedded*: the PDF names an Adobe CJK
  font and the reader or printer substitutes one it has (Acrobat's Asian font pack; poppler
  and CUPS use any installed CJK font, e.g. Debian's ``fonts-wqy-zenhei`` or
  ``fonts-arphic-uming``). The text layer is exact either way, so extraction and search
  work everywhere; a print host without any CJK font shows blanks for those glyphs.

Registration happens once per process (:func:`ensure_registered`); widths at unit size are
memoised so laying out a batch of a thousand forms does not re-measure the same strings.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

#: Names the forms use; they are ours, independent of which files back them.
SANS = "SP-Sans"
SANS_BOLD = "SP-Sans-Bold"
FALLBACK = "SP-Fallback"
CJK = "STSong-Light"
HANGUL = "HYSMyeongJo-Medium"

_DEJAVU_DIR = Path(os.environ.get("SILKPOST_DEJAVU_DIR", "/usr/share/fonts/truetype/dejavu"))
_VERA_DIR = Path(reportlab.__file__).resolve().parent / "fonts"


@dataclass(frozen=True)
class FontSource:
    """Where the main sans-serif came from, for reports and tests."""

    family: str
    regular: Path
    bold: Path
    covers_cyrillic: bool


def _pt_sans() -> FontSource | None:
    try:
        import fontpkg_pt_sans  # type: ignore[import-not-found]
    except ImportError:
        return None
    files = Path(fontpkg_pt_sans.ROOT) / "files"
    regular, bold = files / "PT_Sans-Web-Regular.ttf", files / "PT_Sans-Web-Bold.ttf"
    if regular.is_file() and bold.is_file():
        return FontSource("PT Sans", regular, bold, True)
    return None


def _dejavu() -> FontSource | None:
    regular, bold = _DEJAVU_DIR / "DejaVuSans.ttf", _DEJAVU_DIR / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        return FontSource("DejaVu Sans", regular, bold, True)
    return None


def _vera() -> FontSource:
    return FontSource("Bitstream Vera", _VERA_DIR / "Vera.ttf", _VERA_DIR / "VeraBd.ttf", False)


_lock = threading.Lock()
_source: FontSource | None = None
_has_fallback = False
_cmaps: dict[str, frozenset[int] | dict[int, int]] = {}


def ensure_registered() -> FontSource:
    """Register the form fonts with reportlab once; returns the main font's source."""
    global _source, _has_fallback
    if _source is not None:
        return _source
    with _lock:
        if _source is not None:
            return _source
        source = _pt_sans() or _dejavu() or _vera()
        regular = TTFont(SANS, str(source.regular))
        bold = TTFont(SANS_BOLD, str(source.bold))
        pdfmetrics.registerFont(regular)
        pdfmetrics.registerFont(bold)
        _cmaps[SANS] = regular.face.charToGlyph
        _cmaps[SANS_BOLD] = bold.face.charToGlyph
        dejavu = _dejavu()
        if dejavu is not None and dejavu.regular != source.regular:
            fallback = TTFont(FALLBACK, str(dejavu.regular))
            pdfmetrics.registerFont(fallback)
            _cmaps[FALLBACK] = fallback.face.charToGlyph
            _has_fallback = True
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))
        pdfmetrics.registerFont(UnicodeCIDFont(HANGUL))
        _source = source
    return source


# --------------------------------------------------------------------------------------------
# Script detection.
# --------------------------------------------------------------------------------------------


def _is_hangul(cp: int) -> bool:
    return 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F


def _is_cjk(cp: int) -> bool:
    """Han ideographs, kana, CJK punctuation and full-width forms (drawn by STSong-Light)."""
    return (
        0x2E80 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0xFE30 <= cp <= 0xFE4F
        or 0xFF00 <= cp <= 0xFFEF
        or 0x20000 <= cp <= 0x3FFFF
    )


def is_wide(ch: str) -> bool:
    """Characters after which a line may break without a space (CJK and Hangul)."""
    cp = ord(ch)
    return _is_cjk(cp) or _is_hangul(cp)


def _font_for_char(cp: int, base: str) -> str:
    if cp < 0x80:
        return base
    if _is_cjk(cp):
        return CJK
    if _is_hangul(cp):
        return HANGUL
    if cp in _cmaps[base]:
        return base
    if _has_fallback and cp in _cmaps[FALLBACK]:
        return FALLBACK
    return base


Run = tuple[str, str]
"""(font name, text) — a stretch of text one font draws."""


@lru_cache(maxsize=16384)
def runs(text: str, bold: bool = False) -> tuple[Run, ...]:
    """Cut ``text`` into runs of one font each.

    A space after CJK text stays in the CJK run (one run fewer to draw); other ASCII always
    uses the main sans-serif, whose Latin glyphs look better than the CID font's.
    """
    ensure_registered()
    base = SANS_BOLD if bold else SANS
    if text.isascii():
        return ((base, text),)
    out: list[list[str]] = []
    for ch in text:
        cp = ord(ch)
        font = _font_for_char(cp, base)
        if out:
            current = out[-1][0]
            if font == current or (cp < 0x80 and current in (CJK, HANGUL) and ch == " "):
                out[-1][1] += ch
                continue
        out.append([font, ch])
    return tuple((f, t) for f, t in out)


@lru_cache(maxsize=32768)
def unit_width(text: str, bold: bool = False) -> float:
    """Width of ``text`` at 1 pt; widths scale linearly with the size, so one measurement
    serves every size tried while fitting."""
    return sum(pdfmetrics.stringWidth(t, f, 1.0) for f, t in runs(text, bold))


def string_width(text: str, size: float, bold: bool = False) -> float:
    return unit_width(text, bold) * size


def source() -> FontSource:
    """The main font in use (registering the fonts if needed)."""
    return ensure_registered()


def covers(text: str) -> bool:
    """Whether every character of ``text`` has a glyph in one of the registered fonts
    (CJK and Hangul are assumed covered by the CID fonts)."""
    ensure_registered()
    for ch in text:
        cp = ord(ch)
        if cp < 0x20 or _is_cjk(cp) or _is_hangul(cp):
            continue
        if cp in _cmaps[SANS] or (_has_fallback and cp in _cmaps[FALLBACK]):
            continue
        return False
    return True
