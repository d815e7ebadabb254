"""The headline figures, one row each: what the dashboard's headline table and its
download show for mainstream, kinship and all carers. Each row says how to read its
value from one engine result, so the three columns cannot disagree on what a row is."""

from __future__ import annotations

from collections.abc import Callable

from crm.dashboard.kinds import DAYS, NUMBER, PERCENT


def headline_rows(figures: dict) -> list[tuple[str, Callable[[dict], object], str]]:
    """(measure, how to read it from one engine result, kind) for each headline figure."""

    def at(*path: str) -> Callable[[dict], object]:
        def read(found: dict) -> object:
            for key in path:
                found = found[key]
            return found

        return read

    def words(name: str) -> str:
        return name.replace("_", " ").capitalize()

    return [
        *((words(name), at("counts", name), NUMBER) for name in figures["counts"]),
        *(
            (f"Period conversion: {words(name).lower()}", at("period_conversion", name), PERCENT)
            for name in figures["period_conversion"]
        ),
        *(
            (f"Cohort conversion: {words(name).lower()}", at("cohort_conversion", name), PERCENT)
            for name in figures["cohort_conversion"]
        ),
        ("Application to approval, median days", at("time_to_approval_days", "median"), DAYS),
        ("Application to approval, 75th percentile days", at("time_to_approval_days", "p75"), DAYS),
        ("Application to approval, 90th percentile days", at("time_to_approval_days", "p90"), DAYS),
        ("Enquiry to approval, median days", at("enquiry_to_approval_days", "median"), DAYS),
        ("First contact, median working days", at("response_time_working_days", "median"), DAYS),
        (
            "First contact within target",
            at("response_time_working_days", "within_target_rate"),
            PERCENT,
        ),
        *(
            (
                f"Withdrawn by the {who} {when} application",
                at("withdrawals", f"{when}_application", f"by_{who}"),
                NUMBER,
            )
            for when in ("before", "after")
            for who in ("applicant", "service")
        ),
        (
            "Panel recommendations within 8 months of application (NMS 14.4)",
            at("timescales", "panel_within_8_months", "rate"),
            PERCENT,
        ),
        (
            "Agency decisions within the working days allowed after the final panel minutes "
            "(NMS 14.9; decisions with no minutes date recorded are left out)",
            at("timescales", "decision_within_limit", "rate"),
            PERCENT,
        ),
        ("Stalled assessments (as of)", at("stalled", "count"), NUMBER),
        ("Households at the start", at("households", "at_start"), NUMBER),
        ("Households at the end", at("households", "at_end"), NUMBER),
        ("Net gain", at("households", "net_gain"), NUMBER),
        (
            "Carers lost (deregistered, less good outcomes)",
            at("households", "lost_in_period"),
            NUMBER,
        ),
        (
            "Left for a good outcome (the child stays with them: an order made, or staying put)",
            at("households", "left_for_a_good_outcome"),
            NUMBER,
        ),
        (
            "Turnover rate (carers lost / households at the start)",
            at("households", "turnover_rate"),
            PERCENT,
        ),
        *(
            (f"Places {name.replace('_', ' ')}", at("places", name), NUMBER)
            for name in ("approved", "filled", "vacant", "not_available")
        ),
        ("Utilisation", at("places", "utilisation"), PERCENT),
    ]
