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
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path

from . import history, synthetic

REPO = Path(__file__).resolve().parent.parent
SCALE_REFERENCE = 1000  # a larger run also builds this many, for the scaling goal
PAGE_GOAL_KB = 60
RSS_GOAL_MB = 1.5 * 1024
RECORD_GOAL = 0.10  # reading the git record: under a tenth of a one-change rebuild
SCALE_GOAL = 1.1  # N targets may take at most 1.1 x N/1000 times the 1,000-target build


class BenchError(Exception):
    """A phase failed: the benchmark cannot go on."""


@dataclass(frozen=True)
class Phase:
    """One measured run: wall-clock seconds and the child's peak resident memory."""

    name: str
    seconds: float
    cpu_seconds: float  # user + system: steadier than wall time on a busy machine
    rss_mb: float
    goal: float | None = None  # the most it may take, as a multiple of the baseline


# --- Running one phase --------------------------------------------------------------------


def _child_env() -> dict[str, str]:
    # The repo first on the path, so a fresh clone works without installing the package.
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def measure(name: str, command: list[str], cwd: Path, goal: float | None = None) -> Phase:
    """Run ``command`` in a fresh process; its time and peak RSS, or ``BenchError``."""
    log = cwd / "logs" / (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + ".log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                 env=_child_env())  # fmt: skip
        # wait4 gives this child's own resource usage, not the sum of all children so far.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise BenchError(f"{name} failed (exit {child.returncode}); end of {log}:\n{tail}")
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    rss_kb = usage.ru_maxrss / 1024 if sys.platform == "darwin" else usage.ru_maxrss
    cpu = usage.ru_utime + usage.ru_stime
    return Phase(name, seconds, cpu, rss_kb / 1024, goal)


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


# --- Page weight --------------------------------------------------------------------------

_RESOURCE_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")
_SVG_HREF = re.compile(r"""(?:xlink:)?href\s*=\s*["']([^"'#][^"']*)["']""")


class _Resources(HTMLParser):
    """The addresses a browser fetches to show a page (not the links a reader may follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        rels = set((attrs.get("rel") or "").lower().split())
        if tag == "link" and rels & _RESOURCE_RELS:
            self.urls.append(attrs.get("href") or "")
        for name in ("src", "data", "poster"):
            if attrs.get(name) and (name != "data" or tag == "object"):
                self.urls.append(attrs[name])
        for candidate in (attrs.get("srcset") or "").split(","):
            if candidate.strip():
                self.urls.append(candidate.split()[0])
        self.urls += [a or b for a, b in _CSS_URL.findall(attrs.get("style") or "")]


def _is_external(url: str) -> bool:
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.IGNORECASE))


def _nested(path: Path) -> list[str]:
    """Addresses a stylesheet or an SVG fetches in turn."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".css":
        return [a or b for a, b in _CSS_URL.findall(text)]
    if path.suffix == ".svg":
        return _SVG_HREF.findall(text) + [a or b for a, b in _CSS_URL.findall(text)]
    return []


def page_weight(page: Path) -> tuple[Counter, set[str]]:
    """Bytes a browser downloads for ``page``, by kind, and the other hosts it asks."""
    parser = _Resources()
    parser.feed(page.read_text(encoding="utf-8"))
    sizes, external, seen = Counter({"html": page.stat().st_size}), set(), set()
    pending = [(page.parent, url) for url in parser.urls]
    while pending:
        base, url = pending.pop()
        if _is_external(url):
            external.add(url)
            continue
        if url.startswith("data:"):
            continue
        path = (base / url.split("#")[0].split("?")[0]).resolve()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        sizes[path.suffix.lstrip(".") or "other"] += path.stat().st_size
        pending += [(path.parent, nested) for nested in _nested(path)]
    return sizes, external


def target_pages(site: Path, ids: set[str]) -> list[Path]:
    """The default language's page of each target (list pages share the folder)."""
    return sorted(p for p in (site / "targets").glob("*.html") if p.stem in ids)


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
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cores} cores ({cpu}), {ram}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; Pelican {metadata.version('pelican')}"
    )


def _met(value: float, limit: float | None, below: bool = False) -> str:
    if limit is None:
        return "-"
    return "met" if (value < limit if below else value <= limit) else "NOT MET"


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
            f"{ratio:>10.2f} {cpu_ratio:>6.2f} {goal:>7}  {_met(ratio, p.goal)}"
        )
    return "\n".join(rows)


