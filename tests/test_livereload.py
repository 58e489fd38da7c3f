"""``invoke livereload``: the site served, built again on every change, the browser reloaded.

One real ``invoke livereload`` runs for the module, in a subprocess, on a copy of the
sample register (tasks.py and pelicanconf.py copied beside it, as a clone has them); the
tests, in order, fetch its pages, edit a target and wait for the page served to change,
break the file and fix it again, watch a browser reload on its own, and stop it with Ctrl-C.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import re
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.test_tasks import INVOKE, TARGET, project_copy

PAGE = "targets/PA2022-001.html"
TITLE = "  en: Complete 30,000 public rental flats in five years\n"
# How long the first build (a cold chart cache) and a rebuild may take before the test fails.
FIRST_BUILD, REBUILD = 240, 120


@dataclass
class Preview:
    folder: Path
    port: int
    process: subprocess.Popen
    out: Path
    err: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def logs(self) -> str:
        return f"stdout:\n{self.out.read_text()}\nstderr:\n{self.err.read_text()}"

    def get(self, path: str) -> tuple[str, bytes]:
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return response.headers["Content-Type"], response.read()

    def title(self) -> str:
        page = self.get(PAGE)[1].decode()
        return page.split("<title>", 1)[1].split(" | ", 1)[0]

    def until(self, condition, what: str, timeout: float = REBUILD):
        """``condition()`` once it is true; the test fails if it is not within ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if value := condition():
                return value
            assert self.process.poll() is None, f"livereload stopped\n{self.logs()}"
            time.sleep(0.25)
        pytest.fail(f"not {what} within {timeout} s\n{self.logs()}")

    def edit_title(self, title: str, text: str | None = None) -> None:
        """Give the target (``text``, else the file as it is) its English ``title``."""
        target = self.folder / TARGET
        lines = (text or target.read_text(encoding="utf-8")).splitlines(keepends=True)
        head = [f"  en: {title}\n" if line.startswith("  en: ") else line for line in lines[:4]]
        target.write_text("".join(head + lines[4:]), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(preview: Preview) -> bool:
    try:
        return preview.get("")[1].startswith(b"<!DOCTYPE html>")
    except OSError:
        return False


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    folder = project_copy(tmp_path_factory.mktemp("livereload") / "project")
    assert TITLE in (folder / TARGET).read_text(encoding="utf-8")
    out, err, port = folder.parent / "out.txt", folder.parent / "err.txt", free_port()
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            [str(INVOKE), "livereload", "--port", str(port)],
            cwd=folder, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    running = Preview(folder, port, process, out, err)
    try:
        running.until(lambda: answers(running), "serving", FIRST_BUILD)
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)


def test_pages_are_served_with_the_live_script_from_this_server(preview):
    kind, page = preview.get(PAGE)
    assert kind.startswith("text/html")
    assert f'<script src="/livereload.js?port={preview.port}"></script></head>'.encode() in page
    # base.html allows no script; the preview lets in its own, from this server only.
    assert b"script-src 'self';" in page and b"script-src 'none'" not in page
    kind, script = preview.get("livereload.js")
    assert kind.startswith("application/javascript") and b"LiveReload" in script
    assert f"Serving {preview.folder / 'output'}/ at http://localhost:{preview.port}/" in (
        preview.out.read_text()
    )


def test_the_built_files_carry_no_live_script(preview):
    output = preview.folder / "output"
    pages = list(output.rglob("*.html"))
    assert len(pages) > 100
    assert b"script-src 'none'" in (output / PAGE).read_bytes()
    carrying = [p for p in output.rglob("*") if p.is_file() and b"livereload" in p.read_bytes()]
    assert carrying == []


def test_the_websocket_answers_the_livereload_handshake(preview):
    from tornado.websocket import websocket_connect

    async def handshake() -> dict:
        connection = await websocket_connect(f"ws://127.0.0.1:{preview.port}/livereload")
        hello = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
        await connection.write_message(json.dumps(hello))
        reply = await asyncio.wait_for(connection.read_message(), 30)
        connection.close()
        return json.loads(reply)

    reply = in_own_thread(lambda: asyncio.run(handshake()))
    assert reply["command"] == "hello"
    assert "http://livereload.com/protocols/official-7" in reply["protocols"]


def in_own_thread(function):
    """``function()`` run in a thread of its own: the browser tests' Playwright keeps an
    event loop running in the main thread for the whole session, and neither asyncio.run
    nor a second sync Playwright may start inside it."""
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(function).result()


def test_an_edit_is_built_served_and_reloaded_in_the_browser_on_its_own(preview):
    in_own_thread(lambda: _edit_built_served_and_reloaded(preview))


def _edit_built_served_and_reloaded(preview):
    from tests.browser.conftest import CHROMIUM, _unavailable

    with contextlib.ExitStack() as stack:
        page = stack.enter_context(open_page(preview.url + PAGE)) if CHROMIUM.exists() else None
        if page is not None:  # livereload.js said hello over the websocket (protocol 7)
            page.wait_for_function("() => window.LiveReload && LiveReload.connector.protocol >= 7")
            page.evaluate("window.notReloaded = true")
        preview.edit_title("Complete 31,000 public rental flats")
        preview.until(lambda: preview.title() == "Complete 31,000 public rental flats", "rebuilt")
        assert f"Changed: {TARGET}: building again." in preview.out.read_text()
        if page is not None:
            page.wait_for_function(
                "() => document.title.startsWith('Complete 31,000') && !window.notReloaded",
                timeout=REBUILD * 1000,
            )
            assert page.refused == []
    if page is None:  # the server's side was checked; the browser's could not be
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")


@contextlib.contextmanager
def open_page(url: str):
    """A Chromium tab showing ``url``; ``.refused`` lists what its policy refused to run."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.refused = []
        page.on("console", lambda m: "Security Policy" in m.text and page.refused.append(m.text))
        page.goto(url)
        try:
            yield page
        finally:
            browser.close()


def test_a_broken_file_says_why_and_the_last_site_stays_served(preview):
    target = preview.folder / TARGET
    good = target.read_text(encoding="utf-8")
    target.write_text(good + "progress: [unclosed\n", encoding="utf-8")
    error = re.compile(rf"^{re.escape(str(TARGET))}:[0-9]+: not valid YAML: ", re.M)
    preview.until(lambda: error.search(preview.err.read_text()), "refused")
    preview.until(lambda: "The last site built is still served" in preview.out.read_text(), "said")
    assert "Nothing was built; the previous site is unchanged." in preview.err.read_text()
    assert "Traceback" not in preview.err.read_text()
    assert preview.title() == "Complete 31,000 public rental flats"
    # Fixed (and edited), it builds again.
    preview.edit_title("Complete 32,000 public rental flats", good)
    preview.until(lambda: preview.title() == "Complete 32,000 public rental flats", "rebuilt")


def test_a_busy_port_is_said_at_once_before_building(preview):
    second = subprocess.run(
        [str(INVOKE), "livereload", "--port", str(preview.port)],
        cwd=preview.folder, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert second.returncode == 1
    assert f"Error: port {preview.port} is in use" in second.stderr
    assert f"--port {preview.port + 1}" in second.stderr
    assert "Traceback" not in second.stderr and "Built" not in second.stdout


def test_ctrl_c_stops_it(preview):
    preview.process.send_signal(signal.SIGINT)
    assert preview.process.wait(60) == 0, preview.logs()
    assert preview.out.read_text().rstrip().endswith("Stopped."), preview.logs()
    assert "Traceback" not in preview.err.read_text()
