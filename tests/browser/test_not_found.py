"""The 404 page, as a server shows it for a missing address at any depth."""

from __future__ import annotations

import pytest

from tests.browser.test_axe import VIEWPORTS, axe_violations, report

NOT_FOUND = {"en": "404.html", "zh-hant": "zh-hant/404.html"}


def show_for_missing_address(tabs, lang: str, viewport: str):
    """The 404 page's HTML shown at a deep missing address, as a server does."""
    tab = tabs.visit(lang, "404.html", viewport)
    html = (tabs.site / NOT_FOUND[lang]).read_text(encoding="utf-8")
    missing = tabs.site_url + "targets/no/such/page.html"
    tab.route(missing, lambda route: route.fulfill(status=404, body=html, content_type="text/html"))
    tab.goto(missing)
    tab.unroute(missing)
    return tab


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", NOT_FOUND)
def test_404_page_has_no_axe_violation(tabs, lang, viewport):
    tab = tabs.visit(lang, "404.html", viewport)
    violations = axe_violations(tab)
    if violations:
        pytest.fail(report(violations, tab.url), pytrace=False)


@pytest.mark.parametrize("lang", NOT_FOUND)
def test_404_page_is_styled_and_links_home_from_any_depth(tabs, lang):
    tab = show_for_missing_address(tabs, lang, "phone")
    # The stylesheet loaded from the server root: the header has the brand colour.
    colour = tab.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert colour == "rgb(11, 58, 102)"
    assert tab.evaluate("document.documentElement.scrollWidth") <= 360  # fits a phone
    home = tab.locator("main a").first
    home.click()
    expected = tabs.site_url + ("" if lang == "en" else "zh-hant/") + "index.html"
    assert tab.url == expected
