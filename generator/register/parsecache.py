"""Register files parsed once: each file's validation kept under a hash of all it depends on.

Loading the register parses and validates every target file (``loader.read_source``),
about 1.5 ms a file; a rebuild after one file changed should pay for that file only. A
result is kept under the hash of everything it depends on: the file's bytes, the path and
stem it is shown as, the default language, REPORTING_QUARTER, the declared bureaus it is
checked against, and the code that parses it (every module of this package, the YAML
libraries', Babel's, ada-url's and Python's versions). A change to any of them is a new
key, never an old parse served.

A register folder's results are one file under ``register/`` in the chart cache folder
(CHART_CACHE_PATH), holding exactly the files of its last load: one file, because creating
a thousand small ones costs more than the parse they save. It is written whole (a
temporary file renamed into place) with a checksum: a file damaged, unreadable or not as
written is ignored and every file parsed anew, and a cache that cannot be written costs
speed only, with one warning. It is safe to delete at any time.

Results are pickles, read back by an unpickler that can make nothing but this package's
dataclasses and dates: the folder may be written by whoever can write the cache (a CI
cache), so loading it must never run code (``versioncache`` keeps JSON for the same
reason). What a result says is trusted as much as the chart files beside it.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import io
import logging
import pickle
import sys
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, TypeVar

from .chartcache import _write_whole
from .files import read_file

logger = logging.getLogger(__name__)

FOLDER = "register"  # under the chart cache folder
FORMAT = 1
_MAGIC = b"kpi-portal register 1\n"
_DIGEST = hashlib.sha256().digest_size
# A file larger than this is not read (10,000 targets take about 30 MB).
MAX_BYTES = 1_000_000_000
PACKAGE = Path(__file__).resolve().parent
# Every library whose behaviour a parse's result or message depends on.
LIBRARIES = ("PyYAML", "ruamel.yaml", "babel", "ada-url")
# Folders already warned about: a build may load the register more than once.
_warned: set[Path] = set()

Result = TypeVar("Result")


class Source(Protocol):
    """A register file as ``loader.SourceFile`` holds it."""

    shown: str
    stem: str
    text: bytes


class ParseCache:
    """The parse results of the register in ``register`` kept in the chart cache ``folder``
    (None keeps nothing)."""

    def __init__(self, folder: Path | str | None, register: Path | str) -> None:
        self.path = None
        if folder is not None:
            name = _hash(str(FORMAT), str(Path(register).resolve())).hex()[:40]
            self.path = Path(folder) / FOLDER / f"{name}.pickles"

    def results(
        self,
        sources: Iterable[Source],
        context: tuple[str, ...],
        parse: Callable[[Source], Result],
        valid: Callable[[Any], bool],
    ) -> list[Result]:
        """``parse(source)`` of each source; kept ones whose ``valid`` holds are not re-parsed.

        ``context`` is everything else ``parse`` depends on, as text, but the code.
        """
        if self.path is None:
            return [parse(source) for source in sources]
        known, results, used = self._load(), [], {}
        prefix = _hash(code_hash(), *context)
        for source in sources:
            key = _hash(prefix, source.shown, source.stem, source.text)
            result = _unpickled(known.get(key))
            if not valid(result):
                result = parse(source)
                used[key] = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            else:
                used[key] = known[key]
            results.append(result)
        if used != known:  # a file changed, came or went: keep exactly this load's
            self._save(used)
        return results

    def _load(self) -> dict[bytes, bytes]:
        data, _ = read_file(self.path, MAX_BYTES)
        if data is None or not data.startswith(_MAGIC):
            return {}
        digest, body = data[len(_MAGIC) : len(_MAGIC) + _DIGEST], data[len(_MAGIC) + _DIGEST :]
        if hashlib.sha256(body).digest() != digest:
            return {}
        try:
            table = _Unpickler(io.BytesIO(body)).load()
        except Exception:  # noqa: BLE001 - whatever is wrong with the file, parse anew
            return {}
        ok = isinstance(table, dict) and all(
            type(k) is bytes and type(v) is bytes for k, v in table.items()
        )
        return table if ok else {}

    def _save(self, table: dict[bytes, bytes]) -> None:
        body = pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            _write_whole(self.path, _MAGIC + hashlib.sha256(body).digest() + body)
        except OSError as exc:
            folder = self.path.parent
            if folder not in _warned:
                _warned.add(folder)
                logger.warning("register cache %s not written (%s): parsing anyway", folder, exc)


def _unpickled(data: bytes | None) -> Any:
    if data is None:
        return None
    try:
        return _Unpickler(io.BytesIO(data)).load()
    except Exception:  # noqa: BLE001 - an entry not as written is parsed anew
        return None


def _hash(*parts: str | bytes) -> bytes:
    """The SHA-256 of ``parts``, each length-prefixed so that no two lists run together."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(b"%d:" % len(data))
        digest.update(data)
    return digest.digest()


@functools.cache
def code_hash() -> str:
    """The hash of the code a parse depends on: this package's modules and the libraries'."""
    import yaml  # loaded by yamldoc anyway

    parts = [sys.version, str(getattr(yaml, "__with_libyaml__", False))]
    parts += [f"{name} {_version(name)}" for name in LIBRARIES]
    for path in sorted(PACKAGE.rglob("*.py")):
        parts += [path.relative_to(PACKAGE).as_posix(), path.read_bytes()]
    return _hash(*parts).hex()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "absent"


class _Unpickler(pickle.Unpickler):
    """Makes this package's dataclasses and dates only: no other callable is reachable."""

    def find_class(self, module: str, name: str) -> Any:
        found = None
        # Modules already imported only: looking a class up must not import anything.
        if "." not in name and (module == __package__ or module.startswith(f"{__package__}.")):
            found = getattr(sys.modules.get(module), name, None)
            found = found if isinstance(found, type) and dataclasses.is_dataclass(found) else None
        elif (module, name) == ("datetime", "date"):
            found = datetime.date
        if found is None:
            raise pickle.UnpicklingError(f"not a register value: {module}.{name}")
        return found
