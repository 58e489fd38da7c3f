"""Charts drawn with Altair: a progress chart per target and the overview charts.

A target's chart is a Vega spec built without Altair: its layout is compiled once per
process (``_target_layout``) and each target's figures are put into a copy, so working
out a chart and its cache key costs well under a millisecond. ``rendering`` turns the
specs into SVG and PNG files.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import altair as alt
import pandas as pd

from ..assess import wording
from ..assess.status import DISPLAY_ORDER, Assessment
from ..register.model import Target
from ..register.quarters import Quarter, quarter_range
from . import rendering

# Status colours: each passes 4.5:1 against white text, and a label always goes with it.
STATUS_COLOURS = {
    "achieved": "#1b6b35",
    "achieved_late": "#0b6471",
    "on_track": "#1d4f91",
    "at_risk": "#8a4b00",
    "missed": "#b3261e",
    "withdrawn": "#5a5f66",
}
# The status-by-bureau chart's titles, in English; pass others to draw it in a language.
STATUS_CHART_TITLES = {"count": "Targets", "status": "Status"}
# What each line of a target chart means, for the page to show as a legend in its own
# language: the chart itself carries no words, so one SVG serves every language. Each
# line differs in dash (and the reported one in its points), not only in colour.
TARGET_CHART_LEGEND = {
    "reported": {"stroke": "#1d4f91", "dash": "solid", "marker": "circle"},
    "expected": {"stroke": "#6b7280", "dash": "dashed", "marker": None},
    "goal": {"stroke": "#1b6b35", "dash": "dotted", "marker": None},
    "due": {"stroke": "#b3261e", "dash": "solid", "marker": None},
}
DASHES = {"solid": None, "dashed": [6, 4], "dotted": [2, 2]}
# Charts are measured when rendered and drawn by the reader's browser: a font stack of
# metric-compatible faces (Liberation Sans = Arial = Helvetica) keeps labels from clipping.
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
# A phone's variant of each chart is this wide in all (a 360 px screen shows 328 px of
# page): drawn a little larger, its 13 px text is still 12 px on a 330 px screen.
NARROW_WIDTH = 320
NARROW_FONT = 13
NARROW_QUARTER_LABELS = 7
# Vega lays text out by its measure in the renderer's font, and the reader's browser may
# draw it in a wider one (DejaVu Sans, where no Arial is installed, is some 12% wider): the
# space round the chart keeps a label that grows from running past the picture's edge.
PADDING = {"left": 24, "top": 12, "right": 12, "bottom": 8}
# The whole chart, axes and legend included, fits the width it is given.
FIT_WIDTH = {"type": "fit-x", "contains": "padding"}


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


def target_spec(target: Target, r: Quarter, narrow: bool = False) -> dict:
    """The Vega spec of ``target``'s chart as of ``r``: reported progress against the
    expected path, the target level (dotted rule) and the due quarter (red rule);
    ``narrow``: the variant drawn for a phone (see ``NARROW_WIDTH``)."""
    rows = trajectory(target, r)
    goal = 100.0 if target.indicator is None else target.indicator.target
    values = {
        "expected": [{"quarter": str(x.quarter), "level": x.expected} for x in rows],
        "reported": [
            {"quarter": str(x.quarter), "level": x.reported} for x in rows if x.reported is not None
        ],
        "goal": [{"level": goal, "label": wording.fmt_number(goal)}],
        "due": [{"quarter": str(target.due), "label": str(target.due)}],
    }
    # More than ten quarter labels do not fit level in the chart's width.
    layout = _target_layout(target.indicator is None, slanted=len(rows) > 10, narrow=narrow)
    data = [
        {**d, "values": values[d["name"]]} if d["name"] in values else d for d in layout["data"]
    ]
    if not narrow:
        return {**layout, "data": data}
    # A phone has room for about seven quarter labels: every so many, counted back from the
    # last, so that the latest quarter is always named.
    step = -(-len(rows) // NARROW_QUARTER_LABELS)
    named = [str(x.quarter) for x in rows][::-1][::step][::-1]
    axes = [{**a, "values": named} if a["scale"] == "x" else a for a in layout["axes"]]
    return {**layout, "data": data, "axes": axes}


@functools.cache
def _target_layout(milestone: bool, slanted: bool, narrow: bool = False) -> dict:
    """A target chart's Vega spec with its data left out, compiled once per process."""
    size = NARROW_FONT if narrow else 12
    axis = alt.Axis(labelAngle=-45 if slanted or narrow else 0)
    x = alt.X("quarter:O", title=None, axis=axis)
    # A milestone is 0-100% complete; a figure is not drawn from zero, or a fall from 120
    # to 90 minutes would look flat.
    scale = alt.Scale(domain=[0, 100]) if milestone else alt.Scale(zero=False, nice=True)
    y = alt.Y("level:Q", title=None, scale=scale)
    data = {key: alt.Chart(alt.NamedData(key)) for key in ("expected", "reported", "goal", "due")}
    lines = [
        data["expected"].mark_line(strokeWidth=2.5, **_stroke("expected")).encode(x=x, y=y),
        data["reported"].mark_line(strokeWidth=2.5, **_stroke("reported")).encode(x=x, y=y),
        data["reported"].mark_point(filled=True, size=50, **_stroke("reported")).encode(x=x, y=y),
    ]
    goal_rule = data["goal"].mark_rule(**_stroke("goal")).encode(y="level:Q")
    goal_label = goal_rule.mark_text(
        align="left", baseline="bottom", dx=4, dy=-3, fontSize=size, color=_stroke("goal")["color"]
    ).encode(x=alt.value(0), text="label:N")
    due_rule = data["due"].mark_rule(**_stroke("due")).encode(x=x)
    due_label = due_rule.mark_text(
        align="right", baseline="top", dx=-4, dy=4, fontSize=size, color=_stroke("due")["color"]
    ).encode(y=alt.value(0), text="label:N")
    layers = alt.layer(*lines, goal_rule, goal_label, due_rule, due_label)
    # The chart is shown as an image with its own description, so the marks' ARIA labels
    # go unheard; labels are short, and with no limit Vega measures each only once.
    axis_config = {"labelLimit": 0, "labelFontSize": size}
    if narrow:
        chart = styled_chart(
            layers, NARROW_WIDTH, 240, axis=axis_config, aria=False, autosize=FIT_WIDTH
        )
    else:
        chart = styled_chart(layers, 560, 260, axis=axis_config, aria=False)
    return rendering.compile_vegalite(chart.to_dict())


