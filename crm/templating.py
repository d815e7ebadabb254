"""Jinja filters and the navigation, shared by every template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Flask, request, url_for
from flask_login import current_user

from crm.auth.access import allowed_roles
from crm.charts import value_label
from crm.domain.household_vocabulary import care_label
from crm.domain.stages import reason_label
from crm.enquiry_sources import source_label
from crm.formatting import (
    address_line,
    percent,
    phone_href,
    phone_link,
    uk_date,
    uk_datetime,
    whole_days,
)
from crm.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str


# Shown to a user only when the access rule lets them open the endpoint.
NAVIGATION = (
    NavItem("Dashboard", "dashboard.index"),
    NavItem("My cases", "cases.my_cases"),
    NavItem("Cases", "cases.index"),
    NavItem("My caseload", "households.caseload"),
    NavItem("Households", "households.index"),
    NavItem("Capacity", "households.capacity"),
    NavItem("Sufficiency", "sufficiency.index"),
    NavItem("Find a carer", "matching.find"),
    NavItem("Compliance", "dashboard.compliance"),
    NavItem("Panel", "panels.index"),
    NavItem("At risk", "households.at_risk"),
    NavItem("Import", "uploads.tracker"),
    NavItem("Users", "admin.users"),
    NavItem("Audit log", "admin.audit_log"),
    NavItem("Settings", "admin.settings"),
    NavItem("Targets", "admin.targets"),
    NavItem("Campaigns", "admin.campaigns"),
    NavItem("Sources", "admin.sources"),
    NavItem("Data protection", "privacy.index"),
    NavItem("Jobs", "admin.jobs"),
    NavItem("Messages", "admin.message_templates"),
)


def may_open(endpoint: str) -> bool:
    """Whether the signed-in user's roles let them open `endpoint` (to show a link)."""
    roles = allowed_roles(endpoint)
    return roles is None or (current_user.is_authenticated and current_user.has_role(*roles))


def navigation_for_user() -> list[tuple[str, str, bool]]:
    """(label, address, current) of each menu item the user may open; current is the one
    item whose address is the longest start of this page's (so /cases/mine lights up
    "My cases", not "Cases" as well)."""
    if not current_user.is_authenticated:
        return []
    items = []
    for item in NAVIGATION:
        roles = allowed_roles(item.endpoint)
        if roles is None or current_user.has_role(*roles):
            items.append((item.label, url_for(item.endpoint)))
    path = request.path
    matching = [href for _, href in items if href != "/" and path.startswith(href)]
    current = max(matching, key=len, default=None)
    return [(label, href, href == current) for label, href in items]


def register(app: Flask) -> None:
    _govuk_templates(app)
    app.jinja_env.filters["ukdate"] = uk_date
    app.jinja_env.filters["ukdatetime"] = uk_datetime
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["days"] = whole_days
    app.jinja_env.filters["source_label"] = source_label
    app.jinja_env.filters["reason_label"] = reason_label
    app.jinja_env.filters["care_label"] = care_label
    app.jinja_env.filters["isodate"] = date.fromisoformat
    app.jinja_env.filters["tel"] = phone_href
    app.jinja_env.globals["address_line"] = address_line
    app.jinja_env.globals["phone_link"] = phone_link
    app.jinja_env.globals["value_label"] = value_label
    app.jinja_env.globals["navigation_for_user"] = navigation_for_user
    app.jinja_env.globals["Role"] = Role
    app.jinja_env.globals["may_open"] = may_open

    @app.context_processor
    def dates() -> dict:
        from crm.timeutil import today

        return {"today": today()}

    @app.context_processor
    def unread() -> dict:
        return {"unread_notifications": _unread_count}


def _unread_count() -> int:
    """Called from the layout only when someone is signed in."""
    import sqlalchemy as sa

    from crm.extensions import db
    from crm.models import Notification
    from crm.queries.notifications import shown_to

    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(shown_to(current_user), Notification.read_at.is_(None))
    )


def _govuk_templates(app: Flask) -> None:
    """The GOV.UK Design System's Jinja macros (govuk-frontend-jinja) and WTForms widgets
    (govuk-frontend-wtf), for the applicant's own pages: their templates are found under
    their package names; Hearth's own templates come first."""
    from govuk_frontend_wtf.main import WTFormsHelpers
    from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)
