"""The pull-request check: a promise cannot move, nor a target vanish, without the public seeing.

Every test builds a real temporary git repository: the branch ``main`` holds the published
register and editions, and the change is made in the work tree (and committed where the
history matters), as on a pull request.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.assess.gitrefs import ChangesError
from generator.assess.status import DEFAULT_AT_RISK_LAG
from generator.register.loader import load_register
from generator.staff.changes import summarize
from generator.staff.changeset import compare
from generator.staff.prcheck import promise_problems, review
from tests.gitenv import GIT_ENV

# The change-summary tests' repository helpers; no_outside_git is an autouse fixture that
# applies here by being imported.
from tests.test_changes import commit_all, git, no_outside_git, write  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
GUIDE = 'see docs/staff-guide.md, "Amending a promise"'


def target(
    id: str,
    *,
    due: str = "2026-Q4",
    level: str = "100",
    unit: str = "sites",
    policy_address: int = 2024,
    indicator: bool = True,
    extra: str = "",
) -> str:
    """A target file: numeric from 0 to ``level`` ``unit``, or a milestone, reported 2025-Q3."""
    progress = (
        "{quarter: 2025-Q3, value: 30}" if indicator else "{quarter: 2025-Q3, percent_complete: 30}"
    )
    lines = [
        f"id: {id}",
        f"title: Target {id}",
        f"policy_address: {policy_address}",
        "bureau: Housing Bureau",
        f"due: {due}",
    ]
    if indicator:
        lines.append(f"indicator: {{unit: {unit}, baseline: 0, target: {level}}}")
    lines.append(f"progress: [{progress}]")
    return "\n".join(lines) + "\n" + extra


def amendment(fields: str, *, date: str = "2026-01-15", correction: bool = False) -> str:
    """One ``amendments`` list item (append it under an ``amendments:`` line)."""
    text = (
        f"  - date: {date}\n    fields: [{fields}]\n"
        "    reason: The site handover slipped a year.\n"
        "    approved_by: Panel paper CB(1)123/2026\n"
    )
    return text + ("    correction: true\n" if correction else "")


WITHDRAWN = "withdrawn: {quarter: 2025-Q3, reason: Merged into the district plan.}\n"
EDITION = '{"quarter": "2025-Q3", "commit": "0123abc", "targets_json": {"targets": []}}\n'


@pytest.fixture
def repo(tmp_path) -> Path:
    """``main``: the published register and one edition; HEAD: a branch ``change`` from it."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, "targets/housing/HB-001.yaml", target("HB-001"))
    write(repo, "targets/housing/HB-002.yaml", target("HB-002", indicator=False))
    write(repo, "targets/housing/HB-003.yaml", target("HB-003", extra=WITHDRAWN))
    write(repo, "editions/2025-Q3.json", EDITION)
    write(repo, "editions/notes/README.md", "Editions are frozen.\n")
    commit_all(repo, "published")
    git(repo, "switch", "-q", "-c", "change")
    return repo


def check(repo: Path, ref: str = "main"):
    """The check and summary of the work tree's change since ``ref``."""
    return review(
        repo, ref, repo / "targets", editions_dir=repo / "editions", default_lang="en",
        reporting_quarter=None, at_risk_lag=DEFAULT_AT_RISK_LAG,
    )  # fmt: skip


def problems(repo: Path, ref: str = "main") -> list[str]:
    return list(check(repo, ref).problems)


# --- Promises ---------------------------------------------------------------------------------


def test_due_moved_without_an_amendments_entry_is_refused_with_one_line(repo):
    write(repo, "targets/housing/HB-001.yaml", target("HB-001", due="2027-Q4"))
    commit_all(repo, "move HB-001")
    assert problems(repo) == [
        "targets/housing/HB-001.yaml: due: moved from 2026-Q4 to 2027-Q4 without an "
        "amendments entry naming 'due': add one (date, fields: [due], reason, approved_by) "
        f"— {GUIDE}"
    ]


