"""The delivery heat map: shares worked by hand from the timelines in test_history.py."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from generator.assess import history
from generator.register.loader import load_register
from generator.register.quarters import Quarter
from generator.site import charts, heatmap

REGISTER = Path(__file__).resolve().parent / "fixtures" / "history-register"
LAST = Quarter(2025, 4)

QUARTERS = [
    "2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4",
    "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4",
]  # fmt: skip

# (good, targets) per quarter above; None where the group has no target with a status.
# Environment: HX-ACHIEVE, HX-EDGE (from 2024-Q3), HX-SNAP (from 2024-Q4, missed then).
# Housing: HX-LATE, HX-FLATS (from 2024-Q4). Transport: HX-SLIP, HX-DROP (from 2024-Q4,
# withdrawn from 2025-Q3 and so left out).
BY_BUREAU = {
    "Environment Bureau": [(1, 1), (1, 1), (1, 1), (2, 2), (2, 3), (3, 3), (3, 3), (2, 3), (3, 3)],
    "Housing Bureau": [(1, 1), (1, 1), (0, 1), (0, 1), (1, 2), (1, 2), (0, 2), (0, 2), (1, 2)],
    "Transport Bureau": [(1, 1), (1, 1), (1, 1), (0, 1), (2, 2), (1, 2), (1, 2), (1, 1), (0, 1)],
}
# 2023: HX-ACHIEVE, HX-LATE, HX-SLIP. 2024: HX-EDGE, then HX-DROP, HX-FLATS, HX-SNAP.
BY_POLICY_ADDRESS = {
    "2023": [(3, 3), (3, 3), (2, 3), (1, 3), (2, 3), (1, 3), (2, 3), (2, 3), (2, 3)],
    "2024": [None, None, None, (1, 1), (3, 4), (4, 4), (2, 4), (1, 3), (2, 3)],
}


@pytest.fixture(scope="module")
def targets():
    return load_register(REGISTER, reporting_quarter=None, default_lang="en")


@pytest.fixture(scope="module")
def histories(targets):
    return history.register_history(targets, LAST)


def expected_frame(table: dict[str, list[tuple[int, int] | None]]) -> pd.DataFrame:
    rows = [
        {"group": group, "quarter": quarter, "targets": cell[1], "good": cell[0],
         "share": cell[0] / cell[1]}
        for group, cells in table.items()
        for quarter, cell in zip(QUARTERS, cells, strict=True)
        if cell is not None
    ]  # fmt: skip
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("by", "table"), [("bureau", BY_BUREAU), ("policy_address", BY_POLICY_ADDRESS)]
)
def test_delivery_share_worked_by_hand(targets, histories, by, table):
    shares = heatmap.delivery_share(targets, histories, by)
    assert list(shares.columns) == ["group", "quarter", "targets", "good", "share"]
    pd.testing.assert_frame_equal(shares, expected_frame(table))


def test_delivery_share_without_histories_is_empty(targets):
    shares = heatmap.delivery_share(targets, {}, "bureau")
    assert shares.empty and list(shares.columns) == heatmap.COLUMNS


def test_delivery_share_refuses_an_unknown_grouping(targets, histories):
    with pytest.raises(ValueError, match="area"):
        heatmap.delivery_share(targets, histories, "area")


@pytest.mark.parametrize(
    ("good", "total", "text"),
    [(0, 3, "0%"), (1, 3, "33%"), (2, 3, "67%"), (1, 1, "100%"), (1, 8, "13%"), (5, 8, "63%")],
)
def test_percent_rounds_halves_up(good, total, text):
    assert heatmap.percent(good, total) == text


@pytest.mark.parametrize(
    ("by", "title", "groups"),
    [
        ("bureau", "Bureau", list(BY_BUREAU)),
        ("policy_address", "Policy address", list(BY_POLICY_ADDRESS)),
    ],
)
def test_heatmap_renders_every_group_and_quarter(targets, histories, by, title, groups):
    svg = charts.render_svg(
        heatmap.heatmap_chart(heatmap.delivery_share(targets, histories, by), title)
    )
    assert svg.startswith("<svg") and "<script" not in svg
    for name in [*groups, *QUARTERS, title, heatmap.LEGEND_TITLE]:
        assert f">{name}<" in svg, name


@pytest.mark.parametrize("narrow", [False, True])
def test_heatmap_draws_the_newest_quarter_first(targets, histories, narrow):
    shares = heatmap.delivery_share(targets, histories, "bureau")
    svg = charts.render_svg(heatmap.heatmap_chart(shares, "Bureau", narrow=narrow))
    # Across (wide) the first label is leftmost; down (narrow) it is topmost.
    axis = 0 if not narrow else 1
    at = {}
    for x, y, text in re.findall(r"translate\(([\d.-]+),([\d.-]+)\)[^>]*>(\d{4}-Q\d)<", svg):
        at[text] = (float(x), float(y))[axis]
    assert sorted(at, key=at.get) == QUARTERS[::-1]


def test_narrow_heatmap_fits_a_phone_with_every_group_and_quarter(targets, histories):
    shares = heatmap.delivery_share(targets, histories, "bureau")
    svg = charts.render_svg(heatmap.heatmap_chart(shares, "Bureau", narrow=True))
    width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)', svg).group(1))
    assert width <= charts.NARROW_WIDTH
    sizes = {float(s) for s in re.findall(r'font-size="([\d.]+)px"', svg)}
    assert min(sizes) >= charts.NARROW_FONT
    for name in [*BY_BUREAU, *QUARTERS, "Bureau", heatmap.LEGEND_TITLE]:
        assert f">{name}<" in svg, name


def test_narrow_heatmap_of_many_groups_still_fits_and_shows_colour_alone():
    # Twelve bureaus leave each column under 26 px: no figure would fit in it, and the
    # table below the chart has them all.
    shares = pd.DataFrame(
        [{"group": f"Bureau {g:02}", "quarter": f"2025-Q{q}", "targets": 4, "good": q,
          "share": q / 4} for g in range(12) for q in range(1, 5)]
    )  # fmt: skip
    svg = charts.render_svg(heatmap.heatmap_chart(shares, "Bureau", narrow=True))
    width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)', svg).group(1))
    assert width <= charts.NARROW_WIDTH
    assert not re.findall(r"<text[^>]*>\d+</text>", svg)  # no figure squeezed into a cell
    assert all(f">Bureau {g:02}<" in svg for g in range(12))


CELL = re.compile(r'aria-label="(quarter: [^;"]+; [^;"]+: [^;"]+); [^"]*"[^>]*fill="([^"]+)"')


def contrast(one: str, other: str) -> float:
    """WCAG contrast ratio of two colours written #rrggbb or rgb(r, g, b)."""

    def luminance(colour: str) -> float:
        if colour.startswith("#"):
            channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        else:
            channels = [int(c) / 255 for c in re.findall(r"\d+", colour)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted([luminance(one), luminance(other)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_cell_labels_contrast_with_their_cell_at_every_share():
    # One cell per whole per cent from 0% to 100%, so every colour of the scale is tried.
    shares = pd.DataFrame(
        [{"group": "G", "quarter": f"{2000 + i // 4}-Q{i % 4 + 1}", "targets": 100, "good": i,
          "share": i / 100} for i in range(101)]
    )  # fmt: skip
    svg = charts.render_svg(heatmap.heatmap_chart(shares, "Group"))
    rects = dict(CELL.findall(re.sub(r"<text.*?</text>", "", svg)))
    texts = dict(CELL.findall("".join(re.findall(r"<text[^>]*>\d+%</text>", svg))))
    assert len(rects) == len(texts) == 101
    for cell, text_colour in texts.items():
        assert contrast(text_colour, rects[cell]) >= 4.5, (cell, text_colour, rects[cell])


def test_share_table_by_bureau(targets, histories):
    quarters, rows = heatmap.share_table(heatmap.delivery_share(targets, histories, "bureau"))
    # Newest quarter first, as the heat map draws them.
    assert quarters == QUARTERS[::-1]
    assert [(group, cells[::-1]) for group, cells in rows] == [
        ("Environment Bureau", ["100% (1/1)", "100% (1/1)", "100% (1/1)", "100% (2/2)", "67% (2/3)",
                                "100% (3/3)", "100% (3/3)", "67% (2/3)", "100% (3/3)"]),
        ("Housing Bureau", ["100% (1/1)", "100% (1/1)", "0% (0/1)", "0% (0/1)", "50% (1/2)",
                            "50% (1/2)", "0% (0/2)", "0% (0/2)", "50% (1/2)"]),
        ("Transport Bureau", ["100% (1/1)", "100% (1/1)", "100% (1/1)", "0% (0/1)", "100% (2/2)",
                              "50% (1/2)", "50% (1/2)", "100% (1/1)", "0% (0/1)"]),
    ]  # fmt: skip


def test_share_table_by_policy_address_marks_quarters_without_targets(targets, histories):
    shares = heatmap.delivery_share(targets, histories, "policy_address")
    quarters, rows = heatmap.share_table(shares)
    assert quarters == QUARTERS[::-1]
    assert [(group, cells[::-1]) for group, cells in rows] == [
        ("2023", ["100% (3/3)", "100% (3/3)", "67% (2/3)", "33% (1/3)", "67% (2/3)",
                  "33% (1/3)", "67% (2/3)", "67% (2/3)", "67% (2/3)"]),
        ("2024", ["—", "—", "—", "100% (1/1)", "75% (3/4)", "100% (4/4)", "50% (2/4)",
                  "33% (1/3)", "67% (2/3)"]),
    ]  # fmt: skip


def test_share_table_of_nothing():
    assert heatmap.share_table(pd.DataFrame(columns=heatmap.COLUMNS)) == ([], [])


def test_status_chart_data_stays_small_for_a_large_register():
    # Altair refuses charts with more than 5,000 data rows: one row per target would
    # break a register of 10,000 targets.
    from dataclasses import replace

    from generator.assess.status import assess
    from generator.register.quarters import Quarter
    from generator.site.charts import status_by_bureau_chart
    from tests.test_status import make

    progress = (("2024-Q4", 10), ("2025-Q4", 100))
    targets = [
        replace(make(target_id=f"T{i}", progress=progress[: i % 3]), bureau=f"Bureau {i % 9}")
        for i in range(10_000)
    ]
    assessments = [assess(t, Quarter(2026, 3)) for t in targets]
    spec = status_by_bureau_chart(assessments).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) <= 9 * 6
    assert sum(row["count"] for row in rows) == 10_000
