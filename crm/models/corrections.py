"""Records that can be corrected or voided: stage steps, activities, carer events
(visits, reviews, training, allegations...) and placements.

A record entered wrongly is never deleted. A correction changes its fields and keeps
the reason on the row (`correction_reason`), so the audit trail's entry for that write
(crm/audit.py) holds the old values, the new ones and why, side by side. A void keeps
the row with who voided it, when and why: the pages show it struck through, and it is
out of every figure.

"Out of every figure" is one mechanism, not a filter each query must remember: every
ORM SELECT the app's session runs (lists, counts, subqueries, joins and relationship
loads) leaves voided rows out (`_leave_out_voided`), unless it asks for them with
`including_voided()` (the pages that show them struck through, the subject's own
access export, erasure). A query through the Core connection (`session.connection()`)
or pandas bypasses the ORM and must say `Correctable.live(...)` itself;
tests/test_corrections.py voids one record of each kind and checks every figure moves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, relationship

from crm.timeutil import utcnow

#: The execution option that lets a SELECT see voided rows.
INCLUDE_VOIDED = "include_voided"


class Correctable:
    """The columns a correctable record carries, and its two changes."""

    voided_at: Mapped[datetime | None] = mapped_column()
    void_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: Why the record was last corrected: written with the corrected fields, so the
    #: audit entry of that write holds old value, new value and reason together.
    correction_reason: Mapped[str | None] = mapped_column(sa.Text)

    @declared_attr
    def voided_by_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(sa.ForeignKey("users.id"))

    @declared_attr
    def voided_by(cls):  # noqa: N805
        return relationship("User", foreign_keys=[cls.voided_by_id])

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    def void(self, by: Any, reason: str) -> None:
        """Keep the record, out of every figure, with who voided it and why. Does not
        commit."""
        self.voided_at = utcnow()
        self.voided_by_id = by.id if by is not None else None
        self.void_reason = reason

    def correct(self, reason: str, /, **changes: Any) -> dict[str, tuple[Any, Any]]:
        """Set the changed fields with the reason; returns {field: (old, new)} of the
        fields that changed (nothing is written when none did). Does not commit."""
        changed = {
            name: (getattr(self, name), value)
            for name, value in changes.items()
            if getattr(self, name) != value
        }
        for name, (_, value) in changed.items():
            setattr(self, name, value)
        if changed:
            self.correction_reason = reason
        return changed

    @classmethod
    def live(cls, model: Any = None) -> sa.ColumnElement[bool]:
        """Not voided, as a SQL clause (for a Core query the ORM filter does not see)."""
        return (model or cls).voided_at.is_(None)


def delete_voided(parent: Any) -> None:
    """Delete the voided records that belong to `parent` (a case or household about to
    be deleted: erased, or merged away). Its relationships leave voided rows out, so the
    delete's cascade would never reach them. Does not commit."""
    for mapper in parent.registry.mappers:
        model = mapper.class_
        if not issubclass(model, Correctable):
            continue
        for key in mapper.local_table.foreign_keys:
            if key.column.table is parent.__table__:
                column = getattr(model, key.parent.key)
                Session.object_session(parent).execute(
                    sa.delete(model).where(column == parent.id, model.voided_at.isnot(None))
                )


def including_voided() -> dict[str, bool]:
    """Execution options for a SELECT that must see voided rows too:
    `select(...).execution_options(**including_voided())`."""
    return {INCLUDE_VOIDED: True}


def _leave_out_voided(state: Any) -> None:
    if not state.is_select or state.execution_options.get(INCLUDE_VOIDED, False):
        return
    state.statement = state.statement.options(
        sa.orm.with_loader_criteria(
            Correctable, lambda cls: cls.voided_at.is_(None), include_aliases=True
        )
    )


def leave_out_voided() -> None:
    """Attach the filter once per process, as the audit listeners are."""
    if not event.contains(Session, "do_orm_execute", _leave_out_voided):
        event.listen(Session, "do_orm_execute", _leave_out_voided)
