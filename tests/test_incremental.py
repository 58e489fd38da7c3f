"""An incremental rebuild makes the same site, byte for byte, as a cold build of the same
inputs: whatever changed (a figure, a note, a status, a new or removed target, a
translation, a template, a setting, a justification), and after a change is undone.

One copy of the sample project, in a git repository of its own, goes through every kind
of change in turn. After each, the same output folder is rebuilt (``build.build``, as
``invoke build`` does, its incremental state warm) and a fresh folder is built with
``force=True``; the two trees must hold the same paths with the same bytes. The cold
builds have a CHART_CACHE_PATH of their own, given the rebuilds' charts and packs before
each build (they are keyed by content), never the rebuilds' store of kept files: a cold
build cannot take a stale file from it, nor leave its own files for the next rebuild.
Each change must alter the cold site, and show in it, or it would test nothing.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import build
from tests.conftest import ROOT, SAMPLE_REGISTER
from tests.gitenv import git, isolate

SETTINGS = """\
import runpy

globals().update(
    {{k: v for k, v in runpy.run_path({conf!r}).items() if k.isupper()}}
)
TARGETS_PATH = {targets!r}
PATH = {content!r}
THEME = {theme!r}
RECORD_SINCE = None  # the project's names a commit of its own repository
THEME_TEMPLATES_OVERRIDES = [{overrides!r}]
"""
# The incremental builds' store of kept files, under CHART_CACHE_PATH (site/filestore.py).
STORE = "files"
FIRST_DAY, LATER_DAY = "2026-10-09", "2026-10-20"
NEW_TARGET = """\
id: PA2024-016
title:
  en: Open 20 community health centres in the districts without one
  zh-Hant: 在未有社區健康中心的地區開設二十間中心
policy_address: 2024
bureau: Health Bureau
area: Health
description:
  en: Open **20 community health centres**, one in each district without one.
  zh-Hant: 在每個未有社區健康中心的地區開設一間，共**二十間**。
due: 2027-Q4
indicator:
  unit: {en: centres, zh-Hant: 間中心}
  baseline: 0
  target: 20
progress:
  - quarter: 2025-Q4
    value: 4
  - quarter: 2026-Q3
    value: 9
    note: Three centres opened in the New Territories.
"""
DELAY = """\
delay:
  reason: Two day care centres waited a year for their fitting-out contracts.
  revised_due: 2026-Q4
  measures: The last 100 places open in the two centres now being fitted out.
  responsible: Secretary for Labour and Welfare
"""
OVERRIDE = (
    '{% extends "!portal/target.html" %}{% block content %}{{ super() }}'
    '<p class="incremental-test">A note the host site adds to every target page.</p>'
    "{% endblock %}\n"
)


class Project:
    """The sample project's copy, its settings overrides, and where it is built."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.repo = folder, folder / "project"
        self.out = folder / "out"
        self.overrides: dict = {"CHART_CACHE_PATH": str(folder / "cache")}
        shutil.copytree(SAMPLE_REGISTER, self.repo / "targets")
        shutil.copytree(ROOT / "content", self.repo / "content")
        (self.repo / "overrides").mkdir()
        (self.repo / "settings.py").write_text(
            SETTINGS.format(
                conf=str(ROOT / "pelicanconf.py"),
                targets=str(self.repo / "targets"),
                content=str(self.repo / "content"),
                theme=str(ROOT / "theme"),
                overrides=str(self.repo / "overrides"),
            ),
            encoding="utf-8",
        )
        git(self.repo, "init", "-q", "-b", "main")
        self.commit("The sample register", FIRST_DAY, ".")

    def settings(self, cache: str | None = None) -> dict:
        overrides = {**self.overrides, **({"CHART_CACHE_PATH": cache} if cache else {})}
        return build.read_settings(self.repo / "settings.py", overrides)

    def commit(self, message: str, day: str, *paths: str) -> None:
        """Commit ``paths`` alone (other edits stay uncommitted), at noon UTC on ``day``."""
        git(self.repo, "add", "-A", "--", *paths)
        git(self.repo, "commit", "-q", "-m", message, date=f"{day}T12:00:00+00:00")

    def edit(self, relative: str, old: str, new: str) -> None:
        """Replace the one occurrence of ``old`` in ``relative``."""
        path = self.repo / relative
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{relative}: {old!r} found {text.count(old)} times"
        path.write_text(text.replace(old, new), encoding="utf-8")


# --- The changes, in the order they are made --------------------------------------------

