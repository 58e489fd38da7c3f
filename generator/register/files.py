"""The one way the portal lists and reads register and content files.

Only regular files are read. A symbolic link is never followed, to a file or to a folder,
by any reader: git keeps a link as a link, so the corrections log and the change summary,
which read the register from git, could never follow one; refusing links on disk as well
keeps the validator, the build, the fingerprint and the git readers in agreement. A link,
a device, a named pipe (FIFO) or a socket is refused by its path and never opened.
Without links a folder tree cannot loop, and a tree deeper than ``MAX_DEPTH`` is refused
rather than walked. Hidden files and folders (``.git``, ``.DS_Store``, ``.#x.yaml``,
``.x.yaml.swp``) and editor leftovers (``x.yaml~``, ``#x.yaml#``) are ignored, on disk
and in git alike. A size limit is checked before any byte is read.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_DEPTH = 32  # folders below the register; the contract's sub-folders need two or three
CHUNK = 1 << 16
LINK_WORDS = "git keeps only the link, so the published record could not follow it"
TOO_DEEP = f"folders nested more than {MAX_DEPTH} deep: move its files nearer the top"
_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}
# Opened without following a link, and without waiting for a writer if it became a pipe.
_OPEN_FLAGS = (
    os.O_RDONLY
    | os.O_NONBLOCK
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def is_ignored(name: str) -> bool:
    """True for a hidden file or folder or an editor's leftover: no reader reads these."""
    return name.startswith((".", "#", "~")) or name.endswith(("~", "#")) or name == "__pycache__"


def is_ignored_path(relative: str) -> bool:
    """True when any part of the ``/``-separated ``relative`` path is ignored (git's paths)."""
    return any(is_ignored(part) for part in PurePosixPath(relative).parts)


@dataclass(frozen=True)
class Refusal:
    """An entry that is not read; ``message`` says why and what to do."""

    path: Path
    message: str


@dataclass(frozen=True)
class Tree:
    """The regular files under a folder, sorted by path, and the entries refused."""

    files: list[Path]
    refused: list[Refusal]


def list_tree(folder: Path) -> Tree:
    """Every regular file under ``folder`` and every entry refused; nothing is opened."""
    files: list[Path] = []
    refused: list[Refusal] = []
    pending = [(Path(folder), 0)]
    while pending:
        current, depth = pending.pop()
        try:
            with os.scandir(current) as listing:
                entries = [entry for entry in listing if not is_ignored(entry.name)]
        except OSError as exc:
            refused.append(Refusal(current, f"cannot list the folder: {exc.strerror}"))
            continue
        for entry in entries:
            path = Path(entry.path)
            # The d_type answers these without a system call; a link is never followed.
            if entry.is_dir(follow_symlinks=False):
                if depth < MAX_DEPTH:
                    pending.append((path, depth + 1))
                else:
                    refused.append(Refusal(path, TOO_DEEP))
            elif entry.is_file(follow_symlinks=False):
                files.append(path)
            else:
                refused.append(Refusal(path, refusal_message(path)))
    files.sort(key=lambda p: p.as_posix())
    refused.sort(key=lambda r: r.path.as_posix())
    return Tree(files, refused)


def refusal_message(path: Path, mode: int | None = None) -> str:
    """Why the entry at ``path`` (of ``mode``, as lstat gives it) is not read."""
    if mode is None:
        try:
            mode = os.lstat(path).st_mode
        except OSError as exc:
            return f"cannot read file: {exc.strerror}"
    if stat.S_ISLNK(mode):
        return _link_message(path)
    if stat.S_ISDIR(mode):
        return "cannot read file: it is a folder"
    kind = _KINDS.get(stat.S_IFMT(mode), "a special file")
    return f"{kind}, not a regular file: remove it, or put a plain file in its place"


def _link_message(path: Path) -> str:
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    try:
        # stat follows the link to name what it leads to; it opens nothing.
        pointed = os.stat(path).st_mode
    except OSError:
        broken = f"not a readable file (a broken link?) to {target!r}"
        return f"{broken}: {LINK_WORDS}: put the real file here"
    if stat.S_ISDIR(pointed):
        return f"a link to a folder ({target!r}): {LINK_WORDS}: move the real folder here"
    return f"a link to {target!r}, not the file itself: {LINK_WORDS}: put the real file here"


class NotRead(Exception):
    """A file that is not read: not a regular file, or over the size limit."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def chunks(path: Path, limit: int, advice: str = "") -> Iterator[bytes]:
    """The bytes of the regular file ``path`` in pieces, at most ``limit`` of them.

    Raises ``NotRead`` before reading anything from a link, a device, a pipe, a socket or
    a file over ``limit`` (by its size); also if it grows past ``limit`` while read.
    """
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise NotRead(f"cannot read file: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise NotRead(refusal_message(path, info.st_mode))
    too_large = f"file is larger than {limit} bytes" + (f": {advice}" if advice else "")
    if info.st_size > limit:
        raise NotRead(too_large)
    fd = _open_same(path, info)
    try:
        total = 0
        while piece := os.read(fd, CHUNK):
            total += len(piece)
            if total > limit:
                raise NotRead(too_large)
            yield piece
    finally:
        os.close(fd)


def _open_same(path: Path, info: os.stat_result) -> int:
    """Open ``path``, checking it is still the regular file ``info`` describes."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        # O_NOFOLLOW: the file became a link since it was checked.
        moved = exc.errno == errno.ELOOP
        raise NotRead(_link_message(path) if moved else f"cannot read: {exc.strerror}") from None
    now = os.fstat(fd)
    if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
        os.close(fd)
        raise NotRead("the file was replaced while it was read: run the command again")
    return fd


def read_file(path: Path, limit: int, advice: str = "") -> tuple[bytes | None, str | None]:
    """The bytes of the regular file ``path``, or ``None`` and why it was not read."""
    try:
        return b"".join(chunks(path, limit, advice)), None
    except NotRead as refused:
        return None, refused.message
    except OSError as exc:
        return None, f"cannot read file: {exc.strerror}"