def test_indicator_target_lowered_without_an_entry_is_refused(repo):
    write(repo, "targets/housing/HB-001.yaml", target("HB-001", level="80"))
    assert problems(repo) == [
        "targets/housing/HB-001.yaml: indicator.target: lowered from 100 to 80 without an "
        "amendments entry naming 'indicator.target' (or 'indicator'): add one (date, fields: "
        f"[indicator.target], reason, approved_by) — {GUIDE}"
    ]


def test_an_entry_naming_another_field_does_not_cover_the_change(repo):
    text = target("HB-001", due="2027-Q4", extra="amendments:\n" + amendment("start"))
    write(repo, "targets/housing/HB-001.yaml", text)
    (line,) = problems(repo)
    assert line.startswith("targets/housing/HB-001.yaml: due: moved from 2026-Q4 to 2027-Q4 ")


def test_an_entry_already_published_at_the_ref_does_not_cover_a_new_change(repo):
    # The due quarter moved once, with its entry; a second move reuses that old entry.
    entry = "amendments:\n" + amendment("due")
    write(repo, "targets/housing/HB-001.yaml", target("HB-001", due="2027-Q2", extra=entry))
    publish(repo)
    write(repo, "targets/housing/HB-001.yaml", target("HB-001", due="2027-Q4", extra=entry))
    assert problems(repo) == [
        "targets/housing/HB-001.yaml: due: moved from 2027-Q2 to 2027-Q4 without an "
        "amendments entry naming 'due' (the entry of 2026-01-15 was there already: it "
        "recorded an earlier change): add one (date, fields: [due], reason, approved_by) "
        f"— {GUIDE}"
    ]


@pytest.mark.parametrize(
    ("changed", "fields"),
    [
        ({"due": "2027-Q4"}, "due"),
        ({"level": "80"}, "indicator.target"),
        ({"level": "80"}, "indicator"),  # 'indicator' covers every indicator.* field
        ({"unit": "flats", "level": "80"}, "indicator.unit, indicator.target"),
        ({"due": "2027-Q4", "level": "80"}, "due, indicator"),
    ],
)
def test_each_change_with_a_new_entry_naming_it_passes(repo, changed, fields):
    text = target("HB-001", **changed, extra="amendments:\n" + amendment(fields))
    write(repo, "targets/housing/HB-001.yaml", text)
    result = check(repo)
    assert result.problems == ()
    assert "Passed: every promise changed has its amendments entry" in result.markdown


def test_a_correction_is_an_amendments_entry_too(repo):
    text = target(
        "HB-001",
        level="120",
        extra="amendments:\n" + amendment("indicator.target", correction=True),
    )
    write(repo, "targets/housing/HB-001.yaml", text)
    result = check(repo)
    assert result.problems == ()
    assert "**correction of a clerical error**" in result.markdown


def test_a_start_moved_by_a_new_policy_address_year_needs_its_entry(repo):
    # start is not written: the validator defaults it to Q4 of the policy-address year.
    write(repo, "targets/housing/HB-001.yaml", target("HB-001", policy_address=2025))
    (line,) = problems(repo)
    assert line.startswith(
        "targets/housing/HB-001.yaml: start: moved from 2024-Q4 to 2025-Q4 without an "
        "amendments entry naming 'start'"
    )


def test_an_indicator_removed_or_added_needs_an_entry_naming_indicator(repo):
    write(repo, "targets/housing/HB-001.yaml", target("HB-001", indicator=False))
    # An entry for one indicator.* field does not cover a target changing its kind.
    extra = "amendments:\n" + amendment("indicator.unit")
    write(repo, "targets/housing/HB-002.yaml", target("HB-002", extra=extra))
    assert problems(repo) == [
        "targets/housing/HB-001.yaml: indicator: changed from a numeric target (sites: 0 → "
        "100) to a milestone (percent complete) without an amendments entry naming "
        f"'indicator': add one (date, fields: [indicator], reason, approved_by) — {GUIDE}",
        "targets/housing/HB-002.yaml: indicator: changed from a milestone (percent complete) "
        "to a numeric target (sites: 0 → 100) without an amendments entry naming 'indicator': "
        f"add one (date, fields: [indicator], reason, approved_by) — {GUIDE}",
    ]


