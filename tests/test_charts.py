"""Charts never draw text over text (issue 32, item 11): month labels thinned when they
would run together, a bar's number left to its title and the table when it does not fit
above the bar, and legend entries laid out by their length."""

from __future__ import annotations

from datetime import date

from crm.charts import bar_chart, text_width, value_label

MONTHS = [f"{date(2025 + (m // 12), m % 12 + 1, 1):%b %Y}" for m in range(24)]


def _extents(chart, size=10):
    return [
        (x - text_width(label, size) / 2, x + text_width(label, size) / 2)
        for x, label in chart.categories
        if label
    ]


def test_twenty_four_month_labels_do_not_run_together():
    chart = bar_chart("c", "Fostered", MONTHS, {"In-house": [1] * 24, "Agency": [2] * 24})
    shown = _extents(chart)
    assert all(
        left_end < right_start
        for (_, left_end), (right_start, _) in zip(shown, shown[1:], strict=False)
    )
    assert chart.categories[0][1] == "Jan 2025"  # the first month is always named
    assert 6 <= len(shown) < 24


def test_a_year_of_short_labels_keeps_every_label():
    months = [f"{date(2025, m, 1):%b}" for m in range(1, 13)]
    chart = bar_chart("c", "Enquiries", months, {"Enquiries": [3] * 12})
    assert [label for _, label in chart.categories] == months


def test_percentages_on_narrow_bars_are_left_to_the_title_and_the_table():
    """Three series over thirteen months: "99.1" is wider than a bar, so it is not drawn
    (drawn, neighbours printed "99.199.1")."""
    values = [99.1] * 13
    chart = bar_chart("c", "Compliance", MONTHS[:13], {"A": values, "B": values, "C": values})
    assert not any(bar.labelled for bar in chart.bars)


def test_numbers_that_fit_above_their_bars_are_drawn():
    chart = bar_chart("c", "Approvals", ["Apr", "May"], {"Approvals": [4, 12]})
    assert all(bar.labelled for bar in chart.bars)
    assert value_label(12.0) == "12" and value_label(99.14) == "99.1"


def test_long_legend_entries_do_not_overlap():
    names = [
        "Supervision visit within the service's interval",
        "Unannounced visit within the year",
        "Annual review within the year",
    ]
    chart = bar_chart("c", "Compliance", ["Apr"], {name: [50] for name in names})
    by_line: dict[float, list[tuple[float, float]]] = {}
    for x, y, index in chart.legend:
        by_line.setdefault(y, []).append((x, x + 14 + text_width(names[index], 10)))
    for entries in by_line.values():
        assert all(end < start for (_, end), (start, _) in zip(entries, entries[1:], strict=False))
        assert all(end <= chart.width for _, end in entries)
    assert len(by_line) == 2 and chart.height > 220  # wrapped, and the chart grew to fit
