"""Fit a string into a box: shrink, then wrap, then cut with an ellipsis.

Why a module of its own: a customs officer must be able to read every field, and text that
runs over into the next box makes a form unreadable or, worse, changes what a box appears to
say. Every variable string on the forms goes through :func:`fit_text`, whose promise is that
the lines it returns, drawn at the size it returns, stay inside the box — tested with
hypothesis over arbitrary text and box sizes.

Widths in reportlab are the sum of glyph widths (no kerning), and scale linearly with the
size; so each word is measured once at 1 pt and every candidate size is tried by arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from declarations.pdf import fonts

ELLIPSIS = "…"
#: Line spacing as a multiple of the font size.
LEADING = 1.15
#: Step between the sizes tried when shrinking.
STEP = 0.5
#: Never draw smaller than this, even in a degenerate (too low) box.
ABSOLUTE_MIN_SIZE = 2.0

Measure = Callable[[str], float]


@dataclass(frozen=True, slots=True)
class Fitted:
    """Lines to draw at ``size`` pt, ``leading`` pt apart; ``truncated`` when text was cut."""

    size: float
    leading: float
    lines: tuple[str, ...]
    truncated: bool = False


def _tokens(paragraph: str) -> list[tuple[str, bool]]:
    """Words with whether a space preceded them; each CJK character is a word of its own
    (CJK text breaks between any two characters, and no space is added there)."""
    out: list[tuple[str, bool]] = []
    for word in paragraph.split():
        if word.isascii() or not any(fonts.is_wide(c) for c in word):
            out.append((word, True))
            continue
        piece, first = "", True
        for ch in word:
            if fonts.is_wide(ch):
                if piece:
                    out.append((piece, first))
                    piece, first = "", False
                out.append((ch, first))
                first = False
            else:
                piece += ch
        if piece:
            out.append((piece, first))
    return out


def _split_long(token: str, limit: float, measure: Measure) -> list[str]:
    """Break a single token wider than the line into pieces by character."""
    pieces: list[str] = []
    piece, width = "", 0.0
    for ch in token:
        w = measure(ch)
        if piece and width + w > limit:
            pieces.append(piece)
            piece, width = "", 0.0
        piece += ch
        width += w
    if piece:
        pieces.append(piece)
    return pieces


def wrap(text: str, limit: float, measure: Measure) -> list[str]:
    """Greedy line breaking of ``text`` into lines no wider than ``limit`` (unit-size width).

    Explicit newlines start new lines. A character wider than the line on its own is still
    placed (on a line of its own); callers handle that by shrinking.
    """
    lines: list[str] = []
    space = measure(" ")
    for paragraph in text.split("\n"):
        tokens = _tokens(paragraph)
        line, width = "", 0.0
        i = 0
        while i < len(tokens):
            token, spaced = tokens[i]
            w = measure(token)
            if w > limit:
                pieces = _split_long(token, limit, measure)
                tokens[i : i + 1] = [(pieces[0], spaced)] + [(p, False) for p in pieces[1:]]
                token, w = pieces[0], measure(pieces[0])
            if not line:
                line, width = token, w
            else:
                extra = (space if spaced else 0.0) + w
                if width + extra <= limit:
                    line += (" " if spaced else "") + token
                    width += extra
                else:
                    lines.append(line)
                    line, width = token, w
            i += 1
        if line or not lines or paragraph == "":
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def ellipsize(line: str, limit: float, measure: Measure) -> str:
    """``line`` cut so that it plus an ellipsis fits in ``limit`` (unit-size width)."""
    budget = limit - measure(ELLIPSIS)
    if budget < 0:
        return ""
    width = 0.0
    for i, ch in enumerate(line):
        width += measure(ch)
        if width > budget:
            return line[:i].rstrip() + ELLIPSIS
    return line.rstrip() + ELLIPSIS


def _sizes(max_size: float, min_size: float) -> list[float]:
    n = max(0, int(math.floor((max_size - min_size) / STEP + 1e-9)))
    return [max_size - k * STEP for k in range(n + 1)]


def fit_text(
    text: str,
    width: float,
    height: float,
    *,
    max_size: float = 8.0,
    min_size: float = 5.0,
    max_lines: int | None = None,
    bold: bool = False,
    measure: Measure | None = None,
) -> Fitted:
    """The largest size in [``min_size``, ``max_size``] at which ``text`` fits the box,
    wrapped if need be; at the minimum size, the lines that fit with the last one ending in
    an ellipsis. The result never overflows ``width`` × ``height`` (points)."""
    return _fit_cached(text, width, height, max_size, min_size, max_lines, bold, measure)


@lru_cache(maxsize=8192)
def _fit_cached(
    text: str,
    width: float,
    height: float,
    max_size: float,
    min_size: float,
    max_lines: int | None,
    bold: bool,
    measure: Measure | None,
) -> Fitted:
    m: Measure = measure or (lambda s: fonts.unit_width(s, bold))
    text = "\n".join(" ".join(p.split()) for p in text.strip().split("\n"))
    if not text or width <= 0 or height <= 0:
        return Fitted(max_size, max_size * LEADING, ())
    min_size = min(min_size, max_size)
    one_paragraph = "\n" not in text
    natural = m(text) if one_paragraph else math.inf
    for size in _sizes(max_size, min_size):
        leading = size * LEADING
        cap = int(height / leading + 1e-9)
        if max_lines is not None:
            cap = min(cap, max_lines)
        if cap < 1:
            continue
        if natural * size <= width:
            return Fitted(size, leading, (text,))
        if cap == 1 and one_paragraph:
            continue
        lines = wrap(text, width / size, m)
        if len(lines) <= cap and all(m(line) * size <= width for line in lines):
            return Fitted(size, leading, tuple(lines))
    # Nothing fits whole: cut at the minimum size (smaller only if the box is too low).
    size = min_size
    if height < size * LEADING:
        size = height / LEADING
        if size < ABSOLUTE_MIN_SIZE:
            return Fitted(size, height, (), truncated=True)
    leading = size * LEADING
    cap = max(1, int(height / leading + 1e-9))
    if max_lines is not None:
        cap = min(cap, max_lines)
    limit = width / size
    lines = wrap(text, limit, m)
    lines = [ln if m(ln) <= limit else ellipsize(ln, limit, m) for ln in lines]
    if len(lines) > cap:
        kept = lines[:cap]
        kept[-1] = ellipsize(kept[-1], limit, m)
        lines = kept
    lines = [ln for ln in lines if ln]
    return Fitted(size, leading, tuple(lines), truncated=True)


fonts.on_change(_fit_cached.cache_clear)