def test_other_edits_and_new_progress_need_no_entry(repo):
    text = target("HB-001").replace("title: Target HB-001", "title: Open 100 sites")
    write(repo, "targets/housing/HB-001.yaml", text + "area: Housing\n")
    write(repo, "targets/housing/HB-009.yaml", target("HB-009", due="2030-Q4"))
    assert problems(repo) == []


PROMISE_EDITS = {
    "due": ("due: 2026-Q4", "due: 2028-Q1"),
    "start": ("policy_address: 2024", "start: 2025-Q2\npolicy_address: 2024"),
    "indicator.unit": ("unit: sites", "unit: flats"),
    "indicator.baseline": ("baseline: 0", "baseline: 5"),
    "indicator.target": ("target: 100", "target: 150"),
    "indicator.direction": ("target: 100}", "target: 100, direction: increase}"),
}
FIELD_NAMES = ["due", "start", "indicator", *[n for n in PROMISE_EDITS if n.startswith("ind")]]


@settings(max_examples=40, deadline=None)
@given(
    edited=st.sets(st.sampled_from(sorted(PROMISE_EDITS))),
    named=st.sets(st.sampled_from(FIELD_NAMES)),
)
def test_exactly_the_changed_fields_no_new_entry_names_are_refused(tmp_path_factory, edited, named):
    folder = tmp_path_factory.mktemp("register")
    write(folder, "old/X-1.yaml", target("X-1"))
    text = target("X-1")
    for name in edited:
        before, after = PROMISE_EDITS[name]
        text = text.replace(before, after)
    if named:
        text += "amendments:\n" + amendment(", ".join(sorted(named)))
    write(folder, "new/X-1.yaml", text)
    old = load_register(folder / "old", reporting_quarter=None, default_lang="en")
    changes = compare(
        old,
        load_register(folder / "new", reporting_quarter=None, default_lang="en"),
        reporting_quarter=None,
        at_risk_lag=DEFAULT_AT_RISK_LAG,
    )
    # direction: increase written out is the default: no change to the promise.
    changed = edited - {"indicator.direction"}
    covered = {
        n for n in changed if n in named or (n.startswith("indicator.") and "indicator" in named)
    }
    refused = {line.split(": ")[1] for line in promise_problems(changes)}
    assert refused == changed - covered


# --- Removed targets ----------------------------------------------------------------------------


def test_a_target_removed_without_being_withdrawn_is_refused(repo):
    (repo / "targets/housing/HB-001.yaml").unlink()
    commit_all(repo, "drop HB-001")
    assert problems(repo) == [
        "targets/housing/HB-001.yaml: HB-001 was removed, but it was never withdrawn and no "
        "target replaces it: a published target stays on the record. Restore the file (git "
        "checkout main -- targets/housing/HB-001.yaml) and withdraw it (withdrawn: {quarter, "
        "reason}), or add 'replaces: HB-001' to the target that takes its place — see "
        'docs/staff-guide.md, "Withdrawing a target"'
    ]


def test_a_target_withdrawn_at_the_ref_may_be_removed(repo):
    (repo / "targets/housing/HB-003.yaml").unlink()
    result = check(repo)
    assert result.problems == ()
    assert (
        "- `HB-003` (Target HB-003) was withdrawn in 2025-Q3 (Merged into the district plan.); "
        "its file is removed, and the site keeps its last published version."
    ) in result.markdown.splitlines()


def test_withdrawing_in_the_same_change_that_removes_it_is_not_enough(repo):
    # The version published at the ref was not withdrawn: the public never saw a withdrawal.
    (repo / "targets/housing/HB-001.yaml").unlink()
    (line,) = problems(repo)
    assert "HB-001 was removed, but it was never withdrawn" in line


