"""Making an edition: the ``edition`` command, from the commit checked out.

The edition must be reproducible from the commit it names, so the register, the content
folder and the settings file must be in the repository and unchanged since that commit.
Pure core: git is called as a program; no Pelican imports.
"""

from __future__ import annotations

import datetime
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..assess.status import reporting_quarter
from ..project.loader import Project
from ..project.settings import PortalSettings
from ..register.files import is_ignored_path
from ..register.quarters import Quarter
from .editions import EditionError, document_as_of, edition_text, parse_edition

GIT_TIMEOUT = 60  # seconds; reading HEAD and the status of a few folders
NEVER_CHANGES = "a committed edition never changes"


@dataclass(frozen=True)
class Made:
    """An edition written by ``make_edition``."""

    path: Path
    commit: str
    targets: int


def make_edition(
    settings: PortalSettings,
    repository: Path,
    inputs: list[Path],
    quarter: Quarter,
    load: Callable[[], Project],
) -> Made:
    """Write the edition of ``quarter`` into EDITIONS_PATH, from the commit checked out.

    ``repository`` is the settings file's folder. ``inputs`` are what targets.json is made
    from (register, content, settings file): each must be in its git repository and
    unchanged since the commit, so that the edition can be made again from its commit.
    ``load`` loads and validates the project, with its published record. Raises
    ``EditionError`` (or the register's errors) and writes nothing when it cannot.
    """
    path = settings.editions_path / f"{quarter}.json"
    _check_new(path)
    top = _top_level(repository)
    commit, commit_date = _head(top)
    _check_clean(top, inputs, settings.editions_path)
    project = load()
    targets, bureaus, record = project.targets, project.bureaus, project.record
    _check_available(record)
    latest = reporting_quarter(targets, None)
    if latest is None or quarter > latest:
        raise EditionError(
            f"--quarter: {quarter} is after the register's latest reported quarter "
            f"({latest or 'none yet'}): make the edition once its figures are in the register"
        )
    document = document_as_of(targets, settings, bureaus, quarter, record)
    text = edition_text(quarter, commit, commit_date, document)
    _, problems = parse_edition(text.encode("utf-8"), str(path), str(quarter))
    if problems:  # never write a file the build would refuse
        raise EditionError("; ".join(str(p) for p in problems))
    _write_new(path, text)
    return Made(path, commit, len(document["targets"]))


def _check_available(record) -> None:
    """Refuse an edition when git cannot give the published record whole."""
    if not record.available:
        raise EditionError(
            f"the published record is unavailable ({record.reason}): an edition freezes "
            "statuses against the original promises, which are read from the register's "
            "git history, as the published site has them"
        )


def _check_new(path: Path) -> None:
    """Refuse an edition that exists, or a folder for it that is not a plain folder."""
    if os.path.lexists(path):
        raise EditionError(
            f"{path} exists already: {NEVER_CHANGES}; a figure found wrong is corrected in "
            "the register, and the edition's page then shows what changed since"
        )
    folder = path.parent
    if os.path.lexists(folder) and (folder.is_symlink() or not folder.is_dir()):
        raise EditionError(
            f"EDITIONS_PATH: {folder} must be a folder, not a link or a file: editions are "
            "committed files of the repository"
        )


def _write_new(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as file:  # never overwrite
            file.write(text)
    except FileExistsError:
        raise EditionError(f"{path} exists already: {NEVER_CHANGES}") from None
    except OSError as exc:
        raise EditionError(f"cannot write {path}: {exc.strerror or exc}") from None


def _top_level(folder: Path) -> Path:
    """The top of the git work tree holding ``folder``."""
    not_git = (
        f"{folder} is not in a git repository: an edition records the commit it is made "
        "from; run it in a clone of the register's repository"
    )
    out = _git(folder, "rev-parse", "--show-toplevel", failure=not_git)
    return Path(os.fsdecode(out.rstrip(b"\n")))


def _head(top: Path) -> tuple[str, str]:
    """The commit checked out and its committer date, ISO 8601 in UTC."""
    no_commit = f"{top} has no commit yet: commit the register first"
    out = _git(top, "show", "-s", "--format=%H %ct", "HEAD", "--", failure=no_commit)
    commit, seconds = out.decode("ascii").split()
    date = datetime.datetime.fromtimestamp(int(seconds), tz=datetime.timezone.utc)
    return commit, date.isoformat()


def _check_clean(top: Path, inputs: list[Path], editions: Path) -> None:
    """Refuse inputs outside the repository, or changed since the commit checked out."""
    _inside(top, editions)  # the edition is committed beside what it was made from
    relative = [_inside(top, path) for path in inputs]
    out = _git(top, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--",
               *relative, failure=f"git status failed in {top}")  # fmt: skip
    changed = [p for p in _status_paths(out) if not is_ignored_path(p)]
    if changed:
        listed = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if changed[3:] else "")
        raise EditionError(
            f"uncommitted changes to the register ({listed}): commit them (or set them "
            "aside) first, so that the edition can be made again from its commit"
        )


def _inside(top: Path, path: Path) -> str:
    """``path`` relative to the top of the work tree; refused when outside it."""
    try:
        return path.resolve().relative_to(top.resolve()).as_posix() or "."
    except ValueError:
        raise EditionError(
            f"{path} is not in the git repository {top}: the edition could not be made "
            "again from its commit; keep the register, content/, the settings and "
            "EDITIONS_PATH in it"
        ) from None


def _status_paths(out: bytes) -> list[str]:
    """The paths ``git status --porcelain=v1 -z`` lists (a rename: its new path)."""
    records = iter(out.split(b"\0"))
    paths = []
    for record in records:
        if len(record) < 4:
            continue
        paths.append(os.fsdecode(record[3:]))
        if record[:1] in (b"R", b"C") or record[1:2] in (b"R", b"C"):
            next(records, None)  # the path it was renamed or copied from
    return paths


def _git(folder: Path, *args: str, failure: str) -> bytes:
    """git's output in ``folder``; ``EditionError`` with ``failure`` when git fails."""
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, timeout=GIT_TIMEOUT
        )
    except FileNotFoundError:
        raise EditionError("git is not installed: an edition records a git commit") from None
    except subprocess.TimeoutExpired:
        raise EditionError(f"git {args[0]} took over {GIT_TIMEOUT} s in {folder}") from None
    if result.returncode != 0:
        raise EditionError(failure)
    return result.stdout
