"""Charts drawn on the server as SVG: no script, nothing fetched, the same in every browser.

Each chart is an ``<svg role="img">`` in a figure, named by the figure's caption; its
numbers are in a table beside it on the page (the chart is a picture of that table, never
the only place a figure is).
Geometry is computed with ``Decimal`` like the amounts it draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 56, 12, 16, 36
# Fills with at least 3:1 contrast against the white page (WCAG 1.4.11).
PALETTE = ("#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0f766e")
MAX_X_LABELS = 12


@dataclass(frozen=True)
class Series:
    """One row of numbers; ``shown`` are the same numbers as the page formats them."""

    name: str
    values: Sequence[Decimal | int | None]
    shown: Sequence[str] | None = None

    def text(self, i: int) -> str:
        if self.shown is not None:
            return self.shown[i]
        value = self.values[i]
        return "—" if value is None else str(value)


def _d(value) -> Decimal:
    return Decimal(value or 0)


def _n(value: Decimal) -> str:
    """An SVG coordinate: one decimal place is finer than a pixel."""
    return format(value.quantize(Decimal("0.1")), "f")


def _top(series: Sequence[Series]) -> Decimal:
    top = max((_d(v) for s in series for v in s.values), default=Decimal(0))
    return top if top > 0 else Decimal(1)


def _svg(chart_id: str, title: str, body: list[str], height: int = HEIGHT) -> Markup:
    """The chart in a figure whose visible caption is its title (and its accessible name)."""
    cid = escape(chart_id)
    svg = (
        f'<svg id="{cid}" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{cid}-title" xmlns="http://www.w3.org/2000/svg">'
        + "".join(body)
        + "</svg>"
    )
    caption = f'<figcaption id="{cid}-title">{escape(title)}</figcaption>'
    return Markup(f'<figure class="chart-figure">{caption}{svg}</figure>')


def _legend(series: Sequence[Series], y: int) -> list[str]:
    if len(series) < 2:
        return []
    out, x = [], PAD_LEFT
    for n, s in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        out.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x + 14}" y="{y}" class="chart-label">{escape(s.name)}</text>')
        x += 24 + _text_width(s.name)
    return out


def _text_width(text: str) -> int:
    """About how wide 11 px text is: CJK characters are full width, others about half."""
    return sum(11 if ord(ch) > 0x2E7F else 7 for ch in text)


def columns(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Vertical bars per label (days, months), one bar per series side by side."""
    top = _top(series)
    plot_w = Decimal(WIDTH - PAD_LEFT - PAD_RIGHT)
    plot_h = Decimal(HEIGHT - PAD_TOP - PAD_BOTTOM)
    slot = plot_w / max(len(labels), 1)
    bar = slot * Decimal("0.8") / max(len(series), 1)
    base = Decimal(PAD_TOP) + plot_h
    body = _axis(top, base)
    for n, s in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        for i, value in enumerate(s.values):
            h = plot_h * _d(value) / top
            x = PAD_LEFT + slot * i + slot * Decimal("0.1") + bar * n
            body.append(
                f'<rect x="{_n(x)}" y="{_n(base - h)}" width="{_n(bar)}" height="{_n(h)}" '
                f'fill="{colour}"><title>{escape(labels[i])} · {escape(s.name)}: '
                f"{escape(s.text(i))}</title></rect>"
            )
    step = max(1, -(-len(labels) // MAX_X_LABELS))
    for i in range(0, len(labels), step):
        x = PAD_LEFT + slot * i + slot / 2
        body.append(
            f'<text x="{_n(x)}" y="{HEIGHT - PAD_BOTTOM + 14}" text-anchor="middle" '
            f'class="chart-label">{escape(labels[i])}</text>'
        )
    body += _legend(series, HEIGHT - 4)
    return _svg(chart_id, title, body)


def _axis(top: Decimal, base: Decimal) -> list[str]:
    return [
        f'<line x1="{PAD_LEFT}" y1="{_n(base)}" x2="{WIDTH - PAD_RIGHT}" y2="{_n(base)}" '
        'class="chart-axis"/>',
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + 4}" text-anchor="end" class="chart-label">'
        f"{escape(_short(top))}</text>",
        f'<text x="{PAD_LEFT - 6}" y="{_n(base)}" text-anchor="end" class="chart-label">0</text>',
    ]


def _short(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else f"{value:.2f}"


def bars(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Horizontal bars per label (destinations, stages, queues), series side by side."""
    top = _top(series)
    row_h, gap, label_w = 22, 8, 150
    per_row = row_h * max(len(series), 1) + gap
    legend = 20 if len(series) > 1 else 0
    height = PAD_TOP + per_row * max(len(labels), 1) + legend + 8
    plot_w = Decimal(WIDTH - label_w - PAD_RIGHT - 70)
    body = []
    for i, label in enumerate(labels):
        y0 = PAD_TOP + per_row * i
        body.append(
            f'<text x="{label_w - 8}" y="{y0 + row_h - 7}" text-anchor="end" '
            f'class="chart-label">{escape(label)}</text>'
        )
        for n, s in enumerate(series):
            value = s.values[i]
            w = plot_w * _d(value) / top
            y = y0 + row_h * n
            body.append(
                f'<rect x="{label_w}" y="{y + 2}" width="{_n(w)}" height="{row_h - 4}" '
                f'fill="{PALETTE[n % len(PALETTE)]}"/>'
                f'<text x="{_n(label_w + w + 6)}" y="{y + row_h - 7}" class="chart-label">'
                f"{escape(s.text(i))}</text>"
            )
    body += _legend(series, height - 6)
    return _svg(chart_id, title, body, height)
