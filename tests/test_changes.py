"""The change summary a reviewer reads on a pull request: git ref versus working tree."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from generator.assess.gitrefs import ChangesError, sources_at_ref
from generator.assess.status import DEFAULT_AT_RISK_LAG
from generator.register.errors import RegisterError
from generator.register.loader import load_register
from generator.register.quarters import Quarter
from generator.staff.changes import compare, escape, summarize, to_markdown
from tests.gitenv import GIT_ENV


@pytest.fixture(autouse=True)
def no_outside_git(monkeypatch):
    """The code under test must not be pointed at another repository by the environment."""
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)


def git(repo: Path, *args: str) -> str:
    """Run git in the temporary repository ``repo``."""
    result = subprocess.run(
        ["git", "-C", str(repo), *args], env=GIT_ENV, capture_output=True, text=True, check=True
    )
    return result.stdout


def init_repo(repo: Path) -> Path:
    """An empty git repository with a first branch called main."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    return repo


def commit_all(repo: Path, message: str) -> None:
    """Stage every file and commit."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)


def write(folder: Path, relative: str, text: str) -> Path:
    """Write one register file (and its sub-folders)."""
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def numeric(
    id: str, due: str, progress: dict[str, float], *, unit: str = "sites", extra: str = ""
) -> str:
    """A numeric target from 0 to 100 ``unit`` (policy address 2024, so start 2024-Q4)."""
    entries = ", ".join(f"{{quarter: {q}, value: {v}}}" for q, v in progress.items())
    return (
        f"id: {id}\ntitle: Target {id}\npolicy_address: 2024\nbureau: Housing Bureau\n"
        f"due: {due}\nindicator: {{unit: {unit}, baseline: 0, target: 100}}\n"
        f"progress: [{entries}]\n{extra}"
    )


def delay(revised_due: str) -> str:
    """A delay justification block."""
    return (
        f"delay:\n  reason: Site handover slipped.\n  revised_due: {revised_due}\n"
        "  measures: Extra crews on site.\n"
    )


CORR_OLD = """\
id: CH-CORR
title:
  en: Publish the housing plan
  zh-Hant: 發表房屋計劃
policy_address: 2024
bureau: Housing Bureau
due: 2025-Q4
progress:
  - {quarter: 2025-Q1, percent_complete: 20}
  - {quarter: 2025-Q2, percent_complete: 40}
  - {quarter: 2025-Q3, percent_complete: 100, note: Done.}
"""
CORR_NEW = """\
id: CH-CORR
title:
  en: Publish the housing plan
  zh-Hant: 發表房屋計劃
policy_address: 2024
bureau: Housing Bureau
due: 2025-Q4
progress:
  - {quarter: 2025-Q2, percent_complete: 45}
  - {quarter: 2025-Q3, percent_complete: 100, note: Done; report published.}
