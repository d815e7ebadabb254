from dataclasses import asdict
from datetime import datetime

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_user

from crm import audit
from crm.admin import audit_entries, bp
from crm.admin.audit_entries import PAGES
from crm.admin.forms import (
    AuditSearchForm,
    CampaignForm,
    EnquirySourceForm,
    MessageSignatureForm,
    MessageTemplateForm,
    NewUserForm,
    TargetsForm,
    UserForm,
    field_name,
    settings_form_class,
    sufficiency_targets_form_class,
)
from crm.admin.planning import (
    all_campaigns,
    all_targets,
    set_sufficiency_targets,
    set_targets,
    sufficiency_targets,
)
from crm.admin.queries import (
    HEARTBEAT_STALE,
    audit_search,
    records_still_held,
    scheduler_heartbeats,
    users_by_name,
)
from crm.auth import invitations, oidc, one_time_codes, throttle
from crm.auth.access import allow
from crm.auth.services import create_user, normalise_email
from crm.domain.outreach import DEFAULTS, PLACEHOLDERS, MessageKind, MessageStatus
from crm.domain.periods import financial_year
from crm.domain.settings import Settings
from crm.domain.sufficiency import AIMS_BY_KEY
from crm.enquiry_sources import add_source, all_sources, tidy_label
from crm.extensions import db
from crm.models import (
    AuditAction,
    Campaign,
    CarerType,
    EnquirySource,
    JobRun,
    Notification,
    OutreachMessage,
    Role,
    User,
)
from crm.models.setting import load_settings, save_settings
from crm.pagination import paginate
from crm.timeutil import UK, today, utcnow


def get_user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/users")
def users():
    return render_template("admin/users.html", pagination=paginate(users_by_name()))


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Add a member of staff: they set their own password by a one-time link (nobody
    else ever knows it), and a second factor too where their role needs one."""
    form = NewUserForm()
    if form.validate_on_submit():
        roles = {Role(r) for r in form.roles.data}
        user = create_user(form.email.data, form.full_name.data, None, roles)
        user.active = form.active.data
        db.session.flush()
        address = invitations.invite(user, current_user)
        db.session.commit()
        return _invitation_page(user, address, created=True)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/invitation", methods=["POST"])
def invite_user(user_id: int):
    """A new one-time link for someone to set their own password (a lost first link,
    or a forgotten password); any older link stops working."""
    user = get_user_or_404(user_id)
    address = invitations.invite(user, current_user)
    db.session.commit()
    return _invitation_page(user, address, created=False)


def _invitation_page(user: User, address: str, created: bool):
    response = make_response(
        render_template(
            "admin/invitation.html",
            user=user,
            address=address,
            days=invitations.INVITATION_DAYS,
            created=created,
            second_factor=user.has_role(*one_time_codes.required_roles()),
        )
    )
    response.headers["Cache-Control"] = "no-store"  # the address opens the account
    # 201: the invitation was made, and this page is the only place its address is shown
    # (a redirect would have to carry it in a URL or a cookie).
    response.status_code = 201
    return response


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = get_user_or_404(user_id)
    form = UserForm(obj=user, editing=user)
    if request.method == "GET":
        form.roles.data = [r.value for r in user.roles]
    if form.validate_on_submit():
        user.full_name = form.full_name.data.strip()
        user.email = normalise_email(form.email.data)
        user.set_roles({Role(r) for r in form.roles.data})
        if user.active and not form.active.data:
            user.deactivate()
        else:
            user.active = form.active.data
        db.session.commit()
        if user.id == current_user.id and user.active:
            login_user(user)  # new roles end their sessions, but not the one saving them
        flash(f"Saved {user.full_name}.", "success")
        return redirect(url_for("admin.users"))
    waits = throttle.waiting(user.email)
    return render_template("admin/user_form.html", form=form, user=user, waits=waits)


@bp.route("/users/<int:user_id>/sign-in-waits", methods=["POST"])
def clear_sign_in_waits(user_id: int):
    """Let someone sign in again now, from wherever the failures came (audited)."""
    user = get_user_or_404(user_id)
    cleared = throttle.forget(user.email)
    audit.record(
        AuditAction.CHANGED, "User", user.id, f"{user.email}: sign-in waits cleared ({cleared})"
    )
    db.session.commit()
    flash(f"{user.full_name} can sign in again now.", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/council-link", methods=["POST"])
def link_council_account(user_id: int):
    """An address for this user to open and sign in at the council through: the council
    account they sign in with is then linked to this one. The only way an existing
    account is linked (never by a matching email: crm.auth.oidc)."""
    user = get_user_or_404(user_id)
    if not oidc.enabled():
        abort(404)
    address = oidc.link_address(user)
    db.session.commit()
    response = make_response(
        render_template("admin/council_link.html", user=user, address=address, days=oidc.LINK_DAYS)
    )
    response.headers["Cache-Control"] = "no-store"  # the address opens the account
    return response


@bp.route("/users/<int:user_id>/two-step/reset", methods=["POST"])
def reset_two_factor(user_id: int):
    """Turn off a lost second factor; the user sets it up again at their next sign-in."""
    user = get_user_or_404(user_id)
    one_time_codes.reset(user)
    db.session.commit()
    flash(
        f"Two-step sign-in reset for {user.full_name}; they set it up again when they next "
        "sign in.",
        "success",
    )
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/audit")
def audit_log():
    form = AuditSearchForm(request.args)
    query = audit_search(**form.data) if form.validate() else audit_search()
    pagination = paginate(query, 50)
    existing = records_still_held(pagination.items, PAGES)
    return render_template(
        "admin/audit.html",
        form=form,
        pagination=pagination,
        changes=audit_entries.changes,
        record_link=lambda entry: audit_entries.record_link(entry, existing),
        words=audit_entries.words,
    )


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    form = settings_form_class()(data=asdict(load_settings()))
    if form.validate_on_submit():
        save_settings({name: form[name].data for name in Settings.__dataclass_fields__})
        db.session.commit()
        flash("Settings saved. They apply from now on, everywhere.", "success")
        return redirect(url_for("admin.settings"))
    return render_template(
        "admin/settings.html",
        form=form,
        names=list(Settings.__dataclass_fields__),
        defaults=Settings(),
    )


@bp.route("/jobs")
def jobs():
    """Each job in words with its next run, whether a scheduler is alive, and the runs."""
    from jobs.schedule import JOBS

    query = sa.select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc())
    now = datetime.now(UK)
    return render_template(
        "admin/jobs.html",
        pagination=paginate(query, 50),
        jobs=JOBS,
        next_runs={name: job.next_run(now) for name, job in JOBS.items()},
        schedulers=scheduler_heartbeats(),
        stale_after=HEARTBEAT_STALE,
        now=utcnow(),
    )


@bp.route("/jobs/<name>/run", methods=["POST"])
def run_job_now(name: str):
    """Run a job now, beside the request (the page shows it running, then its result)."""
    from jobs.schedule import JOBS, start_now

    if name not in JOBS:
        abort(404)
    start_now(current_app._get_current_object(), name)
    flash(f"{name} started; its run appears below, and its result when it finishes.", "success")
    return redirect(url_for("admin.jobs"))


@bp.route("/outbox")
def outbox():
    query = (
        sa.select(Notification)
        .where(Notification.emailed_at.is_(None))
        .order_by(Notification.created_at.desc())
    )
    return render_template("admin/outbox.html", pagination=paginate(query, 50))


@bp.route("/targets", methods=["GET", "POST"])
def targets():
    """Approval targets per financial year, which the dashboard's forecast measures against."""
    form = TargetsForm(financial_year=financial_year(today())[0].year)
    if form.validate_on_submit():
        set_targets(
            form.financial_year.data,
            {CarerType.MAINSTREAM: form.mainstream.data, CarerType.KINSHIP: form.kinship.data},
        )
        db.session.commit()
        year = form.financial_year.data
        flash(f"Targets saved for {year}-{(year + 1) % 100:02d}.", "success")
        return redirect(url_for("admin.targets"))
    return render_template("admin/targets.html", form=form, targets=all_targets())


