"""Helpers that read a built site: its pages, links and data files."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

LINK_ATTRIBUTES = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"))


def pages(site: Path) -> list[Path]:
    """Every HTML page of the site."""
    return sorted(site.rglob("*.html"))


def soup(path: Path) -> BeautifulSoup:
    """The parsed page."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def internal_links(site: Path):
    """Yield (page, link) for every link to a file of the site itself."""
    for page in pages(site):
        for tag, attribute in LINK_ATTRIBUTES:
            for element in soup(page).find_all(tag):
                link = element.get(attribute)
                if link and not urlsplit(link).scheme and not link.startswith("#"):
                    yield page, link


def broken_links(site: Path) -> list[str]:
    """Internal links whose target file does not exist, as ``page -> link``."""
    broken = []
    for page, link in internal_links(site):
        path = unquote(urlsplit(link).path)
        # From the server root (the 404 page's links, shown at any depth): the site's root.
        base = site if path.startswith("/") else page.parent
        target = (base / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file() or site.resolve() not in target.parents:
            broken.append(f"{page.relative_to(site)} -> {link}")
    return broken


def targets_json(site: Path) -> dict:
    """The parsed ``data/targets.json``."""
    return json.loads((site / "data" / "targets.json").read_text(encoding="utf-8"))


def statuses(site: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Status and sorted flags of every target in the published JSON."""
    return {
        t["id"]: (t["status"], tuple(sorted(t["flags"]))) for t in targets_json(site)["targets"]
    }
