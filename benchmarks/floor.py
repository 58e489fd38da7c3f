"""The floor of a cold build: the CPU time of rendering the register's charts alone.

``python -m benchmarks.floor SETTINGS`` loads the portal of SETTINGS in memory, as a
build does, then renders every chart job of the register (``publish.chart_jobs``: each
target's charts and the overviews, every format) one after another in this process,
with no chart cache, and prints one JSON line: the charts, the files and the CPU seconds
the rendering took (loading the register and the imports not counted). Divided by the
cores, it is what a cold build cannot go below while it renders every chart.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path

from .phases import Phase, json_phase

# Run in the portal's folder of the benchmark, with its settings.
FLOOR = [sys.executable, "-m", "benchmarks.floor", "pelicanconf.py"]


def _cpu() -> float:
    # The whole process, threads included: the renderer may use more than one.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def chart_cpu(settings_file: str) -> dict:
    from generator import build
    from generator.site import publish, rendering
    from generator.site.portal import build_portal

    settings = build.read_settings(settings_file)
    project = build.validate(settings, with_record=True)
    portal = build_portal(project.targets, project.settings, project.bureaus, project.record)
    portal.glossary = project.glossary  # the overview charts name bureaus in each language
    jobs = publish.chart_jobs(portal)
    started, files = _cpu(), 0
    for job in jobs:
        formats = tuple(fmt for fmt, _ in job.outputs)
        files += len(rendering.render(job.grammar, job.spec, formats))
    return {"charts": len(jobs), "files": files, "cpu_seconds": _cpu() - started}


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def floor_phase(work: Path) -> tuple[Phase, dict]:
    """The floor: the CPU time of the register's charts alone, divided by the cores."""
    folder, name = work / "portal", "charts alone"
    child, floor = json_phase(name, FLOOR, folder)
    cpu, n = floor["cpu_seconds"], cores()
    return Phase(f"floor: charts' CPU / {n} cores", cpu / n, cpu, child.rss_mb), floor


def floor_report(floor: dict, cold: Phase, at_floor: Phase) -> str:
    return (
        f"Floor: the {floor['charts']:,} charts of the register ({floor['files']:,} files) "
        f"rendered alone, serially, with no cache, take {floor['cpu_seconds']:.1f} s of CPU: "
        f"{at_floor.seconds:.1f} s on {cores()} cores, {at_floor.seconds / cold.seconds:.0%} of "
        f"the cold build's {cold.seconds:.1f} s (the rest is everything else a build does)"
    )


if __name__ == "__main__":
    print(json.dumps(chart_cpu(sys.argv[1])))
