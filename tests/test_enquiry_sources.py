"""A council's own list of enquiry sources: importers match free text to it, and a
value on no list is mapped or added by the council, never guessed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm.enquiry_sources import SourceMatcher, UnknownSourceMapping, source_choices
from crm.imports.reading import read_table
from crm.imports.tracker import import_tracker
from crm.models import Campaign, EnquirySource
from tests.conftest import login
from tests.factories import CaseFactory
from tests.tracker_files import TODAY, cases, write_csv


def enquiry(reference: str, source: str) -> dict:
    return {"reference": reference, "enquiry_date": "2025-04-03", "source": source}


@pytest.fixture
def tracker(tmp_path):
    return write_csv(
        tmp_path / "t.csv",
        enquiry("S-1", "Radio"),
        enquiry("S-2", "  radio "),
        enquiry("S-3", "Facebook"),
        enquiry("S-4", "council website FORM"),
    )


def run(path, sources=None):
    return import_tracker(read_table(path), TODAY, sources=sources)


def codes(db) -> dict[str, str]:
    return {reference: case.source for reference, case in cases(db).items()}


def test_values_on_no_list_are_refused_and_counted_whatever_their_case(db, tracker):
    result = run(tracker)
    assert result.unknown_sources == {"Radio": 2, "Facebook": 1}
    assert sorted(e.row for e in result.errors) == [2, 3, 4]
    assert "not on the council's list" in result.errors[0].reason


def test_a_mapped_value_counts_as_the_source_it_is_mapped_to(db, tracker):
    decided = SourceMatcher.load({"facebook": "Social media", "RADIO": "advert"})
    result = run(tracker, decided)
    assert result.errors == []
    assert codes(db) == {"S-1": "advert", "S-2": "advert", "S-3": "social_media", "S-4": "website"}
    assert "'Facebook' counted as Social media (as mapped) (1 row)" in [
        w.assumed for w in result.warnings
    ]


def test_added_values_become_sources_on_the_list_once_each(db, tracker):
    result = run(tracker, SourceMatcher.load({"Facebook": "social_media"}, add_unknown=True))
    assert result.errors == []
    assert codes(db)["S-1"] == codes(db)["S-2"] == "radio"
    assert ("radio", "Radio") in source_choices()
    assert "'Radio' added as a new enquiry source (2 rows)" in [w.assumed for w in result.warnings]


def test_a_refused_file_adds_no_source(db, tmp_path):
    bad = write_csv(tmp_path / "t.csv", enquiry("S-1", "Radio"), {"reference": "S-2"})
    result = run(bad, SourceMatcher.load(add_unknown=True))
    assert result.errors and not any(code == "radio" for code, _ in source_choices())


def test_a_mapping_to_a_source_not_on_the_list_is_refused_with_the_choices(db):
    with pytest.raises(UnknownSourceMapping, match="'pigeons' .* use one of website"):
        SourceMatcher.load({"Carrier pigeon": "pigeons"})


def test_a_retired_source_still_matches_history_but_is_not_offered(db, tmp_path):
    db.session.execute(
        sa.update(EnquirySource).where(EnquirySource.code == "advert").values(retired=True)
    )
    result = run(write_csv(tmp_path / "t.csv", enquiry("S-1", "Advert or leaflet")))
    assert result.errors == [] and codes(db) == {"S-1": "advert"}
    assert "advert" not in dict(source_choices())


class TestCommandLine:
    def test_unknown_values_are_listed_with_their_rows_and_what_to_do(self, runner, tracker):
        out = runner.invoke(args=["import-tracker", str(tracker)])
        assert out.exit_code != 0
        assert "Sources not on the council's list: 'Radio' (2 rows), 'Facebook' (1 row)" in (
            out.output
        )
        assert "--map-source" in out.output and "--add-sources" in out.output

    def test_map_source_and_add_sources_import_the_file(self, runner, db, tracker):
        out = runner.invoke(
            args=[
                "import-tracker",
                str(tracker),
                "--map-source",
                "Facebook=social_media",
                "--add-sources",
            ]
        )
        assert out.exit_code == 0, out.output
        assert codes(db)["S-3"] == "social_media" and codes(db)["S-1"] == "radio"

    def test_a_dry_run_adds_no_source(self, runner, db, tracker):
        out = runner.invoke(args=["import-tracker", str(tracker), "--add-sources", "--dry-run"])
        assert out.exit_code == 0, out.output
        assert "radio" not in dict(source_choices())

    @pytest.mark.parametrize("bad", ["Facebook", "Facebook=pigeons", "=advert"])
    def test_a_bad_mapping_is_a_usage_error(self, runner, db, tracker, bad):
        out = runner.invoke(args=["import-tracker", str(tracker), "--map-source", bad])
        assert out.exit_code == 2 and "--map-source" in out.output


class TestAdmin:
    def test_an_administrator_adds_a_source_offered_at_once(self, admin_client, db):
        page = admin_client.post(
            "/admin/sources", data={"label": "  local  radio"}, follow_redirects=True
        )
        assert "Source “Local radio” added." in page.get_data(as_text=True)
        assert ("local_radio", "Local radio") in source_choices()

    def test_a_source_an_import_could_not_tell_apart_is_refused(self, admin_client, db):
        page = admin_client.post("/admin/sources", data={"label": "SOCIAL media"})
        assert "“Social media” is already on the list." in page.get_data(as_text=True)
        assert len(source_choices()) == 9  # the eight defaults and "Not recorded"

    def test_retiring_keeps_the_label_on_older_enquiries(self, admin_client, db, officer):
        case = CaseFactory(source="event")
        event = db.session.scalar(sa.select(EnquirySource).where(EnquirySource.code == "event"))
        admin_client.post(
            f"/admin/sources/{event.id}",
            data={"label": "Information evening", "retired": "y"},
        )
        assert "event" not in dict(source_choices())
        login(admin_client, officer)
        page = admin_client.get(f"/cases/{case.id}").get_data(as_text=True)
        assert "Information evening" in page

    def test_only_administrators_manage_the_list(self, manager_client):
        assert manager_client.get("/admin/sources").status_code == 403


class TestCampaigns:
    def test_a_campaign_on_the_list_is_spelt_as_the_list_spells_it(self, db, tmp_path):
        db.session.add(Campaign(name="Spring radio"))
        row = dict(enquiry("S-1", "radio"), campaign=" spring  RADIO ")
        result = run(write_csv(tmp_path / "t.csv", row), SourceMatcher.load(add_unknown=True))
        assert result.errors == [] and cases(db)["S-1"].campaign == "Spring radio"

    def test_a_campaign_not_on_the_list_is_kept_as_written_and_said_once(self, db, tmp_path):
        rows = [dict(enquiry(f"S-{n}", "Other"), campaign="Summer fair") for n in range(2)]
        result = run(write_csv(tmp_path / "t.csv", *rows))
        assert {c.campaign for c in cases(db).values()} == {"Summer fair"}
        assert [(w.column, w.assumed) for w in result.warnings if w.column == "campaign"] == [
            (
                "campaign",
                "'Summer fair' is not on the campaigns list (Admin > Campaigns): kept as "
                "written (2 rows)",
            )
        ]
