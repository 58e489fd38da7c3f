"""sitemap.xml and robots.txt: what search engines read first.

The sitemap protocol takes full addresses only, so the sitemap is written only when
SITEURL gives the site's public address; without one (a local or preview build) there is
no sitemap, robots.txt names none, and the build log says so. Deterministic: pages in the
order given, languages in LANGUAGES order, no clock (``lastmod`` is the published date).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import quote
from xml.sax.saxutils import quoteattr

from ..register.i18n import lang_root

SITEMAP_PATH = "sitemap.xml"
ROBOTS_PATH = "robots.txt"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
# A missing address's page is not a page to index (it says noindex too).
UNLISTED = frozenset({"404.html"})


def basic_files(
    siteurl: str,
    page_paths: Iterable[str],
    languages: tuple[str, ...],
    published_date: str | None = None,
) -> Iterator[tuple[str, str]]:
    """robots.txt, and sitemap.xml when ``siteurl`` is set: every page of ``page_paths``
    (site-relative, as in the default language) in every one of ``languages``."""
    if siteurl:
        yield SITEMAP_PATH, sitemap(siteurl, page_paths, languages, published_date)
    yield ROBOTS_PATH, robots(siteurl)


def page_address(siteurl: str, lang: str, default: str, path: str) -> str:
    """The full address of ``path`` in ``lang``, percent-encoded as sitemaps require."""
    return f"{siteurl.rstrip('/')}/{quote(lang_root(lang, default) + path)}"


def sitemap(
    siteurl: str,
    page_paths: Iterable[str],
    languages: tuple[str, ...],
    published_date: str | None = None,
) -> str:
    """The sitemap: a ``<url>`` per page per language, each listing every language's
    version (``xhtml:link rel=alternate hreflang``) and the default as ``x-default``."""
    default = languages[0]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">',
    ]
    paths = list(dict.fromkeys(p for p in page_paths if p not in UNLISTED))
    for path in paths:
        alternates = [(lang, page_address(siteurl, lang, default, path)) for lang in languages]
        alternates.append(("x-default", page_address(siteurl, default, default, path)))
        for _, address in alternates[:-1]:
            lines.append(_url(address, alternates, published_date))
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def _url(address: str, alternates: list[tuple[str, str]], published_date: str | None) -> str:
    parts = [f"<url><loc>{_text(address)}</loc>"]
    if published_date:
        parts.append(f"<lastmod>{published_date}</lastmod>")
    parts += [
        f'<xhtml:link rel="alternate" hreflang={quoteattr(lang)} href={quoteattr(href)}/>'
        for lang, href in alternates
    ]
    return "".join(parts) + "</url>"


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def robots(siteurl: str) -> str:
    """Every page may be crawled; the sitemap is named where there is one."""
    lines = ["User-agent: *", "Allow: /"]
    if siteurl:
        lines.append(f"Sitemap: {siteurl.rstrip('/')}/{SITEMAP_PATH}")
    return "\n".join(lines) + "\n"
