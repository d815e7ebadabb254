"""In Chromium, no page breaks the Content-Security-Policy: every page the URL map
has (with real ids, on the demo service) is opened, and the browser's own
`securitypolicyviolation` events are collected. An inline script or style, an
injected event handler or a resource from elsewhere would each raise one."""

from __future__ import annotations

from tests.browser.conftest import every_page, sign_in

LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '')));
"""


def test_no_page_raises_a_content_security_policy_violation(page, demo_server):
    page.add_init_script(LISTEN)
    sign_in(page, demo_server, demo_server.email)
    found, opened = {}, 0
    for path in every_page(demo_server.app):
        page.goto(f"{demo_server.url}{path}")
        page.wait_for_load_state("load")
        opened += 1
        violations = page.evaluate("window.__violations")
        if violations:
            found[path] = violations
    assert found == {}
    assert opened >= 40
