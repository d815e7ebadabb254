"""A council's own tracker gets in through a mapping step (issue 32, item 4): its header
row found below its title, its columns and words matched to Hearth's (remembered for the
next upload of the same layout), the columns Hearth has no place for kept as a note, and
every problem reported at once. Worked by hand from two councils' files
(tests/council_trackers): Oakshire's, as the issue describes it, and Riverton's, a second
council that does most things differently."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.domain.stages import Stage
from crm.enquiry_sources import SourceMatcher
from crm.imports import tracker_layout as tl
from crm.imports.reading import parse_uk_date
from crm.imports.tracker import import_tracker
from crm.models import Activity, ActivityKind, EnquirySource, Household, TrackerLayout
from tests.council_trackers import OAKSHIRE, RIVERTON_HEADERS, write_riverton
from tests.tracker_files import TODAY, cases, upload

#: What Oakshire's manager decides on the mapping step: "Withdrawn" is the applicant's
#: doing in their service; Facebook is social media, the radio and leaflets adverts.
OAKSHIRE_DECISIONS = {
    ("outcome", "Withdrawn"): "withdrawn_by_applicant",
    ("source", "Facebook"): "social_media",
    ("source", "Radio"): "advert",
    ("source", "Leaflet"): "advert",
}
#: Riverton's: "Withdrew" is the applicant, "Closed" the service; Google is the website,
#: a friend word of mouth; and "IHV date" (initial home visit) is the initial visit.
RIVERTON_DECISIONS = {
    ("outcome", "Closed"): "withdrawn_by_service",
    ("source", "Google"): "website",
    ("source", "Facebook"): "social_media",
    ("source", "Friend"): "word_of_mouth",
}


def mapped(path, decisions, columns=None):
    """Map a file as its manager does on the mapping step: the guessed columns (with
    `columns` changed), the guessed meanings, and `decisions` for the rest."""
    grid = tl.read_grid(path, path.name)
    layout = tl.guess_layout(grid)
    for header, name in (columns or {}).items():
        layout.columns[grid.headers.index(header)] = name
    for name, values in tl.to_decide(grid, layout, SourceMatcher.load()).items():
        for value in values:
            meaning = decisions.get((name, value)) or tl.guess_value(name, value)
            layout.values.setdefault(name, {})[tl.words(value)] = meaning
    tl.remember(layout)
    return tl.prepare(path, path.name)


def run_mapped(path, decisions, columns=None, skip_invalid=False):
    prepared = mapped(path, decisions, columns)
    return import_tracker(
        prepared.table, TODAY, skip_invalid=skip_invalid, sources=prepared.sources
    )


@pytest.fixture
def riverton(tmp_path):
    return write_riverton(tmp_path / "riverton.xlsx")


# --- finding the headers and matching the columns ------------------------------------


def test_the_header_row_is_found_below_a_title_row(db):
    assert tl.read_grid(OAKSHIRE, OAKSHIRE.name).header_row == 2


def test_the_header_row_is_found_below_merged_titles_and_a_blank_row(db, riverton):
    assert tl.read_grid(riverton, riverton.name).header_row == 4


def test_a_councils_header_words_are_matched_to_hearths_columns(db):
    grid = tl.read_grid(OAKSHIRE, OAKSHIRE.name)
    columns = dict(zip(grid.headers, tl.guess_layout(grid).columns, strict=True))
    assert {h: columns[h] for h in ("Ref No", "Date of Enquiry", "Tel No", "Name", "Status")} == {
        "Ref No": "reference",
        "Date of Enquiry": "enquiry_date",
        "Tel No": "phone",
        "Name": "full_name",
        "Status": "outcome",
    }


def test_a_column_hearth_has_no_place_for_is_kept_as_a_note_not_refused(db, riverton):
    grid = tl.read_grid(riverton, riverton.name)
    columns = dict(zip(RIVERTON_HEADERS, tl.guess_layout(grid).columns, strict=True))
    assert (columns["Social worker"], columns["Notes"]) == (tl.NOTE, tl.NOTE)


def test_an_empty_column_without_a_header_is_left_out(db, riverton):
    grid = tl.read_grid(riverton, riverton.name)
    assert tl.guess_layout(grid).columns[RIVERTON_HEADERS.index("")] == tl.LEAVE_OUT


@pytest.mark.parametrize(
    ("name", "value", "meaning"),
    [
        ("carer_type", "Main", "mainstream"),
        ("carer_type", "Family & Friends", "kinship"),
        ("carer_type", "F&F", "kinship"),
        ("outcome", "Stage 1", "open:stage1"),
        ("outcome", "Stage Two", "open:stage2"),
        ("withdrawal_reason", "moving house", "AW3"),
        ("withdrawal_reason", "No response to calls", "no_contact"),
    ],
)
def test_a_councils_words_are_offered_with_their_likely_meaning(name, value, meaning):
    assert tl.guess_value(name, value) == meaning


@pytest.mark.parametrize("value", ["Withdrawn", "Closed"])
def test_a_word_that_could_mean_either_withdrawal_is_asked_not_guessed(value):
    """Withdrawn by the applicant and by the service are counted apart (Ofsted's AW
    codes apply only to the applicant's), so the council says which its word means."""
    assert tl.guess_value("outcome", value) is None


@pytest.mark.parametrize(
    "text", ["12/4/25", "12/04/2025", "2025-04-12", "12 April 2025", "12 Apr 25", "12-Apr-2025"]
)
def test_dates_are_read_the_uk_way_day_first(text):
    assert parse_uk_date(text) == date(2025, 4, 12)


def test_the_fingerprint_ignores_case_spacing_and_punctuation_but_not_order():
    assert tl.fingerprint(["Ref No.", "Date of Enquiry"]) == tl.fingerprint(
        ["ref no", "DATE  OF ENQUIRY"]
    )
    assert tl.fingerprint(["Ref No", "Date of Enquiry"]) != tl.fingerprint(
        ["Date of Enquiry", "Ref No"]
    )


def test_every_problem_of_a_mapping_is_reported_at_once():
    layout = tl.Layout(["Tel", "Mobile", "Date"], ["phone", "phone", "enquiry_date"])
    assert layout.problems() == [
        "No column is mapped to reference: it is required.",
        "Phone is chosen for more than one column: choose it for one, and keep the others "
        "as notes.",
    ]


# --- importing through the mapping: worked by hand -------------------------------------


def test_oakshire_imports_each_case_at_the_stage_its_dates_reach(db):
    result = run_mapped(OAKSHIRE, OAKSHIRE_DECISIONS, skip_invalid=True)
    db.session.commit()
    held = cases(db)
    assert {ref: case.stage for ref, case in held.items()} == {
        "OAK/001": Stage.INITIAL_VISIT,  # 12/4/25, contacted 14/4/25, visited 2/5/25
        "OAK/002": Stage.STAGE1,  # application 10/2/25
        "OAK/003": Stage.WITHDRAWN_BY_APPLICANT,
        "OAK/004": Stage.APPROVED,
        "OAK/005": Stage.ENQUIRY,  # "New"
        "OAK/006": Stage.WITHDRAWN_BY_APPLICANT,
    }
    assert result.created == 6


def test_oakshires_words_become_hearths_values(db):
    run_mapped(OAKSHIRE, OAKSHIRE_DECISIONS, skip_invalid=True)
    held = cases(db)
    denise = held["OAK/003"]  # "Family & Friends", "Withdrawn" on 9/12/24, "moving house"
    assert (denise.carer_type.value, denise.outcome_reason) == ("kinship", "AW3")
    assert denise.enquiry_date == date(2024, 11, 15)
    assert held["OAK/006"].outcome_reason == "AW4"  # "Finances"
    assert held["OAK/001"].carer_type.value == "mainstream"  # "Main"
    assert held["OAK/002"].source == "social_media"  # "Facebook", as mapped


def test_a_full_name_column_is_split_into_first_and_last(db):
    run_mapped(OAKSHIRE, OAKSHIRE_DECISIONS, skip_invalid=True)
    patel = cases(db)["OAK/002"]
    assert (patel.first_name, patel.last_name) == ("Tom & Priya", "Patel")


def test_an_approved_row_of_a_council_file_is_an_approved_household(db):
    run_mapped(OAKSHIRE, OAKSHIRE_DECISIONS, skip_invalid=True)
    db.session.commit()
    [household] = db.session.scalars(sa.select(Household)).all()
    assert (household.reference, household.approval_date) == ("OAK/004", date(2024, 11, 26))


def test_a_status_the_dates_do_not_reach_is_refused_naming_the_missing_date(db):
    """OAK/007 is "Stage 1" with no application date: a stage is recorded with the date
    it was reached, never without, so the row is refused (row 9 of the file)."""
    result = run_mapped(OAKSHIRE, OAKSHIRE_DECISIONS)
    assert [(e.row, e.column) for e in result.errors] == [(9, "stage")]
    assert result.errors[0].reason.endswith("give the initial visit date and the application date")
    assert cases(db) == {}  # all or nothing


def test_the_columns_without_a_place_are_a_note_dated_on_the_enquiry(db):
    run_mapped(OAKSHIRE, OAKSHIRE_DECISIONS, skip_invalid=True)
    db.session.commit()
    case = cases(db)["OAK/001"]
    [note] = [a for a in case.activities if a.kind is ActivityKind.NOTE]
    assert note.note == "From the council's tracker:\nWorker: Amy"
    assert note.occurred_on == date(2025, 4, 12)
    assert case.last_activity_date == date(2025, 5, 2)  # the visit: a note moves no clock


def test_riverton_imports_each_case_at_its_stage_with_its_words_mapped(db, riverton):
    result = run_mapped(riverton, RIVERTON_DECISIONS, {"IHV date": "initial_visit_date"})
    db.session.commit()
    assert result.errors == []
    held = cases(db)
    assert {ref: (c.stage.value, c.carer_type.value) for ref, c in held.items()} == {
        "1001": ("initial_visit", "mainstream"),
        "1002": ("stage1", "kinship"),  # "F&F"
        "1003": ("stage2", "mainstream"),
        "1004": ("withdrawn_by_applicant", "mainstream"),  # "Withdrew"
        "1005": ("withdrawn_by_service", "kinship"),  # "Closed", "Connected Person"
        "1006": ("initial_visit", "mainstream"),  # "On Hold": held, at the visit
        "1007": ("approved", "mainstream"),
    }
    assert (held["1004"].outcome_reason, held["1005"].outcome_reason) == ("AW3", "no_contact")
    assert held["1001"].enquiry_date == date(2025, 4, 12)  # "12 April 2025"
    assert held["1004"].outcome_date == date(2024, 12, 12)  # "12 Dec 2024"


def test_rivertons_notes_and_social_worker_are_one_note_on_the_case(db, riverton):
    run_mapped(riverton, RIVERTON_DECISIONS, {"IHV date": "initial_visit_date"})
    db.session.commit()
    notes = [a.note for a in cases(db)["1002"].activities if a.kind is ActivityKind.NOTE]
    assert notes == [
        "From the council's tracker:\nNotes: Grandfather of the child\nSocial worker: K. Ahmed"
    ]


def test_a_column_left_as_a_note_that_holds_a_milestone_reports_every_row_at_once(db, riverton):
    """Left unmapped, "IHV date" is a note: each row with an application date skips the
    initial visit, and 1001's "Initial visit" is a stage its dates do not reach. Every
    such row is reported in one round, not one at a time."""
    result = run_mapped(riverton, RIVERTON_DECISIONS)
    assert sorted({e.row for e in result.errors}) == [5, 6, 7, 11]  # 1001-1003, 1007


def test_reimporting_a_council_file_changes_nothing_and_adds_no_second_note(db):
    run_mapped(OAKSHIRE, OAKSHIRE_DECISIONS, skip_invalid=True)
    db.session.commit()
    again = run_mapped(OAKSHIRE, OAKSHIRE_DECISIONS, skip_invalid=True)
    db.session.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    notes = db.session.scalar(sa.select(sa.func.count()).where(Activity.kind == ActivityKind.NOTE))
    assert notes == 5  # OAK/005 has no worker: nothing to note


def test_a_refused_council_file_adds_no_source(db):
    decisions = {**OAKSHIRE_DECISIONS, ("source", "Radio"): tl.NEW_SOURCE}
    run_mapped(OAKSHIRE, decisions)  # OAK/007 refuses the file
    assert db.session.scalar(sa.select(EnquirySource).where(EnquirySource.label == "Radio")) is None


# --- the command line reads a remembered layout ---------------------------------------


def test_the_cli_reads_a_council_file_through_its_remembered_layout(runner, db):
    mapped(OAKSHIRE, OAKSHIRE_DECISIONS)
    db.session.commit()
    result = runner.invoke(
        args=["import-tracker", str(OAKSHIRE), "--skip-invalid", "--errors-file", "/dev/null"]
    )
    assert "Imported: 6 new" in result.output
    assert "row 9, stage" in result.output


def test_the_cli_refuses_a_council_file_never_mapped_saying_where_to_map_it(runner, db):
    result = runner.invoke(args=["import-tracker", str(OAKSHIRE)])
    assert result.exit_code != 0
    assert "Upload it once under Imports > Tracker" in result.output


# --- the upload pages ------------------------------------------------------------------


def test_a_council_file_goes_to_the_mapping_step(manager_client, db):
    preview = upload(manager_client, OAKSHIRE).headers["Location"]
    response = manager_client.get(preview)
    assert response.status_code == 302 and response.headers["Location"].endswith("/columns")
    page = manager_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The headers were found on row 2" in page
    assert "“Withdrawn” (2 rows)" in page


def test_a_file_in_hearths_columns_without_a_reference_is_sent_to_mapping_not_a_500(
    manager_client, db, tmp_path
):
    """`check_headers`' refusal escaped the preview as a 500."""
    path = tmp_path / "t.csv"
    path.write_text("enquiry_date,first_name\n2025-01-06,Jo\n", encoding="utf-8")
    preview = upload(manager_client, path).headers["Location"]
    response = manager_client.get(preview)
    assert response.status_code == 302 and response.headers["Location"].endswith("/columns")
    page = manager_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "No column is mapped to reference: it is required." in page


def _columns_form(page_url, client, **changes):
    """What the mapping page posts with its guessed choices, changed as given."""
    import re

    page = client.get(page_url).get_data(as_text=True)
    data = {}
    for select in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        picked = re.search(r'<option selected value="([^"]*)"', select.group(2))
        picked = picked or re.search(r'<option value="([^"]*)" selected', select.group(2))
        data[select.group(1)] = picked.group(1) if picked else ""
    return {**data, **changes}


def _value_field(name, value):
    from crm.uploads.forms import value_key

    return f"value_{name}_{value_key(value)}"


def test_the_mapping_is_remembered_for_the_next_upload_of_the_same_layout(manager_client, db):
    columns = upload(manager_client, OAKSHIRE).headers["Location"] + "/columns"
    columns = columns.replace("/columns/columns", "/columns")
    data = _columns_form(columns, manager_client, submit="y")
    for (name, value), meaning in OAKSHIRE_DECISIONS.items():
        data[_value_field(name, value)] = meaning
    response = manager_client.post(columns, data=data)
    assert response.status_code == 302 and not response.headers["Location"].endswith("/columns")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrackerLayout)) == 1
    again = upload(manager_client, OAKSHIRE).headers["Location"]
    page = manager_client.get(again).get_data(as_text=True)
    assert "Step 3 of 3" in page and "6 new" not in page  # the preview, OAK/007 refused
    assert "<td>9</td><td>Status</td>" in page  # named by the council's own header