@bp.route("/targets/sufficiency", methods=["GET", "POST"])
def targets_by_need():
    """Households to approve in a financial year for each age band and need, which the
    sufficiency page measures progress against."""
    form = sufficiency_targets_form_class()(financial_year=financial_year(today())[0].year)
    if form.validate_on_submit():
        year = form.financial_year.data
        set_sufficiency_targets(year, form.targets())
        db.session.commit()
        flash(f"Targets by age and need saved for {year}-{(year + 1) % 100:02d}.", "success")
        return redirect(url_for("admin.targets_by_need"))
    return render_template(
        "admin/targets_by_need.html",
        form=form,
        targets=sufficiency_targets(),
        aims=AIMS_BY_KEY,
        field_name=field_name,
    )


@bp.route("/campaigns", methods=["GET", "POST"])
def campaigns():
    """Recruitment campaigns and their costs, for cost per enquiry and per approval."""
    form = CampaignForm()
    if form.validate_on_submit():
        campaign = Campaign()
        form.populate_obj(campaign)
        campaign.name = campaign.name.strip()
        db.session.add(campaign)
        db.session.commit()
        flash(f"Campaign “{campaign.name}” added.", "success")
        return redirect(url_for("admin.campaigns"))
    return render_template("admin/campaigns.html", form=form, campaigns=all_campaigns())


