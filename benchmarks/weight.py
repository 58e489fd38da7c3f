"""Page weight: the bytes a browser downloads to show a target page, and other hosts asked.

Counted from the built files: the HTML, then every stylesheet, script, image and font it
loads (and those they load in turn), never a link a reader may follow.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from .goals import PAGE_GOAL_KB, met

_RESOURCE_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")
_SVG_HREF = re.compile(r"""(?:xlink:)?href\s*=\s*["']([^"'#][^"']*)["']""")


class _Resources(HTMLParser):
    """The addresses a browser fetches to show a page (not the links a reader may follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        rels = set((attrs.get("rel") or "").lower().split())
        if tag == "link" and rels & _RESOURCE_RELS:
            self.urls.append(attrs.get("href") or "")
        for name in ("src", "data", "poster"):
            if attrs.get(name) and (name != "data" or tag == "object"):
                self.urls.append(attrs[name])
        for candidate in (attrs.get("srcset") or "").split(","):
            if candidate.strip():
                self.urls.append(candidate.split()[0])
        self.urls += [a or b for a, b in _CSS_URL.findall(attrs.get("style") or "")]


def _is_external(url: str) -> bool:
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.IGNORECASE))


def _nested(path: Path) -> list[str]:
    """Addresses a stylesheet or an SVG fetches in turn."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".css":
        return [a or b for a, b in _CSS_URL.findall(text)]
    if path.suffix == ".svg":
        return _SVG_HREF.findall(text) + [a or b for a, b in _CSS_URL.findall(text)]
    return []


def page_weight(page: Path) -> tuple[Counter, set[str]]:
    """Bytes a browser downloads for ``page``, by kind, and the other hosts it asks."""
    parser = _Resources()
    parser.feed(page.read_text(encoding="utf-8"))
    sizes, external, seen = Counter({"html": page.stat().st_size}), set(), set()
    pending = [(page.parent, url) for url in parser.urls]
    while pending:
        base, url = pending.pop()
        if _is_external(url):
            external.add(url)
            continue
        if url.startswith("data:"):
            continue
        path = (base / url.split("#")[0].split("?")[0]).resolve()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        sizes[path.suffix.lstrip(".") or "other"] += path.stat().st_size
        pending += [(path.parent, nested) for nested in _nested(path)]
    return sizes, external


def target_pages(site: Path, ids: set[str]) -> list[Path]:
    """The default language's page of each target (list pages share the folder)."""
    return sorted(p for p in (site / "targets").glob("*.html") if p.stem in ids)


def weight_report(site: Path, ids: set[str]) -> str:
    """The typical (median) and largest target page, and any request to another host."""
    weights = {p.stem: page_weight(p) for p in target_pages(site, ids)}
    if not weights:
        return "Target page weight: no target pages found"
    totals = {tid: sum(sizes.values()) for tid, (sizes, _) in weights.items()}
    ranked = sorted(totals, key=lambda tid: (totals[tid], tid))
    typical, largest = ranked[len(ranked) // 2], ranked[-1]
    parts = ", ".join(f"{k} {v / 1024:.1f}" for k, v in sorted(weights[typical][0].items()))
    external = set().union(*(ext for _, ext in weights.values()))
    return "\n".join(
        [
            f"Target page weight, typical (median of {len(ranked)}, {typical}): "
            f"{totals[typical] / 1024:.1f} KB ({parts} KB)",
            f"Target page weight, largest ({largest}): {totals[largest] / 1024:.1f} KB; "
            f"goal <= {PAGE_GOAL_KB} KB: {met(totals[largest] / 1024, PAGE_GOAL_KB)}",
            f"Requests to other hosts from target pages: {len(external)}; goal 0: "
            + ("met" if not external else "NOT MET " + ", ".join(sorted(external)[:5])),
        ]
    )
