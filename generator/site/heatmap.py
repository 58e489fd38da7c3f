"""The delivery heat map: per group and quarter, the share of targets on track or achieved."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from ..assess.history import StatusPoint
from ..assess.status import WITHDRAWN
from ..register.model import Target
from .charts import NARROW_FONT, NARROW_WIDTH, PADDING, styled_chart

GOOD = ("on_track", "achieved", "achieved_late")
GROUPINGS = ("bureau", "policy_address")
COLUMNS = ["group", "quarter", "targets", "good", "share"]
NO_DATA = "—"
LEGEND_TITLE = "On track or achieved"


def delivery_share(
    targets: list[Target], histories: dict[str, tuple[StatusPoint, ...]], by: str
) -> pd.DataFrame:
    """One row per (group, quarter): targets with a status (withdrawn left out), good, share.

    ``by`` is "bureau" or "policy_address"; raises ``ValueError`` otherwise.
    """
    if by not in GROUPINGS:
        raise ValueError(f"cannot group the heat map by {by!r}: use one of {GROUPINGS}")
    # A withdrawn target is no longer promised, so it counts neither for nor against.
    rows = [
        {"group": str(getattr(t, by)), "quarter": str(p.quarter), "good": p.status in GOOD}
        for t in targets
        for p in histories.get(t.id, ())
        if p.status != WITHDRAWN
    ]
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    shares = (
        pd.DataFrame(rows)
        .groupby(["group", "quarter"], sort=True)
        .agg(targets=("good", "size"), good=("good", "sum"))
        .reset_index()
    )
    shares["targets"] = shares["targets"].astype(int)
    shares["good"] = shares["good"].astype(int)
    shares["share"] = shares["good"] / shares["targets"]
    return shares[COLUMNS].sort_values(["group", "quarter"], ignore_index=True)


def percent(good: int, targets: int) -> str:
    """``good`` of ``targets`` as a whole per cent, halves rounded up: 1 of 8 is 13%."""
    # Integer arithmetic: the chart and the table must print the same figure, and float
    # formatting rounds 12.5 to even ("12%") where d3-format would print "13%".
    return f"{(200 * good + targets) // (2 * targets)}%"


def heatmap_chart(
    shares: pd.DataFrame,
    group_title: str,
    legend_title: str = LEGEND_TITLE,
    names: Mapping[str, str] | None = None,
    narrow: bool = False,
) -> alt.Chart:
    """A heat map of ``shares``, newest quarter first: quarters across and groups down, or
    with ``narrow`` (a phone's variant) quarters down and groups across.

    The words are parameters, so the chart can be drawn in each language: the titles,
    and ``names``, group names as shown (a group missing from it is shown as it is).
    """
    # Newest first: the quarter a reader comes for is the one they see without scrolling.
    quarters = sorted(shares["quarter"].unique(), reverse=True)
    names = names or {}
    # In the register's order in every language, as the table below the chart.
    groups = [names.get(g, g) for g in sorted(shares["group"].unique())]
    cells = shares.assign(
        group=[names.get(g, g) for g in shares["group"]],
        label=_labels(shares),
    )
    if narrow:
        return _narrow_heatmap(cells, quarters, groups, group_title, legend_title)
    # ~40px a column keeps "100%" inside its cell for the 12-20 quarters of a register.
    width = max(360, 40 * len(quarters))
    quarter = alt.X(
        "quarter:O",
        title=None,
        scale=alt.Scale(domain=quarters),
        # "2025-Q3" needs ~56px level; narrower columns get slanted labels instead.
        axis=alt.Axis(labelAngle=0 if width >= 56 * len(quarters) else -45),
    )
    group = alt.Y("group:N", title=group_title, sort=groups, axis=alt.Axis(labelLimit=240))
    base = alt.Chart(cells).encode(x=quarter, y=group)
    rects = base.mark_rect(stroke="white", strokeWidth=1).encode(color=_share_colour(legend_title))
    text = base.mark_text(fontSize=12).encode(text="label:N", color=_label_colour())
    return styled_chart(alt.layer(rects, text), width, 30 * len(groups))


def _labels(shares: pd.DataFrame) -> list[str]:
    """Each cell's figure: the shares' own ``label`` where they carry one (the money heat
    map's, worked out from amounts), else the per cent of good targets."""
    if "label" in shares.columns:
        return list(shares["label"])
    return [percent(row.good, row.targets) for row in shares.itertuples(index=False)]


def _narrow_heatmap(
    cells: pd.DataFrame, quarters: list, groups: list, group_title: str, legend_title: str
) -> alt.Chart:
    """The heat map for a phone: a row per quarter (a register grows downwards, which a
    phone scrolls) and a column per group, named above it."""
    # The quarters' labels and the padding take ~90px; the groups share the rest, 36px at
    # most a column.
    column = min(36.0, (NARROW_WIDTH - 90) / max(1, len(groups)))
    quarter = alt.Y("quarter:O", title=None, scale=alt.Scale(domain=quarters))
    group = alt.X(
        "group:N",
        title=group_title,
        sort=groups,
        axis=alt.Axis(orient="top", labelAngle=-90, labelLimit=0, labelPadding=4),
    )
    cells = cells.assign(number=[label.removesuffix("%") for label in cells["label"]])
    base = alt.Chart(cells).encode(x=group, y=quarter)
    colour = _share_colour(legend_title, narrow=True)
    layers = [base.mark_rect(stroke="white", strokeWidth=1).encode(color=colour)]
    # "100" fits a column of 26px at 13px (the legend gives the per cent); a narrower one
    # shows the colour alone, and the table below the figures.
    if column >= 26:
        # The table's own figure, less its "%": rounded as the table rounds it.
        number = alt.Text("number:N")
        layers.append(
            base.mark_text(fontSize=NARROW_FONT).encode(text=number, color=_label_colour())
        )
    chart = alt.layer(*layers)
    # The groups' names stand upright above the columns: room for them to grow upwards.
    # The quarters' labels, all of one length, need little room to grow on the left.
    padding = {**PADDING, "top": 32, "left": 12}
    styled = styled_chart(chart, column * len(groups), 26 * len(quarters), size=NARROW_FONT)
    return styled.properties(padding=padding)


def _share_colour(legend_title: str, narrow: bool = False) -> alt.Color:
    """Each cell's colour by its share, light to dark blue, with its legend below (on a
    phone's, shorter and with three labels, which then do not run into each other)."""
    values = [0, 0.5, 1] if narrow else [0, 0.25, 0.5, 0.75, 1]
    return alt.Color(
        "share:Q",
        title=legend_title,
        # Clamped: an overspent bureau's share above 100% takes the darkest colour.
        scale=alt.Scale(domain=[0, 1], scheme="blues", clamp=True),
        legend=alt.Legend(
            format=".0%", orient="bottom", values=values, gradientLength=160 if narrow else 200
        ),
    )


def _label_colour() -> alt.condition:
    """Black or white, whichever contrasts more with the cell's own colour: one of the two
    always reaches 4.5:1 on any colour, where a fixed cut-off on the share cannot."""
    fill = "scale('color', datum.share)"
    return alt.condition(
        f"contrast('#000000', {fill}) >= contrast('#ffffff', {fill})",
        alt.value("#000000"),
        alt.value("#ffffff"),
    )


def share_table(shares: pd.DataFrame) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The heat map's figures as a table: quarter headers, newest first as in the chart,
    and per group '67% (2/3)' cells."""
    quarters = sorted(shares["quarter"].unique(), reverse=True)
    figures = {
        (row.group, row.quarter): f"{percent(row.good, row.targets)} ({row.good}/{row.targets})"
        for row in shares.itertuples(index=False)
    }
    rows = [
        (group, [figures.get((group, q), NO_DATA) for q in quarters])
        for group in sorted(shares["group"].unique())
    ]
    return quarters, rows
