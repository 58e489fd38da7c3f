"""The goals the benchmark judges its figures against, and the summary that lists them.

The times are multiples of plain Pelican building the same text in the same run (the
baseline), so that they mean the same on any machine. Issue 16 set the build-time goals.
"""

from __future__ import annotations

SCALE_REFERENCE = 1000  # a larger run also builds this many, for the scaling goal
COLD_GOAL = 9.0  # a cold build: at most 9 x plain Pelican (set at 1,000 targets)
NOTHING_GOAL = 0.25  # a rebuild with nothing changed
REBUILD_GOAL = 0.5  # a rebuild after one target changed, at 1,000 targets and at 10,000
# The cold build of N targets: at most SCALE_GOAL x N / 1,000 times that of 1,000 targets,
# i.e. no worse than linear (10x at 10,000).
SCALE_GOAL = 1.0
RSS_GOAL_MB = 1024  # peak resident memory of any portal build, set for 10,000 targets
RSS_GOAL_AT = 10_000
RECORD_GOAL = 0.10  # reading the git record: under a tenth of a one-change rebuild
PAGE_GOAL_KB = 60


def met(value: float, limit: float | None, below: bool = False) -> str:
    """``met`` when ``value`` is at most ``limit`` (under it, with ``below``)."""
    if limit is None:
        return "-"
    return "met" if (value < limit if below else value <= limit) else "NOT MET"


class Goals:
    """The goals of one run, each with its figure and verdict, printed together at the end."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str, str]] = []

    def add(self, goal: str, figure: str, verdict: str) -> None:
        self.lines.append((goal, figure, verdict))

    def report(self) -> str:
        width = max((len(goal) for goal, _, _ in self.lines), default=0)
        rows = [
            f"  {goal:<{width}}  {figure:>12}  {verdict}" for goal, figure, verdict in self.lines
        ]
        return "\n".join(["Goals:", *rows])
