import re
import time
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from crm import audit
from crm.auth import bp, invitations, one_time_codes, pending
from crm.auth.access import allow, public
from crm.auth.forms import ChangePasswordForm, CodeForm, InvitationForm, LoginForm
from crm.auth.passwords import password_problem
from crm.auth.services import (
    SIGNED_IN_AT_KEY,
    SignInRefused,
    authenticate,
    change_own_password,
    complete_sign_in,
    refuse_while_waiting,
    second_factor_failed,
)
from crm.extensions import db, limiter
from crm.models import AuditAction, Role

EVERY_ROLE = tuple(Role)


_NOT_IN_A_LOCAL_PATH = re.compile(r"[\\\x00-\x1f\x7f]|%2f|%5c|%09|%0[ad]", re.IGNORECASE)


def safe_next(target: str | None) -> str | None:
    """Follow `next` only to a path on this site.

    A path, not a URL: no scheme or host, and nothing a browser or proxy might
    read as the start of another host: "//", a backslash (browsers take "/\\"
    for "//"), whitespace or control characters, or percent-encoded slashes."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or _NOT_IN_A_LOCAL_PATH.search(target):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])  # per address, whatever the account
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        address = request.remote_addr or ""
        try:
            user = authenticate(form.email.data, form.password.data, address)
        except SignInRefused as refused:
            db.session.commit()
            flash(str(refused), "danger")
            return render_template("auth/login.html", form=form), 200
        if user is None:
            db.session.commit()
            flash("That email address and password do not match an active account.", "danger")
            return render_template("auth/login.html", form=form), 200
        next_page = safe_next(request.args.get("next"))
        if user.has_second_factor:
            db.session.commit()
            pending.begin(user, next_page)
            return redirect(url_for("auth.second_factor"))
        complete_sign_in(user, "password", address)
        db.session.commit()
        return signed_in(user, next_page)
    return render_template("auth/login.html", form=form)


def signed_in(user, next_page: str | None, method: str = "password"):
    """Start the session afresh: nothing from before sign-in is carried into it (a
    session someone planted in this browser brings nothing along). Permanent, so the
    cookie is re-signed on every request and the idle limit (SESSION_IDLE_MINUTES)
    counts from the last request; it ends SESSION_MAX_HOURS after sign-in whatever."""
    session.clear()
    login_user(user)
    session.permanent = True
    session[pending.METHOD_KEY] = method
    session[SIGNED_IN_AT_KEY] = int(time.time())
    return redirect(next_page or url_for("main.home"))


@bp.route("/code", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@public
def second_factor():
    """The second step of a sign-in: a code from the authenticator app."""
    user = pending.user()
    if user is None:
        flash("Sign in again: that sign-in waited too long for its code.", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        address = request.remote_addr or ""
        try:
            refuse_while_waiting(user.email, address)
            how = one_time_codes.check_code(user, form.code.data)
        except SignInRefused as refused:
            db.session.commit()
            flash(str(refused), "danger")
            return render_template("auth/code.html", form=form)
        if how is None:
            second_factor_failed(user, address)
            db.session.commit()
            form.code.errors.append(
                "That code is not right, or was used already. Wait for the next one."
            )
            return render_template("auth/code.html", form=form)
        first = pending.how()
        complete_sign_in(user, f"{first} and {how}", address)
        db.session.commit()
        method = "sso" if first == "single sign-on" else "password"
        response = signed_in(user, pending.finish(), method=method)
        if how == "recovery code":
            flash(
                f"You used a recovery code; {one_time_codes.unused_recovery_codes(user)} are left. "
                "Make new ones from Two-step sign-in if you have lost your phone.",
                "warning",
            )
        return response
    return render_template("auth/code.html", form=form)


@bp.route("/logout", methods=["POST"])
@allow(*EVERY_ROLE)
def logout():
    """Sign out here and end the session on the server too: the user's session token
    changes, so a copy of this cookie (or any other session of theirs) opens nothing."""
    user = current_user._get_current_object()
    audit.record(AuditAction.LOGGED_OUT, "User", user.id, user.email)
    user.end_other_sessions()
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@allow(*EVERY_ROLE)
def password():
    """Change one's own password: the current one is checked under the sign-in
    throttle, one check at a time (each is a slow hash: guessing must not tie up
    the workers)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            changed = change_own_password(
                user, form.current_password.data, form.new_password.data, request.remote_addr or ""
            )
        except SignInRefused as refused:
            db.session.commit()
            flash(str(refused), "danger")
            return render_template("auth/password.html", form=form)
        db.session.commit()
        if not changed:
            form.current_password.errors.append("That is not your current password.")
        else:
            login_user(user)
            flash("Your password has been changed.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@public
def accept_invitation(token: str):
    """A new member of staff sets their own password from their one-time link, and is
    signed in (then asked for a second factor where their role needs one)."""
    invitation = invitations.open_invitation(token)
    if invitation is None:
        return render_template(
            "errors/error.html",
            code=410,
            message="That invitation link has expired or was used already. Ask a Hearth "
            "administrator for a new one.",
        ), 410
    user = invitation.user
    form = InvitationForm()
    if form.validate_on_submit():
        problem = password_problem(form.new_password.data, [user.email, user.full_name])
        if problem:
            form.new_password.errors.append(problem)
        else:
            invitations.accept(invitation, form.new_password.data)
            complete_sign_in(user, "invitation link", request.remote_addr or "")
            db.session.commit()
            response = signed_in(user, None)
            flash(f"Welcome, {user.full_name}: your password is set.", "success")
            return response
    return render_template("auth/invitation.html", form=form, user=user)
