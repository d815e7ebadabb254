"""Pages that read well at any width (issue 32, items 10 and 11): at 390 px no page
scrolls sideways (a wide table is read row by row, each figure labelled with its
column), and the manager's menu stays on one line at 1280 px."""

from __future__ import annotations

from crm.models import Role
from tests.browser.conftest import sign_in

WIDE_TABLES = ["/sufficiency/", "/sufficiency/statement", "/households/", "/households/capacity"]


def test_no_wide_table_makes_a_phone_page_scroll_sideways(page, demo_server):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, demo_server, demo_server.email)
    wider = {}
    for path in WIDE_TABLES:
        page.goto(f"{demo_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wider[path] = width
    assert wider == {}


def test_a_stacked_table_labels_every_figure_with_its_column(page, demo_server):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, demo_server, demo_server.email)
    page.goto(f"{demo_server.url}/households/")
    page.wait_for_selector("main table.table-stacked tbody td[data-label]", state="attached")
    first = page.locator("main table.table-stacked tbody tr").first
    labels = first.locator("td").evaluate_all("cells => cells.map(c => c.dataset.label)")
    headings = page.locator("main table.table-stacked thead th").all_inner_texts()
    assert labels and all(label in headings for label in labels)


def test_the_managers_menu_is_one_line_at_desktop_width(page, demo_server, user_with_on):
    page.set_viewport_size({"width": 1280, "height": 900})
    manager = user_with_on(demo_server, Role.MANAGER, full_name="Christabel Montgomery-Fitzwilliam")
    sign_in(page, demo_server, manager)
    page.goto(f"{demo_server.url}/dashboard/")
    tops = page.locator("#main-menu .navbar-nav.me-auto .nav-item").evaluate_all(
        "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    assert len(tops) >= 8 and len(set(tops)) == 1