FIGURES = "targets/housing-bureau/PA2022-001.yaml"


def change_figure(p: Project) -> None:  # uncommitted, as while preparing a quarter
    p.edit(FIGURES, "    value: 26000\n", "    value: 26500\n")


def change_note(p: Project) -> None:
    p.edit(FIGURES, "Two estates in the northern", "Three estates in the northern")


def commit_three(p: Project) -> None:
    """A status flip, a new target and a removed one, merged in one commit: every commit
    changes every page and pack (they name it), so one commit is made, not three."""
    # The latest figure reaches the target: missed becomes achieved.
    p.edit("targets/labour-and-welfare-bureau/PA2022-015.yaml", "value: 8800", "value: 10000")
    (p.repo / "targets/health-bureau/PA2024-016.yaml").write_text(NEW_TARGET, encoding="utf-8")
    # The record keeps publishing a deleted target, marked removed.
    git(p.repo, "rm", "-q", "targets/health-bureau/PA2024-011.yaml")
    paths = ("targets/labour-and-welfare-bureau", "targets/health-bureau")
    p.commit("PA2022-015 reached, PA2024-016 added, PA2024-011 removed", LATER_DAY, *paths)


def committed_three(site: Path) -> bool:
    return (
        as_built(site, "PA2022-015")["status"] == "achieved"
        and as_built(site, "PA2024-016") != {}
        and as_built(site, "PA2024-011").get("removed") is not None
    )


def translate(p: Project) -> None:  # a target's title, and a name in content/'s glossary
    p.edit("targets/development-bureau/PA2022-013.yaml", "zh-Hant: 完成", "zh-Hant: （修訂）完成")
    p.edit("content/names.zh-Hant.yaml", "Transport: 運輸", "Transport: 交通運輸")


def translated(site: Path) -> bool:
    title = as_built(site, "PA2022-013")["titles"]["zh-Hant"]
    return title.startswith("（修訂）") and "交通運輸" in read(site, "zh-hant/index.html")


def override_template(p: Project) -> None:
    (p.repo / "overrides" / "target.html").write_text(OVERRIDE, encoding="utf-8")


def change_setting(p: Project) -> None:  # more lenient: PA2024-010 is no longer at risk
    p.overrides["AT_RISK_LAG"] = 0.35


def file_justification(p: Project) -> None:  # a missed target, justification_missing
    path = p.repo / "targets/labour-and-welfare-bureau/PA2022-007.yaml"
    path.write_text(path.read_text(encoding="utf-8") + DELAY, encoding="utf-8")


def revert_figure(p: Project) -> None:  # back to the figure the first builds had
    p.edit(FIGURES, "    value: 26500\n", "    value: 26000\n")


def read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def as_built(site: Path, tid: str) -> dict:
    data = json.loads((site / "data" / "targets.json").read_text(encoding="utf-8"))
    return next((t for t in data["targets"] if t["id"] == tid), {})


@dataclass(frozen=True)
class Change:
    kind: str
    make: Callable[[Project], None]
    shows: Callable[[Path], bool]  # the cold site shows what the change meant to do


CHANGES = [
    Change("first build", lambda p: None, lambda site: True),
    Change("progress figure", change_figure,
           lambda s: as_built(s, "PA2022-001")["latest_value"] == 26500),
    Change("progress note", change_note,
           lambda s: "Three estates" in read(s, "targets/PA2022-001.html")),
    Change("status flip, new target, removed target, committed", commit_three, committed_three),
    Change("translations", translate, translated),
    Change("template override", override_template,
           lambda s: "incremental-test" in read(s, "targets/PA2022-001.html")),
    Change("setting AT_RISK_LAG", change_setting,
           lambda s: as_built(s, "PA2024-010")["status"] == "on_track"),
    Change("justification filed", file_justification,
           lambda s: as_built(s, "PA2022-007")["justification_filed"]),
    Change("figure reverted", revert_figure,
           lambda s: as_built(s, "PA2022-001")["latest_value"] == 26000),
]  # fmt: skip


# --- Comparing two built trees ----------------------------------------------------------


