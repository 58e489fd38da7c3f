"""A synthetic published history for the record benchmark: a git repository in which the
synthetic register grows one quarter a commit, with amended promises and removed files.

Seeded and dated from the register, never the clock: the same arguments give the same
commits (ids included). Commit ``k`` publishes every target's progress up to the k-th
quarter; from the middle of the history on, some targets have their due quarter moved
later (every other one with an ``amendments`` entry naming it) and, in the last commits,
some files are deleted: the record has something of each kind to find.
``commit_one_change`` adds one more commit changing one file, as a merge would, and
``time_record`` times the record read in a fresh process, with a version cache or without;
``record_report`` is the benchmark's figure from those reads.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from pathlib import Path

from . import synthetic
from .goals import RECORD_GOAL, Goals, met
from .phases import BenchError, Phase, child_env

# Git must not read the benchmarking user's configuration, hooks or signing keys.
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Register keeper",
    "GIT_AUTHOR_EMAIL": "register@example.gov",
    "GIT_COMMITTER_NAME": "Register keeper",
    "GIT_COMMITTER_EMAIL": "register@example.gov",
}


def _git(repo: Path, *args: str, date: str | None = None) -> None:
    env = {**os.environ, **GIT_ENV}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _published_day(quarter: int) -> str:
    """The day after quarter ``quarter`` (an index) ends, when its figures are published."""
    year, q = divmod(quarter + 1, 4)
    return f"{year}-{q * 3 + 1:02d}-15T10:00:00+00:00"


def _as_of(doc: dict, quarter: int) -> dict:
    """``doc`` as it stood once quarter ``quarter`` was reported."""
    doc = copy.deepcopy(doc)
    doc["progress"] = [
        e for e in doc.get("progress", []) if synthetic._q_index(e["quarter"]) <= quarter
    ]
    if not doc["progress"]:
        del doc["progress"]
    if "delay" in doc and synthetic._q_index(doc["due"]) > quarter:
        del doc["delay"]  # a justification is filed once the target is missed
    withdrawn = doc.get("withdrawn")
    if withdrawn and synthetic._q_index(withdrawn["quarter"]) > quarter:
        del doc["withdrawn"]
    return doc


def _amend(doc: dict, with_entry: bool, day: str) -> None:
    """Move ``doc``'s due quarter two quarters later, with its reason or without."""
    doc["due"] = synthetic._q(synthetic._q_index(doc["due"]) + 2)
    doc.pop("delay", None)  # a revised_due must stay after the new due quarter
    if with_entry:
        doc["amendments"] = [{"date": day[:10], "fields": ["due"], "reason": "Works resequenced."}]


def write_history(
    repo: Path, n: int, quarters: int = 12, amendments: int = 50, removals: int = 10, seed=0
) -> dict[str, int]:
    """A git repository at ``repo`` with the register at ``repo/register``; what it holds."""
    targets = synthetic.make_register(n, quarters, seed)
    register = repo / "register"
    register.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    first = synthetic.R - quarters + 1
    # Amended from the middle of the history on, removed in the last quarters.
    amended = {t.id: i % 2 == 0 for i, t in enumerate(targets[1 : 1 + amendments])}
    removed = {t.id for t in targets[-removals:]} if removals else set()
    for k, quarter in enumerate(range(first, synthetic.R + 1)):
        day = _published_day(quarter)
        for target in targets:
            path = synthetic.target_path(register, target)
            if target.id in removed and k >= quarters - 2:
                path.unlink(missing_ok=True)
                continue
            doc = _as_of(target.doc, quarter)
            if target.id in amended and k >= quarters // 2:
                _amend(doc, amended[target.id], day)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(synthetic.target_yaml(doc), encoding="utf-8", newline="\n")
        _git(repo, "add", "-A", "register")
        _git(repo, "commit", "-q", "-m", f"Progress for {synthetic._q(quarter)}", date=day)
    return {"commits": quarters, "amended": len(amended), "removed": len(removed)}


def commit_one_change(repo: Path) -> str:
    """One more commit changing one file of the register (a line added), as a fix would be."""
    path = min((repo / "register").rglob("*.yaml"))
    with path.open("a", encoding="utf-8", newline="\n") as file:
        file.write("# Figures checked again.\n")
    day = _published_day(synthetic.R + 1)
    _git(repo, "commit", "-q", "-a", "-m", f"Check {path.stem}", date=day)
    return path.stem


READ_RECORD = """
import sys, time
from pathlib import Path
from generator.assess.gitlog import read_history
from generator.assess.record import build_record
from generator.register.loader import load_register

# The build loads the current register anyway: only reading the history is timed.
current = load_register(sys.argv[1], reporting_quarter=None, default_lang="en")
cache = Path(sys.argv[2]) if len(sys.argv) > 2 else None
started = time.perf_counter()
record = build_record(read_history(Path(sys.argv[1]), "en", cache=cache), current)
assert record.available, record.reason
changes = record.amendments()
removed = [r for r in record.targets.values() if r.removed is not None]
print(f"{time.perf_counter() - started:.3f} {len(changes)} {len(removed)}")
"""


def time_record(
    register: Path, env: dict[str, str], cache: Path | None = None
) -> tuple[float, int, int]:
    """Seconds to read the record of ``register`` in a fresh process; amendments, removals.

    ``cache`` is the chart cache folder whose version cache the read uses (None: none).
    """
    import sys

    command = [sys.executable, "-c", READ_RECORD, str(register)]
    out = subprocess.run(
        command + ([str(cache)] if cache else []),
        env=env, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return float(out[0]), int(out[1]), int(out[2])


def record_report(
    work: Path, n: int, quarters: int, seed: int, rebuild: Phase, goals: Goals
) -> str:
    """The published record read from a synthetic history, against a one-change rebuild.

    Read three times, each in a fresh process: with no version cache (the first build),
    with the cache the first read left (nothing new), and after one more commit changing
    one file (a one-change rebuild in CI). The goal is judged on the last.
    """
    repo, cache = work / "history", work / "history-cache"
    for folder in (repo, cache):
        shutil.rmtree(folder, ignore_errors=True)
    amendments, removals = max(1, n // 20), max(1, n // 100)
    held = write_history(repo, n, quarters, amendments, removals, seed)
    register, env = repo / "register", child_env()
    cold, found, gone = time_record(register, env, cache)
    warm, *warm_found = time_record(register, env, cache)
    commit_one_change(repo)
    more, *more_found = time_record(register, env, cache)
    if warm_found != [found, gone] or more_found != [found, gone]:
        raise BenchError(
            f"the record read with the version cache differs: {found} amendments and {gone} "
            f"removals without it, {warm_found} and {more_found} with it"
        )
    share = more / rebuild.seconds
    goals.add("record < 10% of a one-change rebuild", f"{share:.1%}",
              met(share, RECORD_GOAL, below=True))  # fmt: skip
    return (
        f"Record: {held['commits']} quarterly commits of {n:,} targets, {found} amendments and "
        f"{gone} removals found (made: {held['amended']}, {held['removed']}); read in "
        f"{cold:.2f} s with no version cache (first build: {cold / rebuild.seconds:.0%} of the "
        f"one-change rebuild), {warm:.2f} s with it, {more:.2f} s after one more commit = "
        f"{share:.1%} of the one-change rebuild; goal < 10%: {met(share, RECORD_GOAL, below=True)}"
    )
