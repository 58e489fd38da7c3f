"""The register as it was at a git ref, read straight from git's object store.

Used to compare a change with its base (``invoke changes``). Pure core: git is
called as a program; no Pelican imports.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .errors import PortalError
from .register import SourceFile

GIT_TIMEOUT = 60  # seconds; a local read of one tree never needs more


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
        # Symlinks (120000) hold their target's name, not YAML; submodules are commits.
        if kind == "blob" and mode != "120000" and path.endswith(".yaml"):
            blobs.append((path, oid))
    blobs.sort(key=lambda blob: blob[0])
    texts = _read_blobs(top, [oid for _, oid in blobs])
    return [
        SourceFile(f"{ref}:{path}", Path(path).stem, text)
        for (path, _), text in zip(blobs, texts, strict=True)
    ]


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
            f"the register folder {targets_dir} is not inside the git repository {top}"
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


def _read_blobs(repo: Path, oids: list[str]) -> list[bytes]:
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
    repo: Path, *args: str, stdin: str | None = None, failure: str | None = None
) -> subprocess.CompletedProcess:
    """Run git in ``repo``; raise ChangesError with ``failure`` (or git's words) if it fails."""
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
    if result.returncode != 0:
        words = result.stderr.decode("utf-8", "replace").strip()
        raise ChangesError(failure or f"git {args[0]} failed in {repo}: {words}")
    return result
