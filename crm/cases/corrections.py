"""Correcting and voiding what was recorded on a case: its steps and its activity log.
Who may record on a case may correct it (the blueprint's roles, and need to know)."""

from crm import corrections
from crm.cases import bp
from crm.cases.forms import ActivityCorrectionForm, StepCorrectionForm
from crm.cases.records import get_case_or_404
from crm.correction_pages import CorrectionPages
from crm.formatting import uk_date
from crm.models import Activity, ActivityKind, Case, StageEvent


def _describe(record) -> str:
    return f"{record.kind.label}, {uk_date(record.occurred_on)}"


def _form(record, sent: bool):
    """The correction form: as sent, or filled from the record when first opened."""
    given = {} if sent else {"formdata": None}
    if isinstance(record, StageEvent):
        form = StepCorrectionForm(record.kind, **given)
        if not sent:
            form.on.data, form.note.data = record.occurred_on, record.note
            if "reason" in form:
                form.reason.data = record.reason
        return form
    form = ActivityCorrectionForm(**given)
    if not sent:
        form.kind.data, form.on.data = record.kind.value, record.occurred_on
        form.due_on.data, form.note.data = record.due_on, record.note
    return form


def _apply(case: Case, record, form) -> dict:
    if isinstance(record, StageEvent):
        reason = form.reason.data if "reason" in form else None
        return corrections.correct_step(
            case, record, form.on.data, reason, form.note.data or None, form.why.data
        )
    return corrections.correct_activity(
        case,
        record,
        ActivityKind(form.kind.data),
        form.on.data,
        form.note.data or None,
        form.due_on.data,
        form.why.data,
    )


def _void(case: Case, record, why: str, by) -> None:
    if isinstance(record, StageEvent):
        corrections.void_step(case, record, why, by)
    else:
        corrections.void_activity(case, record, why, by)


PAGES = CorrectionPages(
    blueprint="cases",
    parent_arg="case_id",
    kinds={"steps": (StageEvent, "#timeline"), "activities": (Activity, "#activity")},
    describe=_describe,
    form=_form,
    apply=_apply,
    void=_void,
)


@bp.route("/<int:case_id>/<kind>/<int:record_id>/correct", methods=["GET", "POST"])
def correct(case_id: int, kind: str, record_id: int):
    """A step or an activity put right, with the reason (the old values stay in the
    audit trail); the case's stage and figures follow."""
    return PAGES.correct(get_case_or_404(case_id), kind, record_id)


@bp.route("/<int:case_id>/<kind>/<int:record_id>/void", methods=["POST"])
def void(case_id: int, kind: str, record_id: int):
    """A step or an activity entered by mistake voided: kept, struck through, out of
    every figure; voiding a case's latest step takes the case back a step."""
    return PAGES.void_record(get_case_or_404(case_id), kind, record_id)
