"""Running one phase of the benchmark: a fresh child process, its time, CPU and memory."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


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


def child_env() -> dict[str, str]:
    # The repo first on the path, so a fresh clone works without installing the package.
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def log_of(cwd: Path, name: str) -> Path:
    """Where the phase ``name`` run in ``cwd`` leaves its output."""
    return cwd / "logs" / (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + ".log")


def measure(name: str, command: list[str], cwd: Path, goal: float | None = None) -> Phase:
    """Run ``command`` in a fresh process; its time and peak RSS, or ``BenchError``."""
    log = log_of(cwd, name)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                 env=child_env())  # fmt: skip
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


def json_phase(name: str, command: list[str], cwd: Path) -> tuple[Phase, dict]:
    """``measure``, and the last JSON line the child printed."""
    phase = measure(name, command, cwd)
    lines = log_of(cwd, name).read_text(encoding="utf-8").splitlines()
    return phase, json.loads([line for line in lines if line.startswith("{")][-1])
