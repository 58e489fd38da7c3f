"""Register text rendered for the page: Markdown in, sanitised HTML out.

Everything in the register is untrusted; Markdown output passes through nh3
(the Ammonia sanitiser) with a short allow-list before it reaches a page.
"""

from __future__ import annotations

import functools

import markdown
import nh3
from markupsafe import Markup

from ..register import textsafety

ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}


# Unbounded, and cleared at the start of each build (``clear``): a target's texts appear
# on several pages and in every language, and 10,000 targets have more distinct texts than
# any bound worth setting would hold, so a bounded memo would convert them again and again.
@functools.cache
def render_markdown(text: str | None) -> Markup:
    """Render Markdown ``text`` to HTML that is safe to place in a page; each distinct text
    is converted once until ``clear``."""
    if not text:
        return Markup("")
    html = _markdown().reset().convert(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    # Validation refuses references to control and bidi characters (&#x202E;); this keeps
    # them off the page for any text that did not pass through it.
    return Markup("".join(ch for ch in clean if not textsafety.is_refused(ch)))


def clear() -> None:
    """Forget every text rendered: called as a build starts, so that a build holds only its
    own texts (a long-lived process, such as a live preview, builds many times)."""
    render_markdown.cache_clear()


@functools.cache
def _markdown() -> markdown.Markdown:
    # One parser for the build: setting one up costs more than most texts' conversion.
    return markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")
