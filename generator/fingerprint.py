"""A build's inputs summed up in one hash, so that a rebuild with nothing changed stops early.

Everything that can change the site goes into the hash: the register, the hand-written
content and glossaries, the theme, the portal's own code and catalogs, the settings, the
versions of the libraries that render the site, and the register's git commit (the
corrections log is read from its history). A build whose hash matches the last complete
build of the same output folder, with that folder as the build left it, has nothing to do.

Files are listed and read as every other reader does (``files``): a link is hashed by
what it says and never followed, a device, pipe or socket is never opened. The
validator refuses both in the register; in content and theme, a change behind a link is
not seen (``--force`` builds anyway).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, distributions, version
from pathlib import Path

from . import CODE
from .register.files import NotRead, chunks, list_tree

PACKAGE = CODE
RENDERING_PACKAGES = (
    "pelican", "jinja2", "markdown", "nh3", "babel", "pyyaml",
    "altair", "vl-convert-python", "pandas", "pagefind", "weasyprint",
)  # fmt: skip
# A content or theme file larger than this (a video, say) is hashed by its size and
# change time instead of its bytes: the fingerprint never reads a huge file whole.
HASHED_BYTES = 100_000_000


def input_fingerprint(settings: dict, folders: list[Path]) -> str:
    """The hash of every input of a build with ``settings`` reading ``folders``."""
    digest = hashlib.sha256()
    digest.update(_settings_text(settings).encode())
    for folder in [*folders, PACKAGE]:
        _add_folder(digest, Path(folder))
    for name in RENDERING_PACKAGES:
        digest.update(f"{name}={_version(name)}\n".encode())
    digest.update(_git_head(Path(folders[0])).encode())
    return digest.hexdigest()


def site_inputs(settings: dict, folders: list[Path]) -> str:
    """The hash of what every file of the site depends on (``site.dependencies``): the
    settings, ``folders`` (content, theme, editions: not the register), the portal's own
    code and the libraries' versions. Not the register nor its git commit: what each file
    shows of them is hashed file by file."""
    digest = hashlib.sha256()
    # Where a build writes is not an input: its staging folder has a new name each time.
    digest.update(
        _settings_text({k: v for k, v in settings.items() if k != "OUTPUT_PATH"}).encode()
    )
    for folder in [*folders, PACKAGE]:
        _add_folder(digest, Path(folder))
    # Every installed package, not only those named: a file kept for a rebuild must not
    # outlive the library that made it (a Markdown extension, the URL parser, a plugin).
    digest.update(_installed().encode())
    return digest.hexdigest()


def _installed() -> str:
    # A set: a folder put on the path twice (Pelican adds the settings' own) lists its
    # packages twice.
    found = sorted({f"{d.metadata['Name'] or ''}=={d.version}" for d in distributions()})
    return f"python {sys.version}\n" + "\n".join(found)


def _settings_text(settings: dict) -> str:
    return json.dumps(_plain(settings))


def _plain(value):
    """``value`` as JSON-able data that changes exactly when the setting does."""
    if isinstance(value, dict):
        return sorted([str(k), _plain(v)] for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, str | int | float | bool):
        return value
    code = getattr(value, "__code__", None)
    if code is not None:
        # A function (a custom Jinja filter, say): its compiled code, so an edit counts.
        compiled = hashlib.sha256(marshal.dumps(code)).hexdigest()
        return f"{value.__module__}.{value.__qualname__}:{compiled}"
    # Any other object by its type: its repr may hold a memory address.
    return type(value).__qualname__


def _add_folder(digest, folder: Path) -> None:
    if not folder.is_dir():
        digest.update(f"missing:{folder}\n".encode())
        return
    # Listed as the validator lists the register (list_tree): hidden files and
    # editor leftovers left out, links and special files never followed nor opened. A
    # refused entry is hashed by its refusal, so adding one builds again and is refused.
    tree = list_tree(folder)
    for path in tree.files:
        if "__pycache__" in path.parts:  # compiled from the sources, and written mid-build
            continue
        digest.update(f"{path.relative_to(folder).as_posix()}\n".encode())
        digest.update(_file_hash(path))
    for refused in tree.refused:
        where = refused.path.relative_to(folder).as_posix()
        digest.update(f"refused {where}: {refused.message}\n".encode())


def _file_hash(path: Path) -> bytes:
    """The hash of one regular file, read a piece at a time; a huge one by size and time."""
    one = hashlib.sha256()
    try:
        for piece in chunks(path, HASHED_BYTES):
            one.update(piece)
    except (NotRead, OSError) as exc:
        try:
            info = os.lstat(path)
            when = f"{info.st_size} {info.st_mtime_ns}"
        except OSError:
            when = "gone"
        return f"not read: {exc} {when}\n".encode()
    return one.digest()


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def _git_head(folder: Path) -> str:
    # The corrections log reads the whole history: deepening a shallow clone changes it
    # without moving HEAD.
    command = ["git", "-C", str(folder), "rev-parse", "HEAD", "--is-shallow-repository"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError:
        return "no git"
    return done.stdout.strip() if done.returncode == 0 else "no git history"


def output_signature(output: Path) -> list[int]:
    """Files, bytes and newest change time under ``output``: any edit to the site moves it."""
    count = size = newest = 0
    for root, _, files in os.walk(output):
        for name in files:
            stat = os.stat(os.path.join(root, name))
            count, size, newest = count + 1, size + stat.st_size, max(newest, stat.st_mtime_ns)
    return [count, size, newest]


class BuildRecord:
    """The fingerprint of the last complete build of an output folder, in a file beside it.

    Beside, not inside: the site stays free of build details, and every build of that
    folder, whatever its settings, finds and clears the same record.
    """

    def __init__(self, output: Path):
        self.path = output.with_name(output.name + ".last-build.json")
        self.output = output

    def matches(self, fingerprint: str) -> dict | None:
        """The recorded build's summary if it had ``fingerprint`` and the site is untouched."""
        if not self.output.is_dir():
            return None
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if record.get("fingerprint") != fingerprint:
            return None
        return record if record.get("output") == output_signature(self.output) else None

    def forget(self) -> None:
        """Drop the record before building, so an interrupted build is never taken as done."""
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)

    def remember(self, fingerprint: str, summary: dict) -> None:
        """Record a complete build; a record that cannot be written only costs speed."""
        record = {**summary, "fingerprint": fingerprint, "output": output_signature(self.output)}
        partial = self.path.with_suffix(".part")
        with contextlib.suppress(OSError):
            partial.write_text(json.dumps(record), encoding="utf-8")
            os.replace(partial, self.path)
