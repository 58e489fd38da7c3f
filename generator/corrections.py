"""The corrections log: every change to a figure or note after it was published.

Read from the register's git history on the main line (first parents): each commit
that touched the register folder is compared with the one before it. Pure core: git
is called as a program; no Pelican imports.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .gitrefs import ChangesError, _git, _read_blobs, is_register_blob
from .model import ProgressEntry, Target
from .quarters import Quarter
from .register import SourceFile, read_source

# The fields of a progress entry whose change after publication is a correction.
FIELDS = ("value", "percent_complete", "note")
_COMMIT_MARK = b"\x01"


@dataclass(frozen=True)
class FigureCorrection:
    """One published figure or note of a target's quarter, changed by a commit."""

    target_id: str
    quarter: Quarter
    field: str  # "value", "percent_complete" or "note"
    old: float | str | None
    new: float | str | None  # None when the entry (or, for "note", the note) was removed
    date: str  # ISO date of the commit (committer date, UTC)
    commit: str  # full commit id

    @property
    def short_commit(self) -> str:
        """The commit id shortened to its first 10 characters, as shown on the site."""
        return self.commit[:10]


@dataclass(frozen=True)
class _Change:
    """One register file changed by a commit; a path is None on the side it is absent."""

    old_path: str | None
    new_path: str | None
    new_oid: str


@dataclass
class _Commit:
    """A commit on the main line that touched the register folder."""

    commit: str
    date: str
    changes: list[_Change]


def corrections_log(targets_dir: Path, default_lang: str) -> list[FigureCorrection] | None:
    """Every correction to an already-published entry, oldest first.

    Then by target id, quarter and field. Each version is validated as the build does, in
    ``default_lang`` (the DEFAULT_LANG setting: a title must be given in it). None when
    targets_dir is not inside a git work tree or git is not installed (the site then says
    the log is unavailable); also when git cannot read the history (a clone missing
    objects), rather than failing the build. Files are chosen as on disk
    (``gitrefs.is_register_blob``): links, hidden files and editor leftovers are skipped.
    """
    try:
        top, prefix = _locate(Path(targets_dir))
        commits = _history(top, prefix)
        versions = _parse_versions(top, commits, default_lang)
    except ChangesError:
        return None
    published: dict[str, Target] = {}
    log: list[FigureCorrection] = []
    for commit in commits:
        found = []
        for old, new in _apply(published, commit.changes, versions):
            found += _compare(old, new, commit)
        # Commits are already in order; within one, the order promised by the docstring.
        log += sorted(found, key=lambda c: (c.target_id, c.quarter, c.field))
    return log


# --- Reading the history ----------------------------------------------------------------------


def _locate(targets_dir: Path) -> tuple[Path, str]:
    """The work tree's top folder, and ``targets_dir`` relative to it as git writes paths."""
    located = _git(targets_dir, "rev-parse", "--show-toplevel", "--show-prefix")
    # Two lines, top and prefix; the prefix is empty when the register is the top folder.
    top, _, prefix = os.fsdecode(located.stdout).removesuffix("\n").rpartition("\n")
    return Path(top), prefix


def _history(top: Path, prefix: str) -> list[_Commit]:
    """The main-line commits that changed the folder ``prefix``, oldest first, with changes."""
    out = _git(
        top,
        "log",
        # The main line: a branch's own commits were never published, its merge was.
        "--first-parent",
        "-m",
        "--reverse",
        "--topo-order",
        "--root",  # a shallow clone's oldest commit lists every file as added
        "-M",
        "--raw",
        "-z",
        "--no-abbrev",
        "--no-color",
        "--no-show-signature",
        "--format=%x01%H %ct",
        # An unborn branch (no commit yet) has no history rather than an error.
        "--ignore-missing",
        "HEAD",
        "--",
        f":(top,literal){prefix}",
    ).stdout
    return [_pair_moves(commit) for commit in _parse_log(out, prefix)]


def _parse_log(out: bytes, prefix: str) -> list[_Commit]:
    """Read ``git log --raw -z``: a commit line, then ``:meta`` records each with its paths."""
    commits: list[_Commit] = []
    tokens = iter(out.split(b"\0"))
    for token in tokens:
        token = token.lstrip(b"\n")
        if token.startswith(_COMMIT_MARK):
            commit, stamp = token[1:].decode("ascii").split()
            commits.append(_Commit(commit, _utc_date(int(stamp)), []))
        elif token.startswith(b":"):
            old_mode, new_mode, _, new_oid, status = token[1:].decode("ascii").split()
            # Paths are read here, so a path is never taken for a record or a commit line.
            paths = [os.fsdecode(next(tokens))]
            if status[0] in "RC":
                paths.append(os.fsdecode(next(tokens)))
            old = paths[0] if is_register_blob(old_mode, paths[0], prefix) else None
            new = paths[-1] if is_register_blob(new_mode, paths[-1], prefix) else None
            if old or new:
                commits[-1].changes.append(_Change(old, new, new_oid))
    return commits


