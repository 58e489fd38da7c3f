"""The benchmark works: a quick run (50 targets) prints every figure; its register is valid.

Times are not asserted: they depend on the machine. ``invoke bench`` measures them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from generator.assess.status import assess
from generator.register.loader import load_register
from generator.register.quarters import Quarter

ROOT = Path(__file__).resolve().parent.parent
# benchmarks/ is not an installed package: it runs from the repo, as `invoke bench` does.
sys.path.insert(0, str(ROOT))
from benchmarks import history, synthetic  # noqa: E402

R = Quarter.parse(synthetic.REPORTING_QUARTER)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.yaml")}


def test_same_seed_gives_byte_identical_files(tmp_path):
    synthetic.write_register(tmp_path / "a", 60, 12, seed=7)
    synthetic.write_register(tmp_path / "b", 60, 12, seed=7)
    synthetic.write_register(tmp_path / "c", 60, 12, seed=8)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_the_first_targets_do_not_depend_on_n():
    small, large = synthetic.make_register(20), synthetic.make_register(200)
    assert [t.doc for t in small] == [t.doc for t in large[:20]]


def test_synthetic_register_is_valid_and_mixed(tmp_path):
    made = {t.id: t for t in synthetic.write_register(tmp_path, 200, 12)}
    targets = load_register(tmp_path, reporting_quarter=R, default_lang="en")
    assert len(targets) == 200
    assessed = {t.id: assess(t, R) for t in targets}
    # Each target lands in the status it was built for, and every status occurs.
    assert {tid: a.status for tid, a in assessed.items()} == {
        tid: t.status for tid, t in made.items()
    }
    assert Counter(a.status for a in assessed.values()).keys() == set(
        dict(synthetic.STATUS_WEIGHTS)
    )
    flags = {f for a in assessed.values() for f in a.flags}
    assert {"justification_missing", "not_reported", "revised_due_passed"} <= flags
    assert any(t.indicator is None for t in targets)
    assert {t.indicator.direction for t in targets if t.indicator} == {"increase", "decrease"}
    assert any(len(t.title) > 1 for t in targets)  # some in two languages
    assert 8 <= len({p.parent for p in tmp_path.rglob("*.yaml")}) <= 20


def test_titles_have_realistic_lengths():
    for target in synthetic.make_register(300):
        title = target.doc["title"]
        title = title["en"] if isinstance(title, dict) else title
        assert 60 <= len(title) <= 120, title


def test_quick_benchmark_prints_every_figure(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--targets", "50", "--work-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    out = result.stdout
    number = r"(\s+[0-9.]+){5}"
    for phase in (
        "baseline: plain Pelican, 50 articles",
        "cold full build, 50 targets",
        "rebuild, nothing changed",
        "rebuild, one target file changed",
    ):
        assert re.search(re.escape(phase) + number, out), out
    assert re.search(r"Target page weight, typical .*: [0-9.]+ KB", out), out
    assert "Requests to other hosts from target pages:" in out
    assert re.search(r"Peak RSS of the portal builds: [0-9]+ MB", out), out
    assert re.search(r"Machine: [0-9]+ cores", out), out
    assert re.search(
        r"Record: 12 quarterly commits of 50 targets, 2 amendments and 1 removals found "
        r"\(made: 2, 1\); read in [0-9.]+ s with no version cache .* [0-9.]+ s with it, "
        r"[0-9.]+ s after one more commit = [0-9.]+% of the one-change rebuild; goal < 10%",
        out,
    ), out


def test_the_synthetic_history_holds_the_amendments_and_removals_it_made(tmp_path, monkeypatch):
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    held = history.write_history(tmp_path / "repo", 40, quarters=6, amendments=4, removals=2)
    assert held == {"commits": 6, "amended": 4, "removed": 2}
    register, cache, env = tmp_path / "repo" / "register", tmp_path / "cache", _env()
    # Read without the cache, then twice with it (the first fills it), then one commit more.
    reads = [history.time_record(register, env)]
    reads += [history.time_record(register, env, cache) for _ in range(2)]
    assert list((cache / "versions").glob("*.json"))
    history.commit_one_change(tmp_path / "repo")
    reads.append(history.time_record(register, env, cache))
    assert [found for _, *found in reads] == [[4, 2]] * 4


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT)}