def test_a_target_replaced_by_a_current_one_may_be_removed(repo):
    (repo / "targets/housing/HB-001.yaml").unlink()
    write(repo, "targets/housing/HB-010.yaml", target("HB-010", extra="replaces: HB-001\n"))
    result = check(repo)
    assert result.problems == ()
    assert (
        "- `HB-001` (Target HB-001) is replaced by `HB-010` (Target HB-010); its pages will say so."
    ) in result.markdown.splitlines()


def test_a_target_moved_to_another_folder_is_not_removed(repo):
    (repo / "targets/housing/HB-001.yaml").rename(repo / "targets/HB-001.yaml")
    assert problems(repo) == []


# --- Editions ---------------------------------------------------------------------------------


def test_a_published_edition_changed_is_refused(repo):
    write(repo, "editions/2025-Q3.json", EDITION.replace("0123abc", "4567def"))
    commit_all(repo, "edit the edition")
    assert problems(repo) == [
        "editions/2025-Q3.json: changed: a published edition never changes: restore it with "
        "git checkout main -- editions/2025-Q3.json"
    ]


def test_a_published_edition_deleted_is_refused(repo):
    (repo / "editions/2025-Q3.json").unlink()
    assert problems(repo) == [
        "editions/2025-Q3.json: deleted: a published edition never changes: restore it with "
        "git checkout main -- editions/2025-Q3.json"
    ]


def test_a_published_edition_renamed_is_deleted(repo):
    git(repo, "mv", "editions/2025-Q3.json", "editions/2025-Q4.json")
    commit_all(repo, "rename")
    assert [line.split(": ")[:2] for line in problems(repo)] == [
        ["editions/2025-Q3.json", "deleted"]
    ]


def test_a_new_edition_and_other_files_in_the_folder_may_change(repo):
    write(repo, "editions/2025-Q4.json", EDITION.replace("2025-Q3", "2025-Q4"))
    write(repo, "editions/notes/README.md", "Editions are frozen. Cite them.\n")
    commit_all(repo, "a new edition")
    assert problems(repo) == []


def publish(repo: Path) -> None:
    """Commit the work tree and merge it into main: the change is published."""
    commit_all(repo, "the change")
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "--ff-only", "change")
    git(repo, "switch", "-q", "change")


def test_an_editions_folder_elsewhere_is_read_there(repo):
    git(repo, "mv", "editions", "published")
    publish(repo)
    result = review(
        repo,
        "main",
        repo / "targets",
        editions_dir=repo / "published",
        default_lang="en",
        reporting_quarter=None,
        at_risk_lag=DEFAULT_AT_RISK_LAG,
    )
    assert result.problems == ()
    write(repo, "published/2025-Q3.json", "{}\n")
    result = review(
        repo,
        "main",
        repo / "targets",
        editions_dir=repo / "published",
        default_lang="en",
        reporting_quarter=None,
        at_risk_lag=DEFAULT_AT_RISK_LAG,
    )
    assert [line.split(": ")[:2] for line in result.problems] == [
        ["published/2025-Q3.json", "changed"]
    ]


# --- History ----------------------------------------------------------------------------------


def test_a_ref_that_is_not_an_ancestor_after_a_rewrite_is_refused(repo):
    write(repo, "targets/housing/HB-001.yaml", target("HB-001").replace("Target", "Goal"))
    commit_all(repo, "published later")
    git(repo, "tag", "published")
    # The published commit is rewritten: amended and force-pushed.
    git(repo, "commit", "-q", "--amend", "-m", "published later, rewritten")
    assert problems(repo, "published") == [
        "published is not an ancestor of this change: the history was rewritten (force-push "
        "or rebase of published commits), or this branch does not contain published yet: "
        "published commits never change, so merge published into the branch (git merge "
        "published) instead of rebasing or force-pushing"
    ]


