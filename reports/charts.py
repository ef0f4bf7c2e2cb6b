"""Charts drawn on the server as inline SVG: no script, no third-party host, no inline style
(colours come from classes in static/css/app.css, which the page's CSP allows).

Horizontal positions are percentages of the chart's width and vertical ones pixels, so a chart
fills a phone's 390 pixels or a desktop column with its text at the same, readable size. Each
chart sits beside a data table of the same numbers, which is what screen readers and copying use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import count, pairwise

from markupsafe import Markup, escape

_ids = count(1)
TRACK = 68  # the bars' full length, in percent of the width; the figure is written after it


@dataclass(frozen=True)
class Series:
    key: str  # a CSS-safe name: the class "series-<key>" colours it
    label: str
    values: list[float | None]  # fractions 0..1, None where there is nothing to show


@dataclass(frozen=True)
class Bar:
    key: str
    value: float | None  # a fraction 0..1
    text: str  # the number as the reader reads it, drawn beside the bar


@dataclass(frozen=True)
class BarRow:
    label: str
    bars: list[Bar]


def _pct(value: float) -> str:
    return f"{value:.2f}%"


def scale_floor(values: list[float | None]) -> float:
    """Where a rate scale starts: 0, or lower tens of percent below the smallest value when all
    values sit high (a 99% program would otherwise draw flat lines); the chart says where it starts."""
    present = [v for v in values if v is not None]
    if not present:
        return 0.0
    low = math.floor((min(present) * 100 - 5) / 10) * 10
    return max(0.0, min(low, 90.0)) / 100


def trend(title: str, labels: list[str], series: list[Series], floor: float = 0.0, height: int = 220) -> Markup:
    """Lines of rates over months, one per series (also told apart by dashes, not colour alone)."""
    uid = next(_ids)
    top, bottom = 12, height - 30
    n = len(labels)

    def x(i: int) -> float:
        return 55.0 if n == 1 else 12 + i * 85 / (n - 1)

    def y(value: float) -> float:
        span = 1 - floor
        return top + (1 - (value - floor) / span) * (bottom - top) if span else bottom

    parts = [
        f'<svg class="chart chart-trend" width="100%" height="{height}" role="img" '
        f'aria-labelledby="chart-{uid}-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-{uid}-title">{escape(title)}</title>',
    ]
    span = round((1 - floor) * 100)
    every = 25 if span == 100 else 20 if span > 50 else 10 if span > 20 else 5
    for percent in range(100, round(floor * 100) - 1, -every):
        gy = y(percent / 100)
        parts.append(f'<line class="grid" x1="10%" x2="100%" y1="{gy:.1f}" y2="{gy:.1f}"/>')
        parts.append(f'<text class="axis" x="0" y="{gy + 4:.1f}">{percent}%</text>')
    wide_step = max(1, math.ceil(n / 12))
    narrow_step = max(1, math.ceil(n / 6))
    for i, label in enumerate(labels):
        if i % wide_step:
            continue
        minor = "" if i % narrow_step == 0 else " minor"
        parts.append(
            f'<text class="axis month{minor}" x="{_pct(x(i))}" y="{height - 10}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    for line in series:
        points = [(i, v) for i, v in enumerate(line.values)]
        for (i, a), (j, b) in pairwise(points):
            if a is not None and b is not None:
                parts.append(
                    f'<line class="series series-{line.key}" x1="{_pct(x(i))}" y1="{y(a):.1f}" '
                    f'x2="{_pct(x(j))}" y2="{y(b):.1f}"/>'
                )
        for i, v in points:
            if v is not None:
                parts.append(f'<circle class="point series-{line.key}" cx="{_pct(x(i))}" cy="{y(v):.1f}" r="3.5"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - labels are escaped above; the rest are numbers and internal keys


def _lines(text: str, width: int = 44) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current or not lines else lines


def bars(title: str, rows: list[BarRow], bar_height: int = 12) -> Markup:
    """Horizontal bars of rates, a group per row (one bar per series), the label above each group
    and the figure written beside each bar."""
    uid = next(_ids)
    line, gap = 18, 10
    y = 0
    parts = []
    for row in rows:
        for text in _lines(row.label):  # long labels wrap: a phone shows about 45 characters a line
            y += line
            parts.append(f'<text class="label" x="0" y="{y - 5}">{escape(text)}</text>')
        for bar in row.bars:
            parts.append(f'<rect class="track" x="0" y="{y}" width="{TRACK}%" height="{bar_height}"/>')
            if bar.value is not None:
                parts.append(
                    f'<rect class="bar series-{bar.key}" x="0" y="{y}" width="{_pct(TRACK * bar.value)}" '
                    f'height="{bar_height}"/>'
                )
            parts.append(f'<text class="value" x="{TRACK + 2}%" y="{y + bar_height - 2}">{escape(bar.text)}</text>')
            y += bar_height + 3
        y += gap
    height = max(y, 1)
    head = (
        f'<svg class="chart chart-bars" width="100%" height="{height}" role="img" '
        f'aria-labelledby="chart-{uid}-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-{uid}-title">{escape(title)}</title>'
    )
    return Markup(head + "".join(parts) + "</svg>")  # noqa: S704 - labels escaped; the rest numbers and keys
