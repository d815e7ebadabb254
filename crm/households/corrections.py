"""Correcting and voiding what was recorded on a household: its visits, reviews,
training, allegations and other events, and its placements; and an allegation's
outcome once it is known. Who may record on the household may correct it (its
supervising social worker, or a manager)."""

from flask import abort, flash, render_template, request

from crm import corrections
from crm.correction_pages import CorrectionPages
from crm.corrections import CorrectionRefused
from crm.extensions import db
from crm.formatting import uk_date
from crm.households import bp
from crm.households.forms import (
    AllegationOutcomeForm,
    PlacementCorrectionForm,
    RecordCorrectionForm,
)
from crm.households.records import editable_household_or_403
from crm.models import CarerEvent, CarerEventKind, Household, Placement, PlacementEnding


def _describe(record) -> str:
    if isinstance(record, Placement):
        return f"placement of {record.child_reference} from {uk_date(record.start_date)}"
    return f"{record.kind.label}, {uk_date(record.occurred_on)}"


def _form(record, sent: bool):
    """The correction form: as sent, or filled from the record when first opened."""
    given = {} if sent else {"formdata": None}
    if isinstance(record, Placement):
        form = PlacementCorrectionForm(**given)
        if not sent:
            for name in ("child_reference", "child_age", "start_date", "end_date"):
                form[name].data = getattr(record, name)
            form.ending.data = record.ending.value if record.ending else ""
        return form
    form = RecordCorrectionForm(record.kind, **given)
    if not sent:
        form.on.data, form.note.data = record.occurred_on, record.note
        if form.own is not None:
            own = record.value if form.own.name in ("hours", "score") else record.outcome
            form.own.data = int(own) if form.own.name == "score" and own is not None else own
    return form


def _apply(household: Household, record, form) -> dict:
    if isinstance(record, Placement):
        return corrections.correct_placement(
            household,
            record,
            form.child_reference.data.strip(),
            form.child_age.data,
            form.start_date.data,
            form.end_date.data,
            PlacementEnding(form.ending.data) if form.ending.data else None,
            form.why.data,
        )
    return corrections.correct_record(
        household,
        record,
        form.on.data,
        form.value,
        form.outcome,
        form.note.data or None,
        form.why.data,
    )


def _void(household: Household, record, why: str, by) -> None:
    if isinstance(record, Placement):
        corrections.void_placement(household, record, why, by)
    else:
        corrections.void_record(household, record, why, by)


PAGES = CorrectionPages(
    blueprint="households",
    parent_arg="household_id",
    kinds={"records": (CarerEvent, "#timeline"), "placements": (Placement, "#placements")},
    describe=_describe,
    form=_form,
    apply=_apply,
    void=_void,
)


@bp.route("/<int:household_id>/<kind>/<int:record_id>/correct", methods=["GET", "POST"])
def correct(household_id: int, kind: str, record_id: int):
    """A record or placement put right, with the reason (the old values stay in the
    audit trail); the household's duties and figures follow."""
    return PAGES.correct(editable_household_or_403(household_id), kind, record_id)


@bp.route("/<int:household_id>/<kind>/<int:record_id>/void", methods=["POST"])
def void(household_id: int, kind: str, record_id: int):
    """A record or placement entered by mistake voided: kept, struck through, out of
    every figure (the Ofsted return, the duties, places, the retention model)."""
    return PAGES.void_record(editable_household_or_403(household_id), kind, record_id)


@bp.route("/<int:household_id>/records/<int:record_id>/outcome", methods=["GET", "POST"])
def allegation_outcome(household_id: int, record_id: int):
    """The outcome of an allegation recorded as ongoing, once the investigation ends: on
    the same record, so the Ofsted return counts it once."""
    household = editable_household_or_403(household_id)
    record = PAGES.record_or_404(household, "records", record_id)
    if record.kind is not CarerEventKind.ALLEGATION:
        abort(404)
    form = AllegationOutcomeForm()
    if request.method == "GET" and record.lado_referred_on:
        form.lado_referred_on.data = record.lado_referred_on
    if form.validate_on_submit():
        try:
            corrections.record_allegation_outcome(
                record,
                form.outcome.data,
                form.note.data,
                concluded_on=form.concluded_on.data,
                lado_referred_on=form.lado_referred_on.data,
            )
        except CorrectionRefused as refused:
            db.session.rollback()
            form.outcome.errors = [*form.outcome.errors, str(refused)]
        else:
            db.session.commit()
            flash("The allegation's outcome is recorded.", "success")
            return PAGES.back(household, "records")
    return render_template(
        "households/form.html",
        household=household,
        form=form,
        heading=f"Outcome of the allegation of {uk_date(record.occurred_on)}",
    ), (400 if request.method == "POST" else 200)
