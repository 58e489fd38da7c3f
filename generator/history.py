"""Status history: the status rules applied at every quarter, and what changed each quarter.

A target's status at quarter Q is ``status.status_as_of(target, Q)``: the same rules as
the site, using only the progress entries for Q and before.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import status
from .model import Target
from .quarters import Quarter, quarter_range
from .status import DEFAULT_AT_RISK_LAG

# Lower is better; "improved" and "worsened" compare these ranks.
STATUS_RANK = {
    status.ACHIEVED: 0,
    status.ACHIEVED_LATE: 1,
    status.ON_TRACK: 2,
    status.AT_RISK: 3,
    status.MISSED: 4,
}
GOOD_ENDINGS = (status.ACHIEVED, status.ACHIEVED_LATE)


@dataclass(frozen=True)
class StatusPoint:
    """A target's status and flags at the end of one quarter."""

    quarter: Quarter
    status: str
    flags: tuple[str, ...]


def history_start(target: Target) -> Quarter:
    """The first quarter of a target's history: its start, or its first report if earlier."""
    return min([target.start, *(e.quarter for e in target.progress)])


def status_history(
    target: Target, last: Quarter, at_risk_lag: float = DEFAULT_AT_RISK_LAG
) -> tuple[StatusPoint, ...]:
    """Status and flags at every quarter from the history's start to ``last``."""
    points = []
    for quarter in quarter_range(history_start(target), last):
        current = status.status_as_of(target, quarter, at_risk_lag)
        points.append(StatusPoint(quarter, current, status.flags_as_of(target, quarter, current)))
    return tuple(points)


def register_history(
    targets: list[Target], last: Quarter, at_risk_lag: float = DEFAULT_AT_RISK_LAG
) -> dict[str, tuple[StatusPoint, ...]]:
    """The status history of every target up to ``last``, by id."""
    return {t.id: status_history(t, last, at_risk_lag) for t in targets}


def first_quarter(targets: list[Target]) -> Quarter | None:
    """The earliest quarter of any target's history."""
    return min((history_start(t) for t in targets), default=None)


def direction(old: str, new: str) -> str:
    """How a status moved: improved, worsened, withdrawn or unchanged."""
    if old == new:
        return "unchanged"
    if new == status.WITHDRAWN:
        return "withdrawn"
    if old == status.WITHDRAWN:
        return "improved"  # reinstated: it counts again
    return "improved" if STATUS_RANK[new] < STATUS_RANK[old] else "worsened"


@dataclass(frozen=True)
class StatusMove:
    """A target whose status changed from one quarter to the next."""

    target: Target
    old: str | None
    new: str


@dataclass(frozen=True)
class QuarterReport:
    """What changed in one quarter compared with the one before."""

    quarter: Quarter
    previous: Quarter
    newly_missed: tuple[StatusMove, ...]
    newly_achieved: tuple[StatusMove, ...]
    improved: tuple[StatusMove, ...]
    worsened: tuple[StatusMove, ...]
    withdrawn: tuple[StatusMove, ...]
    justifications_filed: tuple[Target, ...]
    not_reported: tuple[Target, ...]
    counts: dict[str, int]

    @property
    def changed(self) -> int:
        """The number of status moves of any kind."""
        groups = (self.newly_missed, self.newly_achieved, self.improved, self.worsened)
        return sum(len(g) for g in groups) + len(self.withdrawn)


def _point(history: tuple[StatusPoint, ...], quarter: Quarter) -> StatusPoint | None:
    return next((p for p in history if p.quarter == quarter), None)


def _moves(targets, histories, quarter: Quarter) -> list[StatusMove]:
    moves = []
    for target in sorted(targets, key=lambda t: t.id):
        history = histories.get(target.id, ())
        now, before = _point(history, quarter), _point(history, quarter.shift(-1))
        if now is not None and (before is None or before.status != now.status):
            moves.append(StatusMove(target, before.status if before else None, now.status))
    return moves


def _classify(move: StatusMove) -> str:
    if move.new == status.MISSED:
        return "newly_missed"
    if move.new in GOOD_ENDINGS and move.old not in GOOD_ENDINGS:
        return "newly_achieved"
    if move.old is None:
        return "started"  # a target entering its history is not a change of status
    return direction(move.old, move.new)


def quarter_report(
    targets: list[Target], histories: dict[str, tuple[StatusPoint, ...]], quarter: Quarter
) -> QuarterReport:
    """What changed in ``quarter``: status moves, justifications filed, targets not reported."""
    kinds: dict[str, list[StatusMove]] = {}
    for move in _moves(targets, histories, quarter):
        kinds.setdefault(_classify(move), []).append(move)
    ordered = sorted(targets, key=lambda t: t.id)
    points = [p for t in ordered if (p := _point(histories.get(t.id, ()), quarter))]
    counts = {s: sum(1 for p in points if p.status == s) for s in status.DISPLAY_ORDER}
    return QuarterReport(
        quarter=quarter,
        previous=quarter.shift(-1),
        newly_missed=tuple(kinds.get("newly_missed", ())),
        newly_achieved=tuple(kinds.get("newly_achieved", ())),
        improved=tuple(kinds.get("improved", ())),
        worsened=tuple(kinds.get("worsened", ())),
        withdrawn=tuple(kinds.get("withdrawn", ())),
        justifications_filed=tuple(t for t in ordered if _filed_in(t, quarter)),
        not_reported=tuple(
            t
            for t in ordered
            if (p := _point(histories.get(t.id, ()), quarter)) and status.NOT_REPORTED in p.flags
        ),
        counts=counts,
    )


def _filed_in(target: Target, quarter: Quarter) -> bool:
    submitted = target.delay.submitted if target.delay else None
    return (
        submitted is not None and Quarter(submitted.year, (submitted.month - 1) // 3 + 1) == quarter
    )


def report_quarters(targets: list[Target], last: Quarter) -> list[Quarter]:
    """The quarters that get a report: each after the register's first, up to ``last``."""
    first = first_quarter(targets)
    if first is None or first >= last:
        return []
    return quarter_range(first.shift(1), last)
