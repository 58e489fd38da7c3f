"""Stable digests of values: the same value gives the same hash in every process.

The incremental build keys each file it writes by what the file is made from (``memo``).
Pickle cannot serve: a set's order, and so its pickle, changes with Python's hash seed
from one process to the next. This walks a value instead, the way its type says it is
built: a dataclass by its fields, a set in sorted order, a mapping by sorted keys.

A type it does not know is refused (``TypeError``) rather than guessed at: a digest that
missed part of a value would let a rebuild keep a stale file.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import fractions
import hashlib
from collections.abc import Callable
from pathlib import PurePath

# Types written by their str(): each str() says exactly what the value is.
_BY_STR = (decimal.Decimal, fractions.Fraction, datetime.date, datetime.time, PurePath)


def digest(value) -> str:
    """The hex SHA-256 of ``value``'s stable encoding."""
    return hashlib.sha256(encode(value).encode("utf-8", "surrogatepass")).hexdigest()


def encode(value) -> str:
    """``value`` as text that differs exactly when the value does."""
    parts: list[str] = []
    _encode(value, parts.append)
    return "".join(parts)


def _encode(value, out: Callable[[str], None]) -> None:
    kind = type(value)
    simple = _SIMPLE.get(kind)
    if simple is not None:
        out(simple(value))
    elif isinstance(value, str):  # Markup and other str subclasses: by type and text
        out(f"{kind.__name__}:{len(value)}:{value}")
    elif kind in (list, tuple):
        out(f"{kind.__name__}[{len(value)}")
        for item in value:
            _encode(item, out)
        out("]")
    elif isinstance(value, dict):
        out(f"dict[{len(value)}")
        for key, item in sorted((encode(k), v) for k, v in value.items()):
            out(key)
            _encode(item, out)
        out("]")
    elif isinstance(value, set | frozenset):
        out(f"set[{len(value)}{''.join(sorted(encode(item) for item in value))}]")
    else:
        _encode_object(value, out)


def _encode_object(value, out: Callable[[str], None]) -> None:
    kind = type(value)
    name = f"{kind.__module__}.{kind.__qualname__}"
    if isinstance(value, enum.Enum):
        out(f"{name}.{value.name}")
    elif dataclasses.is_dataclass(value):
        out(f"{name}(")
        for field in dataclasses.fields(value):
            out(field.name + "=")
            _encode(getattr(value, field.name), out)
        out(")")
    elif isinstance(value, tuple):  # a named tuple
        out(f"{name}[")
        for item in value:
            _encode(item, out)
        out("]")
    elif isinstance(value, _BY_STR):
        out(f"{name}:{value}")
    else:
        raise TypeError(f"no stable digest for a {name}")


_SIMPLE: dict[type, Callable] = {
    type(None): lambda v: "N",
    bool: lambda v: "T" if v else "F",
    int: lambda v: f"i{v};",
    float: lambda v: f"f{v!r};",  # repr round-trips: two floats differ iff their reprs do
    str: lambda v: f"s{len(v)}:{v}",
    bytes: lambda v: f"b{len(v)}:{v.hex()}",
}
