"""Register text in the reviewer's Markdown (the change summary of a pull request): table
cells made safe, counts in words, tables and their sections. Pure core: no Pelican imports.
"""

from __future__ import annotations

import re

from ..register.model import Target, in_language

NOTE_WIDTH = 120  # characters of a note or other long text shown in a table cell

# Backslash-escaping Markdown's inline punctuation keeps register text from becoming links,
# images, emphasis or table cells; HTML is turned into entities so none of it is rendered.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: str, width: int | None = None) -> str:
    """Register text made safe for one Markdown table cell, cut to ``width`` characters."""
    text = " ".join(text.split())  # a newline would end the table row
    if width is not None and len(text) > width:
        text = text[: width - 1].rstrip() + "…"
    text = "".join(_ENTITIES.get(char, char) for char in text)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def quoted(text: str | None) -> str:
    """Short register text in quotes, or an em dash for none."""
    return "—" if not text else f"“{escape(text, NOTE_WIDTH)}”"


def count(number: int, singular: str, plural: str | None = None) -> str:
    """``1 target added``, ``2 targets added``."""
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def counted(items: list, singular: str, plural: str | None = None, suffix: str = "") -> str:
    """``2 targets added``; empty when there are no items."""
    return count(len(items), singular, plural) + suffix if items else ""


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """A GitHub Markdown table; cells must already be escaped."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def section(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """A ``###`` section with its table; nothing when there are no rows."""
    return ["", f"### {title}", "", *table(header, rows)] if rows else []


def who(target: Target, lang: str) -> tuple[str, str]:
    """The id and title cells of a target's row."""
    return f"`{target.id}`", escape(in_language(target.title, lang))
