"""Keyboard-only use: a skip link first, and every focused element visibly marked."""

from __future__ import annotations

import pytest

from tests.browser.pages import LANGUAGES, PAGES

# Enough Tab presses to cover the header, the navigation and a good part of any page.
MAX_TABS = 60

# Each element's outline and shadow at rest, taken before anything has focus.
SNAPSHOT_REST_STYLES = """() => {
  window.__restStyles = new Map();
  for (const el of document.querySelectorAll('*')) {
    const s = getComputedStyle(el);
    window.__restStyles.set(el, {outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
                                 shadow: s.boxShadow});
  }
}"""

# What has focus, whether it is on screen, and whether it is marked: an outline of at
# least 2 px, or a shadow, that it lacks at rest (going by the snapshot above).
FOCUSED = """() => {
  const el = document.activeElement;
  const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  const rest = (window.__restStyles && window.__restStyles.get(el)) || {};
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
    && `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` !== rest.outline;
  const shadow = s.boxShadow !== 'none' && s.boxShadow !== rest.shadow;
  return {tag: el.tagName + (el.id ? '#' + el.id : ''), text: el.innerText.trim().slice(0, 60),
          href: el.getAttribute('href'), inMain: !!el.closest('main'), marked: outline || shadow,
          onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
                    && r.top < innerHeight && r.left < innerWidth};
}"""

# Scrolled to main, as far as the page is long enough to.
MAIN_IN_VIEW = """() => {
  const top = document.querySelector('main').getBoundingClientRect().top;
  const end = scrollY + innerHeight >= document.documentElement.scrollHeight - 1;
  return top >= -1 && (top <= 1 || end);
}"""


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_first_tab_reaches_a_visible_skip_link_to_main(tabs, path, lang):
    tab = tabs.visit(lang, path)
    tab.keyboard.press("Tab")
    focused = tab.evaluate(FOCUSED)
    assert focused["href"] == "#main", f"first Tab focused {focused}"
    assert focused["onScreen"], "the focused skip link is not on screen"
    assert tab.locator("main#main").count() == 1
    tab.keyboard.press("Enter")
    assert tab.evaluate(MAIN_IN_VIEW), "the skip link did not bring main into view"
    tab.keyboard.press("Tab")
    after = tab.evaluate(FOCUSED)
    assert after["inMain"], f"after the skip link, Tab went to {after}, outside main"


@pytest.mark.parametrize("viewport", ["desktop", "zoom200"])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_every_focused_element_is_on_screen_and_visibly_marked(tabs, path, lang, viewport):
    tab = tabs.visit(lang, path, viewport)
    tab.evaluate(SNAPSHOT_REST_STYLES)
    unmarked, seen = [], 0
    for _ in range(MAX_TABS):
        tab.keyboard.press("Tab")
        focused = tab.evaluate(FOCUSED)
        if focused["tag"].startswith("BODY"):  # past the last focusable element
            break
        seen += 1
        if not (focused["onScreen"] and focused["marked"]):
            unmarked.append(focused)
    assert seen > 5, "Tab reached almost nothing"
    assert not unmarked, f"focus not visible on {len(unmarked)} element(s): {unmarked[:5]}"
