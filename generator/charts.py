"""Charts drawn with Altair and rendered to static SVG at build time (vl-convert)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import altair as alt
import pandas as pd
import vl_convert

from .model import Target
from .quarters import Quarter, quarter_range
from .status import DISPLAY_ORDER, Assessment

# Status colours: each passes 4.5:1 against white text, and a label always goes with it.
STATUS_COLOURS = {
    "achieved": "#1b6b35",
    "achieved_late": "#0b6471",
    "on_track": "#1d4f91",
    "at_risk": "#8a4b00",
    "missed": "#b3261e",
    "withdrawn": "#5a5f66",
}
STATUS_LABELS = {
    "achieved": "Achieved",
    "achieved_late": "Achieved late",
    "on_track": "On track",
    "at_risk": "At risk",
    "missed": "Missed",
    "withdrawn": "Withdrawn",
}
REPORTED = "Reported"
EXPECTED = "Expected path"
# Charts are measured when rendered and drawn by the reader's browser: a font stack of
# metric-compatible faces (Liberation Sans = Arial = Helvetica) keeps labels from clipping.
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class TrajectoryRow:
    """One quarter of a target's chart: the straight-line expectation and any report."""

    quarter: Quarter
    expected: float
    reported: float | None


def expected_at(target: Target, quarter: Quarter) -> float:
    """The straight-line expected level from (start, baseline) to (due, target) at ``quarter``."""
    low, high = (
        (0.0, 100.0)
        if target.indicator is None
        else (
            target.indicator.baseline,
            target.indicator.target,
        )
    )
    span = target.due - target.start
    share = 1.0 if span <= 0 and quarter >= target.start else 0.0
    if span > 0:
        share = min(1.0, max(0.0, (quarter - target.start) / span))
    return low + (high - low) * share


def trajectory(target: Target, r: Quarter) -> list[TrajectoryRow]:
    """Every quarter from the first of start/first report to the last of due/R/last report."""
    reported = {e.quarter: target.measure(e) for e in target.entries_until(r)}
    first = min([target.start, *reported])
    last = max([target.due, r, *reported])
    return [
        TrajectoryRow(q, expected_at(target, q), reported.get(q))
        for q in quarter_range(first, last)
    ]


def _quarter_axis(quarters: list[str]) -> alt.X:
    angle = 0 if len(quarters) <= 10 else -45
    return alt.X(
        "quarter:O",
        title=None,
        scale=alt.Scale(domain=quarters),
        axis=alt.Axis(labelAngle=angle, labelOverlap=True),
    )


def target_chart(target: Target, r: Quarter) -> alt.LayerChart:
    """Reported progress against the expected path, with the target level and due quarter."""
    rows = trajectory(target, r)
    quarters = [str(row.quarter) for row in rows]
    unit = "% complete" if target.indicator is None else target.indicator.unit
    goal = 100.0 if target.indicator is None else target.indicator.target
    lines = pd.DataFrame(
        [{"quarter": str(x.quarter), "series": EXPECTED, "level": x.expected} for x in rows]
        + [
            {"quarter": str(x.quarter), "series": REPORTED, "level": x.reported}
            for x in rows
            if x.reported is not None
        ]
    )
    x_axis = _quarter_axis(quarters)
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=[REPORTED, EXPECTED], range=["#1d4f91", "#6b7280"]),
        legend=alt.Legend(orient="bottom"),
    )
    dash = alt.StrokeDash(
        "series:N", scale=alt.Scale(domain=[REPORTED, EXPECTED], range=[[1, 0], [6, 4]]),
        legend=None,
    )  # fmt: skip
    paths = (
        alt.Chart(lines)
        .mark_line(strokeWidth=2.5)
        .encode(x=x_axis, y=_level_axis(target, unit), color=colour, strokeDash=dash)
    )
    points = paths.mark_point(filled=True, size=50).transform_filter(alt.datum.series == REPORTED)
    goal_rule = (
        alt.Chart(pd.DataFrame({"level": [goal]}))
        .mark_rule(color="#1b6b35", strokeDash=[2, 2])
        .encode(y="level:Q")
    )
    goal_label = goal_rule.mark_text(
        align="left", baseline="bottom", dx=4, dy=-3, color="#1b6b35", text=f"Target: {_fmt(goal)}"
    ).encode(x=alt.value(0))
    due = pd.DataFrame({"quarter": [str(target.due)]})
    due_rule = alt.Chart(due).mark_rule(color="#b3261e").encode(x=x_axis)
    due_label = due_rule.mark_text(
        align="right", baseline="top", dx=-4, dy=4, color="#b3261e", text=f"Due {target.due}"
    ).encode(y=alt.value(0))
    return _style(alt.layer(paths, points, goal_rule, goal_label, due_rule, due_label), 560, 260)


def _level_axis(target: Target, unit: str) -> alt.Y:
    if target.indicator is None:
        return alt.Y("level:Q", title=unit, scale=alt.Scale(domain=[0, 100]))
    # Not from zero: a fall from 120 to 90 minutes would otherwise look flat.
    return alt.Y("level:Q", title=unit, scale=alt.Scale(zero=False, nice=True))


def status_by_bureau_chart(assessments: list[Assessment]) -> alt.Chart:
    """A stacked bar per bureau counting its targets in each status."""
    counts = pd.DataFrame(
        [{"bureau": a.target.bureau, "status": STATUS_LABELS[a.status]} for a in assessments]
    )
    bureaus = sorted(counts["bureau"].unique()) if len(counts) else []
    order = [STATUS_LABELS[s] for s in DISPLAY_ORDER]
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("bureau:N", title=None, sort=bureaus, axis=alt.Axis(labelLimit=240)),
            x=alt.X("count():Q", title="Targets", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "status:N",
                title="Status",
                scale=alt.Scale(domain=order, range=[STATUS_COLOURS[s] for s in DISPLAY_ORDER]),
                legend=alt.Legend(orient="bottom", columns=3),
            ),
            order=alt.Order("status_rank:Q"),
        )
        .transform_calculate(status_rank=f"indexof({order!r}, datum.status)")
    )
    return _style(chart, 520, max(120, 28 * len(bureaus)))


def _style(chart: alt.TopLevelMixin, width: int, height: int) -> alt.TopLevelMixin:
    return (
        chart.properties(width=width, height=height)
        .configure(font=FONT, background="white")
        .configure_axis(labelFontSize=12, titleFontSize=12, labelColor="#1f2328")
        .configure_legend(labelFontSize=12, titleFontSize=12)
        .configure_view(stroke=None)
    )


def render_svg(chart: alt.TopLevelMixin) -> str:
    """Render ``chart`` to a standalone SVG document (no scripts, no network)."""
    return stable_ids(vl_convert.vegalite_to_svg(chart.to_dict()))


_NUMBERED_ID = re.compile(r'id="([A-Za-z]+_)(\d+)"')


def stable_ids(svg: str) -> str:
    """Renumber ids such as ``gradient_7`` from 0 within the document.

    vl-convert numbers gradients with a counter that lives as long as the process, so the
    same chart would otherwise differ from build to build.
    """
    names = {}
    for prefix, number in _NUMBERED_ID.findall(svg):
        old = prefix + number
        names.setdefault(old, f"{prefix}{len(names)}")
    if not names:
        return svg
    pattern = re.compile(r'(?<=id=")(%s)(?=")|(?<=url\(#)(%s)(?=\))' % (("|".join(names),) * 2))
    return pattern.sub(lambda m: names[m.group(0)], svg)


def _fmt(number: float) -> str:
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.2f}".rstrip("0")
