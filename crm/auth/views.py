from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from crm import audit
from crm.auth import bp
from crm.auth.access import allow, public
from crm.auth.forms import ChangePasswordForm, LoginForm
from crm.auth.passwords import verify_password
from crm.auth.services import SignInRefused, authenticate, change_password
from crm.extensions import db, limiter
from crm.models import AuditAction, Role

EVERY_ROLE = tuple(Role)


def _safe_next(target: str | None) -> str | None:
    """Follow `next` only to a path on this site (no scheme, no host)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
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
        try:
            user = authenticate(form.email.data, form.password.data, request.remote_addr or "")
        except SignInRefused as refused:
            db.session.commit()
            flash(str(refused), "danger")
            return render_template("auth/login.html", form=form), 200
        db.session.commit()
        if user is None:
            flash("That email address and password do not match an active account.", "danger")
            return render_template("auth/login.html", form=form), 200
        login_user(user)
        # Permanent, so the cookie is re-signed on every request: the lifetime
        # (SESSION_IDLE_MINUTES) then counts from the last request, not from sign-in.
        session.permanent = True
        return redirect(_safe_next(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/login.html", form=form)


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
