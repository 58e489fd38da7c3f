"""The full-text search index: Pagefind run over the built pages, one index per language.

Pagefind reads each page's ``lang`` and keeps a separate index per language; only the
target pages are indexed (their ``data-pagefind-body``). The index is a folder of
static files served with the site: searching calls no other host.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .errors import PortalError

INDEX_FOLDER = "pagefind"


def build_search_index(site: Path) -> None:
    """Index the pages under ``site`` into ``site/pagefind``; raise ``PortalError`` on failure."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise PortalError(f"search index: cannot run Pagefind: {exc}") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise PortalError(f"search index: Pagefind failed (is pagefind installed?): {detail}")
    _canonical_entry(site / INDEX_FOLDER / "pagefind-entry.json")


def _canonical_entry(path: Path) -> None:
    # Pagefind writes the languages of its entry file in hash-map order, which changes from
    # run to run; sorted keys keep the same site byte-identical.
    entry = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(entry, sort_keys=True, separators=(",", ":")), encoding="utf-8")
