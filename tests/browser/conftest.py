"""Browser fixtures: the sample site served on 127.0.0.1 and opened in Debian's Chromium.

One Chromium runs for the whole session, with one tab per window size that every test
reuses. Without Chromium (or Playwright) the browser tests skip, unless
KPI_REQUIRE_BROWSER=1 (as CI sets it) makes that a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.pages import page_path

CHROMIUM = Path("/usr/bin/chromium")
# Chromium otherwise reaches out at start-up (updates, sync, field trials); on a closed
# network those connections hang or are refused, which slows every launch.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The window sizes the tests look at. A 1280 px window zoomed to 200% lays pages out
# exactly as a 640 CSS px window drawn at two device pixels per CSS pixel.
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    "zoom200": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}


def _unavailable(reason: str):
    if os.environ.get("KPI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and KPI_REQUIRE_BROWSER=1 says the browser tests must run")
    pytest.skip(reason)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url(sample_site):
    """The sample site over http, as a reader's browser would get it."""
    handler = functools.partial(_QuietHandler, directory=str(sample_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Tabs:
    """One tab per window size, opened on first use; requests to other hosts are refused."""

    def __init__(self, browser, site: Path, site_url: str):
        self.browser, self.site, self.site_url = browser, site, site_url
        self.foreign_requests: list[str] = []
        self._tabs = {}

    def _open(self, viewport: str):
        context = self.browser.new_context(**VIEWPORTS[viewport])
        context.route("**/*", self._route)
        return context.new_page()

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.site_url) or urlsplit(url).scheme in ("data", "blob", "about"):
            route.continue_()
        else:
            self.foreign_requests.append(url)
            route.abort()

    def visit(self, lang: str, path: str, viewport: str = "desktop"):
        """The page ``path`` in ``lang``, freshly loaded in the tab of that window size."""
        relative = page_path(self.site, lang, path)
        if viewport not in self._tabs:
            self._tabs[viewport] = self._open(viewport)
        tab = self._tabs[viewport]
        response = tab.goto(self.site_url + relative)
        assert response is not None and response.ok, f"{relative}: {response and response.status}"
        return tab


@pytest.fixture(scope="session")
def tabs(browser, sample_site, site_url):
    tabs = Tabs(browser, sample_site, site_url)
    yield tabs
    for tab in tabs._tabs.values():
        tab.context.close()
