import re
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from crm import audit
from crm.auth import bp, mfa, pending
from crm.auth.access import allow, public
from crm.auth.forms import ChangePasswordForm, CodeForm, LoginForm
from crm.auth.passwords import verify_password
from crm.auth.services import (
    SignInRefused,
    authenticate,
    change_password,
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
    """Start the session: permanent, so the cookie is re-signed on every request and
    the lifetime (SESSION_IDLE_MINUTES) counts from the last request, not sign-in."""
    login_user(user)
    session.permanent = True
    session[pending.METHOD_KEY] = method
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
            how = mfa.check_code(user, form.code.data)
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
        if how == "recovery code":
            flash(
                f"You used a recovery code; {mfa.unused_recovery_codes(user)} are left. "
                "Make new ones from Two-step sign-in if you have lost your phone.",
                "warning",
            )
        return signed_in(user, pending.finish())
    return render_template("auth/code.html", form=form)


@bp.route("/logout", methods=["POST"])
@allow(*EVERY_ROLE)
def logout():
    audit.record(AuditAction.LOGGED_OUT, "User", current_user.id, current_user.email)
    db.session.commit()
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@allow(*EVERY_ROLE)
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append("That is not your current password.")
        else:
            change_password(current_user, form.new_password.data)
            db.session.commit()
            login_user(current_user._get_current_object())
            flash("Your password has been changed.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)
