"""A git environment for tests: never the caller's repository or configuration."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# Every repository in the tests is built in tmp_path, with a fixed identity.
GIT_ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}

# Variables that would point git at another repository than the test's own.
OUTSIDE = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY")


def isolate(monkeypatch) -> None:
    """Keep the code under test off the caller's repository and git configuration."""
    for name in OUTSIDE:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def git(repo: Path, *args: str, date: str | None = None) -> str:
    """Run git in the temporary repository ``repo``, dated ``date``; its output, stripped."""
    env = dict(GIT_ENV)
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    done = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def commit(repo: Path, message: str, day: str) -> str:
    """Commit every change at noon UTC on ``day``; the commit id."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, date=f"{day}T12:00:00+00:00")
    return git(repo, "rev-parse", "HEAD")
