"""Bar charts as geometry for inline SVG: the template draws them, so every label is escaped there.

Charts are plain horizontal or vertical bars with the figure written beside each bar; a data table
beside the chart carries the same numbers for screen readers and for print.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 620  # viewBox units, about the pixels the chart gets beside its table: text stays at its size
TRACK = 440  # longest bar of a horizontal chart
ROW = 44  # a label line, then its bar
BAR = 16
LABEL_CHARS = 86  # a label longer than this is shortened on the chart (the table keeps it whole)


@dataclass(frozen=True)
class Bar:
    label: str  # what the bar is (field, unit, date): shown whole in the table and the bar's <title>
    short: str  # the label as drawn
    value: str  # the figure written beside the bar, Vietnamese format
    x: float
    y: float
    width: float
    height: float
    track: float  # the full-scale bar behind it (the field's maximum, the reachable total), 0 for none
    track_y: float = 0  # vertical bars: the top of the full-scale outline
    text_x: float = 0
    text_y: float = 0
    label_y: float = 0


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    bars: tuple[Bar, ...]
    height: float
    vertical: bool = False
    width: int = WIDTH


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _scale(value: Decimal, full: Decimal, length: float) -> float:
    """`value` as a length of `full`; never negative, never past the end (a display, not a score)."""
    if full <= 0 or value <= 0:
        return 0.0
    return round(float(min(value, full) / full) * length, 2)


def horizontal(chart_id: str, title: str, description: str,
               rows: list[tuple[str, Decimal, Decimal, str]]) -> Chart:
    """One bar per row (label, value, full scale, figure): the bar is value / full of the track."""
    bars = []
    for i, (label, value, full, figure) in enumerate(rows):
        top = i * ROW
        width = _scale(value, full, TRACK)
        bars.append(Bar(label=label, short=_short(label), value=figure, x=0, y=top + 20, width=width,
                        height=BAR, track=TRACK, text_x=TRACK + 8, text_y=top + 33, label_y=top + 14))
    return Chart(chart_id, title, description, tuple(bars), height=max(len(rows) * ROW, ROW))


def ranked(chart_id: str, title: str, description: str, rows: list[tuple[str, Decimal, str]]) -> Chart:
    """Bars against the largest value, largest first (the order given is kept: callers rank)."""
    top = max((v for _, v, _ in rows), default=Decimal(0))
    chart = horizontal(chart_id, title, description, [(label, v, top, figure) for label, v, figure in rows])
    return Chart(chart.id, chart.title, chart.description,
                 tuple(Bar(**{**b.__dict__, "track": 0}) for b in chart.bars), chart.height)


PLOT = 200  # height of a vertical chart's plot area
BASE = 230  # y of its base line


def columns(chart_id: str, title: str, description: str,
            rows: list[tuple[str, Decimal, Decimal, Decimal, str]]) -> Chart:
    """Vertical bars over time: (date label, value, outline value, full scale, figure) per saved run."""
    n = max(len(rows), 1)
    slot = (WIDTH - 40) / n
    width = min(64.0, slot * 0.6)
    bars = []
    for i, (label, value, outline, full, figure) in enumerate(rows):
        x = round(20 + i * slot + (slot - width) / 2, 2)
        height = _scale(value, full, PLOT)
        outline_height = _scale(outline, full, PLOT)
        bars.append(Bar(label=label, short=_short(label), value=figure, x=x, y=round(BASE - height, 2),
                        width=round(width, 2), height=height, track=outline_height,
                        track_y=round(BASE - outline_height, 2), text_x=round(x + width / 2, 2),
                        text_y=round(BASE - max(height, outline_height) - 6, 2), label_y=BASE + 18))
    return Chart(chart_id, title, description, tuple(bars), height=BASE + 28, vertical=True)
