"""Reflow (WCAG 1.4.10): at 360 px wide and at 200% zoom nothing makes the page scroll
sideways or cuts text off. A wide data table may scroll inside its own .table-wrap."""

from __future__ import annotations

import pytest

from tests.browser.pages import LANGUAGES, PAGES, search_results

# Elements that stick out past the right edge of the window, other than inside a
# container that scrolls sideways by design; and elements that hide overflowing text.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map(c => '.' + c).join('');
  const scrollsInside = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const out = [], clipped = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    if (r.width && r.right > width + 1 && !scrollsInside(el)) out.push(`${name(el)} to ${r.right}`);
    const hides = [s.overflowX, s.overflowY].some(o => o === 'hidden' || o === 'clip');
    const hasText = el.innerText && el.innerText.trim();
    if (hides && hasText && r.width > 1 && (el.scrollWidth > el.clientWidth + 1
        || el.scrollHeight > el.clientHeight + 1)) clipped.push(name(el));
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, out, clipped};
}"""


@pytest.mark.parametrize("viewport", ["phone", "zoom200"])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_page_reflows_without_sideways_scroll_or_clipped_text(tabs, path, lang, viewport):
    assert_reflows(tabs.visit(lang, path, viewport))


@pytest.mark.parametrize("viewport", ["phone", "zoom200"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_results_reflow(tabs, lang, viewport):
    assert_reflows(search_results(tabs, lang, viewport))


def assert_reflows(tab):
    found = tab.evaluate(OVERFLOW)
    assert found["scrollWidth"] <= found["width"], f"the page scrolls sideways: {found}"
    assert not found["out"], f"sticking out past the window: {found['out'][:10]}"
    assert not found["clipped"], f"text cut off in: {found['clipped'][:10]}"
