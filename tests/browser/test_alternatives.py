"""Nothing is said by a picture or a colour alone: charts have text alternatives and
stay legible on a phone, and every status is written out."""

from __future__ import annotations

import re

import pytest

from tests.browser.pages import LANGUAGES, PAGES

# The smallest chart label, in CSS px as drawn, that we accept on any screen.
MIN_LABEL_PX = 9

IMAGES = """() => [...document.querySelectorAll('main img')].map(img => {
  const figure = img.closest('figure');
  const next = figure && figure.nextElementSibling;
  return {
    src: img.getAttribute('src'), alt: (img.getAttribute('alt') || '').trim(),
    shown: img.currentSrc,
    caption: figure ? (figure.querySelector('figcaption')?.innerText || '').trim() : null,
    table: !!(next && (next.matches('table') || next.querySelector(':scope > table'))),
    width: img.getBoundingClientRect().width,
  };
})"""

# Everything that carries a status colour: badges, flags, checks, dashboard cards, boxes.
STATUS_MARKS = """() => [...document.querySelectorAll(
    '[class*="badge-"], [class*="flag-"], [class*="check-"], [class*="card-"],'
    + '[class*="status-box-"]')].map(el => ({cls: el.className, text: el.innerText.trim(),
                 shown: el.getBoundingClientRect().width > 0
                        && getComputedStyle(el).visibility === 'visible'}))"""


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_every_image_and_chart_has_a_text_alternative(tabs, path, lang):
    images = tabs.visit(lang, path).evaluate(IMAGES)
    assert not [i["src"] for i in images if not i["alt"]], "images without alt text"
    charts = [i for i in images if i["caption"] is not None]
    assert not [c["src"] for c in charts if not (c["caption"] or c["table"])], (
        "charts with neither a caption nor a data table next to them"
    )


def smallest_label(svg: str) -> tuple[float, float]:
    """The chart's drawn width and its smallest font size, both in SVG px."""
    width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)', svg).group(1))
    sizes = [float(s) for s in re.findall(r'font-size[=:]\s*"?([\d.]+)px', svg)]
    return width, min(sizes)


@pytest.mark.parametrize("viewport", ["phone", "zoom200", "desktop"])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", ["index.html", "targets/PA2022-007.html"])
def test_chart_labels_stay_legible(tabs, path, lang, viewport):
    tab = tabs.visit(lang, path, viewport)
    charts = tab.evaluate(IMAGES)
    assert charts, "no chart on the page"
    for chart in charts:
        # The file the browser chose: a phone gets the chart drawn for it (<picture>).
        svg = tab.request.get(chart["shown"]).text()
        width, label = smallest_label(svg)
        drawn = label * chart["width"] / width
        assert drawn >= MIN_LABEL_PX, f"{chart['src']}: labels drawn at {drawn:.1f} px"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_every_status_colour_comes_with_words(tabs, path, lang):
    marks = tabs.visit(lang, path).evaluate(STATUS_MARKS)
    wordless = [m["cls"] for m in marks if not (m["text"] and m["shown"])]
    assert not wordless, f"status shown by colour alone: {wordless[:10]}"
