"""Forecast of approvals by the end of a financial year, and how good it has been.

Approvals by year end = approvals so far + for each case open today, the chance it
is approved by year end + approvals from enquiries not yet received.

A case's chance comes from history, not from a model: of the past cases that had
been in the same stage for as long as this one (and were still open then), the share
approved within the time left in the year. Only past cases whose outcome over that
whole span is already known count, so the estimate is not biased by cases still
running. Enquiries still to come arrive at the last year's daily rate and convert as
past enquiries did. Mainstream and kinship are forecast apart: their routes differ.

The range is the 10th to 90th percentile of 10,000 simulated years: in each, every
group of like cases gets a chance drawn from what its n past cases allow (a Beta
posterior; a fixed chance made the range far too narrow: the back-test's actual
figure fell inside it 44% of the time), each case is approved or not by it, and
new approvals are Poisson. Everything is computed on
arrays loaded once, so a back-test at past dates simply hides what was not yet known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import sqlalchemy as sa

from crm.domain.periods import financial_year
from crm.domain.stages import EXITS
from crm.extensions import db
from crm.models import ApprovalTarget, CarerType, Case
from crm.models.case import STAGE_ENTERED_ON
from crm.models.types import day_number

NEVER = 10**8
STAGE_ENTRY_COLUMNS = tuple(STAGE_ENTERED_ON.values())
LOOKBACK_DAYS = 5 * 365
AGE_STEP_DAYS = 7
MIN_COMPARABLE = 20
SIMULATIONS = 10_000


@dataclass
class CaseHistory:
    """Every case's milestone dates as day numbers (NEVER when missing), one row each."""

    entries: np.ndarray  # (n, stages)
    approval: np.ndarray
    closed: np.ndarray  # withdrawn or rejected
    carer_type: np.ndarray
    ids: np.ndarray  # each row's case id

    def only(self, carer_type: CarerType) -> CaseHistory:
        keep = self.carer_type == carer_type.value
        return CaseHistory(
            self.entries[keep],
            self.approval[keep],
            self.closed[keep],
            self.carer_type[keep],
            self.ids[keep],
        )


def load_history() -> CaseHistory:
    """All cases, as arrays (one query, its dates as day numbers from the database)."""
    closed_stages = list(EXITS.values())
    closed_on = sa.case((Case.stage.in_(closed_stages), Case.outcome_date), else_=None)
    days = [
        sa.func.coalesce(day_number(column), NEVER)
        for column in (*STAGE_ENTRY_COLUMNS, Case.approval_date, closed_on)
    ]
    rows = db.session.execute(
        sa.select(*days, sa.type_coerce(Case.carer_type, sa.String), Case.id)
    ).all()
    stages = len(STAGE_ENTRY_COLUMNS)
    table = np.array(
        [row[: stages + 2] for row in rows] or np.empty((0, stages + 2)), dtype=np.int64
    )
    return CaseHistory(
        entries=table[:, :stages],
        approval=table[:, stages],
        closed=table[:, stages + 1],
        carer_type=np.array([row[-2] for row in rows], dtype=object),
        ids=np.array([row[-1] for row in rows], dtype=np.int64),
    )


@dataclass(frozen=True)
class Forecast:
    carer_type: str
    as_of: str
    year_end: str
    approved_so_far: int
    open_cases: int
    from_open_cases: float
    from_new_enquiries: float
    expected: float
    low: int
    high: int
    thin_history: int  # open cases whose chance came from fewer than MIN_COMPARABLE cases

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _chance_of_approval(
    history: CaseHistory, stage: int, age: int, horizon: int, as_of: int
) -> tuple[float, int]:
    """Share of comparable past cases approved within `horizon` days, and how many."""
    entry = history.entries[:, stage]
    since = entry + age
    comparable = (
        (entry >= as_of - LOOKBACK_DAYS)
        & (entry + age + horizon <= as_of)  # whole span already known
        & (history.approval > since)
        & (history.closed > since)
    )
    n = int(comparable.sum())
    if n == 0:
        return 0.0, 0
    approved = comparable & (history.approval <= since + horizon)
    return float(approved.sum()) / n, n


