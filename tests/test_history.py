"""Status history and quarterly reports on a fixture whose history has every transition.

Worked by hand from REGISTER.md with AT_RISK_LAG 0.20; R runs to 2025-Q4.
"""

from __future__ import annotations

import pytest

from generator import history, status
from generator.quarters import Quarter
from generator.register import load_register
from tests.conftest import ROOT

REGISTER = ROOT / "tests" / "fixtures" / "history-register"
LAST = Quarter(2025, 4)
NR, JM, RP = "not_reported", "justification_missing", "revised_due_passed"


@pytest.fixture(scope="module")
def targets():
    return {t.id: t for t in load_register(REGISTER)}


@pytest.fixture(scope="module")
def histories(targets):
    return history.register_history(list(targets.values()), LAST)


def timeline(points) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(str(p.quarter), p.status, p.flags) for p in points]


def test_on_track_at_risk_missed_then_achieved_late(histories):
    # 0 -> 40 blocks, start 2023-Q4, due 2024-Q4: expected 1/4 a quarter.
    assert timeline(histories["H-MISS"]) == [
        ("2023-Q4", "on_track", (NR,)),  # expected 0
        ("2024-Q1", "on_track", ()),  # 10/40 = .25 vs .25
        ("2024-Q2", "at_risk", ()),  # .25 vs .50: lag .25
        ("2024-Q3", "on_track", ()),  # 25/40 = .625 vs .75: lag .125
        ("2024-Q4", "missed", (JM,)),  # 30 < 40 at due; justification filed only in 2025-Q1
        ("2025-Q1", "missed", ()),  # justification submitted 2025-01-20
        ("2025-Q2", "achieved_late", ()),  # 40 reached after due
        ("2025-Q3", "achieved_late", ()),
        ("2025-Q4", "achieved_late", ()),
    ]


def test_on_track_straight_to_missed_without_justification(histories):
    # Milestone, start 2024-Q4, due 2025-Q2.
    assert timeline(histories["H-ONMISS"]) == [
        ("2024-Q4", "on_track", (NR,)),
        ("2025-Q1", "on_track", ()),  # 50% vs 50%
        ("2025-Q2", "missed", (JM,)),  # 80% at due
        ("2025-Q3", "missed", (NR, JM)),
        ("2025-Q4", "missed", (JM,)),
    ]


def test_at_risk_then_withdrawn(histories):
    # 0 -> 100, start 2024-Q4, due 2026-Q4: expected 1/8 a quarter.
    assert timeline(histories["H-WD"]) == [
        ("2024-Q4", "on_track", (NR,)),
        ("2025-Q1", "on_track", (NR,)),  # .125 vs 0
        ("2025-Q2", "at_risk", ()),  # .25 vs .02
        ("2025-Q3", "withdrawn", ()),
        ("2025-Q4", "withdrawn", ()),
    ]


def test_at_risk_and_back_and_revised_date_passing(histories):
    assert [p.status for p in histories["H-RISK-BACK"]] == [
        "on_track", "on_track", "on_track", "at_risk", "on_track",
    ]  # fmt: skip
    # Decrease 20 -> 10 days; revised due 2025-Q2 has passed from 2025-Q3 on.
    assert timeline(histories["H-DEC"])[-3:] == [
        ("2025-Q2", "missed", (NR,)),
        ("2025-Q3", "missed", (NR, RP)),
        ("2025-Q4", "missed", (NR, RP)),
    ]
    assert [p.status for p in histories["H-ACH"]][-2:] == ["achieved", "achieved"]


def test_last_point_is_the_status_as_of_r(targets, histories):
    for target_id, target in targets.items():
        assert histories[target_id][-1].status == status.status_as_of(target, LAST)


def test_every_transition_occurs(histories):
    moves = {
        (a.status, b.status)
        for points in histories.values()
        for a, b in zip(points, points[1:], strict=False)
        if a.status != b.status
    }
    for move in [
        ("on_track", "at_risk"), ("at_risk", "on_track"), ("at_risk", "missed"),
        ("on_track", "missed"), ("missed", "achieved_late"), ("on_track", "achieved"),
        ("at_risk", "withdrawn"),
    ]:  # fmt: skip
        assert move in moves, move


def report(targets, histories, quarter):
    return history.quarter_report(list(targets.values()), histories, Quarter.parse(quarter))


def ids(moves) -> list[str]:
    return [m.target.id for m in moves]


def test_quarter_report_2024_q4(targets, histories):
    r = report(targets, histories, "2024-Q4")
    assert ids(r.newly_missed) == ["H-DEC", "H-MISS"]
    assert r.newly_achieved == () and r.improved == () and r.worsened == ()
    assert [t.id for t in r.not_reported] == ["H-ACH", "H-ONMISS", "H-RISK-BACK", "H-WD"]
    assert r.counts == {
        "achieved": 0, "achieved_late": 0, "on_track": 4, "at_risk": 0, "missed": 2,
        "withdrawn": 0,
    }  # fmt: skip


def test_quarter_report_2025_q1_justifications(targets, histories):
    r = report(targets, histories, "2025-Q1")
    assert [t.id for t in r.justifications_filed] == ["H-DEC", "H-MISS"]
    assert ids(r.newly_achieved) == ["H-ACH"]


def test_quarter_report_2025_q2_and_q3(targets, histories):
    r = report(targets, histories, "2025-Q2")
    assert ids(r.newly_missed) == ["H-ONMISS"]
    assert ids(r.newly_achieved) == ["H-MISS"]
    assert [(m.target.id, m.old, m.new) for m in r.worsened] == [("H-WD", "on_track", "at_risk")]
    r = report(targets, histories, "2025-Q3")
    assert [(m.target.id, m.old, m.new) for m in r.worsened] == [
        ("H-RISK-BACK", "on_track", "at_risk")
    ]
    assert ids(r.withdrawn) == ["H-WD"]
    r = report(targets, histories, "2025-Q4")
    assert [(m.target.id, m.old, m.new) for m in r.improved] == [
        ("H-RISK-BACK", "at_risk", "on_track")
    ]
    assert r.changed == 1


def test_direction_and_report_quarters(targets):
    assert history.direction("on_track", "at_risk") == "worsened"
    assert history.direction("missed", "achieved_late") == "improved"
    assert history.direction("at_risk", "withdrawn") == "withdrawn"
    assert history.direction("missed", "missed") == "unchanged"
    quarters = history.report_quarters(list(targets.values()), LAST)
    assert str(quarters[0]) == "2024-Q1" and str(quarters[-1]) == "2025-Q4"
    assert len(quarters) == 8
