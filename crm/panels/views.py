"""The panel's pages: sittings and the central list, a sitting's agenda, attendance,
quorum and minutes, an item's recommendation and the agency decision. Thin: each form
is validated, one service called (crm.panels.services), then commit and redirect."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from crm.domain.panel import (
    Decision,
    DecisionRefused,
    PanelItemKind,
    Recommendation,
)
from crm.domain.stages import TransitionRefused
from crm.extensions import db
from crm.models import Case, Household, PanelItem, PanelMember, PanelSitting
from crm.panels import bp
from crm.panels.forms import (
    AttendanceForm,
    DecisionForm,
    ItemForm,
    MemberForm,
    MinutesForm,
    RecommendationForm,
    SittingForm,
)
from crm.panels.services import (
    book_item,
    record_attendance,
    record_decision,
    record_minutes,
    record_recommendation,
)
from crm.timeutil import today


def _members() -> list[PanelMember]:
    return list(
        db.session.scalars(sa.select(PanelMember).order_by(PanelMember.name, PanelMember.id))
    )


def _index_page(sitting_form: SittingForm | None = None, member_form: MemberForm | None = None):
    sittings = db.session.scalars(
        sa.select(PanelSitting).order_by(PanelSitting.sits_on.desc(), PanelSitting.id.desc())
    ).all()
    return render_template(
        "panels/index.html",
        sittings=sittings,
        members=_members(),
        sitting_form=sitting_form or SittingForm(),
        member_form=member_form or MemberForm(),
        day=today(),
    )


@bp.route("/")
def index():
    return _index_page()


@bp.route("/sittings", methods=["POST"])
def new_sitting():
    form = SittingForm()
    if not form.validate_on_submit():
        return _index_page(sitting_form=form), 400
    sitting = PanelSitting(sits_on=form.sits_on.data)
    db.session.add(sitting)
    db.session.commit()
    flash("Sitting added.", "success")
    return redirect(url_for("panels.sitting", sitting_id=sitting.id))


@bp.route("/members", methods=["POST"])
def new_member():
    form = MemberForm()
    if not form.validate_on_submit():
        return _index_page(member_form=form), 400
    member = PanelMember()
    _fill_member(member, form)
    db.session.add(member)
    db.session.commit()
    flash(f"{member.name} added to the central list.", "success")
    return redirect(url_for("panels.index"))


def _fill_member(member: PanelMember, form: MemberForm) -> None:
    member.name = form.name.data.strip()
    member.role = form.role.data
    member.joined_on = form.joined_on.data
    member.left_on = form.left_on.data
    member.last_appraised_on = form.last_appraised_on.data


@bp.route("/members/<int:panel_member_id>", methods=["GET", "POST"])
def member(panel_member_id: int):
    found = db.get_or_404(PanelMember, panel_member_id)
    form = MemberForm(obj=found)
    form.submit.label.text = "Save changes"
    if form.validate_on_submit():
        _fill_member(found, form)
        db.session.commit()
        flash(f"{found.name} saved.", "success")
        return redirect(url_for("panels.index"))
    return render_template("panels/member.html", member=found, form=form)


def _sitting_page(sitting: PanelSitting, **forms):
    attendance = forms.get("attendance_form") or _attendance_form(sitting)
    minutes = forms.get("minutes_form") or MinutesForm(received_on=sitting.minutes_received_on)
    return render_template(
        "panels/sitting.html",
        sitting=sitting,
        item_form=forms.get("item_form") or ItemForm(),
        attendance_form=attendance,
        minutes_form=minutes,
    )


def _attendance_form(sitting: PanelSitting, formdata=None) -> AttendanceForm:
    form = AttendanceForm(formdata=formdata) if formdata is not None else AttendanceForm()
    eligible = [m for m in _members() if m.on_list(sitting.sits_on)]
    form.members.choices = [(str(m.id), f"{m.name} ({m.role.label})") for m in eligible]
    if formdata is None and not form.is_submitted():
        form.members.data = [str(m.id) for m in sitting.attended]
    return form


@bp.route("/sittings/<int:sitting_id>")
def sitting(sitting_id: int):
    return _sitting_page(db.get_or_404(PanelSitting, sitting_id))


@bp.route("/sittings/<int:sitting_id>/items", methods=["POST"])
def add_item(sitting_id: int):
    found = db.get_or_404(PanelSitting, sitting_id)
    form = ItemForm()
    if form.validate_on_submit():
        kind = PanelItemKind(form.kind.data)
        reference = form.reference.data.strip().upper()
        case = household = None
        if kind.is_application:
            case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        else:
            household = db.session.scalar(
                sa.select(Household).where(Household.reference == reference)
            )
        if case is None and household is None:
            what = "case" if kind.is_application else "household"
            form.reference.errors.append(f"No {what} has the reference {reference}.")
        else:
            try:
                book_item(found, kind, case=case, household=household)
            except DecisionRefused as refused:
                form.reference.errors.append(str(refused))
            else:
                db.session.commit()
                flash(f"{reference} is on the agenda.", "success")
                return redirect(url_for("panels.sitting", sitting_id=found.id))
    return _sitting_page(found, item_form=form), 400


@bp.route("/sittings/<int:sitting_id>/attendance", methods=["POST"])
def attendance(sitting_id: int):
    found = db.get_or_404(PanelSitting, sitting_id)
    form = _attendance_form(found, formdata=None)
    if form.validate_on_submit():
        chosen = {int(i) for i in form.members.data}
        try:
            record_attendance(found, [m for m in _members() if m.id in chosen])
        except DecisionRefused as refused:
            form.members.errors.append(str(refused))
        else:
            db.session.commit()
            quorum = found.quorum
            if quorum.quorate:
                flash("Attendance saved: the panel is quorate.", "success")
            else:
                flash(
                    "Attendance saved: not quorate (" + "; ".join(quorum.missing) + ").", "warning"
                )
            return redirect(url_for("panels.sitting", sitting_id=found.id))
    return _sitting_page(found, attendance_form=form), 400


@bp.route("/sittings/<int:sitting_id>/minutes", methods=["POST"])
def minutes(sitting_id: int):
    found = db.get_or_404(PanelSitting, sitting_id)
    form = MinutesForm()
    if form.validate_on_submit():
        try:
            record_minutes(found, form.received_on.data)
        except DecisionRefused as refused:
            form.received_on.errors.append(str(refused))
        else:
            db.session.commit()
            flash("Final minutes recorded: the decision maker's 7 working days run.", "success")
            return redirect(url_for("panels.sitting", sitting_id=found.id))
    return _sitting_page(found, minutes_form=form), 400


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
def item(item_id: int):
    found = db.get_or_404(PanelItem, item_id)
    form = RecommendationForm(
        obj=found,
        data={"recommendation": found.recommendation.value if found.recommendation else ""},
    )
    if form.validate_on_submit():
        try:
            record_recommendation(
                found,
                Recommendation(form.recommendation.data),
                form.reasons.data or "",
                current_user,
                asked_for=form.asked_for.data,
                places=form.places.data,
                min_age=form.min_age.data,
                max_age=form.max_age.data,
                categories=form.categories.data or [],
                quality_feedback=form.quality_feedback.data,
            )
        except (DecisionRefused, TransitionRefused) as refused:
            form.recommendation.errors.append(str(refused))
        else:
            db.session.commit()
            flash("Recommendation recorded.", "success")
            return redirect(url_for("panels.sitting", sitting_id=found.sitting_id))
    status = 400 if form.is_submitted() else 200
    return render_template("panels/item.html", item=found, form=form), status


@bp.route("/items/<int:item_id>/decision", methods=["GET", "POST"])
def decision(item_id: int):
    found = db.get_or_404(PanelItem, item_id)
    needs_terms = found.kind.is_application
    if found.decision is None and found.recommendation is Recommendation.APPROVE:
        form = DecisionForm(
            needs_terms=needs_terms,
            data={
                "decision": Decision.APPROVE.value,
                "decided_on": today(),
                "places": found.places,
                "min_age": found.min_age if found.min_age is not None else 0,
                "max_age": found.max_age if found.max_age is not None else 17,
                "categories": found.categories,
            },
        )
    else:
        form = DecisionForm(needs_terms=needs_terms)
    if form.validate_on_submit():
        try:
            record_decision(
                found,
                Decision(form.decision.data),
                form.decided_on.data,
                current_user,
                form.decision_maker.data,
                reason_against=form.reason_against.data,
                places=form.places.data,
                min_age=form.min_age.data,
                max_age=form.max_age.data,
                categories=form.categories.data or [],
            )
        except (DecisionRefused, TransitionRefused) as refused:
            form.decision.errors.append(str(refused))
        else:
            db.session.commit()
            flash("Agency decision recorded.", "success")
            return redirect(url_for("panels.sitting", sitting_id=found.sitting_id))
    status = 400 if form.is_submitted() else 200
    return render_template("panels/decision.html", item=found, form=form), status
