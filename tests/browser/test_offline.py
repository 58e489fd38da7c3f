"""Pages load everything from the site itself: no request to any other host."""

from __future__ import annotations

import pytest

from tests.browser.pages import LANGUAGES, PAGES

# Lazy images load only when scrolled to; wait until each has loaded or failed.
# Every image is made eager first: a lazy one in a figure that scrolls sideways may never
# come into view, and its decode() then never settles (that hung a whole CI run once, and
# later timed out). What is checked is where images load from, not when. No
# requestAnimationFrame either: a tab that is not in front gets no frames. Each image gets
# at most 10 s; one that never settles fails the check below.
SCROLL_AND_SETTLE = """async () => {
  for (const img of document.images) img.loading = "eager";
  window.scrollTo(0, document.documentElement.scrollHeight);
  await new Promise(resolve => setTimeout(resolve, 50));
  const settle = img => Promise.race([
    img.decode().catch(() => null),
    new Promise(resolve => setTimeout(resolve, 10000)),
  ]);
  await Promise.all([...document.images].map(settle));
}"""

LOADED = """() => ({
  brokenImages: [...document.images].filter(i => !i.complete || !i.naturalWidth).map(i => i.src),
  styled: [...document.styleSheets].some(s => s.href && s.href.endsWith('portal.css')
                                            && s.cssRules.length > 0),
})"""


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_page_loads_only_from_its_own_site(tabs, path, lang):
    tabs.foreign_requests.clear()
    tab = tabs.visit(lang, path)
    tab.evaluate(SCROLL_AND_SETTLE)
    assert not tabs.foreign_requests, f"requests to other hosts: {tabs.foreign_requests}"
    loaded = tab.evaluate(LOADED)
    assert not loaded["brokenImages"], f"images that did not load: {loaded['brokenImages']}"
    assert loaded["styled"], "the style sheet did not load"


def test_requests_to_other_hosts_are_caught(tabs):
    # A guard on the check above: a blank page (no security policy) asks for a remote image.
    tabs.foreign_requests.clear()
    tab = tabs.visit("en", "index.html")
    tab.goto("about:blank")
    tab.set_content("<img src='http://example.com/x.png' alt='x'>")
    tab.evaluate("() => document.images[0].decode().catch(() => null)")
    assert tabs.foreign_requests == ["http://example.com/x.png"]
