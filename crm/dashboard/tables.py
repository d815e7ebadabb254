"""The dashboard's tables, defined once: the page renders them and the CSV/XLSX
downloads write them, so a download always says what the page says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from crm.dashboard.headline import headline_rows
from crm.dashboard.kinds import DAYS, MONEY, NUMBER, PERCENT, TEXT
from crm.metrics.breakdowns import DIMENSIONS
from crm.metrics.determinations import FIGURES as DETERMINATION_FIGURES


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = NUMBER


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list]
    #: Per row, the column index whose cell links somewhere, and where.
    links: list[dict[int, str]] = field(default_factory=list)
    note: str | None = None
    #: What the table says when it has no rows.
    empty: str = "No cases in this period."
    #: For a table of mixed measures: the kind of each row's value, overriding its column's.
    kinds: list[str] | None = None

    def kind(self, row: int, column: int) -> str:
        if self.kinds is not None and column > 0:
            return self.kinds[row]
        return self.columns[column].kind

    def export_headers(self) -> list[str]:
        return [c.label + (" (%)" if c.kind == PERCENT else "") for c in self.columns]

    def export_rows(self) -> list[list]:
        """Percentages as numbers out of 100 (to 1 place), said in the header or, in a
        table of mixed measures, in the row's name; blanks where there is no figure."""
        rows = []
        for r, row in enumerate(self.rows):
            cells = list(row)
            for c, value in enumerate(row):
                if self.kind(r, c) == PERCENT:
                    cells[c] = None if value is None else round(value * 100, 1)
                    if self.kinds is not None:
                        cells[0] = f"{row[0]} (%)"
            rows.append(cells)
        return rows


STEP_COLUMNS = [
    Column("Enquiries"),
    Column("Initial visits"),
    Column("Applications"),
    Column("Approvals"),
    Column("Enquiries reaching application (cohort)", PERCENT),
    Column("Applications reaching approval (cohort)", PERCENT),
    Column("Enquiries reaching approval (cohort)", PERCENT),
]


def _conversion_table(figures: dict, dimension: str) -> Table:
    label, _ = DIMENSIONS[dimension]
    rows = [
        [
            r["label"],
            r["enquiries"],
            r["initial_visits"],
            r["applications"],
            r["approvals"],
            r["cohort_conversion"]["enquiry_to_application"],
            r["cohort_conversion"]["application_to_approval"],
            r["cohort_conversion"]["enquiry_to_approval"],
        ]
        for r in figures["conversion_by"][dimension]
    ]
    return Table(
        f"by_{dimension}",
        f"Conversion by {label.lower()}",
        [Column(label, TEXT), *STEP_COLUMNS],
        rows,
        note="Counts are events dated in the period. The rates follow the period's own "
        "enquiries (and applications) to the as-of date, so none can pass 100%: a source "
        "with 3 applications this period from 2 enquiries made this period is at most 100%.",
    )


def _campaign_costs(figures: dict) -> Table:
    return Table(
        "campaign_costs",
        "Campaign costs (each campaign's whole life to the as-of date)",
        [
            Column("Campaign", TEXT),
            Column("Cost (£)", MONEY),
            Column("Enquiries"),
            Column("Approvals"),
            Column("Cost per enquiry (£)", MONEY),
            Column("Cost per approval (£)", MONEY),
        ],
        [
            [
                r["name"],
                r["cost"],
                r["enquiries"],
                r["approvals"],
                r["cost_per_enquiry"],
                r["cost_per_approval"],
            ]
            for r in figures["campaign_costs"]
        ],
        empty="No campaigns recorded (Admin → Campaigns).",
    )


def _stage_durations(figures: dict) -> Table:
    return Table(
        "stage_durations",
        "Time spent in each stage (cases that left it in the period)",
        [
            Column("Stage", TEXT),
            Column("Cases"),
            Column("Median days", DAYS),
            Column("75% within (days)", DAYS),
            Column("90% within (days)", DAYS),
        ],
        [
            [r["label"], r["count"], r["median"], r["p75"], r["p90"]]
            for r in figures["stage_durations"]
        ],
    )


def _approval_histogram(figures: dict) -> Table:
    return Table(
        "approval_histogram",
        "Time from application to approval",
        [Column("Took", TEXT), Column("Approvals")],
        [[r["label"], r["count"]] for r in figures["approval_histogram"]],
    )


TREND_COLUMNS = [
    Column("Enquiries"),
    Column("Initial visits"),
    Column("Applications"),
    Column("Approvals"),
    Column("Deregistrations"),
]


def _trend(figures: dict, key: str, title: str, first: str) -> Table:
    return Table(
        key,
        title,
        [Column(first, TEXT), *TREND_COLUMNS],
        [
            [
                r["label"],
                r["enquiries"],
                r["initial_visits"],
                r["applications"],
                r["approvals"],
                r["deregistrations"],
            ]
            for r in figures[key]
        ],
    )


