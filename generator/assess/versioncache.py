"""Parsed register versions kept between builds, so the published record parses each once.

Reading the record parses every file version on the main line (``gitlog``); all but the
newest were parsed, identically, by the build before. A version is a git blob, whose id
is the hash of its bytes: the same id is the same text. An entry is kept under the blob
id and the file's stem (the id is checked against the file name), in a file named for
the default language and a hash of the code that parses and validates (every module of
the package, PyYAML's version and whether it uses libyaml, Python's version): a code
change or another language starts a new file and is never served an old parse.

Data only, never pickle: the folder may be written by anyone who can write the cache (a
CI cache), so loading it must not run code. An entry is the JSON of the validated fields
(None: the version did not validate), re-created field by field with each value's type
checked against the model's annotations. The file carries a checksum; a file damaged,
unreadable, or of another shape is ignored as a whole, logged, and written anew. It is
written whole or not at all (a temporary file renamed into place), and a cache that
cannot be written only costs speed. Like the chart cache it lives in (``versions/``
under CHART_CACHE_PATH), it holds what a build published and is trusted as much: it is
safe to delete at any time.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import json
import logging
import operator
import sys
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from .. import CODE
from ..register.chartcache import _write_whole
from ..register.files import list_tree, read_file
from ..register.model import ProgressEntry, Target
from ..register.quarters import Quarter

logger = logging.getLogger(__name__)

FORMAT = 1
FOLDER = "versions"  # under the chart cache folder
_MAGIC = b"kpi-portal versions"
# A cache file larger than this is not read (1,000 targets x 12 quarters take about 10 MB).
MAX_CACHE_BYTES = 2_000_000_000
PACKAGE = CODE

Key = tuple[str, str]  # (git blob id, file stem)
Versions = dict[Key, Target | None]
_ABSENT = object()


class CacheDamaged(ValueError):
    """A cache file that is not exactly what ``save`` writes: it is ignored."""


class VersionCache:
    """The parsed versions kept in ``<chart cache>/versions`` for one default language.

    ``load`` then ``save``: what was loaded is written back as it was read, so a build
    that adds a commit encodes only that commit's versions.
    """

    def __init__(self, chart_cache: Path | None, default_lang: str) -> None:
        self.default_lang = default_lang
        self.path: Path | None = None
        self._read: dict[Key, Any] = {}  # the entries loaded, as written in the file
        self._table = _Table()
        if chart_cache is not None:
            self.code = code_hash()
            name = hashlib.sha256(f"{FORMAT}\0{self.code}\0{default_lang}".encode()).hexdigest()
            self.path = Path(chart_cache) / FOLDER / f"{name[:40]}.json"

    def load(self) -> Versions:
        """Every version kept; empty when there is no cache or it cannot be trusted."""
        if self.path is None:
            return {}
        data, why = read_file(self.path, MAX_CACHE_BYTES)
        if data is None:
            if self.path.exists():
                logger.info("version cache %s not read (%s): parsing anew", self.path, why)
            return {}
        try:
            return self._decode(data)
        except (CacheDamaged, ValueError, TypeError, KeyError, RecursionError) as exc:
            logger.info("version cache %s ignored (%s): parsing anew", self.path, exc)
            self._read, self._table = {}, _Table()
            return {}

    def save(self, versions: Versions) -> None:
        """Keep exactly ``versions``; a cache that cannot be written only costs speed."""
        if self.path is None:
            return
        try:
            _write_whole(self.path, self._encode(versions))
        except (OSError, ValueError, TypeError) as exc:
            logger.warning("version cache %s not written (%s): building anyway", self.path, exc)

    def _encode(self, versions: Versions) -> bytes:
        # Entries loaded are kept as read while every one is still wanted; once some are
        # not (another branch, a rewritten history), all are encoded anew, so that values
        # only they shared leave the table.
        read, table = self._read, self._table
        if not read.keys() <= versions.keys():
            read, table = {}, _Table()
        encode, entries = _codec(Target)[0], {}
        for (oid, stem), target in sorted(versions.items()):
            known = read.get((oid, stem), _ABSENT)
            if known is _ABSENT:
                known = None if target is None else encode(target, table)
            entries[f"{oid} {stem}"] = known
        head = {"format": FORMAT, "code": self.code, "lang": self.default_lang}
        document = {**head, "shared": table.encoded, "versions": entries}
        body = json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8")
        digest = hashlib.sha256(body).hexdigest().encode("ascii")
        return _MAGIC + b" " + digest + b"\n" + body

    def _decode(self, data: bytes) -> Versions:
        first, _, body = data.partition(b"\n")
        if first != _MAGIC + b" " + hashlib.sha256(body).hexdigest().encode("ascii"):
            raise CacheDamaged("checksum does not match")
        document = _exact(dict)(json.loads(body.decode("utf-8")))
        expected = {"format": FORMAT, "code": self.code, "lang": self.default_lang}
        if any(document.get(k) != v for k, v in expected.items()):
            raise CacheDamaged("made by another version of the portal or another language")
        entries = _exact(dict)(document.get("versions"))
        decode, table = _codec(Target)[1], _Table(_exact(list)(document.get("shared")))
        versions: Versions = {}
        for key, entry in entries.items():
            oid, space, stem = _exact(str)(key).partition(" ")
            if not space or not stem or len(oid) not in (40, 64) or oid.strip("0123456789abcdef"):
                raise CacheDamaged(f"not a version key: {key!r}")
            versions[oid, stem] = None if entry is None else decode(entry, table)
        self._read = {k: entries[f"{k[0]} {k[1]}"] for k in versions}
        self._table = table
        return versions


@functools.cache
def code_hash() -> str:
    """The hash of the code a parse depends on: the package's modules, PyYAML, Python."""
    digest = hashlib.sha256()
    parts = [sys.version, yaml.__version__, str(getattr(yaml, "__with_libyaml__", False))]
    digest.update("\0".join(parts).encode())
    for path in list_tree(PACKAGE).files:
        if path.suffix != ".py":
            continue
        data, why = read_file(path, 10_000_000)
        digest.update(f"\0{path.relative_to(PACKAGE).as_posix()}\0".encode())
        digest.update(data if data is not None else f"not read: {why}".encode())
    return digest.hexdigest()


