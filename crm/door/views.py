"""The applicant's pages. No route takes a case id: the case is the one the session was
signed in to (crm/door/session.py), so there is no other person's id to guess."""

from __future__ import annotations

import logging
import threading

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from crm import audit
from crm.auth.access import public
from crm.domain.door import (
    NEXT_STEP,
    SECTION_OF,
    TEXT_MAX,
    WITHDRAWAL_CHOICES,
    check_page,
    missing,
)
from crm.domain.stages import TransitionRefused
from crm.door import bp, links, services
from crm.door.delivery import deliver_sign_in_link
from crm.door.forms import page_form, show_errors, typed
from crm.door.session import applicant_required, sign_out
from crm.door.session import sign_in as start_session
from crm.extensions import CONTENT_SECURITY_POLICY, db, limiter, talisman
from crm.queries.bookings import bookings_on

log = logging.getLogger("crm.door")

#: GOV.UK Frontend's page template marks the page as having JavaScript with one inline
#: script, and starts its components with another: each door page allows exactly those by
#: a fresh nonce, and the policy is otherwise Hearth's own ('self' only).
govuk_page = talisman(
    content_security_policy=CONTENT_SECURITY_POLICY, content_security_policy_nonce_in=["script-src"]
)


def _send_after_answering(email: str, link: str, code: str) -> None:
    """Send the link from a thread, after the page has answered: the answer takes as
    long for an address Hearth knows as for one it does not."""
    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            try:
                deliver_sign_in_link(email, link, code)
            except Exception:  # noqa: BLE001 - logged; the applicant can ask again
                log.exception("The sign-in link for a case could not be sent")

    threading.Thread(target=run, daemon=True).start()


def _address() -> str:
    return request.remote_addr or "unknown"


def _summary(errors: dict[str, str]) -> list[dict]:
    """The error summary's list: each message linking to its field."""
    return [{"text": message, "href": f"#{name}"} for name, message in errors.items()]


