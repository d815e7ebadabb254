"""A misspelled name still finds the person meant (issue 32, item 5): an officer on the
phone types what they heard. Each search below is one a real service's officer made and
got "No cases" for; each sits among other applicants, some of them near misses, so the
test can tell finding the right person from listing everyone."""

from __future__ import annotations

import re
from datetime import date

import pytest

from crm.domain.names import likeness, name_sounds, typed_sounds
from crm.models import Case

pytestmark = pytest.mark.usefixtures("db")

#: Applicants of an ordinary service, names as they were recorded.
APPLICANTS = [
    ("MS-JACQ", "Jacqueline", "Brown", date(2025, 3, 1)),
    ("MS-BRUIN", "Jacqueline", "Bruin", date(2025, 5, 1)),
    ("MS-JACK", "Jackie", "Browning", date(2025, 4, 1)),
    ("MS-GERB", "Geraldine", "Brookes", date(2025, 2, 1)),
    ("MS-GERA", "Geraldine", "Banks", date(2025, 2, 2)),
    ("MS-IAN", "Ian", "Smith", date(2025, 1, 10)),
    ("MS-SMART", "Ian", "Smart", date(2025, 1, 11)),
    ("MS-JONES", "Iain", "Jones", date(2025, 1, 12)),
    ("MS-SIOB", "Siobhán", "O'Brien", date(2024, 11, 5)),
    ("MS-SUSAN", "Susan", "Obi", date(2024, 11, 6)),
]
REFERENCE = re.compile(r"\bMS-[A-Z]+\b")


@pytest.fixture
def applicants(db):
    from tests.factories import CaseFactory

    for reference, first, last, enquired in APPLICANTS:
        CaseFactory(reference=reference, first_name=first, last_name=last, enquiry_date=enquired)


def suggested(client, q: str) -> list[str]:
    """The references the "did you mean" box names, in its order."""
    page = client.get("/cases/", query_string={"q": q}).get_data(as_text=True)
    box = re.search(r'data-testid="did-you-mean">(.*?)</section>', page, re.S)
    return REFERENCE.findall(box.group(1)) if box else []


def listed(client, q: str) -> list[str]:
    """The references the list itself shows (exact matches)."""
    page = client.get("/cases/", query_string={"q": q}).get_data(as_text=True)
    table = page[page.index("<table") :]
    return REFERENCE.findall(table)


def test_jaqueline_brown_finds_jacqueline_brown_first(officer_client, applicants):
    assert listed(officer_client, "Jaqueline Brown") == []
    assert suggested(officer_client, "Jaqueline Brown")[:2] == ["MS-JACQ", "MS-BRUIN"]


def test_a_name_that_only_starts_alike_is_not_suggested(officer_client, applicants):
    assert "MS-JACK" not in suggested(officer_client, "Jaqueline Brown")


def test_geraldine_brooks_finds_the_brookes_record(officer_client, applicants):
    assert suggested(officer_client, "Geraldine Brooks") == ["MS-GERB"]


def test_iain_smyth_finds_ian_smith_only(officer_client, applicants):
    assert suggested(officer_client, "Iain Smyth") == ["MS-IAN"]


def test_shiobhan_finds_siobhan(officer_client, applicants):
    assert suggested(officer_client, "Shiobhan") == ["MS-SIOB"]


def test_an_exact_match_is_listed_and_the_sound_alike_offered_beside_it(officer_client, applicants):
    from tests.factories import CaseFactory

    CaseFactory(reference="MS-EXACT", first_name="Geraldine", last_name="Brooks")
    assert listed(officer_client, "Geraldine Brooks") == ["MS-EXACT"]
    assert suggested(officer_client, "Geraldine Brooks") == ["MS-GERB"]


def test_a_name_with_a_page_of_exact_matches_offers_none(
    officer_client, applicants, app, monkeypatch
):
    from tests.factories import CaseFactory

    CaseFactory(reference="MS-EXACT", first_name="Geraldine", last_name="Brooks")
    CaseFactory(reference="MS-EXACTER", first_name="Geraldine", last_name="Brooks")
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    assert suggested(officer_client, "Geraldine Brooks") == []


def test_a_renamed_applicant_sounds_like_the_new_name(officer_client, applicants, db):
    case = db.session.query(Case).filter_by(reference="MS-SUSAN").one()
    case.last_name = "Fotheringham"
    db.session.commit()
    assert suggested(officer_client, "Susan Fotheringam") == ["MS-SUSAN"]
    assert suggested(officer_client, "Susan Obee") == []


def test_a_search_for_a_reference_or_email_offers_no_names(officer_client, applicants):
    assert suggested(officer_client, "MS-IAN") == []
    assert suggested(officer_client, "ian@example.org") == []


@pytest.mark.parametrize("bulk", [False, True], ids=["as-uploaded", "bulk-load"])
def test_an_imported_tracker_applicant_is_found_misspelled(officer_client, db, tmp_path, bulk):
    from tests.tracker_files import OPEN, run, write_csv

    tracker = write_csv(tmp_path / "t.csv", dict(OPEN, first_name="Siobhan", last_name="Kearney"))
    run(tracker, bulk=bulk)
    db.session.commit()
    page = officer_client.get("/cases/", query_string={"q": "Shiobhan Carney"})
    assert "T-2" in page.get_data(as_text=True)


def test_the_names_codes_hold_both_ways_a_name_is_said():
    assert name_sounds("Siobhán", "O'Brien") == "SPN XPN APRN"
    assert typed_sounds("Shiobhan") == [("XPN",)]


def test_the_closer_spelling_ranks_first():
    assert likeness("jaqueline brown", "jacqueline brown") > likeness(
        "jaqueline brown", "jacqueline bruin"
    )


def test_a_name_sharing_only_the_first_name_is_not_offered():
    assert likeness("geraldine brooks", "geraldine banks") == 0.0
