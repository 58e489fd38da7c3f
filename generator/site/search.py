"""The full-text search index: Pagefind run over the built target pages, once per language.

Each language gets its own index, in its own folder (``pagefind/``, ``zh-hant/pagefind/``),
built by its own Pagefind run over that language's target pages only: Pagefind holds a
whole index in memory while it works, so one language at a time keeps a large register's
build within bounds. The index is a folder of static files served with the site:
searching calls no other host.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ..register.errors import PortalError

INDEX_FOLDER = "pagefind"


def build_search_index(site: Path, roots: list[str]) -> None:
    """Index each language's target pages (``roots``: ``""``, ``"zh-hant/"``) into its own
    ``<root>pagefind`` folder; raise ``PortalError`` on failure."""
    for root in roots:
        _index(site, f"{root}targets/*.html", f"{root}{INDEX_FOLDER}")


def _index(site: Path, pages: str, folder: str) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--quiet"]
    command += ["--glob", pages, "--output-subdir", folder]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise PortalError(f"search index: cannot run Pagefind: {exc}") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise PortalError(f"search index: Pagefind failed (is pagefind installed?): {detail}")
    _canonical_entry(site / folder / "pagefind-entry.json")


def _canonical_entry(path: Path) -> None:
    # Pagefind writes the languages of its entry file in hash-map order, which changes from
    # run to run; sorted keys keep the same site byte-identical.
    entry = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(entry, sort_keys=True, separators=(",", ":")), encoding="utf-8")