@bp.route("/", methods=["GET", "POST"])
@govuk_page
@limiter.limit("10 per hour", methods=["POST"])  # per network, whatever the address
@public
def sign_in():
    """Ask for a link. The answer is the same page whatever was typed."""
    if request.method == "POST":
        email = (request.form.get("email") or "").strip()[:254]
        case = links.case_for_email(email)
        made = links.new_link(case) if case is not None else None
        db.session.commit()
        if made is not None:
            token, code = made
            base = (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")
            link = base + url_for("door.use_link", token=token)
            _send_after_answering(case.email, link, code)
        return render_template("door/check_email.html", email=email)
    return render_template("door/sign_in.html")


@bp.route("/code", methods=["GET", "POST"])
@govuk_page
@limiter.limit("20 per hour", methods=["POST"])
@public
def enter_code():
    """Sign in by typing the code from the email with the email address."""
    errors: dict[str, str] = {}
    email = (request.form.get("email") or "").strip()[:254]
    if request.method == "POST":
        try:
            link = links.open_code(email, request.form.get("code") or "", _address())
        except links.CodeRefused:
            errors["code"] = (
                "Too many wrong codes for this email address. Wait an hour, or ask for a new link."
            )
            link = None
        if link is not None:
            case = links.spend(link)
            db.session.commit()
            start_session(case)
            return redirect(url_for("door.home"))
        db.session.commit()
        errors = errors or {
            "code": "The code is wrong, used or out of date. Check the email, or ask for a "
            "new link."
        }
        return render_template(
            "door/code.html", email=email, errors=errors, error_list=_summary(errors)
        ), 400
    return render_template("door/code.html", email=email, errors=errors)


@bp.route("/sign-in/<token>", methods=["GET", "POST"])
@govuk_page
@limiter.limit("30 per hour", methods=["POST"])
@public
def use_link(token: str):
    """The link from the email. Opening it only shows a button: mail scanners that open
    links must not use them up; pressing it signs in."""
    link = links.open_link(token)
    if link is None:
        return render_template("door/link_spent.html"), 410
    if request.method == "POST":
        case = links.spend(link)
        db.session.commit()
        start_session(case)
        return redirect(url_for("door.home"))
    return render_template("door/use_link.html", token=token)


@bp.route("/sign-out", methods=["POST"])
@govuk_page
@public
def sign_out_view():
    sign_out()
    flash("You have signed out.", "success")
    return redirect(url_for("door.sign_in"))


@bp.route("/home")
@govuk_page
@public
@applicant_required
def home():
    case = g.door_case
    return render_template(
        "door/home.html",
        case=case,
        next_step=NEXT_STEP[case.stage],
        officer=case.assessing_worker or case.owner,
        bookings=db.session.scalars(bookings_on(case_id=case.id)).unique().all(),
        rows=services.task_list(case.id),
        messages=services.messages(case.id)[-3:],
    )


def _section_or_404(key: str):
    section = SECTION_OF.get(key)
    if section is None:
        abort(404)
    return section


@bp.route("/application/<section>")
@govuk_page
@public
@applicant_required
def section_start(section: str):
    section = _section_or_404(section)
    row = services.saved(g.door_case, section)
    if row is not None and row.answers:
        return redirect(url_for("door.check_answers", section=section.key))
    return redirect(url_for("door.question", section=section.key, page=section.pages[0].key))


@bp.route("/application/<section>/<page>", methods=["GET", "POST"])
@govuk_page
@public
@applicant_required
def question(section: str, page: str):
    """One page of a section. Saved on "Save and continue"; the applicant can leave and
    come back, and finds what they saved."""
    section = _section_or_404(section)
    page_ = section.page(page)
    if page_ is None:
        abort(404)
    row = services.saved(g.door_case, section)
    form = page_form(page_, dict(row.answers or {}) if row else {})
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = page_form(page_, {}, formdata=request.form)
        values, errors = check_page(page_, typed(page_, form))
        if not errors:
            with audit.acting_as(links.ACTOR):
                services.save_answers(g.door_case, section, values)
            db.session.commit()
            after = section.next_page(page_.key)
            if after is None or request.args.get("change"):
                return redirect(url_for("door.check_answers", section=section.key))
            return redirect(url_for("door.question", section=section.key, page=after.key))
    error_list = show_errors(form, errors)
    return render_template(
        "door/question.html", section=section, page=page_, form=form, errors=errors,
        error_list=error_list,
    ), (400 if errors else 200)  # fmt: skip


@bp.route("/application/<section>/check", methods=["GET", "POST"])
@govuk_page
@public
@applicant_required
def check_answers(section: str):
    section = _section_or_404(section)
    row = services.saved(g.door_case, section)
    answers = dict(row.answers or {}) if row else {}
    if request.method == "POST":
        with audit.acting_as(links.ACTOR):
            done = services.complete(g.door_case, section)
        if done:
            db.session.commit()
            flash(f"“{section.title}” is complete.", "success")
            return redirect(url_for("door.home"))

    left = missing(section, answers)
    errors = (
        {left[0].fields[0].name: "Answer every question before you mark this section as complete"}
        if request.method == "POST"
        else {}
    )
    return render_template(
        "door/check_answers.html", section=section, answers=answers, missing=left,
        completed=row is not None and row.completed_at is not None, errors=errors,
        error_list=[{"text": m, "href": url_for("door.question", section=section.key,
                     page=left[0].key, change=1)} for m in errors.values()],
    ), (400 if errors else 200)  # fmt: skip


@bp.route("/messages", methods=["GET", "POST"])
@govuk_page
@public
@applicant_required
def messages():
    case = g.door_case
    error, body = None, ""
    if request.method == "POST":
        body = (request.form.get("body") or "").strip()
        if not body:
            error = "Enter your message"
        elif len(body) > TEXT_MAX:
            error = f"Your message must be {TEXT_MAX:,} characters or fewer"
        else:
            with audit.acting_as(links.ACTOR):
                services.write_message(case, body, None)
            db.session.commit()
            flash("Your message has been sent to the fostering team.", "success")
            return redirect(url_for("door.messages"))
    errors = {"body": error} if error else {}
    return render_template(
        "door/messages.html", case=case, messages=services.messages(case.id),
        error=error, body=body, errors=errors, error_list=_summary(errors),
    ), (400 if error else 200)  # fmt: skip


@bp.route("/withdraw", methods=["GET", "POST"])
@govuk_page
@public
@applicant_required
def withdraw():
    """Withdrawing themselves, with a reason that is one of Ofsted's AW codes."""
    case = g.door_case
    errors: dict[str, str] = {}
    reason = request.form.get("reason") or ""
    if not case.is_open:
        return redirect(url_for("door.home"))
    if request.method == "POST":
        if reason not in WITHDRAWAL_CHOICES:
            errors["reason"] = "Select why you are withdrawing"
        if request.form.get("confirm") != "yes":
            errors["confirm"] = "Tick the box to confirm you want to withdraw"
        if not errors:
            try:
                services.withdraw(case, reason)
            except TransitionRefused as refused:
                errors["reason"] = str(refused)
            else:
                db.session.commit()
                flash("You have withdrawn your application.", "success")
                return redirect(url_for("door.home"))
    return render_template(
        "door/withdraw.html", choices=WITHDRAWAL_CHOICES, reason=reason, errors=errors,
        error_list=_summary(errors),
    ), (400 if errors else 200)  # fmt: skip
