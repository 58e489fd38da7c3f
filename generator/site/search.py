"""The full-text search index: Pagefind run over the built target pages, once per language.

Each language gets its own index, in its own folder (``pagefind/``, ``zh-hant/pagefind/``),
built by its own Pagefind run over that language's target pages only: Pagefind holds a
whole index in memory while it works, so one language at a time keeps a large register's
build within bounds. The index is a folder of static files served with the site:
searching calls no other host.

Pagefind has no incremental mode (its issue #71), so with a ``cache`` folder a finished
index is kept, keyed by everything its run read (``searchkey``: Pagefind's version and
settings, and of each page what Pagefind reads of it), and put back byte for byte when a
later build would read the same: a figure shown outside the indexed text does not re-run
Pagefind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from ..register.errors import PortalError
from . import searchkey

INDEX_FOLDER = "pagefind"
KEEP = 3
"""Indexes kept per language: the current one and a few to go back to (a reverted edit)."""
MANIFEST = "manifest.json"
"""Written last into a cache entry: every file with its size and hash (a complete entry)."""
PAGES_MEMO = "pages.json"
"""Per language: what Pagefind reads of each page, by the page's hash (parsed once)."""
STALE_SECONDS = 3600
"""A temporary file or entry this old is what an interrupted build left."""
_PACKAGES = ("pagefind", "pagefind_bin_extended", "pagefind_bin")
_CONFIG_FILES = ("pagefind.toml", "pagefind.yml", "pagefind.yaml", "pagefind.json")


def build_search_index(site: Path, roots: list[str], cache: Path | None = None) -> None:
    """Index each language's target pages (``roots``: ``""``, ``"zh-hant/"``) into its own
    ``<root>pagefind`` folder, reusing an index from ``cache`` when Pagefind would read the
    same; raise ``PortalError`` on failure."""
    for root in roots:
        pages, folder = f"{root}targets/*.html", site / f"{root}{INDEX_FOLDER}"
        command = _command(pages, f"{root}{INDEX_FOLDER}")
        if cache is None:
            _index(site, command, folder)
            continue
        store = Path(cache) / (root.strip("/") or "_default")
        key = index_key(site, root, command, store)
        if not _restore(store / key, folder):
            _index(site, command, folder)
            _save(folder, store, key)
        _prune(store, key)


def _command(pages: str, folder: str) -> list[str]:
    return ["--quiet", "--glob", pages, "--output-subdir", folder]


def _index(site: Path, command: list[str], folder: Path) -> None:
    # A folder left from an earlier build must not add its files to this index.
    shutil.rmtree(folder, ignore_errors=True)
    run = [sys.executable, "-m", "pagefind", "--site", str(site), *command]
    try:
        done = subprocess.run(run, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise PortalError(f"search index: cannot run Pagefind: {exc}") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise PortalError(f"search index: Pagefind failed (is pagefind installed?): {detail}")
    _canonical_entry(folder / "pagefind-entry.json")


def _canonical_entry(path: Path) -> None:
    # Pagefind writes the languages of its entry file in hash-map order, which changes from
    # run to run; sorted keys keep the same site byte-identical.
    entry = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(entry, sort_keys=True, separators=(",", ":")), encoding="utf-8")


def index_key(site: Path, root: str, command: list[str], store: Path | None = None) -> str:
    """The hash of all a Pagefind run over ``root``'s pages reads: its version, settings
    and command (the site's folder left out: a staging folder's name changes every build),
    and each page's path with what Pagefind reads of it (``searchkey``)."""
    digest = hashlib.sha256()

    def feed(data: bytes) -> None:
        digest.update(len(data).to_bytes(8, "big") + data)

    feed(searchkey.FORMAT)
    feed(json.dumps([_versions(), command, _settings()]).encode())
    memo = _load_memo(store)
    seen, pages = {}, []
    for page in _pages(site, root):
        try:
            raw = page.read_bytes()
        except OSError as exc:
            raise PortalError(f"search index: cannot read {page}: {exc.strerror}") from exc
        page_hash = hashlib.sha256(raw).hexdigest()
        seen[page_hash] = memo.get(page_hash) or list(searchkey.page_digest(raw))
        pages.append((page.relative_to(site).as_posix(), *seen[page_hash]))
    _save_memo(store, seen, memo)
    # Once one page has a body element, Pagefind skips every page without one.
    custom_body = any(kind == "body" for _, kind, _ in pages)
    for path, kind, reads in pages:
        feed(path.encode())
        feed(b"skipped" if custom_body and kind == "none" else reads.encode())
    return digest.hexdigest()


