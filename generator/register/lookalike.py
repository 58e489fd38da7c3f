"""Names that look the same on a page: a skeleton to compare them, and how two differ.

Two spellings with the same ``skeleton`` cannot be told apart by a reader: it folds
Unicode compatibility forms (NFKC: fullwidth letters, ligatures, odd spaces), drops
invisible format characters (zero-width space, joiners, soft hyphen), maps Cyrillic and
Greek letters drawn like Latin ones (``Н``, ``Η`` for ``H``) and dashes and quotes of other
shapes, ignores letter case and spacing, and folds Latin look-alikes (``I``/``l``/``1``,
``0``/``O``, ``rn``/``m``, ``vv``/``w``). It is a small map, not the whole of Unicode's
confusables list: scripts other than Latin, Cyrillic and Greek are compared as written.
"""

from __future__ import annotations

import unicodedata

# Letters of other scripts drawn like Latin ones (Cyrillic, Greek, dotless i), and dashes
# and quotes of other widths. Fullwidth and other compatibility forms are covered by NFKC,
# and invisible format characters (zero-width space, joiners) are dropped.
CONFUSABLES = {
    **dict(zip("АВЕЅІЈКМНОРСТХУҮԚԜ", "ABESIJKMHOPCTXYYQW", strict=True)),
    **dict(zip("авеѕіјкмнорстхуүԁһԛԝ", "abesijkmhopctxyydhqw", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
    **dict(zip("αικνορτυχı", "aikvoptuxi", strict=True)),
    **dict.fromkeys("‐‑‒–—―−﹣", "-"),
    **dict.fromkeys("‘’ʼ′", "'"),
}
# Latin letters and digits that look alike in many fonts, folded after lower-casing.
_ASCII_FOLDS = (("rn", "m"), ("vv", "w"), ("l", "i"), ("1", "i"), ("|", "i"), ("0", "o"))


def skeleton(text: str) -> str:
    """What ``text`` looks like: equal skeletons cannot be told apart on a page."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(CONFUSABLES.get(c, c) for c in text if unicodedata.category(c) != "Cf")
    text = " ".join(text.casefold().split())
    for written, drawn in _ASCII_FOLDS:
        text = text.replace(written, drawn)
    return text


def difference(written: str, declared: str) -> str:
    """How two look-alike spellings differ, in words staff can act on."""
    chars = [c for c in dict.fromkeys(written) if c not in declared and not c.isascii()]
    kinds = (
        ("invisible character", [c for c in chars if unicodedata.category(c) == "Cf"]),
        ("compatibility form (NFKC)", [c for c in chars if unicodedata.normalize("NFKC", c) != c]),
    )
    parts = [_characters(what, found) for what, found in kinds if found]
    odd = {c for _, found in kinds for c in found}
    if others := [c for c in chars if c not in odd and not c.isspace()]:
        parts.append(_characters("look-alike character", others))
    plain = "".join(c for c in written if c.isascii() or c.isspace())
    if " ".join(written.split()) != written:
        parts.append("spacing")
    if " ".join(plain.split()) != declared and " ".join(plain.split()).lower() == declared.lower():
        parts.append("letter case")
    return ", ".join(parts) or "look-alike letters (such as I for l, 0 for O)"


def _characters(what: str, chars: list[str]) -> str:
    named = f"U+{ord(chars[0]):04X} ({unicodedata.name(chars[0], 'unnamed')})"
    more = f" and {len(chars) - 1} more" if len(chars) > 1 else ""
    return f"the {what} {named}{more}"