@dataclass(frozen=True)
class _Group:
    """Open cases alike (same stage, in it about as long) and their chance of approval."""

    rows: np.ndarray  # indices into the open cases
    chance: float
    comparable: int  # past cases the chance rests on


def _open_cases(data: CaseHistory, as_of: date) -> tuple[np.ndarray, list[_Group], int]:
    """The cases open at `as_of` (a mask over `data`), grouped with each group's chance
    of approval by the financial year's end, and the approvals so far this year."""
    start, end = financial_year(as_of)
    today_n, start_n, end_n = as_of.toordinal(), start.toordinal(), end.toordinal()
    horizon = end_n - today_n
    known = lambda a: np.where(a <= today_n, a, NEVER)  # noqa: E731
    approval, closed = known(data.approval), known(data.closed)
    entries = np.where(data.entries <= today_n, data.entries, NEVER)
    approved_so_far = int(((approval >= start_n) & (approval <= today_n)).sum())
    is_open = (entries[:, 0] <= today_n) & (approval == NEVER) & (closed == NEVER)
    open_entries = entries[is_open]
    stage = (open_entries < NEVER).sum(axis=1) - 1
    entered = open_entries[np.arange(len(open_entries)), stage]
    age = (today_n - entered) // AGE_STEP_DAYS * AGE_STEP_DAYS
    groups = []
    keys, inverse = np.unique(np.stack([stage, age], axis=1), axis=0, return_inverse=True)
    for index, (s, a) in enumerate(keys):
        p, n = _chance_of_approval(data, int(s), int(a), horizon, today_n)
        if n < MIN_COMPARABLE:  # too few cases this old: fall back to the stage as a whole
            p, n = _chance_of_approval(data, int(s), 0, horizon, today_n)
        groups.append(_Group(np.flatnonzero(inverse.ravel() == index), p, n))
    return is_open, groups, approved_so_far


def forecast_approvals(
    history: CaseHistory, carer_type: CarerType, as_of: date, seed: int = 0
) -> Forecast:
    """Approvals of `carer_type` expected in the financial year containing `as_of`."""
    _, end = financial_year(as_of)
    data = history.only(carer_type)
    is_open, groups, approved_so_far = _open_cases(data, as_of)
    rng = np.random.default_rng(seed)
    draws = np.full(SIMULATIONS, approved_so_far, dtype=np.int64)
    from_open, thin = 0.0, 0
    for group in groups:
        count = len(group.rows)
        if group.comparable < MIN_COMPARABLE:
            thin += count
        from_open += group.chance * count
        if group.comparable == 0:
            # Nothing comparable at all: the expected figure counts these cases as
            # nothing, so the range must too, or it would centre on half of them.
            continue
        # The chance is itself uncertain (it rests on n past cases): each simulated
        # year draws it from its Beta posterior, shared by the group's cases.
        n = group.comparable
        approved = round(group.chance * n)
        chance = rng.beta(approved + 1, n - approved + 1, SIMULATIONS)
        draws += rng.binomial(count, chance)
    new = _from_new_enquiries(data, as_of.toordinal(), end.toordinal() - as_of.toordinal())
    draws += rng.poisson(new, SIMULATIONS)
    return Forecast(
        carer_type=carer_type.value,
        as_of=as_of.isoformat(),
        year_end=end.isoformat(),
        approved_so_far=approved_so_far,
        open_cases=int(is_open.sum()),
        from_open_cases=round(from_open, 2),
        from_new_enquiries=round(new, 2),
        expected=round(approved_so_far + from_open + new, 1),
        low=int(np.percentile(draws, 10)),
        high=int(np.percentile(draws, 90)),
        thin_history=thin,
    )


def chance_by_case(as_of: date, history: CaseHistory | None = None) -> dict[int, float]:
    """Each case open at `as_of`, by id, with its chance of approval by the financial
    year's end: the same chances the forecast adds up, so a part of the pipeline (the
    applicants hoping to take teenagers) is forecast by the same rule as the whole."""
    history = history or load_history()
    chances: dict[int, float] = {}
    for carer_type in CarerType:
        data = history.only(carer_type)
        is_open, groups, _ = _open_cases(data, as_of)
        open_ids = data.ids[is_open]
        for group in groups:
            chances.update(dict.fromkeys(open_ids[group.rows].tolist(), group.chance))
    return chances