def test_a_shallow_clone_cannot_be_checked(repo, tmp_path):
    commit_all(repo, "second")
    clone = tmp_path / "clone"
    source = f"file://{repo}"
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-single-branch", source, str(clone))
    git(clone, "switch", "-q", "change")
    git(clone, "branch", "-q", "main", "origin/main")
    with pytest.raises(ChangesError, match="shallow clone.*git fetch --unshallow"):
        check(clone)


def test_every_problem_is_listed_one_a_line_in_a_stable_order(repo):
    write(repo, "targets/housing/HB-002.yaml", target("HB-002", indicator=False, due="2027-Q1"))
    (repo / "targets/housing/HB-001.yaml").unlink()
    (repo / "editions/2025-Q3.json").unlink()
    result = check(repo)
    assert [line.split(": ")[0] for line in result.problems] == [
        "editions/2025-Q3.json",
        "targets/housing/HB-002.yaml",
        "targets/housing/HB-001.yaml",
    ]
    assert "**Refused: 3 problems.** Fix each, then push again:" in result.markdown
    assert sum(line.startswith("- editions/") for line in result.markdown.splitlines()) == 1


# --- The summary ----------------------------------------------------------------------------


def test_the_summary_names_every_amendment_with_its_reason_or_none(repo):
    extra = "amendments:\n" + amendment("due")
    write(
        repo,
        "targets/housing/HB-001.yaml",
        target("HB-001", due="2027-Q4", level="90", extra=extra),
    )
    lines = check(repo).markdown.splitlines()
    assert "### Promises amended" in lines
    assert (
        "| `HB-001` | Target HB-001 | `due` | 2026-Q4 → **2027-Q4** | The site handover slipped "
        "a year. (2026-01-15, approved by Panel paper CB(1)123/2026) |"
    ) in lines
    assert (
        "| `HB-001` | Target HB-001 | `indicator.target` | 100 → **90** | **no reason recorded** |"
        in lines
    )
    assert any("2 promise amendments" in line for line in lines)
    # Promise fields are not listed a second time among the other edits.
    assert "### Other edits" not in lines


def test_the_summary_says_a_removal_neither_withdrawn_nor_replaced_in_words(repo):
    (repo / "targets/housing/HB-001.yaml").unlink()
    lines = summarize(
        repo,
        "main",
        repo / "targets",
        default_lang="en",
        reporting_quarter=None,
        at_risk_lag=DEFAULT_AT_RISK_LAG,
    ).splitlines()
    assert (
        "- `HB-001` (Target HB-001) **was removed without being withdrawn or replaced**: the "
        "site will keep its last published version, marked removed. Withdraw it instead "
        "(`withdrawn:`), or name its successor with `replaces:`."
    ) in lines
    # Without --check there is no check section.
    assert "## Published record check" not in lines


def test_the_summary_shows_a_published_amendments_entry_removed_or_an_unused_one(repo):
    entry = "amendments:\n" + amendment("due")
    write(repo, "targets/housing/HB-001.yaml", target("HB-001", due="2027-Q4", extra=entry))
    publish(repo)
    # The published entry is deleted; an entry naming a field that did not change is added.
    extra = "amendments:\n" + amendment("start", date="2026-02-01")
    write(repo, "targets/housing/HB-001.yaml", target("HB-001", due="2027-Q4", extra=extra))
    result = check(repo)
    assert result.problems == ()  # the record of reasons is for the reviewer to judge
    assert (
        "| `HB-001` | Target HB-001 | `amendments` | “2026-01-15 \\[due\\]: The site handover "
        "slipped a year.” | “2026-02-01 \\[start\\]: The site handover slipped a year.” |"
    ) in result.markdown.splitlines()