# --- The codec: model values to JSON and back, each value's type checked ----------------------

# Values of these types are kept once in a table and named by their place in it: each
# quarter's progress entry recurs, unchanged, in every later version of its file. Equal
# values share a place when their fields are of the same types too (3 == 3.0 == True, but
# each is written as it is); so a shared type's fields may hold numbers only directly,
# never inside a tuple or another dataclass (true of ProgressEntry: a tuple of text).
SHARED = (ProgressEntry,)


class _Table:
    """The shared values of one cache file: encoded on the way out, decoded once on the way in."""

    def __init__(self, encoded: list | None = None) -> None:
        self.encoded: list = encoded if encoded is not None else []
        self._decoded: dict[int, Any] = {}
        # A loaded table's values are found by value once they are decoded (see place).
        self._places: dict[tuple, int] | None = None if encoded else {}

    def place(self, value: Any, encode: Encode) -> int:
        """The place of ``value`` (of a SHARED type), added if new."""
        if self._places is None:
            self._places = {_share_key(v): p for p, v in self._decoded.items()}
        key = _share_key(value)
        if key not in self._places:
            self._places[key] = len(self.encoded)
            self.encoded.append(encode(value, self))
        return self._places[key]

    def value(self, place: Any, decode: Decode) -> Any:
        """The value at ``place``, decoded with ``decode`` the first time it is asked for."""
        if type(place) is not int or not 0 <= place < len(self.encoded):
            raise CacheDamaged(f"not a place in the table: {place!r}")
        if place not in self._decoded:
            self._decoded[place] = decode(self.encoded[place], self)
        return self._decoded[place]


Encode = Callable[[Any, _Table], Any]
Decode = Callable[[Any, _Table], Any]


def _exact(kind: type) -> Decode:
    """A decoder that accepts exactly ``kind`` (bool is not an int, nor an int a bool)."""

    def decode(value: Any, _: _Table | None = None) -> Any:
        if type(value) is not kind:
            raise CacheDamaged(f"expected {kind.__name__}, found {type(value).__name__}")
        return value

    return decode