def _from_new_enquiries(data: CaseHistory, today_n: int, horizon: int) -> float:
    """Expected approvals by year end from enquiries that arrive after as-of."""
    enquired = data.entries[:, 0]
    rate = float(((enquired > today_n - 365) & (enquired <= today_n)).sum()) / 365
    if rate == 0 or horizon <= 0:
        return 0.0
    expected = 0.0
    for arrives in range(0, horizon, AGE_STEP_DAYS):  # a week's arrivals at a time
        p, _ = _chance_of_approval(data, 0, 0, horizon - arrives, today_n)
        expected += rate * min(AGE_STEP_DAYS, horizon - arrives) * p
    return expected


def verdict(forecast: dict, target: int | None) -> str | None:
    """Plain words on whether the target is in reach."""
    if target is None:
        return None
    if forecast["expected"] >= target:
        return "On track"
    if forecast["high"] >= target:
        return "In reach, but below the expected figure"
    return "Out of reach on current trends"


def targets_for(year: int) -> dict[str, int]:
    """The approval targets an administrator set for the financial year starting `year`."""
    return {
        t.carer_type.value: t.approvals
        for t in db.session.scalars(
            sa.select(ApprovalTarget).where(ApprovalTarget.financial_year == year)
        )
    }


def year_forecasts(as_of: date, history: CaseHistory | None = None) -> list[dict]:
    """Forecast, target and verdict for each type of carer, for the year of `as_of`."""
    history = history or load_history()
    targets = targets_for(financial_year(as_of)[0].year)
    found = []
    for carer_type in CarerType:
        forecast = forecast_approvals(history, carer_type, as_of).as_dict()
        target = targets.get(carer_type.value)
        found.append(
            {
                **forecast,
                "label": carer_type.label,
                "target": target,
                "verdict": verdict(forecast, target),
            }
        )
    return found


def actual_approvals(history: CaseHistory, carer_type: CarerType, start: date, end: date) -> int:
    data = history.only(carer_type)
    return int(((data.approval >= start.toordinal()) & (data.approval <= end.toordinal())).sum())


def _had_cases(history: CaseHistory, carer_type: CarerType, as_of: date) -> bool:
    """Whether any enquiry of this type had come in by `as_of` (history held starts then)."""
    return bool((history.only(carer_type).entries[:, 0] <= as_of.toordinal()).any())


def back_test(as_of: date, years: int = 3, history: CaseHistory | None = None) -> dict:
    """How far off the forecast was: at 1 July, 1 October and 1 January of each of the
    last `years` complete financial years, forecast versus what then happened."""
    history = history or load_history()
    this_year_start, _ = financial_year(as_of)
    rows = []
    for back in range(years, 0, -1):
        start = date(this_year_start.year - back, 4, 1)
        end = date(start.year + 1, 3, 31)
        for carer_type in CarerType:
            actual = actual_approvals(history, carer_type, start, end)
            for as_of in (date(start.year, 7, 1), date(start.year, 10, 1), date(end.year, 1, 1)):
                if not _had_cases(history, carer_type, as_of):
                    continue  # nothing to forecast from, nothing to judge
                forecast = forecast_approvals(history, carer_type, as_of)
                rows.append(
                    {
                        "carer_type": carer_type.value,
                        "label": carer_type.label,
                        "year": f"{start.year}-{str(end.year)[2:]}",
                        "as_of": as_of.isoformat(),
                        "expected": forecast.expected,
                        "low": forecast.low,
                        "high": forecast.high,
                        "actual": actual,
                        "error": round(forecast.expected - actual, 1),
                        "in_range": forecast.low <= actual <= forecast.high,
                        "enough_history": forecast.thin_history * 2 <= forecast.open_cases,
                    }
                )
    # A forecast that says most of its cases had too little history to go on is
    # shown, but not counted for or against the method.
    judged = [r for r in rows if r["enough_history"] and (r["actual"] or r["expected"])]
    return {
        "rows": rows,
        "mean_absolute_error": round(sum(abs(r["error"]) for r in judged) / len(judged), 1)
        if judged
        else None,
        "in_range_share": round(sum(r["in_range"] for r in judged) / len(judged), 4)
        if judged
        else None,
        "judged": len(judged),
    }