"""


# Commit 1, reporting quarter 2025-Q3.
OLD = {
    # On track: expected 3/8 of the way at 2025-Q3, 30% done.
    "2024/CH-STATUS.yaml": numeric(
        "CH-STATUS", "2026-Q4", {"2025-Q3": 30}, extra="area: Housing\n"
    ),
    # On track: expected 3/4, 60% done (a lag of 0.15).
    "2024/CH-NOJUST.yaml": numeric("CH-NOJUST", "2025-Q4", {"2025-Q3": 60}, unit="flats"),
    # Missed already (due 2025-Q1), no justification yet.
    "2024/CH-LATEJ.yaml": numeric("CH-LATEJ", "2025-Q1", {"2025-Q1": 50, "2025-Q3": 80}),
    # Missed already, justified; its revised due quarter is about to move.
    "2024/CH-JCHG.yaml": numeric("CH-JCHG", "2025-Q2", {"2025-Q2": 10}, extra=delay("2025-Q4")),
    "2024/CH-CORR.yaml": CORR_OLD,
    "2024/CH-GONE.yaml": numeric("CH-GONE", "2026-Q4", {"2025-Q3": 50}),
}
# The working tree, reporting quarter 2025-Q4: every kind of change.
NEW = {
    # Falls behind: expected 1/2 at 2025-Q4, 25% done → at risk; its area is edited too.
    "2024/CH-STATUS.yaml": numeric(
        "CH-STATUS", "2026-Q4", {"2025-Q3": 30, "2025-Q4": 25}, extra="area: Land\n"
    ),
    # Due 2025-Q4 and not reached: newly missed, with no justification.
    "2024/CH-NOJUST.yaml": numeric(
        "CH-NOJUST", "2025-Q4", {"2025-Q3": 60, "2025-Q4": 70}, unit="flats"
    ),
    # A justification added to the target missed already; no 2025-Q4 update.
    "2024/CH-LATEJ.yaml": numeric(
        "CH-LATEJ", "2025-Q1", {"2025-Q1": 50, "2025-Q3": 80}, extra=delay("2026-Q2")
    ),
    "2024/CH-JCHG.yaml": numeric("CH-JCHG", "2025-Q2", {"2025-Q2": 10}, extra=delay("2026-Q2")),
    # 2025-Q1 removed, the 2025-Q2 figure corrected, the 2025-Q3 note corrected.
    "2024/CH-CORR.yaml": CORR_NEW,
    # CH-GONE removed. Added and missed already, justified:
    "2025/CH-NEWMISS.yaml": numeric(
        "CH-NEWMISS", "2025-Q2", {"2025-Q2": 5}, extra=delay("2026-Q1")
    ),
    # Added, on track: starts 2025-Q4, nothing expected yet.
    "2025/CH-FRESH.yaml": numeric("CH-FRESH", "2027-Q4", {"2025-Q4": 0}).replace(
        "policy_address: 2024", "policy_address: 2025"
    ),
}


def write_register(targets: Path, files: dict[str, str]) -> None:
    """Make ``targets`` hold exactly ``files``."""
    for path in targets.rglob("*.yaml"):
        path.unlink()
    for relative, text in files.items():
        write(targets, relative, text)


@pytest.fixture
def changed_repo(tmp_path) -> Path:
    """A repository whose commit 1 holds the old register and whose tree holds the new one."""
    repo = init_repo(tmp_path / "repo")
    write(repo, "README.md", "A portal.\n")
    write_register(repo / "targets", OLD)
    commit_all(repo, "commit 1")
    write_register(repo / "targets", NEW)
    return repo


@pytest.fixture
def changes(changed_repo):
    """The ChangeSet of the scenario, built the way ``summarize`` builds it."""
    from generator.register.loader import load_sources

    targets = changed_repo / "targets"
    old = load_sources(
        sources_at_ref(changed_repo, "main", targets), reporting_quarter=None, default_lang="en"
    )
    return compare(
        old,
        load_register(targets, reporting_quarter=None, default_lang="en"),
        reporting_quarter=None,
        at_risk_lag=DEFAULT_AT_RISK_LAG,
    )


def ids(items) -> list[str]:
    """The target ids of a list of targets or change items."""
    return [getattr(item, "target", item).id for item in items]


# --- Reading the register at a ref ----------------------------------------------------------


def test_sources_at_ref_reads_each_yaml_file_as_committed_sorted_by_path(changed_repo):
    committed = git(changed_repo, "show", "HEAD:targets/2024/CH-CORR.yaml").encode()
    sources = sources_at_ref(changed_repo, "HEAD", changed_repo / "targets")
    assert [s.shown for s in sources] == [
        f"HEAD:targets/2024/{name}.yaml"
        for name in ("CH-CORR", "CH-GONE", "CH-JCHG", "CH-LATEJ", "CH-NOJUST", "CH-STATUS")
    ]
    assert sources[0].stem == "CH-CORR"
    # The committed bytes, not the working tree's edited copy.
    assert sources[0].text == committed == CORR_OLD.encode()


def test_sources_at_ref_skips_other_files_and_reads_sub_folders_only(tmp_path):
    repo = init_repo(tmp_path / "repo")
    write(repo, "targets/a/b/X-1.yaml", "id: X-1\n")
    write(repo, "targets/notes.md", "not a target\n")
    write(repo, "other/Y-1.yaml", "id: Y-1\n")
    commit_all(repo, "one")
    sources = sources_at_ref(repo, "main", repo / "targets")
    assert [(s.shown, s.stem, s.text) for s in sources] == [
        ("main:targets/a/b/X-1.yaml", "X-1", b"id: X-1\n")
    ]


@pytest.mark.parametrize("ref", ["no-such-branch", "-h", "HEAD~5"])
def test_a_ref_that_is_not_a_commit_is_a_changes_error_naming_it(changed_repo, ref):
    with pytest.raises(ChangesError, match=f"{re.escape(repr(ref))} is not a commit"):
        sources_at_ref(changed_repo, ref, changed_repo / "targets")


def test_a_folder_outside_git_is_a_changes_error(tmp_path, monkeypatch):
    # Stop git looking above tmp_path for a repository.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "plain" / "targets").mkdir(parents=True)
    with pytest.raises(ChangesError, match="not a git repository"):
        sources_at_ref(tmp_path / "plain", "main", tmp_path / "plain" / "targets")


def test_a_register_outside_the_repository_is_a_changes_error(changed_repo, tmp_path):
    with pytest.raises(ChangesError, match="not inside the git repository"):
        sources_at_ref(changed_repo, "main", tmp_path / "elsewhere")


def test_an_invalid_register_at_the_ref_is_a_register_error_naming_the_ref(tmp_path):
    repo = init_repo(tmp_path / "repo")
    write(repo, "targets/X-1.yaml", "id: X-1\ntitle: No bureau or due\npolicy_address: 2024\n")
    commit_all(repo, "bad")
    write(repo, "targets/X-1.yaml", numeric("X-1", "2026-Q4", {"2025-Q3": 1}))
    with pytest.raises(RegisterError, match=re.escape("main:targets/X-1.yaml")):
        summarize(
            repo,
            "main",
            repo / "targets",
            default_lang="en",
            reporting_quarter=None,
            at_risk_lag=DEFAULT_AT_RISK_LAG,
        )


# --- What changed ---------------------------------------------------------------------------


def test_targets_added_and_removed(changes):
    assert ids(changes.added) == ["CH-FRESH", "CH-NEWMISS"]
    assert ids(changes.removed) == ["CH-GONE"]


def test_each_side_has_its_own_reporting_quarter(changes):
    assert (changes.old_quarter, changes.new_quarter) == (Quarter(2025, 3), Quarter(2025, 4))


def test_status_changes_from_old_to_new(changes):
    found = [(s.target.id, s.old, s.new) for s in changes.status_changes]
    assert found == [("CH-NOJUST", "on_track", "missed"), ("CH-STATUS", "on_track", "at_risk")]


def test_newly_missed_targets_say_whether_a_justification_is_filed(changes):
    # CH-LATEJ and CH-JCHG were missed already; CH-NEWMISS is added and missed.
    found = [(m.target.id, m.justified) for m in changes.newly_missed]
    assert found == [("CH-NEWMISS", True), ("CH-NOJUST", False)]


def test_justifications_added_and_changed(changes):
    assert ids(changes.justifications_added) == ["CH-LATEJ"]
    assert changes.justifications_added[0].old is None
    (changed,) = changes.justifications_changed
    assert changed.target.id == "CH-JCHG"
    assert changed.fields == ("revised_due",)
    assert (changed.old.revised_due, changed.new.revised_due) == (
        Quarter(2025, 4),
        Quarter(2026, 2),
    )
    assert changes.justifications_removed == []


def test_corrections_to_published_entries(changes):
    found = [
        (c.target.id, str(c.quarter), c.fields, c.old_figure, c.new_figure)
        for c in changes.corrections
    ]
    assert found == [
        ("CH-CORR", "2025-Q1", ("removed",), 20, None),
        ("CH-CORR", "2025-Q2", ("figure",), 40, 45),
        ("CH-CORR", "2025-Q3", ("note",), 100, 100),
    ]
    note = changes.corrections[2]
    assert (note.old.note, note.new.note) == ("Done.", "Done; report published.")


def test_new_progress_entries_and_other_field_edits(changes):
    assert [(n.target.id, str(n.entry.quarter)) for n in changes.progress_added] == [
        ("CH-NOJUST", "2025-Q4"),
        ("CH-STATUS", "2025-Q4"),
    ]
    assert [(e.target.id, e.field, e.old, e.new) for e in changes.edits] == [
        ("CH-STATUS", "area", "Housing", "Land")
    ]


def test_targets_not_updated_for_the_new_reporting_quarter(changes):
    # Achieved targets need no update; added CH-NEWMISS last reported 2025-Q2.
    assert ids(changes.not_updated) == ["CH-JCHG", "CH-LATEJ", "CH-NEWMISS"]
    assert not changes.unchanged


# --- The Markdown ---------------------------------------------------------------------------


def test_markdown_counts_every_kind_of_change_at_the_top(changes):
    lines = to_markdown(changes, "en").splitlines()
    assert lines[0] == "## Register changes"
    assert lines[2] == (
        "2 targets added, 1 target removed, 2 status changes, "
        "2 newly missed (1 without justification), 1 justification added, "
        "1 justification changed, 3 corrections, 2 new progress updates, 1 other field edit, "
        "3 targets not updated for 2025-Q4."
    )
    assert "Reporting quarter: 2025-Q3 → **2025-Q4**." in lines


def test_markdown_lists_each_change_with_its_details(changes):
    text = to_markdown(changes, "en")
    expected_lines = [
        "### Newly missed",
        "| `CH-NOJUST` | Target CH-NOJUST | 2025-Q4 | **no justification filed** |",
        "| `CH-NEWMISS` | Target CH-NEWMISS | 2025-Q2 | filed: revised due 2026-Q1 |",
        "### Status changes",
        "| `CH-STATUS` | Target CH-STATUS | On track | **At risk** |",
        "| `CH-NOJUST` | Target CH-NOJUST | On track | **Missed** |",
        "### Corrections to published figures",
        "| `CH-CORR` | Publish the housing plan | 2025-Q1 | 20% complete → — | **entry removed** |",
        "| `CH-CORR` | Publish the housing plan | 2025-Q2 | 40% complete → **45% complete** "
        "| figure |",
        "| `CH-CORR` | Publish the housing plan | 2025-Q3 | 100% complete (unchanged) "
        "| note: “Done.” → “Done; report published.” |",
        "### Justifications added",
        "| `CH-LATEJ` | Target CH-LATEJ | 2026-Q2 | Site handover slipped. |",
        "### Justifications changed",
        "| `CH-JCHG` | Target CH-JCHG | revised due 2025-Q4 → **2026-Q2** |",
        "### Targets added",
        "| `CH-FRESH` | Target CH-FRESH | Housing Bureau | 2027-Q4 | On track |",
        "### Targets removed",
        "| `CH-GONE` | Target CH-GONE | Housing Bureau | On track |",
        "### Other edits",
        "| `CH-STATUS` | Target CH-STATUS | `area` | “Housing” | “Land” |",
        "### New progress reported",
        "| `CH-STATUS` | Target CH-STATUS | 2025-Q4 | 25 sites |",
        "### Not updated for 2025-Q4",
        "| `CH-LATEJ` | Target CH-LATEJ | Housing Bureau | Missed | 2025-Q3 |",
    ]
    lines = text.splitlines()
    for line in expected_lines:
        assert line in lines, line
    # The loudest news comes first: newly missed, and those without justification first.
    assert text.index("### Newly missed") < text.index("### Status changes")
    assert text.index("`CH-NOJUST` | Target CH-NOJUST | 2025-Q4") < text.index("`CH-NEWMISS`")


def test_markdown_titles_are_in_the_language_asked_for(changes):
    text = to_markdown(changes, "zh-Hant")
    assert "| `CH-CORR` | 發表房屋計劃 | 2025-Q2 |" in text
    # A title without that language falls back to the one it has.
    assert "| `CH-GONE` | Target CH-GONE |" in text


def test_summarize_gives_the_same_markdown(changed_repo, changes):
    text = summarize(
        changed_repo,
        "main",
        changed_repo / "targets",
        default_lang="en",
        reporting_quarter=None,
        at_risk_lag=DEFAULT_AT_RISK_LAG,
    )
    assert text == to_markdown(changes, "en")


def test_no_changes_says_so_plainly(changed_repo):
    commit_all(changed_repo, "commit 2")
    text = summarize(
        changed_repo,
        "HEAD",
        changed_repo / "targets",
        default_lang="en",
        reporting_quarter=None,
        at_risk_lag=DEFAULT_AT_RISK_LAG,
    )
    assert "No changes to the register." in text.splitlines()
    assert "###" not in text


def test_compared_with_an_older_commit_after_a_second_commit(changed_repo):
    commit_all(changed_repo, "commit 2")
    assert "**no justification filed**" in summarize(
        changed_repo,
        "HEAD~1",
        changed_repo / "targets",
        default_lang="en",
        reporting_quarter=None,
        at_risk_lag=DEFAULT_AT_RISK_LAG,
    )


def test_a_register_folder_new_since_the_ref_is_all_added(tmp_path):
    repo = init_repo(tmp_path / "repo")
    write(repo, "README.md", "A portal.\n")
    commit_all(repo, "before the register")
    assert sources_at_ref(repo, "main", repo / "targets") == []
    write_register(repo / "targets", NEW)
    text = summarize(
        repo,
        "main",
        repo / "targets",
        default_lang="en",
        reporting_quarter=None,
        at_risk_lag=DEFAULT_AT_RISK_LAG,
    )
    # With no old register, every missed target is newly missed.
    assert text.splitlines()[2] == (
        "7 targets added, 4 newly missed (1 without justification), "
        "3 targets not updated for 2025-Q4."
    )
    assert "Reporting quarter: none → **2025-Q4**." in text
    assert "### Status changes" not in text


def test_no_status_comparison_for_a_side_without_a_reporting_quarter(tmp_path):
    targets = tmp_path / "targets"
    write(targets, "X-1.yaml", numeric("X-1", "2025-Q2", {}))
    old = load_register(targets, reporting_quarter=None, default_lang="en")
    write(targets, "X-1.yaml", numeric("X-1", "2025-Q2", {"2025-Q3": 5}))
    changes = compare(
        old,
        load_register(targets, reporting_quarter=None, default_lang="en"),
        reporting_quarter=None,
        at_risk_lag=DEFAULT_AT_RISK_LAG,
    )
    assert changes.old_quarter is None
    assert changes.status_changes == []
    assert [(m.target.id, m.justified) for m in changes.newly_missed] == [("X-1", False)]


def test_the_reporting_quarter_setting_applies_to_both_sides(tmp_path):
    targets = tmp_path / "targets"
    write(targets, "X-1.yaml", numeric("X-1", "2026-Q4", {"2025-Q1": 10}))
    old = load_register(targets, reporting_quarter=None, default_lang="en")
    changes = compare(old, old, reporting_quarter=Quarter(2025, 4), at_risk_lag=DEFAULT_AT_RISK_LAG)
    assert changes.unchanged
    assert ids(changes.not_updated) == ["X-1"]
    assert "Reporting quarter: 2025-Q4 (unchanged)." in to_markdown(changes, "en")


# --- Untrusted register text -----------------------------------------------------------------


def test_titles_are_escaped_for_markdown_tables(tmp_path):
    targets = tmp_path / "targets"
    write(targets, "X-1.yaml", numeric("X-1", "2026-Q4", {"2025-Q3": 10}))
    old = load_register(targets, reporting_quarter=None, default_lang="en")
    title = "Fix | the <script>alert(1)</script> [link](https://evil.example)"
    text = numeric("X-1", "2026-Q4", {"2025-Q3": 10}).replace(
        "title: Target X-1", f"title: '{title}'"
    )
    write(targets, "X-1.yaml", text)
    markdown = to_markdown(
        compare(
            old,
            load_register(targets, reporting_quarter=None, default_lang="en"),
            reporting_quarter=None,
            at_risk_lag=DEFAULT_AT_RISK_LAG,
        ),
        "en",
    )
    assert "<script>" not in markdown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert r"Fix \| the" in markdown
    assert r"\[link\](https://evil.example)" in markdown
    row = next(line for line in markdown.splitlines() if line.startswith("| `X-1` | Fix"))
    # Five cells (Target, Title, Field, Was, Now): six unescaped pipes.
    assert len(re.findall(r"(?<!\\)\|", row)) == 6


def test_escape_keeps_register_text_on_one_line_and_literal():
    assert escape("a\nb\r\n  c") == "a b c"
    assert escape(r"a\|b") == r"a\\\|b"
    assert escape("*bold* & `code` ~x~ _y_") == r"\*bold\* &amp; \`code\` \~x\~ \_y\_"
    assert escape("x" * 10, width=5) == "xxxx…"


def test_summary_lists_missing_translations_of_added_and_edited_targets(changed_repo, changes):
    text = summarize(
        changed_repo,
        "main",
        changed_repo / "targets",
        languages=("en", "zh-Hant"),
        default_lang="en",
        reporting_quarter=None,
        at_risk_lag=DEFAULT_AT_RISK_LAG,
    )
    section = text[text.index("### Missing translations") :]
    touched = {t.id for t in changes.added} | {e.target.id for e in changes.edits}
    listed = {line.split("`")[1] for line in section.splitlines() if line.startswith("| `")}
    assert listed and listed <= touched
    assert "| zh-Hant |" in section
    # Without a second language there is nothing to translate.
    assert "Missing translations" not in summarize(
        changed_repo,
        "main",
        changed_repo / "targets",
        default_lang="en",
        reporting_quarter=None,
        at_risk_lag=DEFAULT_AT_RISK_LAG,
    )