def test_register_text_in_the_promise_table_is_escaped(repo):
    unit = "'flats | <b>x</b> [y](https://evil.example)'"
    extra = "amendments:\n" + amendment("indicator")
    write(repo, "targets/housing/HB-001.yaml", target("HB-001", unit=unit, extra=extra))
    markdown = check(repo).markdown
    row = next(line for line in markdown.splitlines() if "`indicator.unit`" in line)
    assert "<b>" not in markdown
    assert r"**flats \| &lt;b&gt;x&lt;/b&gt; \[y\](https://evil.example)**" in row
    # Five cells (Target, Title, Field, Change, Reason): six unescaped pipes.
    assert len(re.findall(r"(?<!\\)\|", row)) == 6


# --- The command line -------------------------------------------------------------------------


@pytest.fixture
def cli_repo(repo) -> Path:
    """``repo`` with a settings file at its top, as the project keeps pelicanconf.py."""
    (repo / "settings.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"TARGETS_PATH = {str(repo / 'targets')!r}\n"
        f"PATH = {str(ROOT / 'content')!r}\nTHEME = {str(ROOT / 'theme')!r}\n",
        encoding="utf-8",
    )
    return repo


def cli(repo: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "generator", "--settings", "settings.py", "changes", *args]
    env = {**GIT_ENV, "PYTHONPATH": str(ROOT)}
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=120)


def test_the_command_exits_1_with_one_line_per_problem(cli_repo):
    write(cli_repo, "targets/housing/HB-001.yaml", target("HB-001", due="2027-Q4"))
    (cli_repo / "editions/2025-Q3.json").unlink()
    result = cli(cli_repo, "--base", "main", "--check")
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        "Error: the change breaks the published record (2 problems):",
        "editions/2025-Q3.json: deleted: a published edition never changes: restore it with "
        "git checkout main -- editions/2025-Q3.json",
        "targets/housing/HB-001.yaml: due: moved from 2026-Q4 to 2027-Q4 without an "
        "amendments entry naming 'due': add one (date, fields: [due], reason, approved_by) "
        f"— {GUIDE}",
    ]
    # The summary is still printed, for the reviewer.
    assert "## Register changes" in result.stdout
    assert "**Refused: 2 problems.**" in result.stdout


def test_the_command_writes_the_summary_even_when_the_check_fails(cli_repo):
    (cli_repo / "targets/housing/HB-001.yaml").unlink()
    result = cli(cli_repo, "--base", "main", "--check", "--output", "changes.md")
    assert result.returncode == 1
    assert result.stdout == "Wrote the change summary to changes.md.\n"
    summary = (cli_repo / "changes.md").read_text(encoding="utf-8")
    assert "**was removed without being withdrawn or replaced**" in summary
    assert "HB-001 was removed, but it was never withdrawn" in result.stderr


def test_the_command_exits_0_when_the_check_passes(cli_repo):
    extra = "amendments:\n" + amendment("due")
    write(cli_repo, "targets/housing/HB-001.yaml", target("HB-001", due="2027-Q4", extra=extra))
    result = cli(cli_repo, "--base", "main", "--check")
    assert (result.returncode, result.stderr) == (0, "")
    assert "Passed: every promise changed has its amendments entry" in result.stdout


def test_without_check_the_command_is_a_summary_with_exit_0(cli_repo):
    (cli_repo / "targets/housing/HB-001.yaml").unlink()
    (cli_repo / "editions/2025-Q3.json").unlink()
    result = cli(cli_repo, "--base", "main")
    assert (result.returncode, result.stderr) == (0, "")
    assert "## Published record check" not in result.stdout
    assert "**was removed without being withdrawn or replaced**" in result.stdout


def test_the_command_reads_editions_path_from_the_settings(cli_repo):
    git(cli_repo, "mv", "editions", "frozen")
    publish(cli_repo)
    with (cli_repo / "settings.py").open("a", encoding="utf-8") as settings_file:
        settings_file.write("EDITIONS_PATH = 'frozen'\n")
    (cli_repo / "frozen/2025-Q3.json").unlink()
    result = cli(cli_repo, "--base", "main", "--check")
    assert result.returncode == 1
    assert "frozen/2025-Q3.json: deleted: a published edition never changes" in result.stderr


