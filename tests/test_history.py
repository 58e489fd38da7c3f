"""Status history and quarterly change reports, on a fixture register worked by hand.

tests/fixtures/history-register/ has seven targets (three bureaus, policy addresses 2023
and 2024) whose histories, from 2023-Q4 to R = 2025-Q4, take every status transition.
The expected timelines below were worked from REGISTER.md with AT_RISK_LAG 0.20; each
comment gives expected fraction vs progress fraction for the quarter.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.assess import history, status
from generator.register.loader import load_register
from generator.register.model import Target, Withdrawal
from generator.register.quarters import Quarter, quarter_range

REGISTER = Path(__file__).resolve().parent / "fixtures" / "history-register"
LAST = Quarter(2025, 4)
NR, JM, RP = status.NOT_REPORTED, status.JUSTIFICATION_MISSING, status.REVISED_DUE_PASSED

TIMELINES = {
    # Start 2023-Q4, due 2025-Q4: expected +1/8 a quarter; 0 -> 100 hectares.
    "HX-ACHIEVE": [
        ("2023-Q4", "on_track", (NR,)),  # 0 vs 0
        ("2024-Q1", "on_track", ()),  # .125 vs .2
        ("2024-Q2", "on_track", (NR,)),  # .25 vs .2
        ("2024-Q3", "on_track", ()),  # .375 vs .5
        ("2024-Q4", "on_track", (NR,)),  # .5 vs .5
        ("2025-Q1", "achieved", ()),  # 100 reached before due
        ("2025-Q2", "achieved", ()),
        ("2025-Q3", "achieved", ()),
        ("2025-Q4", "achieved", ()),
    ],
    # Milestone, start 2023-Q4, due 2025-Q4: expected +1/8 a quarter; no delay filed.
    "HX-SLIP": [
        ("2023-Q4", "on_track", (NR,)),  # 0 vs 0
        ("2024-Q1", "on_track", ()),  # .125 vs .10
        ("2024-Q2", "on_track", (NR,)),  # .25 vs .10: lag .15
        ("2024-Q3", "at_risk", ()),  # .375 vs .15: lag .225
        ("2024-Q4", "on_track", ()),  # .5 vs .40
        ("2025-Q1", "at_risk", (NR,)),  # .625 vs .40: lag .225
        ("2025-Q2", "on_track", ()),  # .75 vs .70
        ("2025-Q3", "on_track", ()),  # .875 vs .90
        ("2025-Q4", "missed", (JM,)),  # 95% at due
    ],
    # Decrease 60 -> 30 days, start 2023-Q4, due 2024-Q4: expected +1/4 a quarter.
    # Delay: revised due 2025-Q2, submitted 2025-01-20.
    "HX-LATE": [
        ("2023-Q4", "on_track", (NR,)),  # 0 vs 0
        ("2024-Q1", "on_track", ()),  # .25 vs 6/30 = .2
        ("2024-Q2", "at_risk", ()),  # .5 vs 8/30: lag .233
        ("2024-Q3", "at_risk", ()),  # .75 vs 12/30: lag .35
        ("2024-Q4", "missed", ()),  # 40 days at due; a delay is on file
        ("2025-Q1", "missed", (NR,)),
        ("2025-Q2", "missed", ()),  # 33 days; revised due is R, not passed
        ("2025-Q3", "missed", (NR, RP)),  # revised due 2025-Q2 < R
        ("2025-Q4", "achieved_late", ()),  # 29 days <= 30, after due
    ],
    # Milestone, start 2024-Q4, due 2026-Q4, never reported, withdrawn 2025-Q3.
    "HX-DROP": [
        ("2024-Q4", "on_track", (NR,)),  # 0 vs 0
        ("2025-Q1", "on_track", (NR,)),  # .125 vs 0
        ("2025-Q2", "at_risk", (NR,)),  # .25 vs 0
        ("2025-Q3", "withdrawn", ()),
        ("2025-Q4", "withdrawn", ()),
    ],
    # Milestone, start 2024-Q4, due 2026-Q1: expected +1/5 a quarter; first report 2024-Q3.
    "HX-EDGE": [
        ("2024-Q3", "on_track", ()),  # before start: expected clamped to 0
        ("2024-Q4", "on_track", (NR,)),  # 0 vs .05
        ("2025-Q1", "on_track", (NR,)),  # .2 vs .05: lag .15
        ("2025-Q2", "on_track", ()),  # .4 vs .2: lag .2 is not more than .2
        ("2025-Q3", "at_risk", (NR,)),  # .6 vs .2
        ("2025-Q4", "on_track", ()),  # .8 vs .6: lag .2 (0.20000000000000007 in floats)
    ],
    # 0 -> 200 flats, start 2024-Q4, due 2025-Q2. Delay: revised 2025-Q4, submitted 2025-07-15.
    "HX-FLATS": [
        ("2024-Q4", "on_track", (NR,)),  # 0 vs 0
        ("2025-Q1", "on_track", ()),  # .5 vs .4
        ("2025-Q2", "missed", ()),  # 150 at due
        ("2025-Q3", "missed", (NR,)),
        ("2025-Q4", "missed", ()),  # 190; revised due is R, not passed
    ],
    # Milestone, start = due = 2024-Q4: expected is 1 from the start.
    "HX-SNAP": [
        ("2024-Q4", "missed", (JM,)),  # 50% at due
        ("2025-Q1", "achieved_late", ()),  # 100%
        ("2025-Q2", "achieved_late", ()),
        ("2025-Q3", "achieved_late", ()),
        ("2025-Q4", "achieved_late", ()),
    ],
}


@pytest.fixture(scope="module")
def targets() -> list[Target]:
    return load_register(REGISTER, reporting_quarter=None, default_lang="en")


@pytest.fixture(scope="module")
def by_id(targets) -> dict[str, Target]:
    return {t.id: t for t in targets}


@pytest.fixture(scope="module")
def histories(targets):
    return history.register_history(targets, LAST)


def timeline(points) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(str(p.quarter), p.status, p.flags) for p in points]


@pytest.mark.parametrize("target_id", sorted(TIMELINES))
def test_timeline_worked_by_hand(histories, target_id):
    assert timeline(histories[target_id]) == TIMELINES[target_id]


def test_register_history_has_every_target_in_id_order(targets, histories):
    assert list(histories) == sorted(TIMELINES)
    for target in targets:
        assert histories[target.id] == history.status_history(target, LAST)


def test_history_starts_at_start_or_at_an_earlier_report(by_id):
    assert history.history_start(by_id["HX-DROP"]) == Quarter(2024, 4)  # its start
    assert history.history_start(by_id["HX-EDGE"]) == Quarter(2024, 3)  # reported early
    assert history.first_quarter(list(by_id.values())) == Quarter(2023, 4)
    assert history.first_quarter([]) is None


def test_history_is_empty_before_it_starts(by_id):
    assert history.status_history(by_id["HX-DROP"], Quarter(2024, 3)) == ()
    assert len(history.status_history(by_id["HX-DROP"], Quarter(2024, 4))) == 1


def test_history_uses_the_at_risk_lag_given(by_id):
    # At a lag of 0.10, HX-SLIP's lag of .15 in 2024-Q2 is already a risk.
    points = history.status_history(by_id["HX-SLIP"], Quarter(2024, 2), at_risk_lag=0.10)
    assert [p.status for p in points] == ["on_track", "on_track", "at_risk"]


EVERY_TRANSITION = {
    ("on_track", "at_risk"): ("HX-SLIP", "2024-Q3"),
    ("at_risk", "on_track"): ("HX-SLIP", "2024-Q4"),
    ("at_risk", "missed"): ("HX-LATE", "2024-Q4"),
    ("on_track", "missed"): ("HX-FLATS", "2025-Q2"),
    ("missed", "achieved_late"): ("HX-LATE", "2025-Q4"),
    ("on_track", "achieved"): ("HX-ACHIEVE", "2025-Q1"),
    ("at_risk", "withdrawn"): ("HX-DROP", "2025-Q3"),
}


@pytest.mark.parametrize("move", sorted(EVERY_TRANSITION))
def test_every_transition_occurs(histories, move):
    target_id, quarter = EVERY_TRANSITION[move]
    points = {str(p.quarter): p.status for p in histories[target_id]}
    before = str(Quarter.parse(quarter).shift(-1))
    assert (points[before], points[quarter]) == move


@pytest.mark.parametrize("lag", [0.10, 0.20, 0.30])
def test_last_point_is_the_status_as_of_that_quarter(targets, lag):
    # Every R from before any history to past every due date, for every target.
    for target in targets:
        for r in quarter_range(Quarter(2023, 3), Quarter(2026, 4)):
            points = history.status_history(target, r, lag)
            if r < history.history_start(target):
                assert points == ()
                continue
            expected = status.status_as_of(target, r, lag)
            assert points[-1] == history.StatusPoint(
                r, expected, status.flags_as_of(target, r, expected)
            )


def moves(items) -> list[tuple[str, str | None, str]]:
    return [(m.target.id, m.old, m.new) for m in items]


def summary(report: history.QuarterReport) -> dict:
    """Every field of a report, as plain values to compare with a literal."""
    return {
        "quarter": str(report.quarter),
        "previous": str(report.previous),
        "newly_missed": moves(report.newly_missed),
        "newly_achieved": moves(report.newly_achieved),
        "improved": moves(report.improved),
        "worsened": moves(report.worsened),
        "withdrawn": moves(report.withdrawn),
        "justifications_filed": [t.id for t in report.justifications_filed],
        "not_reported": [t.id for t in report.not_reported],
        "counts": report.counts,
        "changed": report.changed,
    }


def counts(achieved, late, on_track, at_risk, missed, withdrawn) -> dict[str, int]:
    figures = (achieved, late, on_track, at_risk, missed, withdrawn)
    return dict(zip(status.DISPLAY_ORDER, figures, strict=True))


REPORTS = {
    # HX-DROP and HX-FLATS begin on track: new, not a change. HX-SNAP begins missed.
    "2024-Q4": {
        "quarter": "2024-Q4",
        "previous": "2024-Q3",
        "newly_missed": [("HX-LATE", "at_risk", "missed"), ("HX-SNAP", None, "missed")],
        "newly_achieved": [],
        "improved": [("HX-SLIP", "at_risk", "on_track")],
        "worsened": [],
        "withdrawn": [],
        "justifications_filed": [],
        "not_reported": ["HX-ACHIEVE", "HX-DROP", "HX-EDGE", "HX-FLATS"],
        "counts": counts(0, 0, 5, 0, 2, 0),
        "changed": 3,
    },
    "2025-Q1": {
        "quarter": "2025-Q1",
        "previous": "2024-Q4",
        "newly_missed": [],
        "newly_achieved": [
            ("HX-ACHIEVE", "on_track", "achieved"),
            ("HX-SNAP", "missed", "achieved_late"),
        ],
        "improved": [],
        "worsened": [("HX-SLIP", "on_track", "at_risk")],
        "withdrawn": [],
        "justifications_filed": ["HX-LATE"],  # submitted 2025-01-20
        "not_reported": ["HX-DROP", "HX-EDGE", "HX-LATE", "HX-SLIP"],
        "counts": counts(1, 1, 3, 1, 1, 0),
        "changed": 3,
    },
    "2025-Q3": {
        "quarter": "2025-Q3",
        "previous": "2025-Q2",
        "newly_missed": [],
        "newly_achieved": [],
        "improved": [],
        "worsened": [("HX-EDGE", "on_track", "at_risk")],
        "withdrawn": [("HX-DROP", "at_risk", "withdrawn")],
        "justifications_filed": ["HX-FLATS"],  # submitted 2025-07-15
        "not_reported": ["HX-EDGE", "HX-FLATS", "HX-LATE"],
        "counts": counts(1, 1, 1, 1, 2, 1),
        "changed": 2,
    },
    "2025-Q4": {
        "quarter": "2025-Q4",
        "previous": "2025-Q3",
        "newly_missed": [("HX-SLIP", "on_track", "missed")],
        "newly_achieved": [("HX-LATE", "missed", "achieved_late")],
        "improved": [("HX-EDGE", "at_risk", "on_track")],
        "worsened": [],
        "withdrawn": [],
        "justifications_filed": [],
        "not_reported": [],
        "counts": counts(1, 2, 1, 0, 2, 1),
        "changed": 3,
    },
}


@pytest.mark.parametrize("quarter", sorted(REPORTS))
def test_quarter_report_worked_by_hand(targets, histories, quarter):
    report = history.quarter_report(targets, histories, Quarter.parse(quarter))
    assert summary(report) == REPORTS[quarter]


def test_quarter_report_does_not_depend_on_register_order(targets, histories):
    quarter = Quarter(2025, 1)
    forward = history.quarter_report(targets, histories, quarter)
    assert history.quarter_report(targets[::-1], histories, quarter) == forward


def test_counts_cover_every_target_with_a_status(targets, histories):
    for quarter in history.report_quarters(targets, LAST):
        report = history.quarter_report(targets, histories, quarter)
        assert list(report.counts) == list(status.DISPLAY_ORDER)
        started = [t for t in targets if history.history_start(t) <= quarter]
        assert sum(report.counts.values()) == len(started)


def test_a_target_that_begins_withdrawn_is_reported_withdrawn():
    dropped = Target(
        id="GONE",
        title={"en": "Gone"},
        policy_address=2024,
        bureau="B",
        due=Quarter(2026, 4),
        start=Quarter(2025, 1),
        withdrawn=Withdrawal(Quarter(2024, 4), "Dropped before it began."),
    )
    histories = history.register_history([dropped], LAST)
    report = history.quarter_report([dropped], histories, Quarter(2025, 1))
    assert moves(report.withdrawn) == [("GONE", None, "withdrawn")]
    assert report.changed == 1


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("on_track", "at_risk", "worsened"),
        ("at_risk", "on_track", "improved"),
        ("at_risk", "missed", "worsened"),
        ("on_track", "missed", "worsened"),
        ("missed", "achieved_late", "improved"),
        ("on_track", "achieved", "improved"),
        ("achieved", "achieved_late", "worsened"),
        ("missed", "withdrawn", "withdrawn"),
        ("achieved", "withdrawn", "withdrawn"),
        ("missed", "missed", "unchanged"),
        ("withdrawn", "withdrawn", "unchanged"),
    ],
)
def test_direction(old, new, expected):
    assert history.direction(old, new) == expected


def test_status_rank_orders_best_to_worst_without_withdrawn():
    assert history.STATUS_RANK == {
        "achieved": 0, "achieved_late": 1, "on_track": 2, "at_risk": 3, "missed": 4,
    }  # fmt: skip


def test_report_quarters(targets):
    assert [str(q) for q in history.report_quarters(targets, LAST)] == [
        "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4",
    ]  # fmt: skip
    assert history.report_quarters(targets, Quarter(2023, 4)) == []
    assert history.report_quarters([], LAST) == []


def test_point_at(histories):
    points = histories["HX-EDGE"]
    assert history.point_at(points, Quarter(2025, 3)).status == "at_risk"
    assert history.point_at(points, Quarter(2024, 2)) is None
    assert history.point_at(points, Quarter(2026, 1)) is None
    assert history.point_at((), Quarter(2025, 3)) is None
