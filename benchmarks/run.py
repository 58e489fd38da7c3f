"""Benchmark the portal build against plain Pelican: ``python -m benchmarks.run``.

Every phase runs in a fresh child process, as staff run ``invoke build``, so Python's
start-up and imports are counted; its peak memory is that child's own maximum RSS.
Times are reported against the baseline (Pelican building the same amount of text as
plain Markdown articles, without plugins), measured in the same run on the same machine.
Nothing is asserted: the figures and the goals they are compared with are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from importlib import metadata
from pathlib import Path

from . import history, synthetic
from .floor import cores, floor_phase, floor_report
from .goals import (
    COLD_GOAL,
    NOTHING_GOAL,
    REBUILD_GOAL,
    RSS_GOAL_AT,
    RSS_GOAL_MB,
    SCALE_GOAL,
    SCALE_REFERENCE,
    Goals,
    met,
)  # fmt: skip
from .phases import BenchError, Phase, json_phase, log_of, measure
from .weight import weight_report

REPO = Path(__file__).resolve().parent.parent


# --- The sites being built ----------------------------------------------------------------

PORTAL_CONF = '''"""Benchmark settings: the repo's pelicanconf.py, with the synthetic register."""

import runpy

globals().update(
    {{k: v for k, v in runpy.run_path({repo_conf!r}).items() if k.isupper()}}
)
PATH = {content!r}
THEME = {theme!r}
TARGETS_PATH = {targets!r}
REPORTING_QUARTER = {quarter!r}
SAMPLE_DATA = True
'''

BASELINE_CONF = '''"""Baseline: plain Pelican, default theme, no plugins."""

