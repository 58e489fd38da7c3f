"""Text that is safe to show: no control, non-character or bidi-control code points.

Every string the YAML reader produces passes ``unsafe_character`` (yamldoc calls it), so
a register, bureau or glossary file cannot smuggle a terminal escape into a CSV, a NUL
into a page, or an unclosed RIGHT-TO-LEFT OVERRIDE that reverses the words after a
title in ``<title>``, link previews and feeds. ``is_blank`` says whether a text shows
anything at all once invisible characters are left out, and ``is_web_address`` whether
a source link opens the host it shows.

Decisions: the bidi *marks* (U+200E, U+200F, U+061C) are refused with the embeddings,
overrides and isolates. The register's languages are written left to right, a mark has
no use in them, and an invisible mark in a short name is only good for spoofing. Letters
of right-to-left scripts stay allowed (names may need them): unlike an override they do
not reverse the text that follows, so they are not isolated on the page. Zero-width
joiners and spaces stay allowed (emoji sequences and some scripts need them) but do not
count as text, nor do combining marks with nothing to combine with. Markdown text is also
checked for character references (``&#x202E;``), which the browser decodes.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urlsplit

import ada_url

# C0 names (Unicode gives control characters no name in unicodedata).
_C0_NAMES = (
    "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION",
    "ENQUIRY", "ACKNOWLEDGE", "BELL", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED",
    "LINE TABULATION", "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN",
    "DATA LINK ESCAPE", "DEVICE CONTROL ONE", "DEVICE CONTROL TWO", "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE", "SYNCHRONOUS IDLE",
    "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE",
    "INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE",
    "INFORMATION SEPARATOR TWO", "INFORMATION SEPARATOR ONE",
)  # fmt: skip
_OTHER_NAMES = {0x7F: "DELETE", 0x85: "NEXT LINE"}
# Tab and line feed are ordinary in multi-line Markdown; the validator refuses them
# where a single line is expected.
ALLOWED_CONTROLS = frozenset("\t\n")
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]  # embeddings, overrides, pop
    + [chr(c) for c in range(0x2066, 0x206A)]  # isolates
    + ["\u200e", "\u200f", "\u061c"]  # marks: see the module docstring
)
# Line and paragraph separators break a line where neither Markdown nor a one-line field
# expects it; interlinear annotation characters hide the text between them.
OTHER_REFUSED = frozenset("\u2028\u2029\ufff9\ufffa\ufffb")
# Characters that draw nothing: a text made only of these (and spaces) is empty.
INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def char_name(ch: str) -> str:
    """The Unicode name of ``ch``, with names for the control characters Python lacks."""
    code = ord(ch)
    if code < 0x20:
        return _C0_NAMES[code]
    if code in _OTHER_NAMES:
        return _OTHER_NAMES[code]
    if 0x80 <= code <= 0x9F:
        return "C1 CONTROL CHARACTER"
    if 0xD800 <= code <= 0xDFFF:
        return "SURROGATE HALF"
    if _is_noncharacter(code):
        return "NONCHARACTER"
    return unicodedata.name(ch, "UNNAMED CHARACTER")


def is_refused(ch: str) -> bool:
    """True for a code point no register text may contain."""
    code = ord(ch)
    if ch in ALLOWED_CONTROLS:
        return False
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or 0xD800 <= code <= 0xDFFF
        or _is_noncharacter(code)
        or ch in BIDI_CONTROLS
        or ch in OTHER_REFUSED
    )


def _refused_pattern() -> re.Pattern:
    """``is_refused`` as one character class: a register is millions of characters, and one
    regular-expression search per string is a hundred times faster than a loop in Python."""
    ranges = [(0x00, 0x08), (0x0B, 0x1F), (0x7F, 0x9F), (0xD800, 0xDFFF), (0xFDD0, 0xFDEF)]
    ranges += [(plane + 0xFFFE, plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000)]
    ranges += [(ord(ch), ord(ch)) for ch in sorted(BIDI_CONTROLS | OTHER_REFUSED)]
    return re.compile(
        "[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]"
    )


_REFUSED = _refused_pattern()


def describe(ch: str) -> str:
    """``U+202E (RIGHT-TO-LEFT OVERRIDE)``: a code point as staff can look it up."""
    return f"U+{ord(ch):04X} ({char_name(ch)})"


def unsafe_character(text: str) -> str | None:
    """The problem with the first refused character of ``text``, or None if it is safe."""
    found = _REFUSED.search(text)
    if found is None:
        return None
    ch = found.group()
    kind = "control character" if unicodedata.category(ch) == "Cc" else "character"
    return (
        f"the invisible {kind} {describe(ch)} is not allowed: delete it "
        "(it can hide or reorder the text around it)"
    )


# HTML character references as browsers read them: numeric ones need no ';' and may
# have any number of leading zeros; more than 8 digits is out of range (U+FFFD) anyway.
_REFERENCE_RE = re.compile(
    r"&(?:#[xX]0*(?P<hex>[0-9a-fA-F]{1,8})|#0*(?P<dec>[0-9]{1,8})|[A-Za-z][A-Za-z0-9]*;?);?"
)


def _decoded(match: re.Match) -> str:
    """What a browser makes of one character reference (HTML's rules, not Python's, which
    drop the control characters that browsers keep)."""
    if match["hex"] is None and match["dec"] is None:
        return html.unescape(match.group())
    code = int(match["hex"], 16) if match["hex"] is not None else int(match["dec"])
    if 0x80 <= code <= 0x9F:  # read as Windows-1252, where it has a character there
        return bytes([code]).decode("cp1252", errors="ignore") or chr(code)
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return "\ufffd"
    return chr(code)


def unsafe_reference(markdown: str) -> str | None:
    """The problem with the first character reference (``&#x202E;``) in Markdown text that
    stands for a refused character, or None. Markdown passes references through to the
    page, where the browser decodes them."""
    for match in _REFERENCE_RE.finditer(markdown):
        bad = [ch for ch in _decoded(match) if is_refused(ch)]
        if bad:
            kind = "control character" if unicodedata.category(bad[0]) == "Cc" else "character"
            return (
                f"the character reference {match.group()} is the invisible {kind} "
                f"{describe(bad[0])}, which is not allowed: delete it"
            )
    return None


def is_shown(ch: str) -> bool:
    """True when ``ch`` draws something on its own (not a space, mark or format character)."""
    if ch.isspace() or ch in INVISIBLE:
        return False
    # Cf: zero-width spaces, joiners, U+2060, U+FEFF...; Mn/Me: combining marks and
    # variation selectors, which only change the character before them.
    return unicodedata.category(ch) not in ("Cf", "Cc", "Mn", "Me", "Zs", "Zl", "Zp")


def is_blank(text: str) -> bool:
    """True when ``text`` shows nothing: empty once spaces and invisible characters go."""
    return not any(is_shown(ch) for ch in text)


def is_web_address(url: str) -> bool:
    """True when ``url`` is an http(s) address that opens the host it shows."""
    # Browsers read "\\" as "/" and hide "user@" prefixes: both can make a link show one
    # host and open another, so neither is accepted.
    if "\\" in url or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return False
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        # The host a browser opens is the WHATWG parse (percent-decoded, IDNA): the page
        # shows that one (wording.url_host), so a URL it cannot parse is refused.
        parsed = ada_url.URL(url)
    except ValueError:  # e.g. a malformed IPv6 address in brackets
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(hostname)
        and "@" not in parts.netloc
        and parsed.protocol == f"{parts.scheme}:"
        and bool(parsed.hostname)
    )