def _deregistrations(figures: dict, link: Callable[[str], str]) -> Table:
    rows = figures["deregistrations_by_reason"]
    return Table(
        "deregistrations_by_reason",
        "Deregistrations by reason",
        [
            Column("Reason", TEXT),
            Column("Carer's decision"),
            Column("Service's decision"),
            Column("Not recorded"),
            Column("Total"),
        ],
        [[r["label"], r["carer"], r["service"], r["not_recorded"], r["total"]] for r in rows],
        empty="No deregistrations in this period.",
        links=[{4: link(r["reason"])} for r in rows],
    )


def _stability(figures: dict, link: Callable[[str, str, str], str] | None) -> Table:
    """Placements started and ended in each financial year, planned or unplanned: each
    ending count opens the placements it counts."""
    rows = figures.get("stability_by_year", [])  # absent from a bundle stored before
    counted = ["started", "ended", "planned", "disruptions", "ending_not_recorded"]
    if not any(r[name] for r in rows for name in counted):
        rows = []  # years of noughts: "No placements recorded." says it in one line
    return Table(
        "stability_by_year",
        "Placement stability by financial year",
        [
            Column("Year", TEXT),
            Column("Placements started"),
            Column("Ended"),
            Column("Planned endings"),
            Column("Disruptions (unplanned)"),
            Column("Ending not recorded"),
            Column("Unplanned share of endings", PERCENT),
        ],
        [[r["year"], *(r[name] for name in counted), r["unplanned_share"]] for r in rows],
        links=[
            {
                column: link(r["from"], r["to"], ending)
                for column, ending in (
                    (2, ""),
                    (3, "planned"),
                    (4, "disruptions"),
                    (5, "ending_not_recorded"),
                )
            }
            if link
            else {}
            for r in rows
        ],
        note="A disruption is a placement that ended unplanned. The current year is so far.",
        empty="No placements recorded.",
    )


def _determinations(figures: dict) -> Table:
    """Qualifying determinations in the period (regs 27-29), from their own records."""
    found = figures.get("determinations") or {}  # absent from a bundle stored before
    rows = [[label, found[key]] for key, label in DETERMINATION_FIGURES.items() if key in found]
    return Table(
        "determinations",
        "Qualifying determinations",
        [Column("Measure", TEXT), Column("In the period")],
        rows if any(row[1] for row in rows) else [],
        note="Each counted on the day of its own step: the notice, the response received, "
        "the final decision.",
        empty="No qualifying determinations in this period.",
    )


def _high_risk(figures: dict, link: Callable[[int | None], str]) -> Table:
    rows = figures["high_risk_by_worker"]
    return Table(
        "high_risk_by_worker",
        "Carers at high risk of leaving, by supervising social worker",
        [Column("Supervising social worker", TEXT), Column("Scored"), Column("High risk")],
        [[r["worker"], r["scored"], r["high"]] for r in rows],
        links=[{2: link(r["worker_id"])} if r["worker_id"] else {} for r in rows],
        note="From the latest risk scores; see the model card for how far to trust them.",
        empty="No risk scores yet: the retention model has not been trained and run.",
    )


def _forecast(figures: dict) -> Table:
    return Table(
        "forecast",
        "Approvals forecast for the financial year",
        [
            Column("Type of carer", TEXT),
            Column("Target"),
            Column("Approved so far"),
            Column("Expected by 31 March"),
            Column("Likely range, low"),
            Column("Likely range, high"),
            Column("Verdict", TEXT),
        ],
        [
            [
                r["label"],
                r["target"],
                r["approved_so_far"],
                r["expected"],
                r["low"],
                r["high"],
                r["verdict"] or "No target set",
            ]
            for r in figures["forecast"]
        ],
        note="Expected approvals: approvals so far, plus each open case's chance of approval "
        "before 31 March from how similar past cases went, plus enquiries still to come. "
        "The range holds 8 years in 10 of the simulated outcomes.",
    )


def _summary(figures: dict) -> Table:
    """The headline figures, one per row, for mainstream and kinship carers apart and
    all together (national comparators are mainstream-only)."""
    by_type = figures["by_carer_type"]
    rows = headline_rows(figures)
    return Table(
        "summary",
        "Headline figures: mainstream and kinship apart",
        [Column("Measure", TEXT), Column("Mainstream"), Column("Kinship"), Column("All")],
        [
            [measure, read(by_type["mainstream"]), read(by_type["kinship"]), read(figures)]
            for measure, read, _ in rows
        ],
        kinds=[kind for _, _, kind in rows],
    )


def dashboard_tables(
    figures: dict,
    deregistration_link: Callable[[str], str],
    worker_link: Callable[[int | None], str],
    placements_link: Callable[[str, str, str], str] | None = None,
) -> dict[str, Table]:
    """Every table on the dashboard, by key (the key names its download)."""
    tables = [
        _summary(figures),
        *(_conversion_table(figures, d) for d in DIMENSIONS),
        _campaign_costs(figures),
        _stage_durations(figures),
        _approval_histogram(figures),
        _trend(figures, "monthly", "By month", "Month"),
        _trend(figures, "quarterly", "By quarter of the financial year", "Quarter"),
        _deregistrations(figures, deregistration_link),
        _high_risk(figures, worker_link),
        _stability(figures, placements_link),
        _forecast(figures),
        _determinations(figures),
    ]
    return {t.key: t for t in tables}
