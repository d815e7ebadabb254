"""Importing the demand profile: children looked after by month, age band, placement type
and need, as counts from the children's system. All or nothing, every bad cell reported
with its row and column, the same file twice changes nothing."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from crm.domain.sufficiency import AgeBand, Need, PlacementType
from crm.imports.demand import COLUMNS, import_demand, parse_month
from crm.imports.outbound import write_csv
from crm.imports.reading import FileRejected, read_table
from crm.models import AuditEvent, DemandCount

TODAY = date(2025, 6, 30)
TEENS_IN_AGENCIES = {
    "month": "2025-05",
    "age_band": "10-15",
    "placement_type": "IFA",
    "need": "",
    "children": "14",
}
OF_THEM_SIBLINGS = {**TEENS_IN_AGENCIES, "need": "Sibling group", "children": "5"}
TEENS_IN_HOUSE = {**TEENS_IN_AGENCIES, "placement_type": "in-house", "children": "9"}


def demand_file(path, *rows, headers=COLUMNS):
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(path):
    return import_demand(read_table(path), TODAY)


def held(db) -> dict[tuple, int]:
    return {
        (c.month, c.age_band, c.placement_type, c.need): c.children
        for c in db.session.scalars(sa.select(DemandCount))
    }


def problems(result) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


def test_each_row_is_a_count_of_children_in_words_the_childrens_system_uses(db, tmp_path):
    result = run(demand_file(tmp_path / "d.csv", TEENS_IN_AGENCIES, OF_THEM_SIBLINGS))
    may = date(2025, 5, 1)
    assert (result.created, result.errors) == (2, [])
    assert held(db) == {
        (may, AgeBand.AGED_10_TO_15, PlacementType.AGENCY_FOSTER, Need.ALL): 14,
        (may, AgeBand.AGED_10_TO_15, PlacementType.AGENCY_FOSTER, Need.SIBLING_GROUP): 5,
    }


@pytest.mark.parametrize(
    "written", ["2025-04", "04/2025", "Apr 2025", "April 2025", "2025-04-30", "30/04/2025"]
)
def test_a_month_is_read_however_a_spreadsheet_writes_it(written):
    assert parse_month(written) == date(2025, 4, 1)


def test_the_same_file_again_changes_nothing(db, tmp_path):
    path = demand_file(tmp_path / "d.csv", TEENS_IN_AGENCIES, TEENS_IN_HOUSE)
    run(path)
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_corrected_month_replaces_its_count(db, tmp_path):
    run(demand_file(tmp_path / "d.csv", TEENS_IN_AGENCIES))
    result = run(demand_file(tmp_path / "d.csv", {**TEENS_IN_AGENCIES, "children": "15"}))
    assert result.updated == 1
    assert list(held(db).values()) == [15]


def test_a_count_written_is_audited(db, tmp_path):
    run(demand_file(tmp_path / "d.csv", TEENS_IN_AGENCIES))
    db.session.commit()
    entity_types = db.session.scalars(sa.select(AuditEvent.entity_type))
    assert "DemandCount" in set(entity_types)


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"age_band": "teenagers"}, "age_band"),
        ({"placement_type": "boarding school"}, "placement_type"),
        ({"need": "tall"}, "need"),
        ({"children": "-3"}, "children"),
        ({"children": "a dozen"}, "children"),
        ({"children": ""}, "children"),
        ({"month": "spring"}, "month"),
        ({"month": "2025-07"}, "month"),
    ],
)
def test_a_bad_cell_is_refused_with_its_row_and_column_and_nothing_is_kept(
    db, tmp_path, change, column
):
    result = run(demand_file(tmp_path / "d.csv", TEENS_IN_HOUSE, {**TEENS_IN_AGENCIES, **change}))
    assert problems(result) == [(3, column)]
    db.session.rollback()
    assert held(db) == {}


def test_a_month_given_twice_is_refused_naming_the_first_row(db, tmp_path):
    result = run(demand_file(tmp_path / "d.csv", TEENS_IN_AGENCIES, TEENS_IN_AGENCIES))
    assert problems(result) == [(3, "month")]
    assert "repeats row 2" in result.errors[0].reason


def test_children_with_a_need_cannot_outnumber_all_the_children(db, tmp_path):
    too_many = {**OF_THEM_SIBLINGS, "children": "20"}
    result = run(demand_file(tmp_path / "d.csv", TEENS_IN_AGENCIES, too_many))
    assert problems(result) == [(3, "children")]


def test_a_file_without_the_required_columns_is_rejected_whole(db, tmp_path):
    path = demand_file(tmp_path / "d.csv", {"month": "2025-05"}, headers=["month"])
    with pytest.raises(FileRejected, match="age_band"):
        run(path)


def test_the_command_line_imports_a_demand_file(runner, db, tmp_path):
    path = demand_file(tmp_path / "d.csv", TEENS_IN_AGENCIES, TEENS_IN_HOUSE)
    result = runner.invoke(args=["import-demand", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported: 2 new" in result.output
    assert len(held(db)) == 2


def test_the_exported_profile_imports_into_an_empty_hearth_as_the_same_bytes(db, tmp_path):
    run(demand_file(tmp_path / "d.csv", TEENS_IN_HOUSE, OF_THEM_SIBLINGS, TEENS_IN_AGENCIES))
    first = io.StringIO()
    write_csv("demand", first)
    db.session.execute(sa.delete(DemandCount))
    (tmp_path / "out.csv").write_text(first.getvalue(), encoding="utf-8")
    run(tmp_path / "out.csv")
    second = io.StringIO()
    write_csv("demand", second)
    assert second.getvalue() == first.getvalue()
    assert first.getvalue().splitlines()[1] == "2025-05,10_to_15,in_house_foster,,9"


def test_a_manager_uploads_checks_then_imports_the_profile(manager_client, db, tmp_path):
    path = demand_file(tmp_path / "d.csv", TEENS_IN_AGENCIES, TEENS_IN_HOUSE)
    with open(path, "rb") as upload:
        step_one = manager_client.post(
            "/imports/demand",
            data={"file": (upload, "demand.csv")},
            content_type="multipart/form-data",
        )
    preview = step_one.headers["Location"]
    assert "2 new, 0 changed, 0 unchanged" in manager_client.get(preview).get_data(as_text=True)
    assert held(db) == {}
    done = manager_client.post(preview, data={"submit": "y"}, follow_redirects=True)
    assert "Demand profile imported: 2 new" in done.get_data(as_text=True)
    assert len(held(db)) == 2


def test_a_profile_with_a_bad_cell_cannot_be_imported_from_the_page(manager_client, db, tmp_path):
    path = demand_file(tmp_path / "d.csv", {**TEENS_IN_AGENCIES, "children": "-1"})
    with open(path, "rb") as upload:
        step_one = manager_client.post(
            "/imports/demand",
            data={"file": (upload, "demand.csv")},
            content_type="multipart/form-data",
        )
    page = manager_client.post(step_one.headers["Location"], data={"submit": "y"})
    assert "cannot be negative" in page.get_data(as_text=True)
    assert held(db) == {}


@pytest.mark.parametrize("role_client", ["officer_client", "ssw_client"])
def test_only_managers_import_the_demand_profile(request, role_client, db):
    assert request.getfixturevalue(role_client).get("/imports/demand").status_code == 403
