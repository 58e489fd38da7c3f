"""Slugs: the URL-safe names of free-text names (bureau folders, group pages)."""

from __future__ import annotations

import hashlib
import re
import unicodedata


def slugify(text: str) -> str:
    """A URL-safe slug for a free-text name; non-Latin names get a stable hash slug."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    if not slug or not ascii_text.strip() or len(ascii_text) < len(text) / 2:
        digest = hashlib.sha256(text.encode()).hexdigest()[:10]
        slug = f"{slug}-{digest}" if slug else digest
    return slug
