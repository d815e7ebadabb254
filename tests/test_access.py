"""Every route is closed by default: anonymous users go to login, wrong roles get 403."""

from __future__ import annotations

import pytest

from crm import create_app
from crm.auth.access import ALWAYS_OPEN
from crm.models import Role
from tests.conftest import login

OFFICER = Role.RECRUITMENT_OFFICER
SSW = Role.SUPERVISING_SOCIAL_WORKER
MANAGER = Role.MANAGER
ADMIN = Role.ADMINISTRATOR
ANYONE = None  #: open without signing in

#: Who may open each endpoint: docs/security.md's "who may do what" table as data the
#: test owns. The routes are checked against this, never against what the code says
#: of itself, so a wrong rule fails here. Limits within a role (an SSW's own caseload,
#: their own cases) are pinned by test_need_to_know.py, test_object_access.py and
#: test_ssw_reach.py.
POLICY: dict[str, frozenset[Role] | None] = {
    # The public and the door
    **dict.fromkeys(
        [
            "auth.login",
            "auth.second_factor",
            "auth.accept_invitation",
            "auth.sso_start",
            "auth.sso_callback",
            "public.accessibility",
            "public.logo",
            "public.register_interest",
            "public.thank_you",
            # the applicant's own door: open to anyone, then its own sign-in
            # (crm/door/session.py; tests/test_door.py)
            "door.sign_in",
            "door.enter_code",
            "door.use_link",
            "door.sign_out_view",
            "door.home",
            "door.section_start",
            "door.question",
            "door.check_answers",
            "door.messages",
            "door.withdraw",
        ],
        ANYONE,
    ),
    # Everyone signed in: their home, their own account and notifications
    **dict.fromkeys(
        [
            "main.home",
            "main.notifications",
            "main.mark_notifications_read",
            "auth.logout",
            "auth.password",
            "auth.two_factor",
            "auth.new_recovery_codes",
        ],
        frozenset({OFFICER, SSW, MANAGER, ADMIN}),
    ),
    # Cases: officers and managers every case, SSWs the ones they assess or supervise
    **dict.fromkeys(
        [
            "cases.index",
            "cases.new",
            "cases.show",
            "cases.step",
            "cases.take",
            "cases.contact",
            "cases.add_activity",
            "cases.complete_task",
            "cases.add_member",
            "cases.edit_check",
            "cases.assessment",
            "cases.merge",
            "cases.resolve_duplicate",
            "cases.intended_offer",
            "cases.applicant_characteristics",
            "cases.edit_applicant_characteristics",
            "cases.temporary_approval",
            "cases.extend_temporary_approval",
            "cases.child_placed",
            "cases.correct",
            "cases.void",
            "cases.new_referral",
            "cases.viability",
            "cases.temporary_approval_irm",
            "cases.temporary_approval_lapse",
            "door_staff.application",
            "door_staff.reply",
            "cases.order_assessment",
        ],
        frozenset({OFFICER, SSW, MANAGER}),
    ),
    "cases.my_cases": frozenset({OFFICER, SSW}),
    # Bookings: on a case, whoever may open it; on a household, its worker and managers
    **dict.fromkeys(
        [
            "bookings.book_for_case",
            "bookings.record_done",
            "bookings.cancel",
            "bookings.calendar_invitation",
        ],
        frozenset({OFFICER, SSW, MANAGER}),
    ),
    "bookings.book_for_household": frozenset({SSW, MANAGER}),
    # Households, matching and carers at risk: SSWs and managers
    **dict.fromkeys(
        [
            "households.index",
            "households.show",
            "households.add_record",
            "households.correct",
            "households.void",
            "households.allegation_outcome",
            "households.add_complaint",
            "households.respond_to_complaint",
            "households.add_placement",
            "households.end_placement",
            "households.add_resident",
            "households.certificates",
            "households.terms",
            "households.toggle_break",
            "households.mark_unavailable",
            "households.preferences",
            "households.deregister",
            "cases.order_outcome",
            "households.characteristics",
            "households.edit_characteristics",
            "households.at_risk",
            "matching.find",
            "matching.offer",
            "matching.offers",
            "matching.answer",
        ],
        frozenset({SSW, MANAGER}),
    ),
    "households.caseload": frozenset({SSW}),
    # Qualifying determinations: a refusal on a case (whoever may open it), a termination
    # or change of terms and reviews of approval on a household (its worker, managers)
    **dict.fromkeys(
        [
            "determinations.show",
            "determinations.respond",
            "determinations.irm_papers",
            "determinations.recommend",
            "determinations.decide",
            "determinations.propose_refusal",
        ],
        frozenset({OFFICER, SSW, MANAGER}),
    ),
    **dict.fromkeys(
        [
            "determinations.propose",
            "determinations.review",
            "determinations.resident_left",
        ],
        frozenset({SSW, MANAGER}),
    ),
    # Managers: the pipeline, figures, downloads and imports
    **dict.fromkeys(
        [
            "api.metrics",
            "cases.export",
            "dashboard.index",
            "dashboard.door_cases",
            "dashboard.download",
            "dashboard.summary",
            "dashboard.forecast",
            "dashboard.compliance",
            "dashboard.compliance_download",
            "dashboard.compliance_households",
            "dashboard.ofsted",
            "dashboard.ofsted_download",
            "dashboard.ofsted_submitted",
            "dashboard.kinship",
            "dashboard.kinship_cases",
            "households.capacity",
            "households.placements_ended",
            "households.model_card",
            "sufficiency.index",
            "sufficiency.download",
            "sufficiency.statement",
            "uploads.tracker",
            "uploads.tracker_preview",
            "uploads.tracker_columns",
            "uploads.demand_profile",
            "uploads.demand_preview",
            "uploads.discard_upload",
            "uploads.export",
        ],
        frozenset({MANAGER}),
    ),
    # Administrators: users, settings, lists, the audit log, jobs and data protection
    **dict.fromkeys(
        [
            "admin.users",
            "admin.new_user",
            "admin.invite_user",
            "admin.edit_user",
            "admin.reset_two_factor",
            "admin.link_council_account",
            "admin.clear_sign_in_waits",
            "admin.settings",
            "admin.sources",
            "admin.edit_source",
            "admin.campaigns",
            "admin.edit_campaign",
            "admin.targets",
            "admin.targets_by_need",
            "admin.audit_log",
            "admin.jobs",
            "admin.run_job_now",
            "admin.outbox",
            "privacy.index",
            "privacy.export",
            "privacy.document",
            "privacy.erase",
        ],
        frozenset({ADMIN}),
    ),
    # Documents and letters (issue 34, items 9-10): a case's by those who may see cases
    # (within need to know, tests/test_documents.py), a household's by its workers; the
    # letterhead and wording by administrators and managers
    **dict.fromkeys(
        [
            "documents.upload_to_case",
            "documents.open_document",
            "documents.case_letter",
        ],
        frozenset({OFFICER, SSW, MANAGER}),
    ),
    "documents.letter_logo": frozenset({OFFICER, SSW, MANAGER, ADMIN}),
    **dict.fromkeys(
        ["documents.upload_to_household", "documents.household_letter"],
        frozenset({SSW, MANAGER}),
    ),
    **dict.fromkeys(
        ["documents.letter_settings", "documents.edit_letterhead", "documents.edit_wording"],
        frozenset({ADMIN, MANAGER}),
    ),
    # Issue 34 items 5-8: resignation notices, transfers in, Stage 1 decisions
    "households.resignation_notice": frozenset({SSW, MANAGER}),
    "households.withdraw_resignation": frozenset({SSW, MANAGER}),
    "cases.transfer_in": frozenset({OFFICER, SSW, MANAGER}),
    "cases.stage1_decision": frozenset({OFFICER, SSW, MANAGER}),
    # The fostering panel and the agency decision (regs 23-25, NMS 14): managers run
    # the panel's business and record the decision; administrators keep users and
    # settings, not case records; panel members are not users.
    **dict.fromkeys(
        [
            "panels.index",
            "panels.new_sitting",
            "panels.new_member",
            "panels.member",
            "panels.sitting",
            "panels.add_item",
            "panels.attendance",
            "panels.minutes",
            "panels.item",
            "panels.decision",
        ],
        frozenset({MANAGER}),
    ),
    # Messages to applicants and carers: the council's wording is the administrators';
    # what failed to go, managers see too (crm/outreach); the opt-out link is anyone's
    **dict.fromkeys(
        ["admin.message_templates", "admin.message_signature", "admin.edit_message_template"],
        frozenset({ADMIN}),
    ),
    **dict.fromkeys(["admin.applicant_outbox", "admin.retry_message"], frozenset({MANAGER, ADMIN})),
    "public.stop_messages": ANYONE,
}


