"""Which notifications a user is shown: the list and the count in the menu read this."""

from __future__ import annotations

import sqlalchemy as sa

from crm.models import Notification, User
from crm.visibility import links_to_visible_case


def shown_to(user: User) -> sa.ColumnElement[bool]:
    """The user's own notifications, except any naming a case they may no longer open
    (it was reassigned after the notification was raised)."""
    return sa.and_(Notification.user_id == user.id, links_to_visible_case(user, Notification.link))