def _utc_date(timestamp: int) -> str:
    """The UTC calendar date of a Unix time, ISO-written."""
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.timezone.utc).date().isoformat()


def _stem(path: str) -> str:
    """The file name without ``.yaml``: the target's id."""
    return PurePosixPath(path).stem


def _pair_moves(commit: _Commit) -> _Commit:
    """Join a file deleted and one added with the same name into a move.

    git's rename detection misses a small file that was moved and much edited at once; the
    file name is the target's id, so the same name is the same target.
    """
    deleted = [c for c in commit.changes if c.new_path is None]
    added = [c for c in commit.changes if c.old_path is None]
    changes = [c for c in commit.changes if c.old_path and c.new_path]
    for gone in deleted:
        same = [c for c in added if _stem(c.new_path) == _stem(gone.old_path)]
        others = [c for c in deleted if _stem(c.old_path) == _stem(gone.old_path)]
        if len(same) == 1 and len(others) == 1:
            added.remove(same[0])
            changes.append(_Change(gone.old_path, same[0].new_path, same[0].new_oid))
        else:
            changes.append(gone)
    return _Commit(commit.commit, commit.date, changes + added)


def _parse_versions(
    top: Path, commits: list[_Commit], default_lang: str
) -> dict[tuple[str, str], Target | None]:
    """Every file version the history adds, read in one batch; None for an invalid one."""
    wanted = sorted(
        {(c.new_oid, _stem(c.new_path)) for k in commits for c in k.changes if c.new_path}
    )
    oids = sorted({oid for oid, _ in wanted})
    texts = dict(zip(oids, _read_blobs(top, oids), strict=True))
    versions: dict[tuple[str, str], Target | None] = {}
    for oid, stem in wanted:
        text = texts[oid]
        if text is None:  # over the size limit, never read: the build refused it
            versions[oid, stem] = None
            continue
        source = SourceFile(f"{oid}:{stem}.yaml", stem, text)
        target, problems, _ = read_source(source, default_lang)
        # A version that does not validate breaks the build: it was never published.
        versions[oid, stem] = target if not problems else None
    return versions


# --- Comparing versions -----------------------------------------------------------------------


def _apply(
    published: dict[str, Target],
    changes: list[_Change],
    versions: dict[tuple[str, str], Target | None],
) -> list[tuple[Target, Target]]:
    """Bring ``published`` (path → last valid version) up to date; (old, new) pairs to compare."""
    # Every old side is taken first: a commit may move one file onto another's old path.
    before = [published.pop(c.old_path, None) if c.old_path else None for c in changes]
    pairs = []
    for change, old in zip(changes, before, strict=True):
        if change.new_path is None:
            continue  # the target left the register: a removal, not a correction
        new = versions[change.new_oid, _stem(change.new_path)]
        if new is None:
            # An invalid version is skipped: the last valid one stays the published one.
            if old is not None:
                published[change.new_path] = old
            continue
        published[change.new_path] = new
        if old is not None:
            pairs.append((old, new))
    return pairs


def _compare(old: Target, new: Target, commit: _Commit) -> list[FigureCorrection]:
    """The corrections ``commit`` made to the entries published in ``old``."""
    now = {entry.quarter: entry for entry in new.progress}
    found = []
    for was in old.progress:
        for name, before, after in _entry_changes(old, was, now.get(was.quarter)):
            found.append(
                FigureCorrection(
                    new.id, was.quarter, name, before, after, commit.date, commit.commit
                )
            )
    return found


def _entry_changes(
    old: Target, was: ProgressEntry, now: ProgressEntry | None
) -> list[tuple[str, float | str | None, float | str | None]]:
    """(field, old, new) for each field of a published entry that changed."""
    if now is None:
        # A removed entry is one correction: its figure, now gone.
        name = "percent_complete" if old.is_milestone else "value"
        return [(name, getattr(was, name), None)]
    return [
        (name, getattr(was, name), getattr(now, name))
        for name in FIELDS
        if getattr(was, name) != getattr(now, name)
    ]
