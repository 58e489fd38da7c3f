"""A target's money chart and Money panel (REGISTER.md, "Funds"): quarter by quarter from
its start to the reporting quarter, the share of its allocation spent (``S``), of its
result delivered (``F``) and of its time to the due quarter gone (``E``).

Like the progress chart (``charts.target_spec``), the chart is a Vega spec compiled once
per process with its figures left out, and carries no words: one SVG serves every
language, and the page gives its key, caption and table in the page's language. Every
figure is of the promise the status is judged on (``assessment.basis``), as the status.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import altair as alt

from ..assess import funds
from ..assess.moneywords import currency_word, fmt_share, money_line, unit_word
from ..assess.status import Assessment, expected_fraction, progress_fraction
from ..assess.wording import fmt_percent
from ..register.i18n import gettext as _
from ..register.model import Budget
from ..register.quarters import Quarter, quarter_range
from . import rendering
from .charts import (
    DASHES,
    FIT_WIDTH,
    NARROW_FONT,
    NARROW_QUARTER_LABELS,
    NARROW_WIDTH,
    styled_chart,
)
from .portal import chart_url

# What each line means, for the page's key: each differs in dash and marker, not only in
# colour (the spent line's brown and the delivered line's blue also differ in lightness).
MONEY_CHART_LEGEND = {
    "spent": {"stroke": "#8a4b00", "dash": "dashed", "marker": "square"},
    "delivered": {"stroke": "#1d4f91", "dash": "solid", "marker": "circle"},
    "elapsed": {"stroke": "#6b7280", "dash": "dotted", "marker": None},
}
SERIES = tuple(MONEY_CHART_LEGEND)
# Drawn size, for the page's <img> (the SVG's own size, padding included).
WIDE_SIZE = (560, 200)
NARROW_HEIGHT = 200
# A folder of their own: "X-money" could be another target's id, "money/X" cannot.
FOLDER = "money"


@dataclass(frozen=True)
class MoneyRow:
    """One quarter of a target's money chart."""

    quarter: Quarter
    spent: float | None
    """The latest ``spent`` up to this quarter, as typed; None where none is reported yet."""
    reported_in: Quarter | None
    """The quarter ``spent`` was reported for: an earlier one where this quarter's update
    has no spending line (the running total carries over), None with ``spent``."""
    spend: float
    """``S``: the share of the allocation spent (0 with no spending reported)."""
    delivered: float
    """``F``: the share of the result delivered (the status rules' progress fraction)."""
    elapsed: float
    """``E``: the share of the time from start to due gone (the expected fraction)."""


def money_rows(assessment: Assessment) -> list[MoneyRow]:
    """Every quarter from the promise's start to the reporting quarter, oldest first; none
    without a budget (or when the reporting quarter is before the start)."""
    target = assessment.basis
    if target.budget is None:
        return []
    rows = []
    for q in quarter_range(target.start, assessment.quarter):
        entry = funds.spending_entry(target, q)
        rows.append(
            MoneyRow(
                quarter=q,
                spent=entry.spent if entry else None,
                reported_in=entry.quarter if entry else None,
                spend=funds.spend_fraction(target, q),
                delivered=progress_fraction(target, q),
                elapsed=expected_fraction(target, q),
            )
        )
    return rows


def chart_name(target_id: str) -> str:
    """The money chart's name (``chart_url``); its phone variant adds ``.narrow``."""
    return f"{FOLDER}/{target_id}"


def chart_paths(a: Assessment) -> list[str]:
    """The site paths of the money charts of ``a`` (``chart_jobs``): none without a budget."""
    if not money_rows(a):
        return []
    name = chart_name(a.target.id)
    return [chart_url(name), chart_url(f"{name}.narrow")]


def chart_jobs(assessments: list[Assessment]) -> list[rendering.ChartJob]:
    """The money chart of every target with a budget, wide and for a phone (SVG only: the
    link preview stays the progress chart)."""
    jobs = []
    for a in assessments:
        rows = money_rows(a)
        if not rows:
            continue
        name = chart_name(a.target.id)
        for narrow, path in ((False, name), (True, f"{name}.narrow")):
            spec = money_spec(rows, narrow)
            jobs.append(rendering.chart_job("vega", spec, (("svg", chart_url(path)),)))
    return jobs


