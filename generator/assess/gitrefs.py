"""The register as it was at a git ref, read straight from git's object store.

Used to compare a change with its base (``invoke changes``). Pure core: git is
called as a program; no Pelican imports.

The register in git is read as on disk (``files``): hidden files and editor leftovers
are skipped, and no blob over the size limit is read. A link is skipped: on disk the
validator refuses it, so a commit holding one was never built nor published.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..register.errors import PortalError, Problem, RegisterError
from ..register.files import is_ignored_path
from ..register.loader import SourceFile
from ..register.yamldoc import MAX_FILE_BYTES

GIT_TIMEOUT = 60  # seconds; a local read of one tree never needs more
# Regular files only: a link (120000) holds a file name, a submodule (160000) a commit.
REGULAR_MODES = ("100644", "100755")


class ChangesError(PortalError):
    """The register cannot be compared with a git ref (unknown ref, no repository)."""


# --- Reading the register at a git ref ------------------------------------------------------


def sources_at_ref(repo: Path, ref: str, targets_dir: Path) -> list[SourceFile]:
    """Every ``*.yaml`` file under ``targets_dir`` as it was at ``ref``, sorted by path."""
    top = _top_level(repo)
    relative = _relative_folder(top, targets_dir)
    commit = _commit_of(top, ref)
    # --full-tree: paths are given and returned relative to the top, wherever repo is.
    listing = _git(top, "ls-tree", "-r", "-z", "--full-tree", commit, "--", relative).stdout
    blobs: list[tuple[str, str]] = []
    for record in filter(None, listing.split(b"\0")):
        info, _, raw_path = record.partition(b"\t")
        mode, kind, oid = info.decode("ascii").split()
        path = os.fsdecode(raw_path)
        if kind == "blob" and is_register_blob(mode, path, relative):
            blobs.append((path, oid))
    blobs.sort(key=lambda blob: blob[0])
    texts = _read_blobs(top, [oid for _, oid in blobs])
    too_large = [
        Problem(f"{ref}:{path}", None, "", f"file is larger than {MAX_FILE_BYTES} bytes")
        for (path, _), text in zip(blobs, texts, strict=True)
        if text is None
    ]
    if too_large:
        raise RegisterError(too_large)
    return [
        SourceFile(f"{ref}:{path}", Path(path).stem, text)
        for (path, _), text in zip(blobs, texts, strict=True)
        if text is not None
    ]


def is_ancestor(repo: Path, ref: str) -> bool:
    """True when the commit ``ref`` names is in the history of HEAD (or is HEAD).

    ChangesError in a shallow clone: there git cannot tell a missing commit from a
    rewritten history.
    """
    top = _top_level(repo)
    commit = _commit_of(top, ref)
    shallow = _git(top, "rev-parse", "--is-shallow-repository").stdout.strip() == b"true"
    if shallow:
        raise ChangesError(
            f"{top} is a shallow clone: the check needs the whole history to compare with "
            f"{ref}: run 'git fetch --unshallow' (in a workflow: checkout with fetch-depth: 0)"
        )
    result = _git(top, "merge-base", "--is-ancestor", commit, "HEAD", allowed=(0, 1))
    return result.returncode == 0


def changed_since(repo: Path, ref: str, folder: Path) -> list[tuple[str, str, str]]:
    """Files in ``folder`` at ``ref`` that differ in the work tree, sorted by path.

    Each is (``changed`` or ``deleted``, path from the top, path inside ``folder``); a file
    new since ``ref`` is not listed.
    """
    top = _top_level(repo)
    relative = _relative_folder(top, folder)
    prefix = relative.rstrip("/") + "/" if relative.strip("/.") else ""
    commit = _commit_of(top, ref)
    # --no-renames: a renamed file is the old one deleted; -z: paths as they are, unquoted.
    args = ("diff", "--no-renames", "--no-ext-diff", "--name-status", "-z", commit)
    fields = _git(top, *args, "--", relative).stdout.split(b"\0")
    found = []
    for letter, raw_path in zip(fields[0::2], fields[1::2], strict=False):
        path = os.fsdecode(raw_path)
        if letter and letter != b"A":
            how = "deleted" if letter == b"D" else "changed"
            found.append((how, path, path.removeprefix(prefix)))
    return sorted(found, key=lambda item: item[1])


def is_register_blob(mode: str, path: str, folder: str) -> bool:
    """True for a regular ``*.yaml`` file at ``path`` (from the top) in the register ``folder``.

    As on disk, a hidden file or folder or an editor's leftover below ``folder`` is not
    part of the register; an absent side of a change (mode 000000) is not a file.
    """
    prefix = folder.rstrip("/") + "/" if folder.strip("/.") else ""
    below = path.removeprefix(prefix)
    return mode in REGULAR_MODES and path.endswith(".yaml") and not is_ignored_path(below)


def top_level(repo: Path) -> Path:
    """The top folder of the git work tree holding ``repo`` (paths in git start there)."""
    return _top_level(repo)


def _top_level(repo: Path) -> Path:
    """The top folder of the git work tree holding ``repo``."""
    failure = f"{repo} is not a git repository: 'changes' compares the register with a git ref"
    result = _git(repo, "rev-parse", "--show-toplevel", failure=failure)
    return Path(os.fsdecode(result.stdout.rstrip(b"\n")))


def _relative_folder(top: Path, targets_dir: Path) -> str:
    """``targets_dir`` relative to the work tree's top, as git writes paths."""
    try:
        relative = targets_dir.resolve().relative_to(top.resolve())
    except ValueError:
        raise ChangesError(
            f"the folder {targets_dir} is not inside the git repository {top}"
        ) from None
    return relative.as_posix()


