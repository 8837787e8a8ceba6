"""Fonts for the customs forms, and the choice of font per piece of text by script.

Why per script: a CN23 for a parcel from Shenzhen to Berlin carries Chinese names, German
umlauts and perhaps a Cyrillic address on the same page; no single font we can ship covers
all of them. Text is cut into *runs* of characters that one font can draw, and every
measurement and drawing goes through those runs.

Every font is a TrueType file embedded as a subset of the glyphs a document uses, so the
forms print the same in every viewer and on every printer, with or without fonts of its own.
Fonts, in order of preference:

* Latin, Cyrillic and Greek: PT Sans from the ``fontpkg-pt-sans`` package (OFL, static
  TrueType, Latin-extended + Cyrillic); else DejaVu Sans from Debian's ``fonts-dejavu-core``;
  else reportlab's own Bitstream Vera (Latin only: Cyrillic would print as blanks).
* Characters the main font lacks (Vietnamese, Armenian, …): DejaVu Sans when installed.
* Chinese, Japanese kana and Korean Hangul: one TrueType CJK font, by default WenQuanYi Zen
  Hei from Debian's ``fonts-wqy-zenhei`` (a collection; face 0 is the proportional one),
  which covers Han, kana and Hangul. An operator names another with
  :func:`use_cjk_font` (the app passes ``SILKPOST_CJK_FONT`` and ``SILKPOST_CJK_FONT_INDEX``).

Without a CJK font, text in those scripts is refused (:class:`MissingCjkFont`, a
:class:`DeclarationError`) rather than printed with a font the PDF does not carry: a
printer without such a font would leave the sender's address blank. Forms without CJK text
still render.

Registration happens once per process (:func:`ensure_registered`); widths at unit size are
memoised so laying out a batch of a thousand forms does not re-measure the same strings.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from declarations.errors import DeclarationError

#: Names the forms use; they are ours, independent of which files back them.
SANS = "SP-Sans"
SANS_BOLD = "SP-Sans-Bold"
FALLBACK = "SP-Fallback"
CJK = "SP-CJK"

_DEJAVU_DIR = Path(os.environ.get("SILKPOST_DEJAVU_DIR", "/usr/share/fonts/truetype/dejavu"))
_VERA_DIR = Path(reportlab.__file__).resolve().parent / "fonts"
#: Where Debian puts the CJK fonts looked for when none is configured, in order.
DEFAULT_CJK_FONTS = (
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
)
HOW_TO_GET_CJK = (
    "install Debian's fonts-wqy-zenhei (`make install` does when root) or set "
    "SILKPOST_CJK_FONT to a TrueType CJK font (SILKPOST_CJK_FONT_INDEX picks the face of a "
    ".ttc collection)"
)


class MissingCjkFont(DeclarationError):
    """Text in Chinese, Japanese or Korean, and no TrueType CJK font to embed."""


@dataclass(frozen=True)
class FontSource:
    """Where the main sans-serif came from, for reports and tests."""

    family: str
    regular: Path
    bold: Path
    covers_cyrillic: bool


@dataclass(frozen=True)
class CjkSource:
    """The CJK font in use: its file, the face within a collection, and the face's name."""

    path: Path
    index: int
    family: str


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
_cjk_registered = False
_cmaps: dict[str, frozenset[int] | dict[int, int]] = {}
#: The CJK font asked for (None: the first of DEFAULT_CJK_FONTS found) and its face index.
_cjk_wanted: tuple[Path | None, int] = (None, 0)
_cjk: CjkSource | None = None
#: Why there is no CJK font, when there is none.
_cjk_problem = ""
#: Called when the fonts change, so caches of measurements made with them are dropped.
_on_change: list[Callable[[], None]] = []


def ensure_registered() -> FontSource:
    """Register the form fonts with reportlab once; returns the main font's source."""
    global _source, _cjk_registered
    if _source is not None and _cjk_registered:
        return _source
    with _lock:
        if _source is None:
            source = _pt_sans() or _dejavu() or _vera()
            _register(SANS, str(source.regular))
            _register(SANS_BOLD, str(source.bold))
            dejavu = _dejavu()
            if dejavu is not None and dejavu.regular != source.regular:
                _register(FALLBACK, str(dejavu.regular))
            _source = source
        if not _cjk_registered:
            _register_cjk()
            _cjk_registered = True
    return _source


