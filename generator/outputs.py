"""The output folder: where a build may write, one build at a time, and the swap.

A build of the folder OUTPUT writes nothing but OUTPUT itself and these siblings, named
after it (so that every build of OUTPUT, whatever its settings, finds the same ones):

- ``OUTPUT.lock``: locked (``filelock``, an OS lock) while a build of OUTPUT runs. The
  kernel lets go of it when the build ends, however it ends, so a killed build never
  blocks the next; the empty file stays.
- ``OUTPUT.building-XXXXXXXX``: one build's staging folder, the new site until it is whole.
- ``OUTPUT.previous-XXXXXXXX``: the previous site, for the moment of the swap.
- ``OUTPUT.last-build.json``: the record of the last complete build (``fingerprint``),
  written as ``OUTPUT.last-build.part`` and renamed.

A build takes the lock, clears what killed builds of OUTPUT left (a killed build's
staging folder, or a previous site it had not deleted, which is put back if OUTPUT is
missing), builds into its staging folder, and only then swaps it in. The chart cache
(CHART_CACHE_PATH) is the one other folder a build writes.

An OUTPUT that is, contains or lies inside what a build reads (the register, content,
theme, chart cache, the portal's code, git's folder), or that is or contains the
repository, is refused before anything is written; so is one that is a file, a folder
of something else than a site, or a site that cannot be deleted.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from . import CODE
from .project.settings import SETTINGS_FILE
from .register.errors import PortalError

logger = logging.getLogger(__name__)

PACKAGE = CODE
# What every site the portal builds has: a folder with it is one the portal may replace.
SITE_MARK = Path("data") / "targets.json"
_NAME_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_LEFTOVER = re.compile(r"\.(building|previous)-[a-z0-9_]{8}")
# How a path relates to a folder, the most telling first.
_IS, _INSIDE, _CONTAINS = "is", "lies inside", "contains"


class OutputError(PortalError):
    """The output folder cannot be used or replaced; nothing was written or deleted."""


def check_paths(output: Path, settings: dict) -> Path:
    """``output`` resolved (links and ``..``), once sure that replacing it harms nothing
    the build reads and that the chart cache is a folder of its own; else ``OutputError``."""
    output = Path(output).resolve()
    sources = _sources(settings)
    cache = settings.get("CHART_CACHE_PATH")
    cache = Path(cache).resolve() if isinstance(cache, str | Path) else None
    chart_cache = [] if cache is None else [(cache, "the chart cache (CHART_CACHE_PATH)", True)]
    clash = _clash(output, sources + chart_cache)
    if clash is not None:
        relation, label, path = clash
        raise OutputError(
            f"--output {output} {relation} {label}{_at(relation, path)}, and a build replaces "
            f"everything in its output folder: build into a folder of its own, such as "
            f"{_suggestion(settings)}"
        )
    clash = (
        None if cache is None else _clash(cache, [*sources, (output, "the output folder", True)])
    )
    if clash is not None:
        relation, label, path = clash
        raise OutputError(
            f"CHART_CACHE_PATH {cache} {relation} {label}{_at(relation, path)}: set it to a "
            "folder of its own, such as .cache/charts"
        )
    return output


def _sources(settings: dict) -> list[tuple[Path, str, bool]]:
    """(folder, what it is, whether a folder inside it is off limits too), repository first."""
    targets = Path(settings.get("TARGETS_PATH", "targets")).resolve()
    content = Path(settings.get("PATH", "content")).resolve()
    theme = Path(settings.get("THEME", "theme")).resolve()
    roots, git_folders = [], []
    settings_file = settings.get(SETTINGS_FILE)
    folders = [targets, content, theme]
    editions = Path(settings.get("EDITIONS_PATH", "editions"))
    if settings_file:
        roots.append(Path(settings_file).resolve().parent)
        folders.insert(0, roots[0])
        editions = roots[0] / editions  # as settings reads it: beside the settings file
    editions = editions.resolve()
    for folder in folders:
        for root, git_folder in _git_repository(folder):
            roots.append(root)
            git_folders.append(git_folder)
    sources = [(root, "the repository", False) for root in dict.fromkeys(roots)]
    sources += [(g, "the repository's git folder", True) for g in dict.fromkeys(git_folders)]
    return sources + [
        (targets, "the register (TARGETS_PATH)", True),
        (content, "the content folder (PATH)", True),
        (theme, "the theme (THEME)", True),
        (editions, "the published editions (EDITIONS_PATH)", True),
        (PACKAGE, "the portal's own code", True),
    ]


def _git_repository(folder: Path) -> list[tuple[Path, Path]]:
    """The work tree and git folder ``folder`` is in, if any."""
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    command = ["git", "-C", str(folder), "rev-parse", "--show-toplevel", "--absolute-git-dir"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):  # no git: the settings file's folder it is
        return []
    lines = done.stdout.splitlines()
    if done.returncode != 0 or len(lines) != 2:
        return []
    return [(Path(lines[0]).resolve(), Path(lines[1]).resolve())]


def _clash(path: Path, sources: list[tuple[Path, str, bool]]) -> tuple[str, str, Path] | None:
    found = []
    for folder, label, inside_too in sources:
        if path == folder:
            found.append((0, _IS, label, folder))
        elif inside_too and path.is_relative_to(folder):
            found.append((1, _INSIDE, label, folder))
        elif folder.is_relative_to(path):
            found.append((2, _CONTAINS, label, folder))
    if not found:
        return None
    _, relation, label, folder = min(found, key=lambda clash: clash[0])
    return relation, label, folder


def _at(relation: str, path: Path) -> str:
    return "" if relation == _IS else f" at {path}"


def _suggestion(settings: dict) -> str:
    settings_file = settings.get(SETTINGS_FILE)
    return str(Path(settings_file).resolve().parent / "output") if settings_file else "output/"


def check_replaceable(output: Path) -> None:
    """Refuse, with what to do, an existing ``output`` that a build must not or cannot replace."""
    if not output.exists():
        return
    if not output.is_dir():
        raise OutputError(
            f"--output {output} is a file, not a folder: move or delete it, or build into "
            "another folder"
        )
    try:
        empty = not any(output.iterdir())
    except OSError as exc:
        raise OutputError(f"--output {output} cannot be read ({exc.strerror})") from None
    if empty:
        return
    if not (output / SITE_MARK).is_file():
        raise OutputError(
            f"--output {output} holds files that are not a site built by the portal (it has "
            f"no {SITE_MARK.as_posix()}), and building would delete them: build into a new or "
            "empty folder, or delete that one yourself first"
        )
    stuck = _undeletable(output)
    if stuck is not None:
        raise OutputError(
            f"{stuck} cannot be emptied (no permission to delete what is in it), so the site "
            f"in {output} cannot be replaced and was left as it was: make it deletable "
            f"(chmod -R u+w {output}; chattr -R -i {output} if it is marked immutable) "
            "or delete it yourself, then build again"
        )


def _undeletable(output: Path) -> Path | None:
    """The first folder whose entries cannot be deleted: the swap needs to delete them all."""
    if not os.access(output.parent, os.W_OK | os.X_OK):
        return output.parent
    for folder, _, _ in os.walk(output):
        # The write bit also reports an immutable folder, for root as for anyone.
        if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
            return Path(folder)
    return None


def lock_path(output: Path) -> Path:
    """The lock file of the builds of ``output``."""
    return output.with_name(output.name + ".lock")


@contextmanager
def exclusive(output: Path) -> Iterator[None]:
    """Hold the lock of ``output`` (or refuse at once: another build has it), clearing what
    killed builds left."""
    lock = _make_lock_file(output)
    held = FileLock(str(lock))
    try:
        # Not waiting: a build holds the lock for minutes, and saying so helps more than a pause.
        held.acquire(blocking=False)
    except Timeout:
        raise OutputError(
            f"another build of {output} is running (it holds {lock}): wait for it to "
            "finish, or build into another folder"
        ) from None
    except OSError as exc:
        raise OutputError(f"cannot lock {lock} ({exc.strerror or exc})") from None
    try:
        _clear_leftovers(output)
        yield
    finally:
        held.release()


def _make_lock_file(output: Path) -> Path:
    """Make the lock file of ``output`` (and its parent folders): filelock takes a file
    it cannot create for one that another build holds."""
    lock = lock_path(output)
    folder = lock.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(
            f"--output {output} lies below {folder}, which is a file, not a folder: "
            "build into a folder path"
        )
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        # Not through a link, nor blocking on a pipe someone named so.
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK
        os.close(os.open(lock, flags, 0o666))
    except OSError as exc:
        raise OutputError(
            f"cannot make {exc.filename or lock} ({exc.strerror or exc}): build into a "
            "folder you can write in"
        ) from None
    return lock


def _clear_leftovers(output: Path) -> None:
    """Remove the staging and previous-site folders of dead builds (the lock proves them
    dead); a previous site is put back first if a build died between its two renames."""
    found = sorted(
        path
        for path in output.parent.iterdir()
        if path.name.startswith(output.name)
        and _LEFTOVER.fullmatch(path.name[len(output.name) :])
        and path.is_dir()
        and not path.is_symlink()
    )
    previous = [path for path in found if ".previous-" in path.name]
    if not output.exists() and previous:
        site = max(previous, key=lambda path: path.stat().st_mtime_ns)
        if (site / SITE_MARK).is_file():
            logger.info("putting back %s, left by a build stopped as it swapped", site)
            site.rename(output)
    for path in found:
        if path.exists():
            remove(path)


def _new_name(output: Path, kind: str) -> Path:
    return output.with_name(
        f"{output.name}.{kind}-{''.join(secrets.choice(_NAME_CHARACTERS) for _ in range(8))}"
    )


@contextmanager
def staging_folder(output: Path) -> Iterator[Path]:
    """A new, empty staging folder of this build beside ``output``, removed on leaving."""
    while True:
        staging = _new_name(output, "building")
        try:
            staging.mkdir()  # not mkdtemp: the site keeps the usual permissions (umask)
            break
        except FileExistsError:
            continue
    try:
        yield staging
    finally:
        if staging.exists():
            remove(staging)


def swap_in(staging: Path, output: Path) -> None:
    """Put the complete site ``staging`` where ``output`` is; if that fails, ``output`` is
    as it was. The previous site is renamed aside first, then deleted."""
    previous = None
    if output.exists():
        previous = _new_name(output, "previous")
        while previous.exists():
            previous = _new_name(output, "previous")
        output.rename(previous)
    try:
        staging.rename(output)
    except BaseException:
        if previous is not None:
            previous.rename(output)
        raise
    if previous is not None:
        remove(previous)


def remove(folder: Path) -> None:
    """Delete ``folder`` of this build's making; what cannot be deleted is reported, and
    the next build of the same output tries again."""

    failed: list[str] = []

    def report(function, path, error) -> None:
        if not failed:  # once: the first says what to do
            failed.append(path)
            error = error[1] if isinstance(error, tuple) else error
            logger.warning("could not delete %s (%s): delete %s yourself", path, error, folder)

    if sys.version_info >= (3, 12):
        shutil.rmtree(folder, onexc=report)
    else:  # pragma: no cover - Python 3.10 and 3.11 know only onerror
        shutil.rmtree(folder, onerror=report)


def clean(output: Path) -> None:
    """Delete the site in ``output`` and everything builds keep beside it (``invoke
    clean``); refused while a build of it runs, or if it is not a site."""
    from .fingerprint import BuildRecord

    output = Path(output).resolve()
    check_replaceable(output)
    with exclusive(output):  # which clears what killed builds left, too
        if output.exists():
            remove(output)
        BuildRecord(output).forget()
        # Unlinked while held: a build that opened it meanwhile sees it gone and makes anew.
        lock_path(output).unlink(missing_ok=True)


# The folder the last complete build wrote, so that `invoke serve` shows what was built
# (`build --output elsewhere`, then `serve`). Kept in the cache folder: git-ignored, the
# build's own state, and safe to delete (serve then falls back to its default).
LAST_OUTPUT = "last-output.txt"


def remember_last_output(cache: Path, output: Path) -> None:
    """Record ``output`` as the folder the last build wrote; a failure costs only that."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
        (cache / LAST_OUTPUT).write_text(f"{Path(output).resolve()}\n", encoding="utf-8")
    except OSError as exc:
        logger.debug("could not record the last output folder: %s", exc)


def last_output(cache: Path) -> Path | None:
    """The folder the last build wrote, if it still holds a site; else None."""
    try:
        text = (cache / LAST_OUTPUT).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    folder = Path(text) if text else None
    return folder if folder is not None and (folder / SITE_MARK).is_file() else None
