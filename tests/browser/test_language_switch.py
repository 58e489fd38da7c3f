"""The language switch leads to the same page in the other language, and back."""

from __future__ import annotations

import pytest

FROM_PAGES = [
    "index.html",
    "targets/PA2022-007.html",
    "delays/PA2022-003.html",
    "overdue.html",
    "bureaus/hb.html",
    "pages/about.html",
    "quarters/index.html",
]


def switch(tab) -> None:
    with tab.expect_navigation():
        tab.click(".lang-switch a")


@pytest.mark.parametrize("path", FROM_PAGES)
def test_switch_lands_on_the_same_page_in_the_other_language(tabs, site_url, path):
    tab = tabs.visit("en", path)
    assert tab.get_attribute("html", "lang") == "en"
    switch(tab)
    assert tab.url == site_url + "zh-hant/" + path
    assert tab.get_attribute("html", "lang") == "zh-Hant"
    switch(tab)
    assert tab.url == site_url + path
    assert tab.get_attribute("html", "lang") == "en"


def test_every_page_names_both_languages_with_hreflang(tabs, site_url):
    tab = tabs.visit("zh-hant", "targets/PA2022-007.html")
    alternates = tab.eval_on_selector_all(
        "link[rel=alternate][hreflang]", "ls => ls.map(l => [l.hreflang, l.href])"
    )
    assert ["en", site_url + "targets/PA2022-007.html"] in alternates
    assert ["zh-Hant", site_url + "zh-hant/targets/PA2022-007.html"] in alternates