def money_spec(rows: list[MoneyRow], narrow: bool = False) -> dict:
    """The Vega spec of the chart of ``rows``; ``narrow``: the variant for a phone."""
    values = {
        key: [{"quarter": str(r.quarter), "share": getattr(r, _FIELDS[key])} for r in rows]
        for key in SERIES
    }
    layout = _money_layout(slanted=len(rows) > 10, narrow=narrow)
    data = [
        {**d, "values": values[d["name"]]} if d["name"] in values else d for d in layout["data"]
    ]
    if not narrow:
        return {**layout, "data": data}
    # As the progress chart: about seven quarter labels, counted back from the latest.
    step = -(-len(rows) // NARROW_QUARTER_LABELS)
    named = [str(r.quarter) for r in rows][::-1][::step][::-1]
    axes = [{**a, "values": named} if a["scale"] == "x" else a for a in layout["axes"]]
    return {**layout, "data": data, "axes": axes}


_FIELDS = {"spent": "spend", "delivered": "delivered", "elapsed": "elapsed"}


@functools.cache
def _money_layout(slanted: bool, narrow: bool) -> dict:
    """The chart's Vega spec with its figures left out, compiled once per process."""
    size = NARROW_FONT if narrow else 12
    x = alt.X("quarter:O", title=None, axis=alt.Axis(labelAngle=-45 if slanted or narrow else 0))
    # Shares from 0; an overspent or overshooting line takes the axis above 100%.
    y = alt.Y("share:Q", title=None, scale=alt.Scale(zero=True, nice=True),
              axis=alt.Axis(format=".0%", tickCount=5))  # fmt: skip
    layers = []
    for key in SERIES:
        style = MONEY_CHART_LEGEND[key]
        stroke = {"color": style["stroke"]}
        if DASHES[style["dash"]]:
            stroke["strokeDash"] = DASHES[style["dash"]]
        base = alt.Chart(alt.NamedData(key))
        layers.append(base.mark_line(strokeWidth=2.5, **stroke).encode(x=x, y=y))
        if style["marker"]:
            mark = {"shape": style["marker"], "filled": True, "opacity": 1, "size": 45}
            mark["color"] = style["stroke"]
            layers.append(base.mark_point(**mark).encode(x=x, y=y))
    # An unseen rule at 100%: the axis always reaches the whole allocation and result.
    whole = alt.Chart(alt.Data(values=[{"share": 1.0}])).mark_rule(opacity=0).encode(y=y)
    chart = alt.layer(*layers, whole)
    axis = {"labelLimit": 0, "labelFontSize": size}
    if narrow:
        chart = styled_chart(
            chart, NARROW_WIDTH, NARROW_HEIGHT, axis=axis, aria=False, autosize=FIT_WIDTH
        )
    else:
        chart = styled_chart(chart, *WIDE_SIZE, axis=axis, aria=False)
    return rendering.compile_vegalite(chart.to_dict())


def money_caption(rows: list[MoneyRow]) -> str:
    """What the chart shows, in words: where each line starts and where it ends."""
    first, last = rows[0], rows[-1]
    end = {
        "quarter": last.quarter,
        "spent": fmt_share(last.spend),
        "delivered": fmt_percent(last.delivered),
        "elapsed": fmt_percent(last.elapsed),
    }
    if first is last:
        return (
            _(
                "In %(quarter)s: %(spent)s of the money spent, %(delivered)s of the result "
                "delivered and %(elapsed)s of the time to the due quarter gone."
            )
            % end
        )
    start = {"first": first.quarter, "spent_first": fmt_share(first.spend),
             "delivered_first": fmt_percent(first.delivered),
             "elapsed_first": fmt_percent(first.elapsed)}  # fmt: skip
    return _(
        "From %(first)s to %(quarter)s, the share of the money spent went from "
        "%(spent_first)s to %(spent)s, the share of the result delivered from "
        "%(delivered_first)s to %(delivered)s and the share of the time to the due "
        "quarter gone from %(elapsed_first)s to %(elapsed)s."
    ) % (start | end)


@dataclass(frozen=True)
class MoneyPanel:
    """What a target page's Money panel shows, in the language in force."""

    line: str
    """The money line (``moneywords.money_line``)."""
    flags: tuple[str, ...]
    """The funds flags of the assessment, in its order."""
    rows: list[MoneyRow]
    """The chart's quarters, newest first, as the page's table lists them."""
    spent_heading: str
    """The table's spent column, with the currency and unit its figures are in."""
    caption: str
    chart: str
    """The chart's name (``chart_url``)."""


def money_panel(assessment: Assessment) -> MoneyPanel | None:
    """The Money panel of a target page; None without a budget (no panel, no chart)."""
    line = money_line(assessment)
    if line is None:
        return None
    rows = money_rows(assessment)
    return MoneyPanel(
        line=line,
        flags=tuple(f for f in assessment.flags if f in funds.FUNDS_FLAGS),
        rows=rows[::-1],
        spent_heading=spent_heading(assessment.basis.budget),
        caption=money_caption(rows) if rows else "",
        chart=chart_name(assessment.target.id) if rows else "",
    )


def spent_heading(budget: Budget) -> str:
    """``Spent to date (HKD million)``: the column's figures are then as typed, and short
    enough for a phone's width."""
    words = {"currency": currency_word(budget.currency), "unit": unit_word(budget)}
    if not words["unit"]:
        return _("Spent to date (%(currency)s)") % words
    return _("Spent to date (%(currency)s %(unit)s)") % words