def _routes():
    app = create_app("testing")
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in ALWAYS_OPEN:
                continue
            args = {name: 999999 for name in rule.arguments}
            url = app.url_for(rule.endpoint, **args)
            method = (
                "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
            )
            yield rule.endpoint, method, url, POLICY.get(rule.endpoint, frozenset())


ROUTES = list(_routes())
PROTECTED = [r for r in ROUTES if r[3] is not None]
OPEN = [r for r in ROUTES if r[3] is None]


def test_every_route_is_in_the_policy():
    assert {endpoint for endpoint, *_ in ROUTES} - set(POLICY) == set()


def test_the_policy_names_no_route_that_is_gone():
    assert set(POLICY) - {endpoint for endpoint, *_ in ROUTES} == set()


@pytest.mark.parametrize(("endpoint", "method", "url", "roles"), OPEN, ids=[r[0] for r in OPEN])
def test_public_pages_open_without_signing_in(client, endpoint, method, url, roles):
    response = client.open(url, method=method)
    assert "/auth/login?next" not in response.headers.get("Location", "")
    assert response.status_code not in (401, 403)


@pytest.mark.parametrize(
    ("endpoint", "method", "url", "roles"), PROTECTED, ids=[r[0] for r in PROTECTED]
)
def test_anonymous_users_are_sent_to_login(client, endpoint, method, url, roles):
    response = client.open(url, method=method)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("endpoint", "method", "url", "roles"), PROTECTED, ids=[r[0] for r in PROTECTED]
)
def test_users_without_the_role_are_refused(as_role, endpoint, method, url, roles):
    for role in set(Role) - set(roles):
        client = as_role(role)
        assert client.open(url, method=method).status_code == 403, (endpoint, role)


@pytest.mark.parametrize(
    ("endpoint", "method", "url", "roles"), PROTECTED, ids=[r[0] for r in PROTECTED]
)
def test_users_with_the_role_get_past_the_door(as_role, endpoint, method, url, roles):
    for role in roles:
        client = as_role(role)
        assert client.open(url, method=method).status_code not in (401, 403), (endpoint, role)


def test_a_view_without_declared_roles_is_refused_even_when_signed_in(app, as_role):
    local = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})  # its own throwaway database

    @local.route("/forgotten")
    def forgotten():
        return "should never be shown"

    with local.app_context():
        from crm.extensions import db

        db.create_all()
        from tests.factories import UserFactory

        user = UserFactory(roles=[Role.MANAGER, Role.ADMINISTRATOR])
        client = local.test_client()
        login(client, user)
        assert client.get("/forgotten").status_code == 403
        db.drop_all()