def _commit_of(top: Path, ref: str) -> str:
    """The commit id ``ref`` names; ChangesError when it names none."""
    bad = f"{ref!r} is not a commit in {top}: check the --base ref (e.g. main, origin/main)"
    # A leading dash would be read as an option, never as a ref.
    if not ref or ref.startswith("-"):
        raise ChangesError(bad)
    result = _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", failure=bad)
    return result.stdout.decode("ascii").strip()


def _read_blobs(repo: Path, oids: list[str], limit: int = MAX_FILE_BYTES) -> list[bytes | None]:
    """The contents of ``oids`` in one ``git cat-file --batch`` call; None over ``limit``.

    Sizes are asked first (``--batch-check``), so a blob over the limit is never read.
    """
    sizes = _blob_sizes(repo, oids)
    small = sorted({oid for oid in oids if sizes[oid] <= limit})
    texts = dict(zip(small, _cat_blobs(repo, small), strict=True))
    return [texts.get(oid) for oid in oids]


def _blob_sizes(repo: Path, oids: list[str]) -> dict[str, int]:
    """The size of each blob in ``oids``, from one ``git cat-file --batch-check`` call."""
    if not oids:
        return {}
    out = _git(repo, "cat-file", "--batch-check", stdin="".join(f"{o}\n" for o in oids)).stdout
    sizes = {}
    for oid, line in zip(oids, out.decode("ascii", "replace").splitlines(), strict=False):
        header = line.split()
        if len(header) != 3 or header[1] != "blob" or not header[2].isdigit():
            raise ChangesError(f"git cat-file could not read a register file: {header}")
        sizes[oid] = int(header[2])
    if len(sizes) != len(set(oids)):
        raise ChangesError("git cat-file did not list every register file")
    return sizes


def _cat_blobs(repo: Path, oids: list[str]) -> list[bytes]:
    """The contents of ``oids``, read in one ``git cat-file --batch`` call."""
    if not oids:
        return []
    out = _git(repo, "cat-file", "--batch", stdin="".join(f"{oid}\n" for oid in oids)).stdout
    texts, at = [], 0
    for _ in oids:
        header_end = out.find(b"\n", at)
        header = out[at:header_end].decode("ascii", "replace").split()
        if header_end < 0 or len(header) != 3 or header[1] != "blob":
            raise ChangesError(f"git cat-file could not read a register file: {header}")
        size = header[2]
        start = header_end + 1
        texts.append(out[start : start + int(size)])
        at = start + int(size) + 1  # the contents are followed by a newline
    return texts


def _git(
    repo: Path,
    *args: str,
    stdin: str | None = None,
    failure: str | None = None,
    allowed: tuple[int, ...] = (0,),
) -> subprocess.CompletedProcess:
    """Run git in ``repo``; raise ChangesError with ``failure`` (or git's words) if it fails.

    ``allowed``: the exit statuses that are answers, not failures.
    """
    try:
        result = subprocess.run(
            ["git", "-C", str(repo), *args],
            input=stdin.encode("ascii") if stdin is not None else None,
            capture_output=True,
            timeout=GIT_TIMEOUT,
        )
    except FileNotFoundError:
        raise ChangesError(
            "git is not installed: 'changes' needs it to read the base ref"
        ) from None
    except subprocess.TimeoutExpired:
        raise ChangesError(f"git {args[0]} took over {GIT_TIMEOUT} s in {repo}") from None
    if result.returncode not in allowed:
        words = result.stderr.decode("utf-8", "replace").strip()
        raise ChangesError(failure or f"git {args[0]} failed in {repo}: {words}")
    return result
