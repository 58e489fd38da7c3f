"""Printing from the browser (print.css): the briefing page and the overdue list as a
legislator's researcher prints them, in Chromium with print media emulated."""

from __future__ import annotations

import re

import pytest

from tests.browser.pages import LANGUAGES

pypdf = pytest.importorskip("pypdf")

# What printing shows of each element: hidden ones, visible text, a link's ::after.
PRINTED = """() => {
  const shown = el => getComputedStyle(el).display !== 'none' && el.getClientRects().length;
  const links = [...document.querySelectorAll('main a[href]')].filter(shown).map(a => ({
    text: a.innerText, after: getComputedStyle(a, '::after').content}));
  return {text: document.body.innerText, links,
          noPrint: [...document.querySelectorAll('.no-print')].filter(shown).length,
          facts: [...document.querySelectorAll('.print-facts')].filter(shown).map(e => e.innerText),
          filters: [...document.querySelectorAll('.filter-links')].filter(shown).length};
}"""
RELATIVE = re.compile(r"(?<![/\w])(?:\.\./)*(?:targets|delays|briefing)/[\w.-]+\.html")


def printed(tabs, lang: str, path: str) -> dict:
    tab = tabs.visit(lang, path)
    tab.emulate_media(media="print")
    try:
        return tab.evaluate(PRINTED)
    finally:
        # The tab is shared with other tests: back to no emulation ("screen" would make
        # page.pdf() print with screen media).
        tab.emulate_media(media="null")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_printed_briefing_has_no_screen_text_and_no_relative_address(tabs, lang):
    shown = printed(tabs, lang, "briefing/hb.html")
    assert shown["noPrint"] == 0
    assert "new page when printed" not in shown["text"]
    assert "Print command" not in shown["text"]
    assert not RELATIVE.search(shown["text"]), RELATIVE.search(shown["text"])
    for link in shown["links"]:
        assert not RELATIVE.search(link["text"])
        # Only a full address may follow a link on paper (none: SITEURL is empty here).
        assert link["after"] in ("none", "normal") or "http" in link["after"], link
    assert len(shown["facts"]) == 1 and "2026-Q3" in shown["facts"][0]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_printed_overdue_list_leaves_the_bureau_links_off_paper(tabs, lang):
    shown = printed(tabs, lang, "overdue.html")
    assert shown["filters"] == 0
    assert shown["noPrint"] == 0


def test_chromium_prints_the_briefing_on_a4_with_page_numbers(tabs, tmp_path):
    tab = tabs.visit("en", "briefing/hb.html")
    pdf = tmp_path / "printed.pdf"
    tab.pdf(path=str(pdf), prefer_css_page_size=True)
    reader = pypdf.PdfReader(pdf)
    for number, page in enumerate(reader.pages, 1):
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)
        # Chrome draws the @page margin boxes' "n / N" (from version 131).
        assert f"{number} / {len(reader.pages)}" in page.extract_text()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", ["briefing/index.html", "briefing/hb.html"])
def test_axe_finds_no_violation_on_the_briefing_pages(tabs, path, lang, viewport):
    from tests.browser.test_axe import axe_violations, report

    tab = tabs.visit(lang, path, viewport)
    violations = axe_violations(tab)
    if violations:
        pytest.fail(report(violations, tab.url), pytrace=False)
