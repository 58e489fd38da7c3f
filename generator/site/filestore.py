"""The files of earlier builds, kept by key so that a rebuild makes only what changed.

``<CHART_CACHE_PATH>/files/`` holds each file a build wrote, once per distinct content,
named by the SHA-256 of its bytes, and ``manifest.json``: for each file's key
(``dependencies``), the hash, size and change time of its content. A rebuild whose
file has a key the manifest holds links that content into its staging folder instead of
making the file again.

Kept content is linked (a hard link, no copy) both into the store and into the sites
built from it, and nothing writes to a linked file: the build writes every file it makes
as a new file, and a page, which Pelican writes, is handed to Pelican as text
(``text``). A file someone edited in place (in the store or in a built site) no longer
has the size, change time and bytes kept: it is never served again, and its file is made
anew. A file whose change time alone moved (restored from a CI cache) is checked by its
bytes.

The manifest holds the files of the last build alone, and content no longer in it is
deleted after the build (``save``), so the store stays the size of one site. Every
failure here (a full disk, a store deleted mid-build) costs only speed: the file is made.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import shutil
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

FOLDER = "files"
MANIFEST = "manifest.json"
FORMAT = 1


class FileStore:
    """The store in ``folder`` (None: keep nothing), serving one build into ``staging``."""

    def __init__(self, folder: Path | None, staging: Path, reuse: bool = True) -> None:
        self.folder = None if folder is None else Path(folder) / FOLDER
        self.staging = staging
        self._known = self._read_manifest() if reuse else {}
        self._used: dict[str, list] = {}
        self.reused = 0
        self._warned = False

    def _read_manifest(self) -> dict[str, list]:
        if self.folder is None:
            return {}
        try:
            data = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        ok = isinstance(data, dict) and data.get("format") == FORMAT
        return data.get("files", {}) if ok and isinstance(data.get("files"), dict) else {}

    def _content(self, key: str) -> Path | None:
        """The kept content of ``key``, if it is whole and untouched."""
        entry = self._known.get(key)
        if not (isinstance(entry, list) and len(entry) == 3 and self.folder is not None):
            return None
        sha, size, mtime = entry
        path = self.folder / str(sha)[:2] / str(sha)
        try:
            info = path.stat()
        except OSError:
            return None
        if (info.st_size, info.st_mtime_ns) == (size, mtime):
            return path
        # Restored from an archive (a CI cache), a file can come back with another change
        # time: its bytes say whether it is still the content kept.
        if info.st_size != size or not _holds(path, str(sha)):
            return None
        self._known[key] = [sha, info.st_size, info.st_mtime_ns]
        return path

    def has(self, key: str) -> bool:
        """Whether the store holds the file of ``key``, whole and untouched."""
        return self._content(key) is not None

    def link(self, key: str, site_path: str) -> bool:
        """Put the kept file of ``key`` at ``site_path`` in the staging folder; False if
        there is none (make the file then, and ``keep`` it)."""
        content = self._content(key)
        if content is None:
            return False
        target = self.staging / site_path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(content, target)
        except OSError:
            return False
        self._used[key] = self._known[key]
        self.reused += 1
        return True

    def text(self, key: str) -> str | None:
        """The kept text of ``key`` (a page, for Pelican to write), or None."""
        data = self.data(key)
        try:
            return None if data is None else data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def data(self, key: str) -> bytes | None:
        """The kept bytes of ``key``, or None. The caller writes them (as a new file)."""
        content = self._content(key)
        if content is None:
            return None
        try:
            data = content.read_bytes()
        except OSError:
            return None
        self._used[key] = self._known[key]
        self.reused += 1
        return data

    def keep(self, key: str, site_path: str, data: bytes | None = None) -> None:
        """Keep the file this build made at ``site_path`` as the content of ``key``;
        ``data``: the bytes it was made from, if at hand (a page's text, which Pelican
        may write with other line endings: the text is what is kept)."""
        if self.folder is None:
            return
        made = self.staging / site_path
        try:
            written = made.read_bytes()
            data = written if data is None else data
            sha = hashlib.sha256(data).hexdigest()
            content = self.folder / sha[:2] / sha
            # Kept content is linked into built sites: one edited there in place is not it.
            if not (content.exists() and _holds(content, sha)):
                content.parent.mkdir(parents=True, exist_ok=True)
                _store(made if written == data else None, data, content)
            info = content.stat()
        except OSError as exc:
            self._warn(exc)
            return
        self._used[key] = [sha, info.st_size, info.st_mtime_ns]

    def save(self) -> None:
        """Record this build's files as the manifest and delete content it did not use."""
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_whole(self.folder / MANIFEST, {"format": FORMAT, "files": self._used})
        except OSError as exc:
            self._warn(exc)
            return
        wanted = {entry[0] for entry in self._used.values()}
        for sub in self.folder.iterdir():
            if sub.is_dir() and len(sub.name) == 2:
                for content in sub.iterdir():
                    if content.name not in wanted:
                        with contextlib.suppress(OSError):
                            content.unlink()

    def _warn(self, exc: OSError) -> None:
        if not self._warned:
            logger.warning(
                "built files not kept in %s (%s): the next build makes them", self.folder, exc
            )
            self._warned = True


def _holds(path: Path, sha: str) -> bool:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            for piece in iter(lambda: file.read(1 << 20), b""):
                digest.update(piece)
    except OSError:
        return False
    return digest.hexdigest() == sha


def _link_or_copy(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)  # never written through: a new file, or a new link
    try:
        os.link(source, target)
    except OSError:  # another file system, or no hard links there
        shutil.copyfile(source, target)
        shutil.copystat(source, target)


def _store(made: Path | None, data: bytes, content: Path) -> None:
    """Keep ``data`` as ``content``, whole or not at all: ``made`` (the site's file, when
    it holds exactly ``data``) linked, else a copy, under a temporary name renamed over
    whatever ``content`` was."""
    temp = content.with_name(f".part-{secrets.token_hex(8)}")
    try:
        try:
            if made is None:
                raise OSError("not the same bytes")
            os.link(made, temp)
        except OSError:
            temp.write_bytes(data)
        os.replace(temp, content)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _write_whole(path: Path, data: dict) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file, separators=(",", ":"))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class KeptPage:
    """A page an earlier build made from the same inputs, handed to Pelican's writer as a
    template that renders to it: Pelican writes it as any page (a new file, its checks and
    signals), and the page is not rendered again."""

    def __init__(self, text: str) -> None:
        self.text = text

    def render(self, context) -> str:
        return self.text


class RecordedPage:
    """A page's template, keeping the text it rendered: the text is what the memo keeps,
    whatever line endings Pelican writes it with."""

    def __init__(self, template) -> None:
        self.template = template
        self.text = ""

    def render(self, context) -> str:
        self.text = self.template.render(context)
        return self.text


def write_new(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` as a new file. A file kept from an earlier build is
    linked, not copied: writing through the link would alter that build's site and the
    kept content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8", newline="\n")
