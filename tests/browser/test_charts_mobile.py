"""Charts a phone can read and tables that fit (issue 14): at 360 px every chart fits the
window, its text is at least 12 CSS px as drawn, its legend is whole; wide tables say that
they scroll; Chinese short labels are not squashed to a character per line."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.pages import LANGUAGES
from tests.browser.test_axe import axe_violations, report
from tests.sitecheck import soup

# The pages with charts: home, a missed target, one with its due quarter moved, heat maps.
CHART_PAGES = [
    "index.html",
    "targets/PA2022-007.html",
    "targets/PA2022-012.html",
    "targets/PA2022-003.html",  # with its money chart and the chart's table
    "performance.html",
]
# The pages whose tables are checked for squashed labels and for their scroll cue.
TABLE_PAGES = [*CHART_PAGES, "overdue.html", "quarters/2026-Q3.html", "amendments.html"]
TABLE_PAGES += [
    "briefing/index.html",
    "data/index.html",
    "bureaus/index.html",
    "quarters/index.html",
]
SMALLEST_TEXT = 12  # CSS px, as drawn on the screen

# Each chart as the page lays it out: the figure, the image and the file it chose.
FIGURES = """() => [...document.querySelectorAll('figure.chart')].map(f => {
  const img = f.querySelector('img');
  const fr = f.getBoundingClientRect(), ir = img.getBoundingClientRect();
  return {src: img.currentSrc, loaded: img.complete && img.naturalWidth > 0,
          figLeft: fr.left, figRight: fr.right, imgLeft: ir.left, imgRight: ir.right,
          imgWidth: ir.width, scrolls: f.scrollWidth > f.clientWidth + 1,
          window: document.documentElement.clientWidth};
})"""

# Charts below the fold are loaded lazily: load them all, as a reader scrolling would.
LOAD_ALL = """() => Promise.all([...document.querySelectorAll('figure.chart img')].map(img => {
  img.loading = 'eager';
  return img.complete ? null : new Promise(done => { img.onload = img.onerror = done; });
}))"""

# Every <text> of a chart opened on its own: its size, where it is drawn, in legend or not.
SVG_TEXTS = """() => {
  const svg = document.documentElement;
  const box = svg.viewBox.baseVal;
  const texts = [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize),
            legend: !!t.closest('.role-legend'), left: r.left, right: r.right,
            top: r.top, bottom: r.bottom};
  });
  return {width: box && box.width ? box.width : svg.width.baseVal.value,
          height: box && box.height ? box.height : svg.height.baseVal.value, texts};
}"""


def charts_on(tabs, lang: str, path: str, viewport: str) -> list[dict]:
    """The charts of ``path``, each with the text of the SVG file the browser chose."""
    tab = tabs.visit(lang, path, viewport)
    tab.evaluate(LOAD_ALL)
    figures = tab.evaluate(FIGURES)
    assert figures, f"{lang} {path}: no chart found"
    for figure in figures:
        svg_path = urlsplit(figure["src"]).path.lstrip("/")
        figure["svg"] = svg_path
        # Opened on its own, a chart is drawn at its own size, whatever the window.
        svg_tab = tabs.visit("en", svg_path, "desktop")
        figure.update(svg_tab.evaluate(SVG_TEXTS))
    return figures


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", CHART_PAGES)
def test_every_chart_fits_the_screen_and_its_text_is_readable(tabs, lang, path, viewport):
    for chart in charts_on(tabs, lang, path, viewport):
        where = f"{lang} {path} ({viewport}): {chart['svg']}"
        assert chart["loaded"], f"{where} did not load"
        assert chart["figLeft"] >= 0 and chart["figRight"] <= chart["window"] + 0.5, where
        assert chart["imgLeft"] >= 0 and chart["imgRight"] <= chart["window"] + 0.5, (
            f"{where} is drawn past the window's edge: {chart['imgRight']} > {chart['window']}"
        )
        assert not chart["scrolls"], f"{where} must be scrolled sideways to be seen whole"
        scale = chart["imgWidth"] / chart["width"]
        small = sorted(
            {(round(t["size"] * scale, 1), t["text"]) for t in chart["texts"] if t["text"]}
        )
        assert small and small[0][0] >= SMALLEST_TEXT, (
            f"{where}: text drawn smaller than {SMALLEST_TEXT} px: {small[:6]}"
        )


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", CHART_PAGES)
def test_chart_text_and_legends_are_whole(tabs, lang, path, viewport):
    for chart in charts_on(tabs, lang, path, viewport):
        where = f"{lang} {path} ({viewport}): {chart['svg']}"
        for t in chart["texts"]:
            inside = (
                t["left"] >= -0.5
                and t["right"] <= chart["width"] + 0.5
                and t["top"] >= -0.5
                and t["bottom"] <= chart["height"] + 0.5
            )
            assert inside, f"{where}: {t['text']!r} is cut by the chart's edge: {t}"
            # Vega shortens a label that does not fit its limit with an ellipsis.
            assert not t["text"].endswith("…"), f"{where}: {t['text']!r} is cut short"
        if "status-by-bureau" in chart["svg"]:
            assert any(t["legend"] for t in chart["texts"]), f"{where}: no legend"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_heat_maps_show_the_newest_quarter_first(tabs, lang):
    for chart in charts_on(tabs, lang, "performance.html", "phone"):
        quarters = [t for t in chart["texts"] if _is_quarter(t["text"])]
        # Read as a phone reads: top to bottom, then left to right.
        order = [t["text"] for t in sorted(quarters, key=lambda t: (t["top"], t["left"]))]
        assert order and order == sorted(order, reverse=True), f"{chart['svg']}: {order}"


def _is_quarter(text: str) -> bool:
    return len(text) == 7 and text[4:6] == "-Q" and text[:4].isdigit()


# Wide tables at 360 px: each one that scrolls sideways must be a labelled, focusable
# region drawn with a shadow at the edge that has more, so that a reader sees it scrolls.
SCROLLERS = """() => [...document.querySelectorAll('.table-wrap')]
  .filter(w => w.scrollWidth > w.clientWidth + 1)
  .map(w => ({html: w.outerHTML.slice(0, 120), tabindex: w.getAttribute('tabindex'),
              role: w.getAttribute('role'),
              named: !!(w.getAttribute('aria-label') || w.getAttribute('aria-labelledby')),
              shadow: getComputedStyle(w).backgroundImage}))"""


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", TABLE_PAGES)
def test_wide_tables_show_that_they_scroll(tabs, lang, path):
    tab = tabs.visit(lang, path, "phone")
    for wrap in tab.evaluate(SCROLLERS):
        assert wrap["tabindex"] == "0" and wrap["role"] == "region" and wrap["named"], wrap
        assert "gradient" in wrap["shadow"], f"no scroll shadow on {wrap['html']}"


# Header cells with a short label (a status, a bureau) laid out a character or two a line.
SQUASHED = """() => [...document.querySelectorAll('th')].filter(c => {
  const text = c.innerText.trim();
  if (text.length < 2 || text.length > 12 || /\\s/.test(text)) return false;
  const range = document.createRange();
  range.selectNodeContents(c);
  const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return lines.size > 1;
}).map(c => c.innerText.trim())"""


@pytest.mark.parametrize("path", TABLE_PAGES)
def test_chinese_short_labels_are_not_squashed(tabs, path):
    tab = tabs.visit("zh-hant", path, "phone")
    squashed = tab.evaluate(SQUASHED)
    assert not squashed, f"zh-hant {path}: labels squashed a character a line: {squashed}"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", CHART_PAGES)
def test_axe_finds_no_violation_on_chart_pages(tabs, path, lang, viewport):
    tab = tabs.visit(lang, path, viewport)
    violations = axe_violations(tab)
    if violations:
        pytest.fail(report(violations, tab.url), pytrace=False)


def test_every_chart_a_page_offers_a_phone_is_in_the_site(sample_site):
    # The pages name the phone's chart by a convention (publish.NARROW) the build follows.
    offered = 0
    for page in sample_site.rglob("*.html"):
        for source in soup(page).select("figure.chart picture source"):
            chart = page.parent / source["srcset"]
            assert chart.resolve().is_file(), f"{page.relative_to(sample_site)}: {chart}"
            offered += 1
    assert offered > 44 * 2  # a target page each, home and performance pages, 2 languages
