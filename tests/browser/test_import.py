"""In a real browser, a manager checks a council's tracker, decides what its unknown
sources are, and imports it."""

from __future__ import annotations

from playwright.sync_api import expect

from crm.models import Role
from tests.browser.conftest import sign_in
from tests.tracker_files import OPEN, write_csv


def test_a_manager_previews_maps_a_source_and_imports(page, live_server, user_with, tmp_path):
    path = write_csv(
        tmp_path / "council.csv",
        dict(OPEN, reference="BR-1", source="Facebook"),
        dict(OPEN, reference="BR-2", source=" local RADIO"),
    )
    sign_in(page, live_server, user_with(Role.MANAGER))
    page.goto(f"{live_server.url}/imports/tracker")
    page.get_by_label("Tracker file (.csv or .xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Nothing has been written yet")).to_be_visible()
    expect(page.get_by_text("2 problems", exact=False)).to_be_visible()

    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Map it to a source, or add it as a new one.").first).to_be_visible()

    page.get_by_label("“Facebook” (1 row)").select_option(label="Social media")
    page.get_by_label("“local RADIO” (1 row)").select_option(
        label="Add it to the list as a new source"
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status").first).to_contain_text("Imported 2 new")