def weight_report(site: Path, ids: set[str]) -> str:
    """The typical (median) and largest target page, and any request to another host."""
    weights = {p.stem: page_weight(p) for p in target_pages(site, ids)}
    if not weights:
        return "Target page weight: no target pages found"
    totals = {tid: sum(sizes.values()) for tid, (sizes, _) in weights.items()}
    ranked = sorted(totals, key=lambda tid: (totals[tid], tid))
    typical, largest = ranked[len(ranked) // 2], ranked[-1]
    parts = ", ".join(f"{k} {v / 1024:.1f}" for k, v in sorted(weights[typical][0].items()))
    external = set().union(*(ext for _, ext in weights.values()))
    return "\n".join(
        [
            f"Target page weight, typical (median of {len(ranked)}, {typical}): "
            f"{totals[typical] / 1024:.1f} KB ({parts} KB)",
            f"Target page weight, largest ({largest}): {totals[largest] / 1024:.1f} KB; "
            f"goal <= {PAGE_GOAL_KB} KB: {_met(totals[largest] / 1024, PAGE_GOAL_KB)}",
            f"Requests to other hosts from target pages: {len(external)}; goal 0: "
            + ("met" if not external else "NOT MET " + ", ".join(sorted(external)[:5])),
        ]
    )


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
    phases.append(measure(f"cold full build, {n:,} targets", PORTAL_BUILD, portal, 1.0))
    phases.append(measure("rebuild, nothing changed", PORTAL_BUILD, portal, 0.25))
    changed = change_one_target(portal, targets)
    phases.append(measure("rebuild, one target file changed", PORTAL_BUILD, portal, 0.3))
    return phases, changed


def scale_report(work: Path, cold: Phase, n: int, quarters: int, seed: int) -> str:
    """For N above 1,000: the cold build of 1,000 targets, to compare N against."""
    folder = work / f"scale-{SCALE_REFERENCE}"
    prepare_portal(folder, SCALE_REFERENCE, quarters, seed)
    reference = measure(f"cold full build, {SCALE_REFERENCE:,} targets", PORTAL_BUILD, folder)
    ratio, limit = cold.seconds / reference.seconds, SCALE_GOAL * n / SCALE_REFERENCE
    return (
        f"Scaling: {n:,} targets took {ratio:.2f}x the {SCALE_REFERENCE:,}-target cold build "
        f"({reference.seconds:.2f} s, {reference.rss_mb:.0f} MB); "
        f"goal <= {limit:.1f}x: {_met(ratio, limit)}"
    )


def record_report(work: Path, n: int, quarters: int, seed: int, rebuild: Phase) -> str:
    """The published record read from a synthetic history, against a one-change rebuild.

    Read three times, each in a fresh process: with no version cache (the first build),
    with the cache the first read left (nothing new), and after one more commit changing
    one file (a one-change rebuild in CI). The goal is judged on the last.
    """
    repo, cache = work / "history", work / "history-cache"
    for folder in (repo, cache):
        shutil.rmtree(folder, ignore_errors=True)
    amendments, removals = max(1, n // 20), max(1, n // 100)
    held = history.write_history(repo, n, quarters, amendments, removals, seed)
    register, env = repo / "register", _child_env()
    cold, found, gone = history.time_record(register, env, cache)
    warm, *warm_found = history.time_record(register, env, cache)
    history.commit_one_change(repo)
    more, *more_found = history.time_record(register, env, cache)
    if warm_found != [found, gone] or more_found != [found, gone]:
        raise BenchError(
            f"the record read with the version cache differs: {found} amendments and {gone} "
            f"removals without it, {warm_found} and {more_found} with it"
        )
    share = more / rebuild.seconds
    return (
        f"Record: {held['commits']} quarterly commits of {n:,} targets, {found} amendments and "
        f"{gone} removals found (made: {held['amended']}, {held['removed']}); read in "
        f"{cold:.2f} s with no version cache (first build: {cold / rebuild.seconds:.0%} of the "
        f"one-change rebuild), {warm:.2f} s with it, {more:.2f} s after one more commit = "
        f"{share:.1%} of the one-change rebuild; goal < 10%: {_met(share, RECORD_GOAL, below=True)}"
    )


def _packs_phase(folder: Path, name: str) -> dict:
    measure(name, PACKS_BUILD, folder)
    log = folder / "logs" / (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + ".log")
    lines = [ln for ln in log.read_text(encoding="utf-8").splitlines() if ln.startswith("{")]
    return json.loads(lines[-1])


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


def benchmark(args: argparse.Namespace, work: Path) -> None:
    n, quarters = args.targets, args.quarters
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
    site = work / "portal" / "site"
    print(f"Statuses: {status_mix(site)}")
    print(f"Changed for the one-change rebuild: {changed}\n")
    print(table(phases, phases[0]) + "\n")
    print(weight_report(site, {t.id for t in targets}))
    peak = max(p.rss_mb for p in phases[1:])
    print(
        f"Peak RSS of the portal builds: {peak:.0f} MB; goal < {RSS_GOAL_MB:,.0f} MB "
        f"(set for 10,000 targets): {_met(peak, RSS_GOAL_MB, below=True)}"
    )
    print(record_report(work, n, quarters, args.seed, phases[3]))
    print(packs_report(work, targets))
    if n > SCALE_REFERENCE:
        print(scale_report(work, phases[1], n, quarters, args.seed))


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