# --- The pull-request workflow ----------------------------------------------------------------


PULL_REQUEST = ROOT / ".github/workflows/pull-request.yml"


def check_step() -> dict:
    """The step of the pull-request workflow that runs the check."""
    workflow = yaml.safe_load(PULL_REQUEST.read_text("utf-8"))
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    (step,) = [s for s in steps if "invoke changes" in s.get("run", "")]
    return step


def test_the_workflow_runs_the_check_against_the_base_with_the_whole_history():
    step = check_step()
    assert 'invoke changes --base "origin/$BASE_REF" --check --output changes.md' in step["run"]
    assert step["env"]["BASE_REF"] == "${{ github.base_ref }}"
    workflow = yaml.safe_load(PULL_REQUEST.read_text("utf-8"))
    (job,) = [j for j in workflow["jobs"].values() if check_step() in j["steps"]]
    checkout = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout")]
    assert checkout[0]["with"]["fetch-depth"] == 0


@pytest.mark.parametrize("status", [0, 1])
def test_the_workflow_writes_the_summary_even_when_the_check_fails(tmp_path, status):
    # A stand-in for invoke that writes its summary, then exits as the check would.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "invoke"
    fake.write_text(f"#!/bin/sh\necho '## Register changes' > changes.md\nexit {status}\n")
    fake.chmod(0o755)
    summary = tmp_path / "summary.md"
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "BASE_REF": "main",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    # As GitHub runs a 'run:' script: bash -e.
    result = subprocess.run(
        ["bash", "-e", "-c", check_step()["run"]], cwd=tmp_path, env=env, capture_output=True
    )
    assert result.returncode == status
    assert summary.read_text() == "## Register changes\n"


def test_the_workflow_annotates_each_line_of_the_check_on_its_file():
    script = check_step()["run"]
    matcher = json.loads(script[script.index("{") : script.index("JSON\n", script.index("{"))])
    (pattern,) = matcher["problemMatcher"][0]["pattern"]
    regexp = re.compile(pattern["regexp"])
    line = "targets/housing/HB-001.yaml: due: moved from 2026-Q4 to 2027-Q4 without ..."
    found = regexp.match(line)
    assert found[pattern["file"]] == "targets/housing/HB-001.yaml"
    assert found[pattern["message"]] == "due: moved from 2026-Q4 to 2027-Q4 without ..."
    assert regexp.match("editions/2025-Q3.json: deleted: a published edition never changes")
    # A validator line (with its line number) is the validate step's matcher's, not this one's.
    assert not regexp.match("targets/housing/HB-001.yaml:4: due: not a quarter")


# --- The staff guide ----------------------------------------------------------------------------

STAFF_GUIDE = ROOT / "docs" / "staff-guide.md"


def test_the_guide_shows_the_lines_the_check_prints(tmp_path):
    # The guide's example: PA2023-017 moved, and then deleted, against origin/main.
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    path = "targets/housing-bureau/PA2023-017.yaml"
    write(repo, path, target("PA2023-017"))
    write(repo, "targets/housing-bureau/PA2023-018.yaml", target("PA2023-018"))
    commit_all(repo, "published")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    guide = STAFF_GUIDE.read_text(encoding="utf-8").splitlines()
    write(repo, path, target("PA2023-017", due="2027-Q4"))
    (moved,) = problems(repo, "origin/main")
    (repo / path).unlink()
    (removed,) = problems(repo, "origin/main")
    assert moved in guide
    assert removed in guide
    # Each section a line points to is there, with the others the guide must have.
    named = {re.search(r'staff-guide\.md, "([^"]+)"', line)[1] for line in (moved, removed)}
    assert named == {"Amending a promise", "Withdrawing a target"}
    wanted = {"Correcting a clerical mistake", "Replacing a target", "What the check says"}
    assert {f"### {name}" for name in named | wanted} <= set(guide)
