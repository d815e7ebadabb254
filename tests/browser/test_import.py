"""In a real browser, a manager checks a council's tracker, decides what its unknown
sources are, and imports it."""

from __future__ import annotations

from playwright.sync_api import expect

from crm.models import Role
from tests.browser.conftest import sign_in
from tests.council_trackers import OAKSHIRE, write_riverton
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


def test_a_councils_own_tracker_goes_in_through_mapping_in_one_preview(
    page, live_server, user_with
):
    """Oakshire's tracker as the issue describes it: a title row, "Ref No", "Date of
    Enquiry", "Tel No", "Main", "Family & Friends", "Withdrawn", "Stage 1", "moving house",
    12/4/25. One row (OAK/007, "Stage 1" with no application date) is skipped and listed."""
    sign_in(page, live_server, user_with(Role.MANAGER))
    page.goto(f"{live_server.url}/imports/tracker")
    page.get_by_label("Tracker file (.csv or .xlsx)").set_input_files(str(OAKSHIRE))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("The headers were found on row 2")).to_be_visible()
    expect(page.get_by_label("Ref No", exact=True)).to_have_value("reference")
    expect(page.get_by_label("“Main” (6 rows)")).to_have_value("mainstream")
    expect(page.get_by_label("“moving house” (1 row)")).to_have_value("AW3")

    page.get_by_role("button", name="Continue to the preview").click()  # "Withdrawn" undecided
    expect(page.get_by_text("Say what it means in Hearth.").first).to_be_visible()
    page.get_by_label("“Withdrawn” (2 rows)").select_option(label="Withdrawn by the applicant")
    page.get_by_label("“Facebook” (2 rows)").select_option(label="Social media")
    page.get_by_label("“Radio” (1 row)").select_option(label="Advert or leaflet")
    page.get_by_label("“Leaflet” (1 row)").select_option(label="Advert or leaflet")
    page.get_by_role("button", name="Continue to the preview").click()

    expect(page.get_by_text("Step 3 of 3")).to_be_visible()
    expect(page.get_by_role("cell", name="Status")).to_be_visible()  # row 9, in their words
    page.get_by_role("button", name="Import the other 6 rows, skipping the 1 with problems").click()
    expect(page.get_by_role("status").first).to_contain_text("Imported 6 new")
    expect(page.get_by_text("1 row with problems was skipped")).to_be_visible()


def test_a_second_councils_tracker_goes_in_through_mapping_in_one_preview(
    page, live_server, user_with, tmp_path
):
    """Riverton does it differently: merged title rows and a blank row, forename and
    surname apart, an empty column, "IHV date" (which Hearth does not guess), dates as
    Excel dates, 2025-04-12 and '12 April 2025', "F&F", "Withdrew", "Closed", and
    "Notes" and "Social worker" kept as a note."""
    path = write_riverton(tmp_path / "riverton.xlsx")
    sign_in(page, live_server, user_with(Role.MANAGER))
    page.goto(f"{live_server.url}/imports/tracker")
    page.get_by_label("Tracker file (.csv or .xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("The headers were found on row 4")).to_be_visible()
    expect(page.get_by_label("Social worker", exact=True)).to_have_value("note")
    page.get_by_label("IHV date", exact=True).select_option(label="Initial home visit (date)")
    page.get_by_label("“Closed” (1 row)").select_option(label="Withdrawn by the service")
    page.get_by_label("“Google” (3 rows)").select_option(label="Council website form")
    page.get_by_label("“Facebook” (2 rows)").select_option(label="Social media")
    page.get_by_label("“Friend” (2 rows)").select_option(label="Word of mouth")
    page.get_by_role("button", name="Continue to the preview").click()

    expect(page.get_by_text("Step 3 of 3")).to_be_visible()
    expect(page.get_by_text("7 new, 0 updated, 0 unchanged")).to_be_visible()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Imported 7 new")
