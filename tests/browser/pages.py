"""The pages the browser tests open, in every language the site is published in."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

# The language codes and where each language's pages live in the built site.
LANGUAGES = {"en": "", "zh-hant": "zh-hant/"}

# One of each kind of page a reader meets, from the shipped sample register.
PAGES = [
    "index.html",
    "targets/PA2022-007.html",  # a missed target with a chart and a status history
    "delays/PA2022-003.html",  # a delay page with a justification filed
    "delays/PA2022-007.html",  # a delay page with none filed
    "overdue.html",
    "targets/index.html",
    "bureaus/hb.html",  # a group's list page (a bureau, named by its code)
    "search.html",
    "performance.html",  # heat maps with wide tables
    "quarters/2026-Q3.html",  # a quarterly report
    "amendments.html",  # promises changed after publication, with counts per bureau
    "targets/PA2022-012.html",  # a missed target whose due quarter was moved, no reason given
    "delays/PA2022-012.html",  # its delay page, against the original due quarter
    "corrections.html",  # the corrections log
    "money.html",  # money and results: a stacked bureau table, lists and a heat map
    "targets/PA2022-003.html",  # a target with a budget: its Money panel, chart and table
]


# A search with results in each language: the words, and a target they find.
SEARCHES = {"en": ("landfill", "PA2022-003"), "zh-hant": ("堆填區", "PA2022-003")}


def page_path(site: Path, lang: str, path: str) -> str:
    """The page's path in the site, which must have been built."""
    relative = LANGUAGES[lang] + path
    assert (site / relative.split("?")[0]).exists(), f"{relative} is missing from the built site"
    return relative


def search_results(tabs, lang: str, viewport: str):
    """The search page showing the results of SEARCHES[lang], as a reader gets there."""
    words, target = SEARCHES[lang]
    tab = tabs.visit(lang, "search.html?q=" + quote(words), viewport)
    # A selector wait: the page's security policy forbids the eval behind script waits.
    tab.wait_for_selector(f"#search-results a[href$='{target}.html']")
    return tab