def _number(value: Any, _: _Table) -> Any:
    # A float field may hold an int as validated (3 stays 3); JSON keeps the difference.
    if type(value) not in (int, float):
        raise CacheDamaged(f"expected a number, found {type(value).__name__}")
    return value


@functools.cache
def _quarter_of(text: str) -> Quarter:
    return Quarter.parse(text)


def _quarter(text: Any, _: _Table) -> Quarter:
    return _quarter_of(_exact(str)(text))


def _date(text: Any, _: _Table) -> datetime.date:
    return datetime.date.fromisoformat(_exact(str)(text))


def _same(value: Any, _: _Table) -> Any:
    return value


@functools.cache
def _codec(hint: Any) -> tuple[Encode, Decode]:
    """The encoder and decoder of values of the annotation ``hint``."""
    simple = {
        str: (_same, _exact(str)),
        int: (_same, _exact(int)),
        bool: (_same, _exact(bool)),
        float: (_same, _number),
        Quarter: (lambda v, _: str(v), _quarter),
        datetime.date: (lambda v, _: v.isoformat(), _date),
    }
    if hint in simple:
        return simple[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        return _optional(next(a for a in args if a is not type(None)))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _tuple(args[0])
    if origin is dict and args[0] is str:
        return _dict(args[1])
    if dataclasses.is_dataclass(hint):
        return _shared(hint) if hint in SHARED else _dataclass(hint)
    raise TypeError(f"the version cache cannot keep a value of type {hint!r}")


def _optional(hint: Any) -> tuple[Encode, Decode]:
    encode, decode = _codec(hint)
    return (
        lambda v, t: None if v is None else encode(v, t),
        lambda v, t: None if v is None else decode(v, t),
    )


def _tuple(hint: Any) -> tuple[Encode, Decode]:
    encode, decode = _codec(hint)
    as_list = _exact(list)
    return (
        lambda v, t: [encode(x, t) for x in v],
        lambda v, t: tuple([decode(x, t) for x in as_list(v)]),
    )


def _dict(hint: Any) -> tuple[Encode, Decode]:
    encode, decode = _codec(hint)
    as_dict, key = _exact(dict), _exact(str)
    return (
        lambda v, t: {k: encode(x, t) for k, x in v.items()},
        lambda v, t: {key(k): decode(x, t) for k, x in as_dict(v).items()},
    )


def _shared(cls: type) -> tuple[Encode, Decode]:
    """Values kept in the table, named by their place; equal values share one place."""
    encode, decode = _dataclass(cls)
    return (lambda v, t: t.place(v, encode), lambda v, t: t.value(v, decode))


@functools.cache
def _fields_of(cls: type) -> operator.attrgetter:
    """A function giving the tuple of a ``cls`` value's fields, in declared order."""
    return operator.attrgetter(*[f.name for f in dataclasses.fields(cls)])


def _share_key(value: Any) -> tuple:
    """``value``'s fields and their types: equal values written alike share a place."""
    # A plain tuple, hashed and compared in C, not the dataclass's own __hash__ and __eq__.
    fields = _fields_of(type(value))(value)
    return (type(value), *fields, *map(type, fields))


def _dataclass(cls: type) -> tuple[Encode, Decode]:
    """A dataclass as the list of its fields' values, in the order they are declared."""
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    if len(fields) < 2:  # attrgetter of one name gives the value, not a tuple
        raise TypeError(f"the version cache cannot keep {cls.__name__}: fewer than two fields")
    codecs = [_codec(hints[f.name]) for f in fields]
    encoders = [enc for enc, _ in codecs]
    values = _fields_of(cls)
    as_list = _exact(list)

    def encode(value: Any, table: _Table) -> list:
        # Text and numbers are written as they are: no call for them (most fields).
        return [
            x if enc is _same else enc(x, table)
            for enc, x in zip(encoders, values(value), strict=True)
        ]

    def decode(value: Any, table: _Table) -> Any:
        items = as_list(value)
        if len(items) != len(codecs):
            raise CacheDamaged(f"{cls.__name__}: {len(items)} values for {len(codecs)} fields")
        # By name: a model class may take its fields by keyword only (Target does).
        return cls(
            **{
                f.name: dec(item, table)
                for f, (_, dec), item in zip(fields, codecs, items, strict=True)
            }
        )

    return encode, decode
