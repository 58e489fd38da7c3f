"""The delivery heat map's figures against statuses worked by hand (see test_history)."""

from __future__ import annotations

from generator import charts, heatmap, history
from generator.quarters import Quarter
from generator.register import load_register
from tests.test_history import LAST, REGISTER


def shares(by: str):
    targets = load_register(REGISTER)
    frame = heatmap.delivery_share(targets, history.register_history(targets, LAST), by)
    return {(r.group, r.quarter): (r.good, r.targets) for r in frame.itertuples()}


def test_shares_by_bureau_match_hand_computed_statuses():
    s = shares("bureau")
    # 2025-Q2: Housing: H-RISK-BACK on track, H-MISS achieved late -> 2/2.
    assert s[("Housing Bureau", "2025-Q2")] == (2, 2)
    # Transport: H-ONMISS missed, H-ACH achieved -> 1/2.
    assert s[("Transport Bureau", "2025-Q2")] == (1, 2)
    # Environment: H-WD at risk, H-DEC missed -> 0/2; then H-WD withdrawn is left out.
    assert s[("Environment Bureau", "2025-Q2")] == (0, 2)
    assert s[("Environment Bureau", "2025-Q3")] == (0, 1)
    # 2024-Q4: H-MISS missed, H-RISK-BACK on track (its first quarter) -> 1/2.
    assert s[("Housing Bureau", "2024-Q4")] == (1, 2)


def test_shares_by_policy_address():
    s = shares("policy_address")
    # 2023 targets: H-MISS, H-ACH, H-DEC. In 2024-Q2: at risk, on track, at risk -> 1/3.
    assert s[("2023", "2024-Q2")] == (1, 3)
    # 2024 targets in 2025-Q4: H-RISK-BACK on track, H-ONMISS missed (H-WD withdrawn) -> 1/2.
    assert s[("2024", "2025-Q4")] == (1, 2)


def test_chart_and_table():
    targets = load_register(REGISTER)
    frame = heatmap.delivery_share(targets, history.register_history(targets, LAST), "bureau")
    svg = charts.render_svg(heatmap.heatmap_chart(frame, "Bureau"))
    for bureau in ("Housing Bureau", "Transport Bureau", "Environment Bureau"):
        assert bureau in svg
    quarters, rows = heatmap.share_table(frame)
    assert quarters[0] == "2023-Q4" and quarters[-1] == str(Quarter(2025, 4))
    table = dict(rows)
    assert table["Transport Bureau"][quarters.index("2025-Q2")] == "50% (1/2)"
    assert table["Transport Bureau"][0] == "100% (1/1)"  # only H-ACH had started
    assert table["Environment Bureau"][quarters.index("2025-Q3")] == "0% (0/1)"