SITENAME = "Baseline"
SITEURL = ""
RELATIVE_URLS = True
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
PLUGINS = []
'''


def _cache_settings(folder: Path) -> str:
    """Point every cache-path setting of the repo's settings into ``folder``.

    A cold build must start with empty caches, never with the repo's own .cache/.
    """
    import runpy

    # CHART_CACHE_PATH is the portal's chart cache; any other cache folder is moved too.
    names = {"CHART_CACHE_PATH"} | {
        name
        for name in runpy.run_path(str(REPO / "pelicanconf.py"))
        if name.isupper() and "CACHE" in name and name.endswith(("_PATH", "_DIR"))
    }
    return "".join(
        f"{name} = {str(folder / '.cache' / name.lower())!r}\n" for name in sorted(names)
    )


def prepare_portal(folder: Path, n: int, quarters: int, seed: int):
    """The synthetic register and its settings in ``folder``; returns the targets."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    targets = synthetic.write_register(folder / "register", n, quarters, seed)
    conf = PORTAL_CONF.format(
        repo_conf=str(REPO / "pelicanconf.py"),
        content=str(REPO / "content"),
        theme=str(REPO / "theme"),
        targets=str(folder / "register"),
        quarter=synthetic.REPORTING_QUARTER,
    )
    (folder / "pelicanconf.py").write_text(conf + _cache_settings(folder), encoding="utf-8")
    return targets


def prepare_baseline(folder: Path, targets) -> None:
    """N Markdown articles with the same text as the targets, and plain settings."""
    shutil.rmtree(folder, ignore_errors=True)
    content = folder / "content"
    content.mkdir(parents=True)
    for i, target in enumerate(targets):
        text = synthetic.article_markdown(target, i)
        (content / f"{target.id}.md").write_text(text, encoding="utf-8")
    (folder / "pelicanconf.py").write_text(BASELINE_CONF, encoding="utf-8")


def clear_build(folder: Path) -> None:
    """Remove everything a build left in ``folder``: the site and any caches."""
    for path in folder.iterdir():
        if path.name not in ("pelicanconf.py", "register", "logs"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()


PORTAL_BUILD = [sys.executable, "-m", "generator", "--settings", "pelicanconf.py", "build",
                "--output", "site"]  # fmt: skip
# A forced build that prints what the briefing packs (PDF) cost, from the build's result.
PACKS_BUILD = [sys.executable, "-c", (
    "import json, pathlib; from generator import build; "
    "r = build.build(build.read_settings('pelicanconf.py'), pathlib.Path('site'), force=True); "
    "print(json.dumps({'rendered': r.packs_rendered, 'cached': r.packs_cached, "
    "'seconds': r.packs_seconds}))")]  # fmt: skip
PELICAN_BUILD = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "out"]


def change_one_target(folder: Path, targets) -> str:
    """Nudge the latest value of one on-track target by one unit, as a quarterly fix would."""
    target = next(
        t
        for t in targets
        if t.status == "on_track"
        and isinstance(t.doc.get("indicator", {}).get("baseline"), int)
        and "direction" not in t.doc["indicator"]
    )
    target.doc["progress"][-1]["value"] += 1
    synthetic.write_target(folder / "register", target)
    return target.id


# --- Report -------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        models = re.findall(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = models[0].strip() if models else cpu
    try:
        ram = f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GB RAM"
    except (ValueError, OSError, AttributeError):
        ram = "RAM unknown"
    return (
        f"{cores()} cores ({cpu}), {ram}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; Pelican {metadata.version('pelican')}"
    )


def table(phases: list[Phase], baseline: Phase) -> str:
    head = (
        f"{'phase':<40} {'seconds':>8} {'CPU s':>7} {'peak RSS MB':>11} "
        f"{'x baseline':>10} {'CPU x':>6} {'goal':>7}  met"
    )
    rows = [head, "-" * len(head)]
    for p in phases:
        ratio, cpu_ratio = p.seconds / baseline.seconds, p.cpu_seconds / baseline.cpu_seconds
        goal = f"<= {p.goal:.2f}" if p.goal is not None else "-"
        rows.append(
            f"{p.name:<40} {p.seconds:>8.2f} {p.cpu_seconds:>7.2f} {p.rss_mb:>11.1f} "
            f"{ratio:>10.2f} {cpu_ratio:>6.2f} {goal:>7}  {met(ratio, p.goal)}"
        )
    return "\n".join(rows)


def status_mix(site: Path) -> str:
    data = json.loads((site / "data" / "targets.json").read_text(encoding="utf-8"))
    counts = Counter(t["status"] for t in data["targets"])
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))


# --- The run ------------------------------------------------------------------------------


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("-n", "--targets", type=int, default=1000, help="default 1000")
    parser.add_argument("--quarters", type=int, default=12, help="progress entries per target")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work-dir", type=Path, help="kept afterwards; default: a temp dir")
    args = parser.parse_args(argv)
    if args.targets < 1 or args.quarters < synthetic.MIN_QUARTERS:
        parser.error(f"--targets must be >= 1 and --quarters >= {synthetic.MIN_QUARTERS}")
    return args


def _warm_up(work: Path) -> None:
    # Load the libraries once untimed, so that neither side pays for a cold disk cache.
    code = "import pelican, markdown, generator.plugin, generator.build"
    measure("warm-up", [sys.executable, "-c", code], work)


def run_phases(work: Path, targets, n: int) -> tuple[list[Phase], str]:
    """Baseline, then the three portal builds; also returns the changed target's id."""
    portal, baseline = work / "portal", work / "baseline"
    phases = [measure(f"baseline: plain Pelican, {n:,} articles", PELICAN_BUILD, baseline)]
    clear_build(portal)
    phases.append(measure(f"cold full build, {n:,} targets", PORTAL_BUILD, portal, COLD_GOAL))
    phases.append(measure("rebuild, nothing changed", PORTAL_BUILD, portal, NOTHING_GOAL))
    changed = change_one_target(portal, targets)
    phases.append(measure(ONE_CHANGE, PORTAL_BUILD, portal, REBUILD_GOAL))
    return phases, changed


ONE_CHANGE = "rebuild, one target file changed"


# The command line's summary of a build: "Built ... (...): 2,770 pages written, ..., in 9.1 s."
_SUMMARY = re.compile(r"^Built .*?\): (.+?),? in [0-9.]+ s\.", re.MULTILINE)


def counters_report(folder: Path, name: str) -> str:
    """What the build itself says it did in the phase ``name``, read from its log."""
    found = _SUMMARY.findall(log_of(folder, name).read_text(encoding="utf-8", errors="replace"))
    if not found:
        return f"The build's own counters ({name}): its log has no summary line"
    return f"The build's own counters ({name}): {found[-1]}"


def scale_report(work: Path, cold: Phase, n: int, quarters: int, seed: int, goals: Goals) -> str:
    """For N above 1,000: the cold build of 1,000 targets, to compare N against."""
    folder = work / f"scale-{SCALE_REFERENCE}"
    prepare_portal(folder, SCALE_REFERENCE, quarters, seed)
    reference = measure(f"cold full build, {SCALE_REFERENCE:,} targets", PORTAL_BUILD, folder)
    ratio, limit = cold.seconds / reference.seconds, SCALE_GOAL * n / SCALE_REFERENCE
    goals.add(f"cold {n:,} / cold {SCALE_REFERENCE:,} <= {limit:.0f}x", f"{ratio:.2f}x",
              met(ratio, limit))  # fmt: skip
    return (
        f"Scaling: {n:,} targets took {ratio:.2f}x the {SCALE_REFERENCE:,}-target cold build "
        f"({reference.seconds:.2f} s, {reference.rss_mb:.0f} MB); "
        f"goal <= {limit:.1f}x: {met(ratio, limit)}"
    )


def _packs_phase(folder: Path, name: str) -> dict:
    return json_phase(name, PACKS_BUILD, folder)[1]


def packs_report(work: Path, targets) -> str:
    """The PDF briefing packs: rendered cold (their cache emptied, the charts' kept), then
    after one change to a target the packs show (an at-risk target's latest figure)."""
    folder = work / "portal"
    shutil.rmtree(folder / ".cache" / "chart_cache_path" / "packs", ignore_errors=True)
    cold = _packs_phase(folder, "packs cold")
    shown = next(t for t in targets if t.status == "at_risk"
                 and isinstance(t.doc.get("progress", [{}])[-1].get("value"), int))  # fmt: skip
    shown.doc["progress"][-1]["value"] += 1
    synthetic.write_target(folder / "register", shown)
    one = _packs_phase(folder, "packs one change")
    if not cold["rendered"] + cold["cached"]:
        return (
            "Briefing packs (PDF): not made, WeasyPrint cannot run here (see logs/packs-cold.log)"
        )
    return (
        f"Briefing packs (PDF): {cold['rendered']} rendered cold in {cold['seconds']:.1f} s; "
        f"after one change ({shown.id}, at risk) {one['rendered']} rendered and "
        f"{one['cached']} from cache in {one['seconds']:.1f} s"
    )


def time_goals(phases: list[Phase], n: int, goals: Goals) -> None:
    baseline, cold, _, rebuild = phases[:4]
    goals.add(f"rebuild after one change <= {REBUILD_GOAL}x Pelican ({n:,} targets)",
              f"{rebuild.seconds / baseline.seconds:.2f}x",
              met(rebuild.seconds / baseline.seconds, REBUILD_GOAL))  # fmt: skip
    goals.add(f"cold build <= {COLD_GOAL:.0f}x Pelican ({n:,} targets)",
              f"{cold.seconds / baseline.seconds:.2f}x",
              met(cold.seconds / baseline.seconds, COLD_GOAL))  # fmt: skip


def memory_report(phases: list[Phase], n: int, goals: Goals) -> str:
    peak = max(p.rss_mb for p in phases[1:4])
    verdict = met(peak, RSS_GOAL_MB, below=True)
    at = "" if n == RSS_GOAL_AT else f", measured at {n:,}"
    goals.add(f"peak RSS < {RSS_GOAL_MB:,} MB ({RSS_GOAL_AT:,} targets{at})", f"{peak:.0f} MB",
              verdict)  # fmt: skip
    return (
        f"Peak RSS of the portal builds: {peak:.0f} MB; goal < {RSS_GOAL_MB:,.0f} MB "
        f"(set for {RSS_GOAL_AT:,} targets): {verdict}"
    )


def benchmark(args: argparse.Namespace, work: Path) -> None:
    n, quarters, goals = args.targets, args.quarters, Goals()
    print(f"Benchmark: {n:,} targets x {quarters} quarters (seed {args.seed}), "
          f"as of {synthetic.REPORTING_QUARTER}")  # fmt: skip
    print(f"Machine: {machine()}")
    print(f"Work dir: {work}")
    started = time.perf_counter()
    targets = prepare_portal(work / "portal", n, quarters, args.seed)
    prepare_baseline(work / "baseline", targets)
    print(f"Register and baseline written in {time.perf_counter() - started:.1f} s")
    _warm_up(work)
    phases, changed = run_phases(work, targets, n)
    at_floor, floor = floor_phase(work)
    site = work / "portal" / "site"
    print(f"Statuses: {status_mix(site)}")
    print(f"Changed for the one-change rebuild: {changed}\n")
    print(table([*phases[:2], at_floor, *phases[2:]], phases[0]) + "\n")
    print(floor_report(floor, phases[1], at_floor))
    print(counters_report(work / "portal", ONE_CHANGE))
    time_goals(phases, n, goals)
    print(weight_report(site, {t.id for t in targets}))
    print(memory_report(phases, n, goals))
    print(history.record_report(work, n, quarters, args.seed, phases[3], goals))
    print(packs_report(work, targets))
    if n > SCALE_REFERENCE:
        print(scale_report(work, phases[1], n, quarters, args.seed, goals))
    else:
        goals.add(f"cold 10,000 / cold {SCALE_REFERENCE:,} <= 10x", "-",
                  "not measured: run --targets 10000")  # fmt: skip
    print("\n" + goals.report())


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it happens, in order
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="kpi-bench-"))
    work = work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    try:
        benchmark(args, work)
    except BenchError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
