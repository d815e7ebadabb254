"""Features of each approved household on a date, from what was known on that date.

Pure pandas over the `History` frames (see jobs.retention.data), so they can
be tested without the app. Every feature reads only rows dated on or before
the snapshot date: a test checks that adding later rows changes nothing.
Features are facts a social worker would recognise ("days since the last
supervision visit"), not rules restated: the due/overdue rules stay in
crm.domain.supervision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from crm.domain.household_vocabulary import GOOD_OUTCOME_EXITS
from crm.models.spans import in_force_on, running_on

YEAR = pd.Timedelta(days=365)

#: Every feature the models may use, with the words the model card shows for it.
FEATURE_WORDS: dict[str, str] = {
    "eldest_carer_age": "the eldest carer's age",
    "years_fostering": "years fostering",
    "kinship": "kinship or mainstream",
    "approved_places": "approved places",
    "filled_places": "places filled",
    "utilisation": "utilisation",
    "placements_started_12m": "placements started in the last 12 months",
    "disruptions_12m": "placement disruptions in the last 12 months",
    "planned_endings_12m": "placements ended as planned in the last 12 months",
    "disruptions_ever": "placement disruptions since approval",
    "days_without_child": "days without a child placed",
    "days_since_visit": "days since the last supervision visit",
    "visits_12m": "supervision visits in the last 12 months",
    "days_since_unannounced": "days since the last unannounced visit",
    "days_since_review": "days since the last annual review",
    "training_hours_12m": "training hours in the last 12 months",
    "months_without_tsd": "months without TSD standards completed",
    "allegations_12m": "allegations in the last 12 months",
    "allegations_ever": "allegations ever",
    "complaints_12m": "complaints in the last 12 months",
    "respite_12m": "respite in the last 12 months",
    "support_12m": "support groups, buddying and out-of-hours calls in the last 12 months",
    "last_survey_score": "the last carer survey score",
    "on_break": "being on a break",
}
FEATURES = list(FEATURE_WORDS)

SUPPORT_KINDS = ("support_group", "buddy", "out_of_hours_call")
VISIT_KINDS = ("supervision_visit", "unannounced_visit")


@dataclass
class History:
    """Everything the model may learn from, one frame per table (dates as datetime64)."""

    households: pd.DataFrame  # id, reference, approval_date, deregistration_date,
    #                           deregistration_reason (optional), carer_type,
    #                           supervising_worker_id
    carers: pd.DataFrame  # household_id, birth_date
    terms: pd.DataFrame  # id, household_id, effective_from, places
    placements: pd.DataFrame  # household_id, start_date, end_date, ending
    events: pd.DataFrame  # household_id, kind, occurred_on, value
    breaks: pd.DataFrame  # household_id, start_date, end_date


def active_on(history: History, on: pd.Timestamp) -> pd.DataFrame:
    """Households approved on or before `on` and not deregistered on or before it."""
    h = history.households
    return h[running_on(h["approval_date"], h["deregistration_date"], on)].set_index("id")


def _count(frame: pd.DataFrame, index: pd.Index) -> pd.Series:
    return frame.groupby("household_id").size().reindex(index, fill_value=0)


def _last(frame: pd.DataFrame, column: str, index: pd.Index) -> pd.Series:
    return frame.groupby("household_id")[column].max().reindex(index)


def _days_since(last: pd.Series, fallback: pd.Series, on: pd.Timestamp) -> pd.Series:
    return (on - last.fillna(fallback)).dt.days.astype(float)


def _event_features(events: pd.DataFrame, active: pd.DataFrame, on: pd.Timestamp) -> dict:
    index, approved = active.index, active["approval_date"]
    known = events[(events["occurred_on"] <= on) & events["household_id"].isin(index)]
    recent = known[known["occurred_on"] > on - YEAR]

    def of(frame, *kinds):
        return frame[frame["kind"].isin(kinds)]

    surveys = of(known, "survey").sort_values("occurred_on")
    last_score = surveys.groupby("household_id")["value"].last().reindex(index)
    tsd_done = _last(of(known, "tsd_completed"), "occurred_on", index)
    months_approved = ((on - approved).dt.days / 30.44).astype(float)
    return {
        "days_since_visit": _days_since(
            _last(of(known, *VISIT_KINDS), "occurred_on", index), approved, on
        ),
        "visits_12m": _count(of(recent, *VISIT_KINDS), index),
        "days_since_unannounced": _days_since(
            _last(of(known, "unannounced_visit"), "occurred_on", index), approved, on
        ),
        "days_since_review": _days_since(
            _last(of(known, "annual_review"), "occurred_on", index), approved, on
        ),
        "training_hours_12m": of(recent, "training")
        .groupby("household_id")["value"]
        .sum()
        .reindex(index, fill_value=0)
        .astype(float),
        "months_without_tsd": months_approved.where(tsd_done.isna(), 0.0),
        "allegations_12m": _count(of(recent, "allegation"), index),
        "allegations_ever": _count(of(known, "allegation"), index),
        "complaints_12m": _count(of(recent, "complaint"), index),
        "respite_12m": _count(of(recent, "respite"), index),
        "support_12m": _count(of(recent, *SUPPORT_KINDS), index),
        "last_survey_score": last_score.astype(float),
    }


def _placement_features(history: History, active: pd.DataFrame, on: pd.Timestamp) -> dict:
    index = active.index
    p = history.placements[history.placements["household_id"].isin(index)]
    p = p[p["start_date"] <= on]
    running = p[running_on(p["start_date"], p["end_date"], on)]
    ended = p[p["end_date"].notna() & (p["end_date"] <= on)]
    filled = _count(running, index)
    last_end = _last(ended, "end_date", index)
    idle_since = last_end.fillna(active["approval_date"])
    terms = in_force_on(history.terms[history.terms["household_id"].isin(index)], on)
    places = terms["places"].reindex(index, fill_value=0)
    b = history.breaks
    on_break = b[b["household_id"].isin(index) & running_on(b["start_date"], b["end_date"], on)]
    # Stability, as crm.domain.stability counts it: ended on or before `on`, "in the last
    # 12 months" after `on` less 365 days.
    recent = ended["end_date"] > on - YEAR
    disrupted = ended["ending"] == "disruption"
    disruptions = ended[disrupted & recent]
    return {
        "approved_places": places.astype(float),
        "filled_places": filled.astype(float),
        "utilisation": (filled / places.replace(0, np.nan)).fillna(0.0),
        "placements_started_12m": _count(p[p["start_date"] > on - YEAR], index),
        "disruptions_12m": _count(disruptions, index),
        "planned_endings_12m": _count(ended[(ended["ending"] == "planned") & recent], index),
        "disruptions_ever": _count(ended[disrupted], index),
        "days_without_child": ((on - idle_since).dt.days.astype(float)).where(filled == 0, 0.0),
        "on_break": index.isin(on_break["household_id"]).astype(float),
    }


def features_at(history: History, on: date) -> pd.DataFrame:
    """One row per household active on `on` (indexed by household id), FEATURES columns."""
    stamp = pd.Timestamp(on)
    active = active_on(history, stamp)
    index = active.index
    carers = history.carers[history.carers["household_id"].isin(index)]
    eldest = carers.groupby("household_id")["birth_date"].min().reindex(index)
    frame = pd.DataFrame(index=index)
    frame["eldest_carer_age"] = ((stamp - eldest).dt.days / 365.25).astype(float)
    frame["years_fostering"] = ((stamp - active["approval_date"]).dt.days / 365.25).astype(float)
    frame["kinship"] = (active["carer_type"] == "kinship").astype(float)
    for name, values in {
        **_placement_features(history, active, stamp),
        **_event_features(history.events, active, stamp),
    }.items():
        frame[name] = values.astype(float)
    return frame[FEATURES]


def labels_at(history: History, on: date, horizon_days: int = 365) -> pd.Series:
    """1 where a household active on `on` was lost within the next `horizon_days`
    (on + 1 day to on + horizon, both included), else 0. Leaving because a special
    guardianship or child arrangements order was made is a good outcome, not a loss."""
    stamp = pd.Timestamp(on)
    active = active_on(history, stamp)
    left = active["deregistration_date"]
    lost = (left > stamp) & (left <= stamp + pd.Timedelta(days=horizon_days))
    if "deregistration_reason" in active:
        lost &= ~active["deregistration_reason"].isin([r.value for r in GOOD_OUTCOME_EXITS])
    return lost.astype(int)