def _pages(site: Path, root: str) -> list[Path]:
    # More than Pagefind's glob picks (any depth, any case): an extra page only makes the
    # key stricter, a missing one would make it wrong.
    folder = site / root / "targets"
    if not folder.is_dir():
        return []
    found = (p for p in folder.rglob("*") if p.name.lower().endswith(".html") and p.is_file())
    return sorted(found, key=lambda p: p.relative_to(site).as_posix())


def _versions() -> dict[str, str]:
    """The installed Pagefind packages (the binary comes with its package's version)."""
    found = {}
    for name in _PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = ""
    return found


def _settings() -> dict[str, str]:
    """Pagefind's other settings: PAGEFIND_* variables (the binary's path among them) and
    a configuration file in the folder it runs in."""
    settings = {k: v for k, v in sorted(os.environ.items()) if k.startswith("PAGEFIND_")}
    for name in _CONFIG_FILES:
        path = Path(name)
        if path.is_file():
            settings[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    binary = os.environ.get("PAGEFIND_BINARY_PATH")
    if binary and Path(binary).is_file():
        stat = Path(binary).stat()
        settings["binary"] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return settings


def _load_memo(store: Path | None) -> dict[str, list[str]]:
    if store is None:
        return {}
    try:
        memo = json.loads((store / PAGES_MEMO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    ok = isinstance(memo, dict) and memo.get("format") == searchkey.FORMAT.decode()
    return memo.get("pages", {}) if ok else {}


def _save_memo(store: Path | None, seen: dict, memo: dict) -> None:
    # Only this build's pages are kept, so the memo does not grow for ever.
    if store is None or seen == memo:
        return
    data = json.dumps({"format": searchkey.FORMAT.decode(), "pages": seen}, sort_keys=True)
    try:
        store.mkdir(parents=True, exist_ok=True)
        _write_atomic(store / PAGES_MEMO, data.encode())
    except OSError:
        pass  # a memo not kept costs time in the next build, nothing else


def _write_atomic(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(temp, path)


def _restore(entry: Path, folder: Path) -> bool:
    """Put a cached index into ``folder`` if the entry is complete and intact (each file
    checked against its manifest: size and SHA-256); else leave no folder, drop the
    entry and return False."""
    try:
        manifest = json.loads((entry / MANIFEST).read_text(encoding="utf-8"))
        shutil.rmtree(folder, ignore_errors=True)
        for name, (size, sha) in sorted(manifest["files"].items()):
            data = (entry / "index" / name).read_bytes()
            if len(data) != size or hashlib.sha256(data).hexdigest() != sha:
                raise ValueError(f"{name} damaged")
            _link_or_copy(entry / "index" / name, folder / name)
    except (OSError, ValueError, KeyError, TypeError):
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(entry, ignore_errors=True)
        return False
    return True


def _save(folder: Path, store: Path, key: str) -> None:
    """Keep the index just built: linked into a temporary entry, its manifest written
    last, then renamed into place, so an entry under its key is always complete."""
    temp = None
    try:
        store.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(dir=store, prefix=".tmp-"))
        files = {}
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(folder).as_posix()
            data = path.read_bytes()
            _link_or_copy(path, temp / "index" / name)
            files[name] = [len(data), hashlib.sha256(data).hexdigest()]
        (temp / MANIFEST).write_text(json.dumps({"files": files}), encoding="utf-8")
        os.rename(temp, store / key)
    except OSError:
        # An unwritable cache, or another build stored the same key first: the site is
        # right already, only the next build's time is at stake.
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def _link_or_copy(source: Path, target: Path) -> None:
    # A hard link, as the file store links (filestore.py): nothing writes to a file of the
    # index once Pagefind has made it (each run makes its folder anew), and a file edited
    # in place anyway no longer matches its manifest, so its entry is dropped, not served.
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or no hard links there
        shutil.copyfile(source, target)


def _prune(store: Path, key: str) -> None:
    """Keep the ``KEEP`` most recently used entries of a language (this one marked used),
    and drop what an interrupted build left half written."""
    try:
        if (store / key).is_dir():
            os.utime(store / key)
        entries, now = [], time.time()
        for path in store.iterdir():
            if path.name.startswith("."):
                if now - path.stat().st_mtime > STALE_SECONDS:
                    _remove(path)
            elif path.is_dir():
                entries.append(path)
        entries.sort(key=lambda p: (p.name == key, p.stat().st_mtime_ns), reverse=True)
        for old in entries[KEEP:]:
            _remove(old)
    except OSError:
        pass


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
