"""Who may open which page: one rule, applied before every request.

Every view is closed unless it says otherwise. A view (or its blueprint) names
the roles that may use it with `allow(...)`; `public` opens a view to anyone.
A view with neither is refused with 403 even to a logged-in user, so a new
page cannot be left open by forgetting a decorator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_login import current_user

from crm.models.user import Role

View = TypeVar("View", bound=Callable)

_ROLES_ATTR = "hearth_allowed_roles"
_PUBLIC_ATTR = "hearth_public"
ALWAYS_OPEN = {"static", "bootstrap.static"}


def allow(*roles: Role) -> Callable[[View], View]:
    """Let users holding any of `roles` use this view (overrides its blueprint)."""

    def mark(view: View) -> View:
        setattr(view, _ROLES_ATTR, frozenset(roles))
        return view

    return mark


def public(view: View) -> View:
    """Open this view to anyone, logged in or not."""
    setattr(view, _PUBLIC_ATTR, True)
    return view


def restrict_blueprint(bp: Blueprint, *roles: Role) -> None:
    """Default roles for every view in `bp` that does not name its own."""
    bp.hearth_allowed_roles = frozenset(roles)  # type: ignore[attr-defined]


def allowed_roles(endpoint: str) -> frozenset[Role] | None:
    """The roles that may use an endpoint; None means public."""
    view = current_app.view_functions[endpoint]
    if getattr(view, _PUBLIC_ATTR, False) or endpoint in ALWAYS_OPEN:
        return None
    roles = getattr(view, _ROLES_ATTR, None)
    if roles is None and "." in endpoint:
        blueprint = current_app.blueprints.get(endpoint.rsplit(".", 1)[0])
        roles = getattr(blueprint, _ROLES_ATTR, None)
    return roles if roles is not None else frozenset()


def enforce_access():
    """before_request: send the anonymous to login and refuse the wrong role."""
    endpoint = request.endpoint
    if endpoint is None:  # no such URL: let the 404 handler answer
        return None
    roles = allowed_roles(endpoint)
    if roles is None:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not current_user.has_role(*roles):
        abort(403)
    return None
