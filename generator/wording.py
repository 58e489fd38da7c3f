"""The words the site uses for statuses, flags, figures and chart captions."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from .charts import STATUS_LABELS
from .model import Target
from .quarters import Quarter, describe_span
from .status import Assessment

STATUS_MEANINGS = {
    "achieved": "The target was met by its due quarter.",
    "achieved_late": "The target was met, but only after its due quarter.",
    "missed": "The due quarter has passed and the target has not been met.",
    "at_risk": "Progress trails the straight-line path from start to due by more than the "
    "allowed lag.",
    "on_track": "Progress is within the allowed lag of the straight-line path to the target.",
    "withdrawn": "The government has dropped this target. It stays on the site for the record.",
}
FLAG_LABELS = {
    "not_reported": "No update this quarter",
    "justification_missing": "No justification filed",
    "revised_due_passed": "Revised date also passed",
}
FLAG_MEANINGS = {
    "not_reported": "The bureau has not reported progress for the reporting quarter.",
    "justification_missing": "The target was missed and no delay justification has been filed "
    "with the legislature.",
    "revised_due_passed": "A justification was filed, but the revised due quarter it promised "
    "has also passed.",
}


def status_label(status: str) -> str:
    """The status in words: ``Achieved late``."""
    return STATUS_LABELS.get(status, status)


def fmt_number(number: float | None) -> str:
    """A figure as people write it: ``1,250``, ``3.5``; an em dash for none."""
    if number is None:
        return "—"
    if float(number).is_integer():
        return f"{number:,.0f}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def fmt_measure(target: Target, number: float | None) -> str:
    """A figure with its unit: ``18 sites``, ``45% complete``."""
    if number is None:
        return "—"
    if target.indicator is None:
        return f"{fmt_number(number)}% complete"
    unit = target.indicator.unit
    return f"{fmt_number(number)}{unit}" if unit == "%" else f"{fmt_number(number)} {unit}"


def fmt_gap(target: Target, gap: float) -> str:
    """A shortfall with its unit; per cent figures fall short in percentage points."""
    if target.indicator is None or target.indicator.unit == "%":
        points = "percentage point" if gap == 1 else "percentage points"
        return f"{fmt_number(gap)} {points}"
    return fmt_measure(target, gap)


def fmt_percent(fraction: float) -> str:
    """A fraction as a whole percentage: ``0.456`` → ``46%``."""
    return f"{fraction * 100:.0f}%"


def promise(target: Target) -> str:
    """What was promised, in one phrase: ``30 sites by 2025-Q4`` or ``completion by 2025-Q4``."""
    if target.indicator is None:
        return f"completion by {target.due}"
    verb = "down to" if target.indicator.direction == "decrease" else ""
    goal = fmt_measure(target, target.indicator.target)
    return f"{verb} {goal} by {target.due}".strip()


def chart_caption(assessment: Assessment) -> str:
    """The chart's result in words, for its caption and its image description."""
    target, latest = assessment.target, assessment.latest
    goal = promise(target)
    if latest is None:
        return f"No progress has been reported yet towards {goal}."
    reported = fmt_measure(target, target.measure(latest))
    return (
        f"Latest report: {reported} in {latest.quarter}, "
        f"{fmt_percent(assessment.fraction)} of the way from the baseline to the target "
        f"({goal}); "
        f"the straight-line path expected {fmt_percent(assessment.expected)} "
        f"by {assessment.quarter}."
    )


def fell_back(assessment: Assessment) -> bool:
    """True when an achieved target's latest report no longer meets the target."""
    latest = assessment.latest
    achieved = assessment.status in ("achieved", "achieved_late")
    return achieved and latest is not None and not assessment.target.reached(latest)


def overdue_words(quarters: int) -> str:
    """How long past due: ``due this quarter`` or ``3 quarters overdue``."""
    if quarters <= 0:
        return "due this reporting quarter"
    return f"{describe_span(quarters)} overdue"


def url_host(url: str) -> str:
    """The site a source link points to, for its link text: ``www.example.gov``."""
    return urlsplit(url).hostname or url


@dataclass(frozen=True)
class StatusRun:
    """Consecutive quarters with the same status and flags, for a compact timeline."""

    first: Quarter
    last: Quarter
    status: str
    flags: tuple[str, ...]


def status_runs(points) -> list[StatusRun]:
    """Fold a status history (points with quarter, status, flags) into runs, oldest first."""
    runs: list[StatusRun] = []
    for p in points:
        if runs and (runs[-1].status, runs[-1].flags) == (p.status, p.flags):
            runs[-1] = StatusRun(runs[-1].first, p.quarter, p.status, p.flags)
        else:
            runs.append(StatusRun(p.quarter, p.quarter, p.status, p.flags))
    return runs


CORRECTION_FIELDS = {"value": "Value", "percent_complete": "Per cent complete", "note": "Note"}


def fmt_value(value) -> str:
    """A corrected figure or note as shown in the corrections log."""
    if value is None:
        return "—"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return fmt_number(value)
    return str(value)
