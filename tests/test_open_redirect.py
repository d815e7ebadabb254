"""No sign-in can be turned into a redirect to another site through `next`: every form
a browser reads as another host is refused, and the person lands on their home page."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.factories import PASSWORD

OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\\/evil.example/",
    "\\/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "//\x0bevil.example",
    "http://127.0.0.1@evil.example/",
]


@pytest.mark.parametrize("target", OFF_SITE, ids=range(len(OFF_SITE)))
def test_next_never_leads_off_site_after_sign_in(client, officer, target):
    response = client.post(
        f"/auth/login?next={quote(target, safe='')}",
        data={"email": officer.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/cases/", "/cases/?stage=enquiry&page=2", "/households/7"])
def test_next_still_leads_to_a_page_on_this_site(client, officer, target):
    response = client.post(
        f"/auth/login?next={quote(target, safe='')}",
        data={"email": officer.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == target


def test_a_search_with_a_space_survives_signing_in(client, officer):
    response = client.post(
        f"/auth/login?next={quote('/cases/?q=anne smith', safe='')}",
        data={"email": officer.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/cases/?q=anne%20smith"
