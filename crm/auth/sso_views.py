"""The two ends of a sign-in through the council's identity provider."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, request, session, url_for

from crm.auth import bp, oidc, pending
from crm.auth.access import public
from crm.auth.services import complete_sign_in
from crm.auth.views import safe_next, signed_in
from crm.extensions import db, limiter

log = logging.getLogger(__name__)
NEXT_KEY = "sso_next"
LINK_KEY = "sso_link"


def _trouble(message: str):
    flash(message, "danger")
    return redirect(url_for("auth.login"))


@bp.route("/sso")
@limiter.limit("20 per minute")
@public
def sso_start():
    """Send the browser to the council's sign-in page, remembering where it was going
    (and the administrator's link to an account, when it came through one)."""
    if not oidc.enabled():
        abort(404)
    session[NEXT_KEY] = safe_next(request.args.get("next"))
    session[LINK_KEY] = request.args.get("link")
    try:
        return oidc.client().authorize_redirect(url_for("auth.sso_callback", _external=True))
    except Exception:  # the provider is another system: never a 500 for its failure
        log.exception("identity provider unreachable")
        return _trouble(
            "The council's sign-in service did not answer. Try again in a minute, or ask "
            "IT whether it is down."
        )


@bp.route("/sso/callback")
@limiter.limit("20 per minute")
@public
def sso_callback():
    """Where the provider sends the browser back: check its answer and sign in."""
    if not oidc.enabled():
        abort(404)
    if request.args.get("error"):
        return _trouble("The council's sign-in was cancelled or refused; you are not signed in.")
    try:
        token = oidc.client().authorize_access_token()
    except Exception:  # a forged, replayed or expired answer, or the provider failing
        log.warning("single sign-on answer refused", exc_info=True)
        return _trouble("That sign-in could not be checked. Start again from this page.")
    claims = oidc.read_claims(token.get("userinfo") or {})
    try:
        user = oidc.user_for(claims, link=session.pop(LINK_KEY, None))
    except oidc.NotAllowed as refused:
        db.session.commit()  # keep the audit entry saying who was refused
        return _trouble(str(refused))
    next_page = session.pop(NEXT_KEY, None)
    if oidc.needs_own_code(user, claims) and user.has_second_factor:
        db.session.commit()
        pending.begin(user, next_page, how="single sign-on")
        return redirect(url_for("auth.second_factor"))
    how = "single sign-on with the council's two-step" if claims.used_mfa else "single sign-on"
    complete_sign_in(user, how, request.remote_addr or "")
    db.session.commit()
    return signed_in(user, next_page, method=pending.SSO_WITH_MFA if claims.used_mfa else "sso")
