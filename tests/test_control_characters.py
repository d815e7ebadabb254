"""Control characters (issue 29, items 4 and 13): no form, file or import lets one in,
a note keeps its line breaks, and records that already hold one (written before the
cleaning, or straight into the database) still export."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, TextAreaField

from crm.domain.stages import EventKind
from crm.formfields import Form
from crm.imports.reading import read_table
from crm.models import Case, Role
from tests.factories import CaseFactory

#: Every kind of control character a browser, a paste or a file can bring: line breaks
#: of every sort, a tab, NUL, escape, DEL and a C1 character.
TYPED = "Ann\r\nSmith\rJones\nX\x00\x1b[31m\x7f\tY\x85Z\u2028end\x9b"
ONE_LINE = "Ann Smith Jones X[31m Y Z end"
AS_A_NOTE = "Ann\nSmith\nJones\nX[31m Y\nZ\nend"

ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
CONTROL_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")

PUBLIC = {
    "email": "priya@example.com",
    "phone": "07700 900777",
    "postcode": "LE2 7AB",
    "source": "social_media",
}


def test_a_name_from_the_public_form_is_one_line_and_its_message_keeps_its_lines(client, db):
    response = client.post(
        "/foster-with-us/",
        data=dict(PUBLIC, first_name="Priya\x00", last_name=TYPED, message=TYPED),
    )
    assert response.status_code == 302
    case = db.session.scalar(sa.select(Case))
    assert (case.first_name, case.last_name, case.message) == ("Priya", ONE_LINE, AS_A_NOTE)


def _every_form() -> list[type[Form]]:
    import crm.admin.forms  # noqa: F401
    import crm.auth.forms  # noqa: F401
    import crm.cases.forms  # noqa: F401
    import crm.dashboard.forms  # noqa: F401
    import crm.households.forms  # noqa: F401
    import crm.matching.forms  # noqa: F401
    import crm.privacy.forms  # noqa: F401
    import crm.public.forms  # noqa: F401
    import crm.sufficiency.forms  # noqa: F401
    import crm.uploads.forms  # noqa: F401

    forms, stack = [], list(Form.__subclasses__())
    while stack:
        form = stack.pop()
        stack.extend(form.__subclasses__())
        forms.append(form)
    return sorted(forms, key=lambda f: f"{f.__module__}.{f.__qualname__}")


def _made(form_class, formdata=None):
    from crm.cases.forms import StepForm

    if issubclass(form_class, StepForm):
        return form_class(EventKind.WITHDRAWN_BY_APPLICANT, formdata=formdata)
    return form_class(formdata=formdata)


@pytest.mark.parametrize("form_class", _every_form(), ids=lambda f: f.__qualname__)
def test_no_form_lets_a_control_character_into_its_text(app, db, form_class):
    with app.test_request_context(method="POST"):
        names = [field.name for field in _made(form_class, MultiDict())]
        form = _made(form_class, MultiDict({name: TYPED for name in names}))
        for field in form:
            if not isinstance(field.data, str) or isinstance(field, PasswordField):
                continue  # a date, a number, a choice list; a password is never shown
            allowed = CONTROL_BUT_NEWLINE if isinstance(field, TextAreaField) else ANY_CONTROL
            assert not allowed.search(field.data), (form_class.__name__, field.name)


def test_an_imported_name_is_one_line_and_a_note_keeps_its_lines(tmp_path):
    in_a_file = TYPED.replace("\x00", "")  # a CSV file with a NUL is refused as binary
    path = tmp_path / "events.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(
            [["reference", "last_name\x07", "note"], ["T-1", in_a_file, in_a_file]]
        )
    table = read_table(path)
    assert table.headers == ["reference", "last_name", "note"]
    assert table.rows == [{"reference": "T-1", "last_name": ONE_LINE, "note": AS_A_NOTE}]


def test_an_imported_workbook_cell_loses_its_control_characters(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["reference", "last_name"])
    book.active.append(["T-1", "Smith\r\nJones\tX"])  # Alt+Enter in Excel, and a tab
    book.save(tmp_path / "t.xlsx")
    assert read_table(tmp_path / "t.xlsx").rows == [
        {"reference": "T-1", "last_name": "Smith Jones X"}
    ]


#: What an older record may hold (PostgreSQL stores no NUL, so none here): openpyxl
#: refuses the first three in a workbook.
PLANTED = "Smith\x0bJones\x1b\x07"


@pytest.fixture
def planted(db):
    """A case whose name was stored before input was cleaned, straight into the table."""
    case = CaseFactory(first_name="Ann", last_name="Smith", enquiry_date=date(2025, 4, 1))
    db.session.execute(sa.update(Case).where(Case.id == case.id).values(last_name=PLANTED))
    db.session.commit()
    return case


def test_a_planted_control_character_does_not_stop_the_xlsx_export(planted, as_role):
    response = as_role(Role.MANAGER).get("/cases/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    values = [str(c.value) for row in book.active.iter_rows() for c in row if c.value]
    assert any("SmithJones" in v for v in values)
    assert not any(ANY_CONTROL.search(v) for v in values)


def test_a_planted_control_character_is_left_out_of_the_csv_export(planted, as_role):
    response = as_role(Role.MANAGER).get("/cases/export.csv")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "SmithJones" in body and not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", body)


@pytest.mark.parametrize(
    ("reference", "header"),
    [
        ("HF\r1", 'attachment; filename="subject-access-HF 1.json"'),
        (
            "HF-Ω",
            'attachment; filename="subject-access-HF-.json"; '
            "filename*=UTF-8''subject-access-HF-%CE%A9.json",
        ),
    ],
)
def test_a_download_named_from_a_reference_has_a_header_that_can_be_sent(
    db, as_role, reference, header
):
    case = CaseFactory(enquiry_date=date(2025, 4, 1))
    db.session.execute(sa.update(Case).where(Case.id == case.id).values(reference=reference))
    db.session.commit()
    response = as_role(Role.ADMINISTRATOR).get(f"/privacy/case/{case.id}.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == header  # one line, Latin-1 only