def tree(folder: Path) -> dict[str, str]:
    """Every file below ``folder``, by relative path: the SHA-256 of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _text_diff(old: Path, new: Path, path: str) -> str:
    try:
        a, b = old.read_text(encoding="utf-8"), new.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ""
    lines = difflib.unified_diff(
        a.splitlines(), b.splitlines(), f"incremental/{path}", f"cold/{path}", lineterm="", n=1
    )
    return "\n".join(line[:200] for line in list(lines)[:30])


def differences(incremental: Path, cold: Path) -> str | None:
    """What differs between the two trees, for a reader (None: nothing)."""
    inc, col = tree(incremental), tree(cold)
    only_inc, only_cold = sorted(inc.keys() - col.keys()), sorted(col.keys() - inc.keys())
    differ = sorted(path for path in inc.keys() & col.keys() if inc[path] != col[path])
    if not (only_inc or only_cold or differ):
        return None
    lines = [f"{len(only_inc) + len(only_cold) + len(differ)} paths differ from the cold build:"]
    lines += [f"  only in the incremental build: {only_inc[:5]}"] if only_inc else []
    lines += [f"  only in the cold build: {only_cold[:5]}"] if only_cold else []
    lines += [f"  different bytes ({len(differ)}): {differ[:5]}"] if differ else []
    for path in differ:
        diff = _text_diff(incremental / path, cold / path, path)
        if diff:
            return "\n".join([*lines, diff])
    return "\n".join(lines)


# --- The scenario, one change after another ---------------------------------------------


@dataclass
class Outcome:
    result: build.BuildResult  # the incremental rebuild's
    files: int  # in the rebuilt site
    problem: str | None  # how it differs from the cold build
    altered: bool  # the cold site differs from the one before the change
    shown: bool  # and shows the change


class Scenario:
    """Makes the changes in order, each checked as it is made; a test asks for the one it
    judges, and every change before it is made first (so one test can run alone)."""

    def __init__(self, folder: Path) -> None:
        self.project = Project(folder)
        self.outcomes: dict[str, Outcome | BaseException] = {}
        self.before: dict[str, str] = {}

    def reach(self, kind: str) -> Outcome:
        for change in CHANGES[len(self.outcomes) :]:
            try:
                self.outcomes[change.kind] = self._make(change, len(self.outcomes))
            except Exception as exc:  # told to this change's test; the next changes go on
                self.outcomes[change.kind] = exc
            if change.kind == kind:
                break
        done = self.outcomes[kind]
        if isinstance(done, BaseException):
            raise done
        return done

    def _make(self, change: Change, number: int) -> Outcome:
        p = self.project
        change.make(p)
        result = build.build(p.settings(), p.out)
        # The charts and packs are keyed by content: the cold build may take them (else
        # each would render every pack anew), but never the files a rebuild kept.
        cache = p.folder / "cache"
        share_caches(cache, p.folder / "cold-cache")
        cold = p.folder / f"cold-{number}"
        build.build(p.settings(str(p.folder / "cold-cache")), cold, force=True)
        problem, after = differences(p.out, cold), tree(cold)
        outcome = Outcome(
            result, len(tree(p.out)), problem, after != self.before, change.shows(cold)
        )
        self.before = after
        shutil.rmtree(cold)
        if problem:  # start the next change from a right site, so that it is judged alone
            build.build(p.settings(), p.out, force=True)
        return outcome


def share_caches(cache: Path, cold: Path) -> None:
    """Copy to ``cold`` what ``cache`` holds and it lacks, except the rebuilds' kept files."""
    for path in cache.rglob("*"):
        relative = path.relative_to(cache)
        copy = cold / relative
        if relative.parts[0] != STORE and path.is_file() and not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch)
        yield Scenario(tmp_path_factory.mktemp("incremental"))


@pytest.mark.parametrize("change", CHANGES, ids=[c.kind for c in CHANGES])
def test_a_rebuild_after_a_change_is_byte_identical_to_a_cold_build(scenario, change):
    outcome = scenario.reach(change.kind)
    if outcome.problem:
        pytest.fail(f"after the change '{change.kind}': {outcome.problem}", pytrace=False)
    if change.kind != "first build":
        assert outcome.altered, f"the change '{change.kind}' altered nothing: it tests nothing"
    assert outcome.shown, f"the cold site does not show the change '{change.kind}'"


def test_a_rebuild_after_one_figure_changed_reuses_most_files(scenario):
    outcome = scenario.reach("progress figure")
    result = outcome.result
    assert result.files_reused > 0.5 * outcome.files, (result.files_reused, outcome.files)
    # The page of every other target, in both languages, is kept as it was: what is
    # rendered is the changed target's pages and those that list every target.
    others = 2 * (result.targets + result.removed - 1)
    assert result.pages_rendered <= result.pages - others, (result.pages_rendered, result.pages)
    assert result.pages_rendered < 0.35 * result.pages, (result.pages_rendered, result.pages)
