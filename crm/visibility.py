"""Which cases a user may see: need to know, as SQL conditions and as a check on one
case, so that a page names another case only when its reader may open it."""

from __future__ import annotations

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Case, Household, Role, User


def sees_only_own_cases(user: User) -> bool:
    """Need to know: a supervising social worker who is not also an officer or manager
    sees the cases they assess and those of the households they supervise, no other
    applicant's."""
    return user.has_role(Role.SUPERVISING_SOCIAL_WORKER) and not user.has_role(
        Role.RECRUITMENT_OFFICER, Role.MANAGER
    )


def cases_visible_to(user: User) -> sa.ColumnElement[bool]:
    """The cases `user` may open, as a SQL condition (every case, for most roles)."""
    if not sees_only_own_cases(user):
        return sa.true()
    supervised = sa.select(Household.case_id).where(
        Household.supervising_worker_id == user.id, Household.case_id.isnot(None)
    )
    return sa.or_(Case.assessing_worker_id == user.id, Case.id.in_(supervised))


def names_visible_case(user: User, case_id: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
    """`case_id` (another table's column holding a case's id) names a case `user` may open."""
    if not sees_only_own_cases(user):
        return sa.true()
    return case_id.in_(sa.select(Case.id).where(cases_visible_to(user)))


def links_to_visible_case(user: User, link: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    """`link` (a path in the app, as a notification keeps it) is not a case's page, or is
    the page of a case `user` may open."""
    if not sees_only_own_cases(user):
        return sa.true()
    pages = sa.select(sa.literal("/cases/") + sa.cast(Case.id, sa.String)).where(
        cases_visible_to(user)
    )
    return sa.or_(~sa.func.coalesce(link, "").like("/cases/%"), link.in_(pages))


def may_open_case(user: User, case: Case | None) -> bool:
    """Whether `user` may open `case`'s page: the one test for a single case, so a page
    that names another case (a duplicate, an earlier case) names only those it may."""
    if case is None:
        return False
    if not sees_only_own_cases(user):
        return True
    return bool(
        db.session.scalar(
            sa.select(sa.literal(True)).where(Case.id == case.id, cases_visible_to(user))
        )
    )
