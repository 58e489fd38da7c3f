"""The chart cache: rendered chart files kept under a hash of everything they depend on.

A rebuild then renders only the charts whose spec changed. Each entry is written to a
temporary file and renamed into place, and carries a checksum of its content, so a
killed build or a damaged file costs only a re-render. The folder (CHART_CACHE_PATH) is
safe to delete at any time; it only grows, so delete it now and then.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

_DIGEST = hashlib.sha256().digest_size


class ChartCache:
    """Files kept by key (a hex digest) in ``folder``; ``None`` keeps nothing."""

    def __init__(self, folder: Path | str | None) -> None:
        self.folder = None if folder is None else Path(folder)
        self._warned = False

    def path(self, key: str) -> Path:
        """Where the entry ``key`` lives: 256 sub-folders keep each folder short."""
        return self.folder / key[:2] / key

    def get(self, key: str) -> bytes | None:
        """The content kept under ``key``; ``None`` when absent, unreadable or damaged."""
        if self.folder is None:
            return None
        try:
            entry = self.path(key).read_bytes()
        except OSError:
            return None
        digest, content = entry[:_DIGEST], entry[_DIGEST:]
        return content if hashlib.sha256(content).digest() == digest else None

    def put(self, key: str, content: bytes) -> None:
        """Keep ``content`` under ``key``, whole or not at all.

        A cache that cannot be written is only slower: the build goes on, with a warning.
        """
        if self.folder is None:
            return
        try:
            _write_whole(self.path(key), hashlib.sha256(content).digest() + content)
        except OSError as exc:
            if not self._warned:
                logger.warning(
                    "chart cache %s not written (%s): rendering anyway", self.folder, exc
                )
                self._warned = True


def _write_whole(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that readers see the old file or the new, never half."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
