"""What Pagefind reads of a page, so that an index is rebuilt only when that changed.

Pagefind has no incremental mode (its issue #71): every run re-reads every page. The search
cache (``search.py``) keys a finished index by what its run read instead, and this module
says what that is. It must be a SUPERSET of what Pagefind 1.x reads, as its HTML parser
(``pagefind/src/fossick/parser.rs``) does it: a key that misses something Pagefind reads
would serve a stale index, a wrong site. Of a page with ``data-pagefind-body`` it reads

- the ``<html lang>`` and the ``<title>`` (the fallback title);
- each ``data-pagefind-body`` element, with all inside it (text, ids for sub-results,
  weights, ignored parts);
- the text, direct in an ancestor of a body element, that follows the body (Pagefind adds
  it to the page's text: ``<div><p data-pagefind-body>a</p>b</div>`` indexes "a. b");
- every element with a ``data-pagefind-*`` attribute: its attributes (meta, filters and
  sorts may name any attribute; ``index-attrs`` adds attributes to the text even outside
  a body) and, for meta, filters and sorts, its content, wherever it is on the page;
- every ``h1`` (the automatic title), and the images Pagefind may take as the automatic
  ``image`` meta: those after the first ``h1`` or meta, up to the first with a ``src``
  outside an element marked ``data-pagefind-ignore="all"``;
- ``<script src>`` and ``<link href>`` (it looks there for its own bundle).

Anything else on the page is never read, so a figure shown only outside those parts (in a
table marked ``data-pagefind-ignore``, say) does not re-run Pagefind. A page without a body
element, or whose tags do not all close (where the structure Pagefind sees could differ
from this module's), counts in whole: when unsure, the whole page.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections import Counter
from functools import lru_cache

FORMAT = b"pagefind-reads/1"
"""Changed whenever what this module extracts changes, so old cache entries are not used."""

_QUOTED = rb"""(?:[^>"']|"[^"]*"|'[^']*')*"""
# The page is searched in ASCII lower case (bytes.lower keeps every position), its parts
# taken from the page as written.
_TAG = re.compile(rb"<(/?)([a-z][^\s/>]*)(" + _QUOTED + rb")>")
# Text Pagefind does not parse as tags: comments and raw-text elements.
_OPAQUE = re.compile(
    rb"<!--.*?(?:-->|\Z)|<(script|style|textarea|title|xmp|iframe|noembed|noframes)(?=[\s/>])"
    + _QUOTED
    + rb">.*?(?:</\1\s*>|\Z)",
    re.S,
)
_VOID = frozenset(
    b"area base br col embed hr img input link meta source track wbr param keygen frame".split()
)
_TAG_START = re.compile(rb"<([/!?]|[a-z][^\s/>]*)")
_MARK = b"data-pagefind-"
_BODY = re.compile(rb"[\s\"']data-pagefind-body(?=[\s=/>\"']|\Z)")
_READS_CONTENT = re.compile(rb"\sdata-pagefind-(?:body|meta|default-meta|filter|sort)\b")
_META = re.compile(rb"\sdata-pagefind-meta\b")
_IGNORE = re.compile(rb"""\sdata-pagefind-ignore(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?""")
_NOT_EXCLUDED = (b"", b"index", b"true")
_IMG = re.compile(rb"<img(?=[\s/>])" + _QUOTED + rb">")
_SRC = re.compile(rb"\ssrc(?=\s*=|[\s/>]|\Z)")
_HEAD_TAGS = re.compile(rb"<(?:html|script|link)(?=[\s/>])" + _QUOTED + rb">")
_TITLE = re.compile(rb"<title(?=[\s/>])" + _QUOTED + rb">.*?(?:</title\s*>|\Z)", re.S)
_SPACES = re.compile(rb"[ \t\n\r\f]+")


class _Unsure(Exception):
    """The page's structure is not plain enough to say what Pagefind reads of it."""


def page_reads(page: bytes) -> tuple[str, bytes]:
    """What Pagefind reads of one page (a superset), with the page's kind: ``"body"`` (it
    has a data-pagefind-body element), ``"none"`` (it has none: when another page has one,
    Pagefind skips it), ``"unsure"`` (counted whole in every case)."""
    low = _OPAQUE.sub(_blank, page.lower())
    if not _BODY.search(low):
        return "none", b"whole\0" + page
    try:
        _check_balanced(low)
        tagged = _tagged(low)
        excluded = _excluded_spans(low, tagged)
        parts = _bodies_and_leaks(page, low, tagged, excluded)
        parts += _spans(page, _HEAD_TAGS, low) + _spans(page, _TITLE, low)
        parts += _pagefind_elements(page, low, tagged) + _h1s(page, low)
        parts += _images(page, low, tagged, excluded)
    except _Unsure:
        return "unsure", b"whole\0" + page
    return "body", b"\0".join(parts)


def page_digest(page: bytes) -> tuple[str, str]:
    """The page's kind (``page_reads``) and the hash of what Pagefind reads of it."""
    kind, reads = page_reads(page)
    return kind, hashlib.sha256(reads).hexdigest()


def _blank(match: re.Match) -> bytes:
    # Only the inside is blanked, to the same length: positions in the blanked page are
    # positions in the page, and the element's own tags stay.
    text = match.group(0)
    if not match.group(1):
        return b"<!--" + b" " * (len(text) - 4)
    head = text.index(b">") + 1
    tail = text.rfind(b"</") if text.rstrip().endswith(b">") else len(text)
    tail = max(tail, head)
    return text[:head] + b" " * (tail - head) + text[tail:]


def _check_balanced(low: bytes) -> None:
    # An element left open (an implied end tag) could change what Pagefind counts as
    # inside a body: then the whole page is the key.
    counts = Counter(_TAG_START.findall(low))
    voids = sum(n for name, n in counts.items() if name in _VOID)
    starts = sum(counts.values()) - counts[b"/"] - counts[b"!"] - counts[b"?"] - voids
    if starts - low.count(b"/>") != counts[b"/"]:
        raise _Unsure


@lru_cache(maxsize=64)
def _name_pattern(name: bytes) -> re.Pattern:
    return re.compile(rb"<(/?)" + re.escape(name) + rb"(?=[\s/>])")


def _end_of(low: bytes, name: bytes, after: int) -> int:
    """Where the element whose start tag (named ``name``) ends at ``after`` ends."""
    if name in _VOID or low[after - 2 : after] == b"/>":
        return after
    depth = 1
    for tag in _name_pattern(name).finditer(low, after):
        if tag.group(1):
            depth -= 1
            if depth == 0:
                end = low.find(b">", tag.end())
                if end < 0:
                    raise _Unsure
                return end + 1
        else:
            depth += 1
    raise _Unsure


def _tag_at(low: bytes, start: int) -> re.Match:
    tag = _TAG.match(low, start)
    if tag is None:
        raise _Unsure
    return tag


def _tagged(low: bytes) -> list[re.Match]:
    """The start tags that carry a data-pagefind-* attribute."""
    found, pos = [], low.find(_MARK)
    while pos >= 0:
        tag = _TAG.match(low, low.rfind(b"<", 0, pos))
        if tag is not None and not tag.group(1) and tag.end() > pos:
            found.append(tag)
            pos = tag.end()
        pos = low.find(_MARK, pos + 1)
    return found


def _spans(page: bytes, pattern: re.Pattern, low: bytes) -> list[bytes]:
    return [page[m.start() : m.end()] for m in pattern.finditer(low)]


def _bodies_and_leaks(page: bytes, low: bytes, tagged: list, excluded: list) -> list[bytes]:
    """The first body element whole, then the text direct in the ancestors of bodies that
    follows it (the rest of their text Pagefind drops), with the later bodies whole."""
    bodies = [t.start() for t in tagged if _BODY.search(t.group(0))]
    if not bodies or any(_inside(start, excluded) for start in bodies):
        raise _Unsure  # a body Pagefind may not count as one (inside an ignore="all")
    first = _TAG.match(low, bodies[0])
    end = _end_of(low, first.group(2), first.end())
    walked = _walk_ancestors(page, low, end, bodies)
    return [b"bodies", page[first.start() : end], b"after", *walked]


def _walk_ancestors(page: bytes, low: bytes, pos: int, bodies: list[int]) -> list[bytes]:
    # From the first body's end: text at this level is kept, children without a body are
    # passed over whole (adding nothing, as in Pagefind, so one more or less such child
    # leaves the key as it was), children with one are entered, bodies kept whole.
    parts, text = [], []
    while True:
        tag = _TAG.search(low, pos)
        text.append(page[pos : tag.start() if tag else len(page)])
        if tag is None:
            return [*parts, _SPACES.sub(b" ", b"".join(text))]
        closing, name, _ = tag.groups()
        end = tag.end() if closing else _end_of(low, name, tag.end())
        has_body = bisect_left(bodies, tag.start()) < bisect_left(bodies, end)
        if closing or end == tag.end() or has_body:
            parts.append(_SPACES.sub(b" ", b"".join(text)))
            text = []
            if closing or end == tag.end():
                parts.append(tag.group(0)[:2] + name)  # an ancestor ends; a <br> adds a space
            elif tag.start() in bodies:
                parts.append(page[tag.start() : end])
            else:
                parts.append(b"<" + name)
                end = tag.end()
        pos = end


def _pagefind_elements(page: bytes, low: bytes, tagged: list) -> list[bytes]:
    """Every element with a data-pagefind-* attribute: its start tag, and its content
    where Pagefind reads it (meta, filters, sorts)."""
    parts = [b"tagged"]
    for tag in tagged:
        end = tag.end()
        if _READS_CONTENT.search(tag.group(0)):
            end = _end_of(low, tag.group(2), tag.end())
        parts.append(page[tag.start() : end])
    return parts


def _h1s(page: bytes, low: bytes) -> list[bytes]:
    parts, pos = [b"h1"], low.find(b"<h1")
    while pos >= 0:
        tag = _TAG.match(low, pos)
        if tag is not None and tag.group(2) == b"h1":
            parts.append(page[pos : _end_of(low, b"h1", tag.end())])
        pos = low.find(b"<h1", pos + 1)
    return parts


def _images(page: bytes, low: bytes, tagged: list, excluded: list) -> list[bytes]:
    """The images that may become the automatic ``image`` meta: after the first h1 or
    meta element, up to the first with a src not inside an excluded element."""
    starts = [t.start() for t in tagged if _META.search(t.group(0))]
    if low.find(b"<h1") >= 0:
        starts.append(low.find(b"<h1"))
    if not starts:
        return []
    parts = [b"img"]
    for img in _IMG.finditer(low, min(starts)):
        if _inside(img.start(), excluded):
            continue
        parts.append(page[img.start() : img.end()])
        if _SRC.search(img.group(0)):
            break
    return parts


def _excluded_spans(low: bytes, tagged: list[re.Match]) -> list[tuple[int, int]]:
    """Where the elements marked ``data-pagefind-ignore="all"`` (or an unknown value,
    which Pagefind takes as "all") are: Pagefind reads nothing inside them."""
    return [(t.start(), _end_of(low, t.group(2), t.end())) for t in tagged if _excludes(t.group(0))]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= pos < end for start, end in spans)


def _excludes(start_tag: bytes) -> bool:
    ignore = _IGNORE.search(start_tag)
    return bool(ignore) and (ignore.group(1) or b"").strip(b"\"'") not in _NOT_EXCLUDED
