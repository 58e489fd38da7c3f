"""The delivery heat map: per group and quarter, the share of targets on track or achieved."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .charts import FONT
from .history import StatusPoint
from .model import Target

GOOD = ("on_track", "achieved", "achieved_late")
COLUMNS = ["group", "quarter", "targets", "good", "share"]


def delivery_share(
    targets: list[Target], histories: dict[str, tuple[StatusPoint, ...]], by: str
) -> pd.DataFrame:
    """One row per (group, quarter): targets with a status (withdrawn left out), good, share."""
    rows = [
        {
            "group": str(getattr(t, by)),
            "quarter": str(p.quarter),
            "good": p.status in GOOD,
        }
        for t in targets
        for p in histories.get(t.id, ())
        if p.status != "withdrawn"
    ]
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.DataFrame(rows)
    shares = frame.groupby(["group", "quarter"], sort=True).agg(
        targets=("good", "size"), good=("good", "sum")
    )
    shares = shares.reset_index()
    shares["good"] = shares["good"].astype(int)
    shares["share"] = shares["good"] / shares["targets"]
    return shares[COLUMNS].sort_values(["group", "quarter"]).reset_index(drop=True)


def heatmap_chart(shares: pd.DataFrame, group_title: str) -> alt.Chart:
    """A heat map of ``shares``: quarters across, groups down, the share in each cell."""
    quarters = sorted(shares["quarter"].unique())
    groups = sorted(shares["group"].unique())
    base = alt.Chart(shares).encode(
        x=alt.X("quarter:O", title=None, sort=quarters, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("group:N", title=group_title, sort=groups, axis=alt.Axis(labelLimit=220)),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "share:Q",
            title="On track or achieved",
            scale=alt.Scale(domain=[0, 1], scheme="blues"),
            legend=alt.Legend(format="%", orient="bottom"),
        )
    )
    labels = base.mark_text(fontSize=10).encode(
        text=alt.Text("share:Q", format=".0%"),
        # Dark text on pale cells, white on dark ones, for contrast.
        color=alt.condition(alt.datum.share > 0.6, alt.value("white"), alt.value("#1f2328")),
    )
    width = max(360, 34 * len(quarters))
    return (
        alt.layer(cells, labels)
        .properties(width=width, height=max(80, 26 * len(groups)))
        .configure(font=FONT, background="white")
        .configure_axis(labelFontSize=11, titleFontSize=12, labelColor="#1f2328")
        .configure_view(stroke=None)
    )


def share_table(shares: pd.DataFrame) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The heat map's figures as a table: quarter headers, and per group '67% (2/3)' cells."""
    quarters = sorted(shares["quarter"].unique())
    rows = []
    for group in sorted(shares["group"].unique()):
        mine = shares[shares["group"] == group].set_index("quarter")
        cells = []
        for q in quarters:
            if q in mine.index:
                row = mine.loc[q]
                cells.append(f"{row['share']:.0%} ({int(row['good'])}/{int(row['targets'])})")
            else:
                cells.append("—")
        rows.append((group, cells))
    return quarters, rows