def _stroke(key: str) -> dict:
    """The mark properties that draw the line ``key`` as ``TARGET_CHART_LEGEND`` says."""
    style = TARGET_CHART_LEGEND[key]
    dash = DASHES[style["dash"]]
    return {"color": style["stroke"], **({"strokeDash": dash} if dash else {})}


def status_by_bureau_chart(
    assessments: list[Assessment],
    status_labels: Mapping[str, str] = wording.STATUS_LABELS,
    titles: Mapping[str, str] = STATUS_CHART_TITLES,
    names: Mapping[str, str] | None = None,
    narrow: bool = False,
) -> alt.Chart:
    """A stacked bar per bureau counting its targets in each status.

    The words are parameters, so the chart can be drawn in each language: status labels,
    ``titles`` (``count`` axis and ``status`` legend) and ``names``, bureau names as shown
    (a bureau missing from it is shown as the register gives it). ``narrow``: the variant
    for a phone, each bureau's name above its bar rather than beside it.
    """
    names = names or {}
    counts = _status_counts(assessments, status_labels, names)
    bureaus = [names.get(b, b) for b in sorted({a.target.bureau for a in assessments})]
    order = [status_labels[s] for s in DISPLAY_ORDER]
    size = NARROW_FONT if narrow else 12
    x = alt.X("sum(count):Q", title=titles["count"], axis=alt.Axis(tickMinStep=1, format="d"))
    colour = alt.Color(
        "status:N",
        title=titles["status"],
        scale=alt.Scale(domain=order, range=[STATUS_COLOURS[s] for s in DISPLAY_ORDER]),
        # Two columns on a phone: three of "Achieved late" do not fit its width.
        legend=alt.Legend(orient="bottom", columns=2 if narrow else 3, labelLimit=0),
    )
    bars = (
        alt.Chart(counts)
        .mark_bar()
        .encode(x=x, color=colour, order=alt.Order("status_rank:Q"))
        .transform_calculate(status_rank=f"indexof({order!r}, datum.status)")
    )
    if not narrow:
        y = alt.Y("bureau:N", title=None, sort=bureaus, axis=alt.Axis(labelLimit=240))
        return styled_chart(bars.encode(y=y), 500, max(120, 28 * len(bureaus)))
    # A bar a step of 44px, a thin one under its bureau's name (written in the band's
    # padding, left-aligned): a name beside the bar would leave the bar no room.
    y = alt.Y("bureau:N", title=None, sort=bureaus, axis=None, scale=alt.Scale(paddingInner=0.6))
    names_above = (
        alt.Chart(pd.DataFrame({"bureau": bureaus}))
        .mark_text(align="left", baseline="bottom", dy=-13, fontSize=size, color="#1f2328")
        .encode(y=y, x=alt.value(0), text="bureau:N")
    )
    chart = alt.layer(bars.encode(y=y), names_above)
    return styled_chart(chart, NARROW_WIDTH, 44 * len(bureaus), size=size, autosize=FIT_WIDTH)


def _status_counts(
    assessments: list[Assessment], status_labels: Mapping[str, str], names: Mapping[str, str]
) -> pd.DataFrame:
    """One row per bureau and status, not per target: the chart's data stays small (Altair
    refuses more than 5,000 rows) and its spec does not grow with the register."""
    tally = Counter((a.target.bureau, a.status) for a in assessments)
    return pd.DataFrame(
        [
            {"bureau": names.get(bureau, bureau), "status": status_labels[status], "count": n}
            for (bureau, status), n in sorted(tally.items())
        ],
        columns=["bureau", "status", "count"],
    )


def styled_chart(
    chart: alt.TopLevelMixin,
    width: float,
    height: float,
    axis: dict | None = None,
    size: int = 12,
    **config,
) -> alt.TopLevelMixin:
    """``chart`` sized and in the site's font of
    ``size`` px; ``axis`` and ``config`` add to the config (Altair replaces, not merges, a
    second ``configure``)."""
    axis = {"labelFontSize": size, "titleFontSize": size, "labelColor": "#1f2328", **(axis or {})}
    return (
        chart.properties(width=width, height=height, padding=PADDING)
        .configure(font=FONT, background="white", **config)
        .configure_axis(**axis)
        .configure_legend(labelFontSize=size, titleFontSize=size)
        .configure_view(stroke=None)
    )


def render_svg(chart: alt.TopLevelMixin) -> str:
    """Render ``chart`` to a standalone SVG document (no scripts, no network), uncached."""
    return rendering.render("vega-lite", rendering.canonical_json(chart.to_dict()), ("svg",))[
        "svg"
    ].decode()
