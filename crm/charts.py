"""Bar charts as server-drawn SVG: no script, no CDN, nothing the CSP has to allow.

Only geometry is worked out here; `templates/_macros/charts.html` draws it. Each
series is told apart by pattern as well as colour, every bar carries its number where
the number fits above it (always in the bar's title), and every chart sits beside a
table of the same numbers for screen readers. Text is never drawn over text: month
labels are thinned to every second or third when they would run together, and the
legend's entries are laid out by their length, on a second line when needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Fill for each series: (colour, pattern or None). Patterns differ, not only colours.
SERIES_STYLES = (("#1d4f91", None), ("#c05600", "hatch"), ("#2e7d32", "dots"))


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: float
    series: int
    #: Whether the number fits above the bar without touching its neighbour's.
    labelled: bool = True


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    bars: list[Bar]
    categories: list[tuple[float, str]]  # (centre x, label)
    series: list[tuple[str, str, str | None]]  # (name, colour, pattern)
    ticks: list[tuple[float, str]]  # (y, label)
    legend: list[tuple[float, float, int]] = ()  # (x, baseline y, series index)

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def _nice_ceiling(value: float) -> float:
    """The axis top: 1, 2 or 5 times a power of ten, at or above `value`."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


#: Roughly how wide a character of the charts' sans-serif text is, per point of size.
_CHARACTER_WIDTH = 0.62


def text_width(text: str, size: float) -> float:
    """An upper estimate of how wide `text` is drawn at `size`, to keep labels apart."""
    return len(text) * size * _CHARACTER_WIDTH


def value_label(value: float) -> str:
    """A bar's number as drawn: one decimal place, without a trailing .0."""
    return f"{round(value, 1):g}"


def _thinned(labels: list[str], group: float, size: float = 10) -> list[str]:
    """Every label when they fit side by side; otherwise every second, third ...
    (the first always shown), so month names never run together."""
    widest = max((text_width(label, size) for label in labels), default=0)
    step = max(1, math.ceil((widest + 4) / group)) if group else 1
    return [label if i % step == 0 else "" for i, label in enumerate(labels)]


def _legend(names: list[str], width: int, first_y: float) -> tuple[list, float]:
    """Entries placed by their length, wrapping to a new line rather than overlapping:
    [(x, baseline y, series)], and the lowest baseline."""
    placed, x, y = [], 40.0, first_y
    for index, name in enumerate(names):
        needed = 14 + text_width(name, 10) + 16
        if x > 40 and x + needed > width - 8:
            x, y = 40.0, y + 14
        placed.append((round(x, 1), y, index))
        x += needed
    return placed, y


def bar_chart(
    chart_id: str,
    title: str,
    categories: list[str],
    series: dict[str, list[float | None]],
    width: int = 640,
    height: int = 220,
) -> BarChart:
    """Grouped bars: one group per category, one bar per series."""
    left, top, bottom = 36, 22, height - 34
    legend, lowest = _legend(list(series), width, first_y=height - 3)
    height = int(lowest) + 3  # a legend on two lines makes the chart taller, not tighter
    plot_width = width - left - 8
    top_value = _nice_ceiling(
        max((v or 0 for values in series.values() for v in values), default=0)
    )
    group = plot_width / max(len(categories), 1)
    bar_width = group * 0.8 / max(len(series), 1)
    bars = []
    for s, values in enumerate(series.values()):
        for i, value in enumerate(values):
            value = value or 0
            bar_height = (bottom - top) * value / top_value
            bars.append(
                Bar(
                    x=round(left + i * group + group * 0.1 + s * bar_width, 1),
                    y=round(bottom - bar_height, 1),
                    width=round(bar_width, 1),
                    height=round(bar_height, 1),
                    value=value,
                    series=s,
                    labelled=text_width(value_label(value), 9) <= bar_width + 2,
                )
            )
    ticks = [(round(bottom - (bottom - top) * f, 1), f"{top_value * f:g}") for f in (0, 0.5, 1)]
    return BarChart(
        id=chart_id,
        title=title,
        width=width,
        height=height,
        plot_top=top,
        plot_bottom=bottom,
        bars=bars,
        categories=[
            (round(left + (i + 0.5) * group, 1), c)
            for i, c in enumerate(_thinned(categories, group))
        ],
        series=[(name, *SERIES_STYLES[i % len(SERIES_STYLES)]) for i, name in enumerate(series)],
        ticks=ticks,
        legend=legend,
    )