@bp.route("/campaigns/<int:campaign_id>", methods=["GET", "POST"])
def edit_campaign(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = CampaignForm(obj=campaign, editing=campaign)
    if form.validate_on_submit():
        form.populate_obj(campaign)
        campaign.name = campaign.name.strip()
        db.session.commit()
        flash(f"Campaign “{campaign.name}” saved.", "success")
        return redirect(url_for("admin.campaigns"))
    return render_template(
        "admin/campaigns.html", form=form, campaigns=all_campaigns(), editing=campaign
    )


@bp.route("/sources", methods=["GET", "POST"])
def sources():
    """The council's own list of enquiry sources: what the forms offer, the reports
    group by and the importers match spreadsheets to."""
    form = EnquirySourceForm()
    del form.retired  # a new source is offered at once
    if form.validate_on_submit():
        source = add_source(form.label.data)
        db.session.commit()
        flash(f"Source “{source.label}” added.", "success")
        return redirect(url_for("admin.sources"))
    return render_template("admin/sources.html", form=form, sources=all_sources())


@bp.route("/sources/<int:source_id>", methods=["GET", "POST"])
def edit_source(source_id: int):
    """Rename or retire a source; its code, which enquiries hold, never changes."""
    source = db.get_or_404(EnquirySource, source_id)
    form = EnquirySourceForm(obj=source, editing=source)
    if form.validate_on_submit():
        source.label, source.retired = tidy_label(form.label.data), form.retired.data
        db.session.commit()
        flash(f"Source “{source.label}” saved.", "success")
        return redirect(url_for("admin.sources"))
    return render_template("admin/sources.html", form=form, sources=all_sources(), editing=source)


@bp.route("/messages")
def message_templates():
    """The council's wording of each automated message to applicants and carers, and how
    they are signed."""
    from crm.outreach.services import signature, wording

    sign = signature()
    form = MessageSignatureForm(
        data={"council_name": sign.council_name, "team_phone": sign.team_phone}
    )
    return _messages_page(form, wording)


def _messages_page(form, wording, status: int = 200):
    return (
        render_template(
            "admin/message_templates.html",
            form=form,
            kinds=list(MessageKind),
            wordings={kind: wording(kind) for kind in MessageKind},
            placeholders=PLACEHOLDERS,
        ),
        status,
    )


@bp.route("/messages/signature", methods=["POST"])
def message_signature():
    from crm.outreach.services import save_signature, wording

    form = MessageSignatureForm()
    if not form.validate_on_submit():
        return _messages_page(form, wording, 400)
    save_signature(form.council_name.data.strip(), (form.team_phone.data or "").strip() or None)
    db.session.commit()
    flash("Saved. Messages from now on are signed this way.", "success")
    return redirect(url_for("admin.message_templates"))


@bp.route("/messages/<kind>", methods=["GET", "POST"])
def edit_message_template(kind: str):
    """One message's wording; a placeholder it cannot fill is refused with what was
    typed kept."""
    from crm.outreach.services import save_wording, wording

    try:
        message_kind = MessageKind(kind)
    except ValueError:
        abort(404)
    current = wording(message_kind)
    form = MessageTemplateForm(
        kind=message_kind, data={"subject": current.subject, "body": current.body}
    )
    if form.validate_on_submit():
        save_wording(message_kind, form.subject.data.strip(), form.body.data.strip())
        db.session.commit()
        flash(f"Wording of “{message_kind.label}” saved.", "success")
        return redirect(url_for("admin.message_templates"))
    status = 400 if form.is_submitted() else 200
    page = render_template(
        "admin/message_template.html",
        form=form,
        kind=message_kind,
        placeholders=PLACEHOLDERS[message_kind],
        default=DEFAULTS[message_kind],
    )
    return page, status


@bp.route("/applicant-outbox")
@allow(Role.ADMINISTRATOR, Role.MANAGER)
def applicant_outbox():
    """Messages to applicants and carers that have not gone: failed (given up after
    their tries) first, then those waiting, with their last error."""
    failed_first = sa.case((OutreachMessage.status == MessageStatus.FAILED, 0), else_=1)
    query = (
        sa.select(OutreachMessage)
        .where(OutreachMessage.status.not_in([MessageStatus.SENT, MessageStatus.CANCELLED]))
        .order_by(failed_first, OutreachMessage.queued_at.desc(), OutreachMessage.id.desc())
    )
    return render_template(
        "admin/applicant_outbox.html",
        pagination=paginate(query, 50),
        backend=current_app.config.get("OUTREACH_BACKEND"),
    )


@bp.route("/applicant-outbox/<int:message_id>/retry", methods=["POST"])
@allow(Role.ADMINISTRATOR, Role.MANAGER)
def retry_message(message_id: int):
    """Try a failed message again (say, once the address on the case is corrected): its
    tries start again, and the retry job sends it."""
    from crm.outreach.services import has_opted_out

    message = db.get_or_404(OutreachMessage, message_id)
    if message.status is not MessageStatus.FAILED:
        abort(409)
    record = message.case or message.household
    if message.kind is not MessageKind.ACKNOWLEDGEMENT and has_opted_out(record):
        flash("They asked for no more automated messages, so it is not sent.", "warning")
        return redirect(url_for("admin.applicant_outbox"))
    message.status, message.attempts, message.last_error = MessageStatus.QUEUED, 0, None
    db.session.commit()
    flash("It will be tried again within five minutes.", "success")
    return redirect(url_for("admin.applicant_outbox"))
