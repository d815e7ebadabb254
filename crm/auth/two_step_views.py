"""Two-step sign-in: turning it on, making new recovery codes, and the rule that
administrators and managers cannot use Hearth until they have it."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user

from crm.auth import bp, one_time_codes, pending
from crm.auth.access import allow
from crm.auth.forms import EnrolForm, NewRecoveryCodesForm
from crm.extensions import db
from crm.models import Role

SECRET_KEY = "enrol_secret"
# What someone who must enrol can still open before they have.
OPEN_BEFORE_ENROLMENT = {"auth.two_factor", "auth.logout", "static", "bootstrap.static"}


@bp.before_app_request
def second_factor_first():
    """Send an administrator or manager without a second factor to turn it on first
    (not when the council's identity provider said it took two steps itself)."""
    if (
        current_user.is_authenticated
        and request.endpoint not in OPEN_BEFORE_ENROLMENT
        and session.get(pending.METHOD_KEY) != pending.SSO_WITH_MFA
        and one_time_codes.must_enrol(current_user)
    ):
        flash("Your role needs two-step sign-in. Set it up to carry on.", "warning")
        return redirect(url_for("auth.two_factor"))
    return None


def _codes_page(codes: list[str]):
    response = make_response(render_template("auth/recovery_codes.html", codes=codes))
    response.headers["Cache-Control"] = "no-store"  # shown once; never from a cache
    return response


@bp.route("/two-step", methods=["GET", "POST"])
@allow(*Role)
def two_factor():
    """Turn on two-step sign-in, or (once on) see it is on and make new recovery codes."""
    user = current_user._get_current_object()
    if user.has_second_factor:
        return render_template(
            "auth/two_factor.html",
            form=NewRecoveryCodesForm(),
            left=one_time_codes.unused_recovery_codes(user),
        )
    secret = session.get(SECRET_KEY) or one_time_codes.new_secret()
    session[SECRET_KEY] = secret
    form = EnrolForm()
    if form.validate_on_submit():
        codes = one_time_codes.enrol(user, secret, form.code.data)
        if codes is not None:
            db.session.commit()
            session.pop(SECRET_KEY, None)
            return _codes_page(codes)
        form.code.errors.append(
            "That is not the code the app shows. Check the app added Hearth, then try the "
            "newest code."
        )
    uri = one_time_codes.setup_uri(user, secret)
    return render_template(
        "auth/enrol.html", form=form, secret=secret, qr=one_time_codes.qr_code(uri), uri=uri
    )


@bp.route("/two-step/recovery-codes", methods=["POST"])
@allow(*Role)
def new_recovery_codes():
    user = current_user._get_current_object()
    form = NewRecoveryCodesForm()
    if form.validate_on_submit() and user.has_second_factor:
        if one_time_codes.check_code(user, form.code.data) == "authenticator":
            codes = one_time_codes.new_recovery_codes(user)
            db.session.commit()
            return _codes_page(codes)
        db.session.commit()
        flash("That is not the code your authenticator app shows now.", "danger")
    return redirect(url_for("auth.two_factor"))
