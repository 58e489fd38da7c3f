"""The register's published history: one first-parent pass over git, read once per build.

``read_history`` walks the main line of HEAD (first parents: a branch's own commits were
never published, its merge was) and gives, per commit that touched the register folder,
the target versions it published: for each file changed, the valid version before and
after it. Both the corrections log (``corrections.corrections_from``) and the record
(``record.build_record``) derive from the one ``PublishedHistory``. Pure core: git is
called as a program (three or four processes however long the history; only the files a
commit changed are parsed, and with a cache folder only the versions no build parsed
before: ``versioncache``); no Pelican imports.

When the history is incomplete or unreadable, the ``PublishedHistory`` says why
(``unavailable``) instead of pretending that nothing changed.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..register.loader import SourceFile, read_source
from ..register.model import Target
from .gitrefs import ChangesError, _git, _read_blobs, is_register_blob
from .versioncache import VersionCache, Versions

_COMMIT_MARK = b"\x01"
# The same few paths recur in every commit: each is judged once per process.
_is_register = functools.lru_cache(maxsize=1 << 16)(is_register_blob)
COMMIT_RE = re.compile(r"[0-9a-f]{7,40}")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Why the record may be unavailable (``PublishedHistory.unavailable``), for pages to word.
NOT_IN_GIT = "not_in_git"
SHALLOW = "shallow"
UNREADABLE = "unreadable"
SINCE_UNKNOWN = "since_unknown"
REASONS = {
    NOT_IN_GIT: "the register is not in a git work tree (or git is not installed)",
    SHALLOW: "the clone is shallow: it lacks the early history",
    UNREADABLE: "git cannot read the register's history",
    SINCE_UNKNOWN: "RECORD_SINCE names a commit that is not on the first-parent history of HEAD",
}


@dataclass(frozen=True)
class VersionChange:
    """One register file a commit changed, as published before and after it.

    ``old`` is the last valid version at the file's old path (None for a new file), ``new``
    the valid version the commit published (None when the file left the register). A
    version that does not validate is never published: no change is given for it, and the
    last valid version stays the published one.
    """

    old: Target | None
    new: Target | None


@dataclass(frozen=True)
class PublishedCommit:
    """A main-line commit that changed the register, with the versions it published."""

    commit: str  # full commit id
    date: str  # ISO committer date (UTC)
    changes: tuple[VersionChange, ...]
    draft: bool = False
    """True for a commit before RECORD_SINCE (or RECORD_SINCE's own commit): not a
    published change; the register as it stood after the last draft is first published."""


@dataclass(frozen=True)
class PublishedHistory:
    """The register's main-line history, oldest first; or why it is unavailable."""

    commits: tuple[PublishedCommit, ...] = ()
    unavailable: str | None = None
    """None when the history is complete; else a key of REASONS."""
    detail: str = ""
    """What git said, or which RECORD_SINCE was not found (for staff)."""
    since_commit: str | None = None
    """The commit whose register counts as first published (RECORD_SINCE), if any."""
    since_date: str | None = None
    """The date publication began (RECORD_SINCE's commit date, or the date given)."""
    drafts: dict[str, Target] = field(default_factory=dict)
    """The register as it stood at RECORD_SINCE, by path: first published there."""

    @property
    def available(self) -> bool:
        """True when the whole first-parent history could be read."""
        return self.unavailable is None

    @property
    def reason(self) -> str | None:
        """Why the history is unavailable, in words for staff; None when available."""
        if self.unavailable is None:
            return None
        return REASONS[self.unavailable] + (f" ({self.detail})" if self.detail else "")


def read_history(
    targets_dir: Path, default_lang: str, since: str | None = None, cache: Path | None = None
) -> PublishedHistory:
    """The published history of the register in ``targets_dir`` (see the module docstring).

    Each version is validated as the build does, in ``default_lang``; files are chosen as
    on disk (``gitrefs.is_register_blob``). ``since`` is RECORD_SINCE: a commit id (full or
    at least 7 digits) or an ISO date compared with commit dates. ``cache`` is the chart
    cache folder (CHART_CACHE_PATH), or None: versions parsed before are taken from
    ``versioncache`` there, and only new ones are read and parsed.
    """
    try:
        top, prefix, shallow = _locate(Path(targets_dir))
    except ChangesError as exc:
        return PublishedHistory(unavailable=NOT_IN_GIT, detail=str(exc))
    if shallow:
        return PublishedHistory(unavailable=SHALLOW, detail="git fetch --unshallow")
    try:
        raw = _history(top, prefix)
        boundary = _since(top, since) if since else None
        versions = _parse_versions(top, raw, VersionCache(cache, default_lang))
    except ChangesError as exc:
        return PublishedHistory(unavailable=UNREADABLE, detail=str(exc))
    if since and boundary is None:
        return PublishedHistory(unavailable=SINCE_UNKNOWN, detail=f"RECORD_SINCE = {since}")
    return _published(raw, versions, boundary)


# --- Reading the history ----------------------------------------------------------------------


@dataclass
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


@dataclass(frozen=True)
class _Boundary:
    """Where publication begins: commits in ``drafts`` are drafts."""

    drafts: frozenset[str]
    commit: str | None
    date: str


def _locate(targets_dir: Path) -> tuple[Path, str, bool]:
    """The work tree's top folder, ``targets_dir`` relative to it, and whether it is shallow."""
    located = _git(
        targets_dir, "rev-parse", "--show-toplevel", "--show-prefix", "--is-shallow-repository"
    )
    # Three lines: top, prefix (empty when the register is the top folder), true/false.
    top, prefix, shallow = os.fsdecode(located.stdout).removesuffix("\n").split("\n")[-3:]
    return Path(top), prefix, shallow == "true"


def _history(top: Path, prefix: str) -> list[_Commit]:
    """The main-line commits that changed the folder ``prefix``, oldest first, with changes."""
    out = _git(
        top,
        "log",
        "--first-parent",
        "-m",
        "--reverse",
        "--topo-order",
        "--root",
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


def _since(top: Path, since: str) -> _Boundary | None:
    """Where RECORD_SINCE puts the start of publication; None for an unknown commit."""
    out = _git(top, "log", "--first-parent", "--format=%H %ct", "--ignore-missing", "HEAD")
    line = out.stdout.decode("ascii").split()
    main = [(line[i], _utc_date(int(line[i + 1]))) for i in range(0, len(line), 2)]  # newest 1st
    if DATE_RE.fullmatch(since):
        before = [(c, d) for c, d in main if d < since]
        return _Boundary(frozenset(c for c, _ in before), before[0][0] if before else None, since)
    at = [i for i, (c, _) in enumerate(main) if c.startswith(since.lower())]
    if len(at) != 1:
        return None
    return _Boundary(frozenset(c for c, _ in main[at[0] :]), *main[at[0]])


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
            old = paths[0] if _is_register(old_mode, paths[0], prefix) else None
            new = paths[-1] if _is_register(new_mode, paths[-1], prefix) else None
            if old or new:
                commits[-1].changes.append(_Change(old, new, new_oid))
    return commits


def _utc_date(timestamp: int) -> str:
    """The UTC calendar date of a Unix time, ISO-written."""
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.timezone.utc).date().isoformat()


@functools.lru_cache(maxsize=1 << 16)
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


def _parse_versions(top: Path, commits: list[_Commit], cache: VersionCache) -> Versions:
    """Every file version the history adds; None for an invalid one.

    Versions kept in ``cache`` are taken from it; the others are read in one batch,
    parsed, and the cache rewritten with exactly this history's versions.
    """
    wanted = {(c.new_oid, _stem(c.new_path)) for k in commits for c in k.changes if c.new_path}
    kept = cache.load()
    versions = {key: kept[key] for key in wanted if key in kept}
    missing = sorted(wanted - versions.keys())
    if missing:
        versions |= _parse(top, missing, cache.default_lang)
        cache.save(versions)
    return versions


def _parse(top: Path, keys: list[tuple[str, str]], default_lang: str) -> Versions:
    """The versions ``keys`` (blob id, stem) name, read from git in one batch and validated."""
    oids = sorted({oid for oid, _ in keys})
    texts = dict(zip(oids, _read_blobs(top, oids), strict=True))
    versions: Versions = {}
    for oid, stem in keys:
        text = texts[oid]
        if text is None:  # over the size limit, never read: the build refused it
            versions[oid, stem] = None
            continue
        source = SourceFile(f"{oid}:{stem}.yaml", stem, text)
        # No reporting quarter: a version is judged as it was published, not by today's R.
        target, problems, _ = read_source(source, default_lang, None)
        # A version that does not validate breaks the build: it was never published.
        versions[oid, stem] = target if not problems else None
    return versions


# --- What each commit published ---------------------------------------------------------------


def _published(
    raw: list[_Commit], versions: Versions, boundary: _Boundary | None
) -> PublishedHistory:
    """Walk the commits once, keeping the published version at each path."""
    published: dict[str, Target] = {}
    commits = []
    drafts: dict[str, Target] | None = None if boundary else {}
    for commit in raw:
        # Drafts are a prefix: once one commit is published, every later one is too.
        if drafts is None and commit.commit not in boundary.drafts:
            drafts = dict(published)
        changes = tuple(_apply(published, commit.changes, versions))
        commits.append(PublishedCommit(commit.commit, commit.date, changes, drafts is None))
    return PublishedHistory(
        commits=tuple(commits),
        since_commit=boundary.commit if boundary else None,
        since_date=boundary.date if boundary else None,
        drafts=dict(published) if drafts is None else drafts,
    )


def _apply(
    published: dict[str, Target],
    changes: list[_Change],
    versions: Versions,
) -> list[VersionChange]:
    """Bring ``published`` (path → last valid version) up to date; what the commit changed."""
    # Every old side is taken first: a commit may move one file onto another's old path.
    before = [published.pop(c.old_path, None) if c.old_path else None for c in changes]
    found = []
    for change, old in zip(changes, before, strict=True):
        if change.new_path is None:
            if old is not None:
                found.append(VersionChange(old, None))
            continue
        new = versions[change.new_oid, _stem(change.new_path)]
        if new is None:
            # An invalid version is skipped: the last valid one stays the published one.
            if old is not None:
                published[change.new_path] = old
            continue
        published[change.new_path] = new
        found.append(VersionChange(old, new))
    return found
