"""The correct-or-void page, one flow for every record that can be put right.

A case's steps and activities and a household's events and placements are corrected
the same way (crm/corrections.py): the form opens filled from the record, a refused
correction or void keeps what was typed with the reason beside it, and the page goes
back to where the record is shown. Each blueprint says only what differs: which
records, how they are named, which form edits them and which rule applies the change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from crm import corrections
from crm.corrections import CorrectionRefused
from crm.extensions import db
from crm.formfields import VoidForm


@dataclass(frozen=True)
class CorrectionPages:
    """The correct and void views of one blueprint's records (see the module's doc)."""

    #: the blueprint's name, whose `correct`, `void` and `show` endpoints these are
    blueprint: str
    #: the URL argument naming the parent record ("case_id", "household_id")
    parent_arg: str
    #: {kind in the URL: (model, anchor of the parent's page where it is shown)}
    kinds: dict[str, tuple[type, str]]
    #: the record in words, for the heading and the flash message
    describe: Callable[[Any], str]
    #: the correction form: as sent (True) or filled from the record (False)
    form: Callable[[Any, bool], Any]
    #: applies a valid form's correction to (parent, record); returns what changed
    apply: Callable[[Any, Any, Any], dict]
    #: voids (parent, record, why, by); raises CorrectionRefused
    void: Callable[[Any, Any, str, Any], None]

    def record_or_404(self, parent: Any, kind: str, record_id: int) -> Any:
        """The record, if it is of a kind that can be corrected and belongs to `parent`
        (a guessed id of another case's record is a 404, like a missing one)."""
        model = self.kinds.get(kind, (None, ""))[0]
        record = corrections.get_recorded(model, record_id) if model else None
        if record is None or getattr(record, self.parent_arg) != parent.id:
            abort(404)
        return record

    def back(self, parent: Any, kind: str) -> ResponseReturnValue:
        return redirect(self._url("show", parent) + self.kinds[kind][1])

    def correct(self, parent: Any, kind: str, record_id: int) -> ResponseReturnValue:
        """GET: the form filled from the record; POST: the correction, or the form as
        typed with why it was refused."""
        record = self.record_or_404(parent, kind, record_id)
        form = self.form(record, request.method == "POST")
        if not record.is_voided and form.validate_on_submit():
            try:
                changed = self.apply(parent, record, form)
            except CorrectionRefused as refused:
                db.session.rollback()
                form.why.errors = [*form.why.errors, str(refused)]
                return self._page(parent, kind, record, form, _blank_void(), 400)
            db.session.commit()
            flash("Corrected." if changed else "Nothing was changed.", "success")
            return self.back(parent, kind)
        status = 400 if request.method == "POST" else 200
        return self._page(parent, kind, record, form, _blank_void(), status)

    def void_record(self, parent: Any, kind: str, record_id: int) -> ResponseReturnValue:
        """POST: the record voided with the reason, or the page with why it was not."""
        record = self.record_or_404(parent, kind, record_id)
        void_form = VoidForm(prefix="void")
        if void_form.validate_on_submit():
            try:
                self.void(parent, record, void_form.why.data, current_user)
            except CorrectionRefused as refused:
                db.session.rollback()
                void_form.why.errors = [*void_form.why.errors, str(refused)]
            else:
                db.session.commit()
                flash(f"Voided: {self.describe(record)}.", "success")
                return self.back(parent, kind)
        return self._page(parent, kind, record, self.form(record, False), void_form, 400)

    def _url(self, endpoint: str, parent: Any, **more: Any) -> str:
        return url_for(f"{self.blueprint}.{endpoint}", **{self.parent_arg: parent.id}, **more)

    def _page(self, parent, kind: str, record, form, void_form, status: int):
        where = {"kind": kind, "record_id": record.id}
        return render_template(
            "corrections/correct.html",
            parent=parent,
            back=self._url("show", parent) + self.kinds[kind][1],
            heading=f"Correct or void: {self.describe(record)}",
            record=record,
            form=form,
            void_form=void_form,
            correct_url=self._url("correct", parent, **where),
            void_url=self._url("void", parent, **where),
            history=corrections.corrections_of(record),
            change_lines=corrections.change_lines,
        ), status


def _blank_void() -> VoidForm:
    return VoidForm(formdata=None, prefix="void")