def test_a_refused_mapping_keeps_every_choice_and_says_every_problem(manager_client, db):
    columns = upload(manager_client, OAKSHIRE).headers["Location"] + "/columns"
    data = _columns_form(columns, manager_client, submit="y")
    data["column_0"] = tl.NOTE  # "Ref No" kept as a note: no reference
    data[_value_field("source", "Facebook")] = "social_media"  # the rest left undecided
    page = manager_client.post(columns, data=data).get_data(as_text=True)
    assert "No column is mapped to reference" in page
    assert "“Withdrawn” (2 rows): Say what it means in Hearth." in page
    assert "“Radio” (1 row): Say what it means in Hearth." in page
    assert f'name="{_value_field("source", "Facebook")}"' in page
    assert (
        '<option selected value="social_media">' in page or 'value="social_media" selected' in page
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrackerLayout)) == 0


def test_the_web_skips_bad_rows_as_the_command_line_does_and_lists_them(manager_client, db):
    columns = upload(manager_client, OAKSHIRE).headers["Location"] + "/columns"
    data = _columns_form(columns, manager_client, submit="y")
    for (name, value), meaning in OAKSHIRE_DECISIONS.items():
        data[_value_field(name, value)] = meaning
    preview = manager_client.post(columns, data=data).headers["Location"]
    page = manager_client.get(preview).get_data(as_text=True)
    assert "Import the other 6 rows, skipping the 1 with problems" in page
    page = manager_client.post(preview, data={"skip": "y"}).get_data(as_text=True)
    assert "1 row with problems was skipped" in page
    assert "<td>9</td><td>Status</td>" in page
    assert sorted(cases(db)) == ["OAK/001", "OAK/002", "OAK/003", "OAK/004", "OAK/005", "OAK/006"]


def test_a_remembered_layout_asks_only_about_words_it_has_not_met(manager_client, db, tmp_path):
    """Next month's file has the same headers and one new status word: it comes back to
    the mapping step with last month's choices kept and only the new word to decide."""
    mapped(OAKSHIRE, OAKSHIRE_DECISIONS)
    db.session.commit()
    later = tmp_path / "oakshire-may.csv"
    later.write_text(OAKSHIRE.read_text().replace(",New,", ",Awaiting call,"))
    preview = upload(manager_client, later).headers["Location"]
    columns = manager_client.get(preview).headers["Location"]
    assert columns.endswith("/columns")
    page = manager_client.get(columns).get_data(as_text=True)
    field = _value_field("outcome", "Awaiting call")
    assert f'<select class="form-select" id="{field}" name="{field}" required>' in page
    assert '<option selected value="">Choose…</option>' in page.split(f'id="{field}"')[1]
    withdrawn = _value_field("outcome", "Withdrawn")
    assert 'selected value="withdrawn_by_applicant"' in page.split(f'id="{withdrawn}"')[1]
