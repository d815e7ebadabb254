"""Bar charts as server-drawn SVG: no script, no CDN, nothing the CSP has to allow.

Only geometry is worked out here; `templates/_macros/charts.html` draws it. Each
series is told apart by pattern as well as colour, every bar carries its number,
and every chart sits beside a table of the same numbers for screen readers.
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

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def _nice_ceiling(value: float) -> float:
    """The axis top: 1, 2 or 5 times a power of ten, at or above `value`."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


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
        categories=[(round(left + (i + 0.5) * group, 1), c) for i, c in enumerate(categories)],
        series=[(name, *SERIES_STYLES[i % len(SERIES_STYLES)]) for i, name in enumerate(series)],
        ticks=ticks,
    )
