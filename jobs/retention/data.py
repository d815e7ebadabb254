"""Load the history the retention model learns from, as pandas frames (one query a table)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from crm.extensions import db
from crm.models import ApprovalTerms, Carer, CarerEvent, Household, HouseholdBreak, Placement
from jobs.retention.features import History

DATES = {
    "households": ["approval_date", "deregistration_date"],
    "carers": ["birth_date"],
    "terms": ["effective_from"],
    "placements": ["start_date", "end_date"],
    "events": ["occurred_on"],
    "breaks": ["start_date", "end_date"],
}


def _frame(query: sa.Select, dates: list[str]) -> pd.DataFrame:
    result = db.session.execute(query)
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    for column in dates:
        frame[column] = pd.to_datetime(frame[column])
    for column in frame.columns:  # enums by their value, so features compare plain strings
        if frame[column].dtype == object and len(frame) and hasattr(frame[column].iloc[0], "value"):
            frame[column] = frame[column].map(lambda v: None if v is None else v.value)
    return frame


def load_history() -> History:
    """Every household's dated history from the database."""
    queries = {
        "households": sa.select(
            Household.id,
            Household.reference,
            Household.approval_date,
            Household.deregistration_date,
            Household.deregistration_reason,
            Household.carer_type,
            Household.supervising_worker_id,
        ),
        "carers": sa.select(Carer.household_id, Carer.birth_date),
        "terms": sa.select(
            ApprovalTerms.id,
            ApprovalTerms.household_id,
            ApprovalTerms.effective_from,
            ApprovalTerms.places,
        ),
        "placements": sa.select(
            Placement.household_id, Placement.start_date, Placement.end_date, Placement.ending
        ),
        "events": sa.select(
            CarerEvent.household_id,
            CarerEvent.kind,
            CarerEvent.occurred_on,
            sa.cast(CarerEvent.value, sa.Float).label("value"),
        ),
        "breaks": sa.select(
            HouseholdBreak.household_id, HouseholdBreak.start_date, HouseholdBreak.end_date
        ),
    }
    return History(**{name: _frame(query, DATES[name]) for name, query in queries.items()})