def _register(name: str, path: str, index: int = 0) -> TTFont:
    font = TTFont(name, path, subfontIndex=index)
    # reportlab keeps the first font registered under a name (or for a face name) and
    # ignores later ones; a CJK font chosen anew must replace the one before it.
    pdfmetrics._fonts.pop(name, None)
    pdfmetrics._dynFaceNames.pop(font.face.name, None)
    pdfmetrics.registerFont(font)
    _cmaps[name] = font.face.charToGlyph
    return font


def _register_cjk() -> None:
    """Register the wanted CJK font, or note why there is none (Latin forms still work)."""
    global _cjk, _cjk_problem
    path, index = _cjk_wanted
    candidates = [(path, index)] if path is not None else list(DEFAULT_CJK_FONTS)
    _cjk, _cjk_problem = None, ""
    _cmaps.pop(CJK, None)
    problems = []
    for candidate, face in candidates:
        if not candidate.is_file():
            problems.append(f"no font file {candidate}")
            continue
        try:
            font = _register(CJK, str(candidate), face)
        except (TTFError, OSError, IndexError) as exc:
            problems.append(f"{candidate} (face {face}) is not a usable TrueType font: {exc}")
            continue
        family = font.face.name.decode("latin-1", "replace")
        _cjk = CjkSource(candidate, face, family)
        return
    _cjk_problem = "; ".join(problems)


def use_cjk_font(path: str | os.PathLike[str] | None, index: int = 0) -> None:
    """Draw CJK text with the TrueType font at ``path`` (face ``index`` of a .ttc
    collection); ``None`` looks for the fonts of :data:`DEFAULT_CJK_FONTS`. Takes effect on
    the next drawing; a font that cannot be used is reported when CJK text is drawn."""
    global _cjk_wanted, _cjk_registered
    wanted = (Path(path) if path else None, int(index))
    if wanted == _cjk_wanted:
        return
    with _lock:
        _cjk_wanted = wanted
        _cjk_registered = False
    runs.cache_clear()
    unit_width.cache_clear()
    for clear in _on_change:
        clear()


def on_change(clear: Callable[[], None]) -> None:
    """Have ``clear`` called whenever the fonts change (for caches of measurements)."""
    _on_change.append(clear)


def cjk_source() -> CjkSource | None:
    """The CJK font in use, or None when there is none (see :func:`cjk_problem`)."""
    ensure_registered()
    return _cjk


def cjk_problem() -> str:
    """Why there is no CJK font ("" when there is one)."""
    ensure_registered()
    return _cjk_problem


# --------------------------------------------------------------------------------------------
# Script detection.
# --------------------------------------------------------------------------------------------


def _is_hangul(cp: int) -> bool:
    return 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F


def _is_cjk(cp: int) -> bool:
    """Han ideographs, kana, CJK punctuation and full-width forms."""
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


def _in(font: str, cp: int) -> bool:
    cmap = _cmaps.get(font)
    return cmap is not None and cp in cmap


def _font_for_char(cp: int, base: str) -> str:
    """The font that draws ``cp``: CJK and Hangul in the CJK font, the rest in the main
    font, then DejaVu, then the CJK font (which has many symbols); else the main font,
    which prints its "missing" glyph."""
    if cp < 0x80:
        return base
    wide = _is_cjk(cp) or _is_hangul(cp)
    if wide and _in(CJK, cp):
        return CJK
    for font in (base, FALLBACK, CJK):
        if _in(font, cp):
            return font
    if wide:
        if _cjk is None:
            raise MissingCjkFont(
                f"{chr(cp)!r} cannot be printed: no TrueType CJK font to embed ({_cjk_problem})",
                [HOW_TO_GET_CJK],
            )
        return CJK
    return base


Run = tuple[str, str]
"""(font name, text) — a stretch of text one font draws."""


@lru_cache(maxsize=16384)
def runs(text: str, bold: bool = False) -> tuple[Run, ...]:
    """Cut ``text`` into runs of one font each.

    Each character's font depends on that character alone (ASCII, spaces included, always
    in the main sans-serif), so the width of a string is the sum of its parts' widths: the
    fitting code measures words and pieces separately and relies on it.
    """
    ensure_registered()
    base = SANS_BOLD if bold else SANS
    if text.isascii():
        return ((base, text),)
    out: list[list[str]] = []
    for ch in text:
        font = _font_for_char(ord(ch), base)
        if out and out[-1][0] == font:
            out[-1][1] += ch
        else:
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
    """Whether every character of ``text`` has a glyph in one of the registered fonts."""
    ensure_registered()
    return all(ord(ch) < 0x20 or any(_in(f, ord(ch)) for f in (SANS, FALLBACK, CJK)) for ch in text)
