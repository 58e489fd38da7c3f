"""A figure as a person types it: the one rule for numbers in files, CSV cells and options.

Only plain decimals (``1500``, ``-0.25``) are figures: every YAML reader, spreadsheet and
person reads them alike. ``1e3``, ``06000``, ``+5``, ``.5``, ``1_000`` and ``0x10`` are read
differently by different tools, so they are refused with the plain form to write instead.
"""

from __future__ import annotations

import re
from decimal import Decimal

DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
# What a spreadsheet or a shell may hold that looks like a number but is not a plain decimal.
_NUMBER_LIKE = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?")
_HEX = re.compile(r"[-+]?0[xX][0-9a-fA-F]+")


def plain_decimal(number: int | float | Decimal) -> str:
    """``number`` as every YAML reader reads it alike: ``1500``, ``-0.25``, never ``1.5e3``."""
    # repr is the shortest text that reads back as the same float.
    exact = Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
    return format(exact, "f")


def read_figure(text: str) -> int | float:
    """The figure ``text`` stands for; raises ``ValueError`` saying how to write it instead."""
    if DECIMAL.fullmatch(text):
        return float(text) if "." in text else int(text)
    plain = _plain_form(text)
    if plain is not None:
        raise ValueError(
            f"{text!r} is not a plain number: write {plain} (digits, with a - sign "
            "and a decimal point if needed; no exponent, leading zeros, + sign or _)"
        )
    raise ValueError(
        f"{text!r} is not a number; write digits only, such as 1250 or 12.5 "
        "(no units, thousands separators or % sign)"
    )


def _plain_form(text: str) -> str | None:
    """The plain decimal that a number-like ``text`` stands for, or None."""
    if _HEX.fullmatch(text):
        return str(int(text, 16))
    if not _NUMBER_LIKE.fullmatch(text):
        return None
    plain = plain_decimal(Decimal(text.replace("_", "")))
    return plain if len(plain) <= 24 else "the number out in digits"
