"""A supervising social worker's morning: what is overdue, what is due this week,
complaints not answered in time, whom the model would talk to first, and their stalled
assessments, before the caseload."""

from __future__ import annotations

from dataclasses import dataclass

from crm import risk_scores
from crm.clocks import flagged_case_list, flagged_household_list
from crm.domain.supervision import Obligation
from crm.models import Case, FlagKind, Household, RiskScore, User
from crm.models.risk import latest_risk_model
from crm.queries.cases import assessed_by


@dataclass(frozen=True)
class Duty:
    household: Household
    obligation: Obligation


@dataclass(frozen=True)
class CaseloadQueue:
    overdue: list[Duty]
    due_soon: list[Duty]
    high_risk: list[RiskScore]
    risk_is_age_only: bool
    stalled: list[tuple[Case, list[str]]]
    #: Their households with a complaint not answered in time, and why (the open flags).
    complaints: list[tuple[Household, str]]

    @property
    def empty(self) -> bool:
        return not (
            self.overdue or self.due_soon or self.high_risk or self.stalled or self.complaints
        )


def caseload_queue(
    worker: User, households: list[Household], owed: dict[int, list[Obligation]]
) -> CaseloadQueue:
    """The worker's duties in the order they are late, by the same rules as the
    compliance figures, with the high-risk carers and the stalled assessments that are
    theirs (the open flags, as the manager's count reads them)."""
    duties = [Duty(h, o) for h in households for o in owed[h.id] if o.needs_attention]
    duties.sort(key=lambda d: (d.obligation.due_on, d.household.reference))
    model = latest_risk_model()
    high = risk_scores.latest_scores(model, worker.id, "high") if model else []
    stalled = flagged_case_list(FlagKind.STALLED, assessed_by(worker))
    return CaseloadQueue(
        overdue=[d for d in duties if d.obligation.overdue],
        due_soon=[d for d in duties if not d.obligation.overdue],
        high_risk=high,
        risk_is_age_only=bool(model and model.is_age_only),
        stalled=[(case, [reason]) for case, reason in stalled],
        complaints=flagged_household_list(
            FlagKind.COMPLAINT_RESPONSE_OVERDUE, Household.supervising_worker_id == worker.id
        ),
    )
