"""The corrections log: changes to published figures and notes, read from git history."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from generator.assess import gitrefs
from generator.assess.corrections import FigureCorrection, corrections_log
from generator.register.quarters import Quarter
from tests.gitenv import GIT_ENV


@pytest.fixture(autouse=True)
def no_outside_git(monkeypatch, tmp_path):
    """The code under test must not be pointed at another repository by the environment."""
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    # Nor find the caller's repository above tmp_path, nor read the caller's configuration.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def git(repo: Path, *args: str, date: str | None = None, stdin: str | None = None) -> str:
    """Run git in the temporary repository ``repo``, dating a commit ``date``."""
    env = dict(GIT_ENV)
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    result = subprocess.run(
        ["git", "-C", str(repo), *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def init_repo(repo: Path) -> Path:
    """An empty git repository with a first branch called main."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    return repo


def commit_all(repo: Path, message: str, date: str) -> str:
    """Stage every file, commit at ``date`` and return the commit id."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD").strip()


def write(folder: Path, relative: str, text: str) -> Path:
    """Write one file (and its sub-folders)."""
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def numeric(id: str, entries: str) -> str:
    """A numeric target from 0 to 100 sites; ``entries`` are its flow-style progress items."""
    return (
        f"id: {id}\ntitle: Target {id}\npolicy_address: 2024\nbureau: Housing Bureau\n"
        f"due: 2026-Q4\nindicator: {{unit: sites, baseline: 0, target: 100}}\n"
        f"progress: [{entries}]\n"
    )


def milestone(id: str, entries: str) -> str:
    """A milestone target (no indicator): entries report percent_complete."""
    return (
        f"id: {id}\ntitle: Target {id}\npolicy_address: 2024\nbureau: Housing Bureau\n"
        f"due: 2026-Q4\nprogress: [{entries}]\n"
    )


Q1, Q2, Q3 = Quarter(2025, 1), Quarter(2025, 2), Quarter(2025, 3)
E1 = "{quarter: 2025-Q1, value: 10}"
E2 = "{quarter: 2025-Q2, value: 12, note: Two sites opened.}"
E2_FIXED = "{quarter: 2025-Q2, value: 15, note: Three sites opened.}"
E3 = "{quarter: 2025-Q3, value: 20}"


@pytest.fixture
def history(tmp_path) -> tuple[Path, list[str]]:
    """The scenario: publish, add a quarter, correct a figure and note, move and remove."""
    repo = init_repo(tmp_path / "repo")
    targets = repo / "targets"
    write(repo, "README.md", "A portal.\n")
    write(targets, "2024/PA-1.yaml", numeric("PA-1", f"{E1}, {E2}"))
    c1 = commit_all(repo, "publish", "2025-04-10T09:00:00+00:00")
    write(targets, "2024/PA-1.yaml", numeric("PA-1", f"{E1}, {E2}, {E3}"))
    c2 = commit_all(repo, "add 2025-Q3", "2025-06-01T09:00:00+00:00")
    write(repo, "README.md", "A portal of targets.\n")
    commit_all(repo, "docs only", "2025-06-15T09:00:00+00:00")
    write(targets, "2024/PA-1.yaml", numeric("PA-1", f"{E1}, {E2_FIXED}, {E3}"))
    # 01:30 in Hong Kong is the day before in UTC.
    c3 = commit_all(repo, "correct 2025-Q2", "2025-07-01T01:30:00+08:00")
    git(repo, "mv", "targets/2024", "targets/housing")
    write(targets, "housing/PA-1.yaml", numeric("PA-1", f"{E2_FIXED}, {E3}"))
    c4 = commit_all(repo, "move, drop 2025-Q1", "2025-08-20T12:00:00+00:00")
    return repo, [c1, c2, c3, c4]


def correction(id, quarter, field, old, new, date, commit) -> FigureCorrection:
    """A FigureCorrection, positionally."""
    return FigureCorrection(id, quarter, field, old, new, date, commit)


# --- The scenario -----------------------------------------------------------------------------


def test_every_change_to_a_published_entry_is_listed_oldest_first(history):
    repo, (_, _, c3, c4) = history
    assert corrections_log(repo / "targets", "en") == [
        # Adding 2025-Q3 is new reporting, not a correction; within a commit, by field.
        correction(
            "PA-1", Q2, "note", "Two sites opened.", "Three sites opened.", "2025-06-30", c3
        ),
        correction("PA-1", Q2, "value", 12, 15, "2025-06-30", c3),
        # The move is followed: the removal is found comparing the old path with the new.
        correction("PA-1", Q1, "value", 10, None, "2025-08-20", c4),
    ]


def test_short_commit_is_the_first_ten_characters(history):
    repo, commits = history
    log = corrections_log(repo / "targets", "en")
    assert log[0].short_commit == commits[2][:10]
    assert len(log[0].commit) == 40


def test_the_log_is_the_same_on_every_call_and_from_a_relative_path(history, monkeypatch):
    repo, _ = history
    first = corrections_log(repo / "targets", "en")
    assert corrections_log(repo / "targets", "en") == first
    monkeypatch.chdir(repo)
    assert corrections_log(Path("targets"), "en") == first


def test_a_register_at_the_top_of_its_repository(tmp_path):
    targets = init_repo(tmp_path / "targets")
    write(targets, "PA-1.yaml", numeric("PA-1", E1))
    commit_all(targets, "publish", "2025-04-01T00:00:00+00:00")
    write(targets, "PA-1.yaml", numeric("PA-1", "{quarter: 2025-Q1, value: 11}"))
    c2 = commit_all(targets, "correct", "2025-04-02T00:00:00+00:00")
    assert corrections_log(targets, "en") == [
        correction("PA-1", Q1, "value", 10, 11, "2025-04-02", c2)
    ]


def test_uncommitted_and_staged_changes_are_ignored(history):
    repo, _ = history
    committed = corrections_log(repo / "targets", "en")
    targets = repo / "targets"
    write(targets, "housing/PA-1.yaml", numeric("PA-1", E3))
    git(repo, "add", "-A")
    write(targets, "housing/PA-1.yaml", numeric("PA-1", "{quarter: 2025-Q3, value: 99}"))
    write(targets, "new/PA-2.yaml", numeric("PA-2", E1))
    assert corrections_log(targets, "en") == committed


def test_a_shallow_clone_has_no_log_rather_than_a_partial_or_empty_one(history, tmp_path):
    repo, _ = history
    # With only the last commits, a correction made earlier would be missing (depth 2) or
    # every figure would look unchanged (depth 1): the log is unavailable instead.
    for depth in ("2", "1"):
        clone = tmp_path / f"clone-{depth}"
        git(tmp_path, "clone", "-q", "--depth", depth, f"file://{repo}", str(clone))
        assert corrections_log(clone / "targets", "en") is None


# --- Where there is no history ----------------------------------------------------------------


def test_a_folder_outside_git_has_no_log(tmp_path):
    write(tmp_path / "plain" / "targets", "PA-1.yaml", numeric("PA-1", E1))
    assert corrections_log(tmp_path / "plain" / "targets", "en") is None
    assert corrections_log(tmp_path / "no-such-folder", "en") is None


def test_without_git_installed_there_is_no_log(history, monkeypatch, tmp_path):
    repo, _ = history
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert corrections_log(repo / "targets", "en") is None


def test_a_history_git_cannot_read_gives_no_log_rather_than_a_failed_build(history):
    repo, _ = history
    blob = git(repo, "rev-parse", "HEAD~2:targets/2024/PA-1.yaml").strip()
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    assert corrections_log(repo / "targets", "en") is None


def test_a_repository_without_commits_or_register_history_has_an_empty_log(tmp_path):
    repo = init_repo(tmp_path / "repo")
    write(repo, "targets/PA-1.yaml", numeric("PA-1", E1))
    assert corrections_log(repo / "targets", "en") == []
    write(repo, "README.md", "A portal.\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "docs", date="2025-01-01T00:00:00+00:00")
    assert corrections_log(repo / "targets", "en") == []


# --- What counts as published ------------------------------------------------------------------


def test_an_invalid_version_is_skipped_and_the_last_valid_one_compared(tmp_path):
    repo = init_repo(tmp_path / "repo")
    targets = repo / "targets"
    write(targets, "PA-1.yaml", numeric("PA-1", E1))
    write(targets, "PA-9.yaml", "id: PA-9\ntitle: [never valid\n")
    commit_all(repo, "publish", "2025-04-01T00:00:00+00:00")
    # Without a bureau the register does not build: 11 was never published.
    write(
        targets,
        "PA-1.yaml",
        numeric("PA-1", "{quarter: 2025-Q1, value: 11}").replace("bureau: Housing Bureau\n", ""),
    )
    commit_all(repo, "broken", "2025-04-02T00:00:00+00:00")
    write(targets, "PA-1.yaml", numeric("PA-1", "{quarter: 2025-Q1, value: 12}"))
    write(targets, "PA-9.yaml", "id: PA-9\nstill: not a target\n")
    c3 = commit_all(repo, "fixed", "2025-04-03T00:00:00+00:00")
    assert corrections_log(targets, "en") == [
        correction("PA-1", Q1, "value", 10, 12, "2025-04-03", c3)
    ]


def test_a_milestone_target_correction_is_to_its_percent_complete(tmp_path):
    repo = init_repo(tmp_path / "repo")
    targets = repo / "targets"
    first = "{quarter: 2025-Q1, percent_complete: 20}, {quarter: 2025-Q2, percent_complete: 40}"
    write(targets, "MS-1.yaml", milestone("MS-1", first))
    commit_all(repo, "publish", "2025-07-01T00:00:00+00:00")
    write(targets, "MS-1.yaml", milestone("MS-1", "{quarter: 2025-Q2, percent_complete: 45}"))
    c2 = commit_all(repo, "correct", "2025-07-02T00:00:00+00:00")
    assert corrections_log(targets, "en") == [
        correction("MS-1", Q1, "percent_complete", 20, None, "2025-07-02", c2),
        correction("MS-1", Q2, "percent_complete", 40, 45, "2025-07-02", c2),
    ]


def test_within_a_commit_corrections_are_ordered_by_target_then_quarter(tmp_path):
    repo = init_repo(tmp_path / "repo")
    targets = repo / "targets"
    write(targets, "z/AA-1.yaml", numeric("AA-1", E1))
    write(targets, "a/ZZ-1.yaml", numeric("ZZ-1", f"{E1}, {E2}"))
    commit_all(repo, "publish", "2025-07-01T00:00:00+00:00")
    write(targets, "z/AA-1.yaml", numeric("AA-1", "{quarter: 2025-Q1, value: 11, note: Recount.}"))
    write(targets, "a/ZZ-1.yaml", numeric("ZZ-1", "{quarter: 2025-Q1, value: 9}, " + E2_FIXED))
    c2 = commit_all(repo, "correct", "2025-07-02T00:00:00+00:00")
    found = [(c.target_id, str(c.quarter), c.field) for c in corrections_log(targets, "en")]
    assert found == [
        ("AA-1", "2025-Q1", "note"),
        ("AA-1", "2025-Q1", "value"),
        ("ZZ-1", "2025-Q1", "value"),
        ("ZZ-1", "2025-Q2", "note"),
        ("ZZ-1", "2025-Q2", "value"),
    ]
    assert {c.commit for c in corrections_log(targets, "en")} == {c2}


def test_only_the_main_line_counts_a_branch_is_published_by_its_merge(tmp_path):
    repo = init_repo(tmp_path / "repo")
    targets = repo / "targets"
    write(targets, "PA-1.yaml", numeric("PA-1", E1))
    commit_all(repo, "publish", "2025-04-01T00:00:00+00:00")
    git(repo, "checkout", "-q", "-b", "update")
    write(targets, "PA-1.yaml", numeric("PA-1", f"{E1}, {E2}"))
    commit_all(repo, "draft 2025-Q2", "2025-07-01T00:00:00+00:00")
    # Fixing a figure before it is merged is not a correction; fixing 2025-Q1 is.
    write(targets, "PA-1.yaml", numeric("PA-1", "{quarter: 2025-Q1, value: 11}, " + E2_FIXED))
    commit_all(repo, "fix the draft", "2025-07-02T00:00:00+00:00")
    git(repo, "checkout", "-q", "main")
    write(repo, "README.md", "A portal.\n")
    commit_all(repo, "docs", "2025-07-03T00:00:00+00:00")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", "update", date="2025-07-04T00:00:00+00:00")
    merge = git(repo, "rev-parse", "HEAD").strip()
    assert corrections_log(targets, "en") == [
        correction("PA-1", Q1, "value", 10, 11, "2025-07-04", merge)
    ]


def test_a_file_moved_and_rewritten_at_once_is_still_the_same_target(tmp_path):
    repo = init_repo(tmp_path / "repo")
    targets = repo / "targets"
    write(targets, "old/PA-1.yaml", numeric("PA-1", E1))
    commit_all(repo, "publish", "2025-04-01T00:00:00+00:00")
    (targets / "old" / "PA-1.yaml").unlink()
    # Too different for git's rename detection; the file name (the id) is the same.
    rewritten = (
        "id: PA-1\ntitle:\n  en: A new title\n  zh-Hant: 新標題\npolicy_address: 2024\n"
        "bureau: Development Bureau\npartners: [Lands Department]\narea: Land supply\n"
        "due: 2027-Q4\nindicator:\n  unit: hectares\n  baseline: 0\n  target: 100\n"
        "progress:\n  - quarter: 2025-Q1\n    value: 8\n"
    )
    write(targets, "new/PA-1.yaml", rewritten)
    c2 = commit_all(repo, "move", "2025-04-02T00:00:00+00:00")
    assert "R" not in git(repo, "diff-tree", "-r", "-M", "--name-status", "HEAD")
    assert corrections_log(targets, "en") == [
        correction("PA-1", Q1, "value", 10, 8, "2025-04-02", c2)
    ]


def test_a_removed_target_is_not_a_correction_and_returns_as_a_new_one(tmp_path):
    repo = init_repo(tmp_path / "repo")
    targets = repo / "targets"
    write(targets, "PA-1.yaml", numeric("PA-1", E1))
    commit_all(repo, "publish", "2025-04-01T00:00:00+00:00")
    (targets / "PA-1.yaml").unlink()
    commit_all(repo, "remove", "2025-04-02T00:00:00+00:00")
    write(targets, "PA-1.yaml", numeric("PA-1", "{quarter: 2025-Q1, value: 3}"))
    commit_all(repo, "add again", "2025-04-03T00:00:00+00:00")
    assert corrections_log(targets, "en") == []


# --- Speed ------------------------------------------------------------------------------------


def test_a_long_history_is_read_with_three_git_processes(tmp_path, monkeypatch):
    repo = init_repo(tmp_path / "repo")
    # fast-import writes 200 commits in one process: each changes the published 2025-Q1 value.
    stream = []
    for n in range(200):
        text = numeric("PA-1", f"{{quarter: 2025-Q1, value: {n}}}")
        data = text.encode()
        stream += [
            "commit refs/heads/main",
            f"committer Test <test@example.org> {1_750_000_000 + n * 3600} +0000",
            "data 5",
            f"c{n:04d}",
            "M 100644 inline targets/PA-1.yaml",
            f"data {len(data)}",
            text,
        ]
    git(repo, "fast-import", "--quiet", stdin="\n".join(stream) + "\n")
    git(repo, "checkout", "-q", "-f", "main")
    calls = []
    run = gitrefs.subprocess.run
    monkeypatch.setattr(gitrefs.subprocess, "run", lambda *a, **k: calls.append(a) or run(*a, **k))
    started = time.perf_counter()
    log = corrections_log(repo / "targets", "en")
    assert time.perf_counter() - started < 3
    # rev-parse, log, and cat-file twice (sizes first, then the blobs within the size limit),
    # however long the history.
    assert len(calls) == 4
    assert len(log) == 199
    assert (log[0].old, log[0].new, log[-1].old, log[-1].new) == (0, 1, 198, 199)


def budgeted(id: str, entries: str) -> str:
    """A numeric target with a budget of 100: ``entries`` may report ``spent``."""
    return numeric(id, entries).replace(
        "progress:", "budget: {currency: HKD, allocated: 100}\nprogress:"
    )


def test_a_changed_or_removed_spent_figure_is_a_correction_a_first_one_is_not(tmp_path):
    repo = init_repo(tmp_path / "repo")
    targets = repo / "targets"
    first = "{quarter: 2025-Q1, value: 10, spent: 20}, {quarter: 2025-Q2, value: 20}"
    write(targets, "FD-1.yaml", budgeted("FD-1", first))
    commit_all(repo, "publish", "2025-07-01T00:00:00+00:00")
    # 2025-Q1's published 20 becomes 25; 2025-Q2 reports spending for the first time.
    later = "{quarter: 2025-Q1, value: 10, spent: 25}, {quarter: 2025-Q2, value: 20, spent: 30}"
    write(targets, "FD-1.yaml", budgeted("FD-1", later))
    c2 = commit_all(repo, "correct", "2025-07-02T00:00:00+00:00")
    last = "{quarter: 2025-Q1, value: 10}, {quarter: 2025-Q2, value: 20, spent: 30}"
    write(targets, "FD-1.yaml", budgeted("FD-1", last))
    c3 = commit_all(repo, "drop", "2025-07-03T00:00:00+00:00")
    assert corrections_log(targets, "en") == [
        correction("FD-1", Q1, "spent", 20, 25, "2025-07-02", c2),
        correction("FD-1", Q1, "spent", 25, None, "2025-07-03", c3),
    ]
