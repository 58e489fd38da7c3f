"""Status history: the status rules applied at every quarter, and what changed each quarter.

A target's status at quarter Q is ``status.status_as_of(target, Q)``: the same rules as
the site, using only the progress entries for Q and before. Nothing here re-states a rule.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..register.model import Target
from ..register.quarters import Quarter, quarter_range
from . import status
from .status import DEFAULT_AT_RISK_LAG, DEFAULT_SPEND_LAG

if TYPE_CHECKING:
    from .record import TargetRecord

# Lower is better; "improved" and "worsened" compare these ranks. Withdrawn has no rank:
# a dropped target is neither better nor worse, it is reported on its own.
STATUS_RANK = {
    status.ACHIEVED: 0,
    status.ACHIEVED_LATE: 1,
    status.ON_TRACK: 2,
    status.AT_RISK: 3,
    status.MISSED: 4,
}
IMPROVED = "improved"
WORSENED = "worsened"
WITHDRAWN = "withdrawn"
UNCHANGED = "unchanged"
_GOOD_ENDINGS = (status.ACHIEVED, status.ACHIEVED_LATE)
# QuarterReport's lists of moves; _kind names one of them for each move.
_MOVE_LISTS = ("newly_missed", "newly_achieved", IMPROVED, WORSENED, WITHDRAWN)


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
    target: Target,
    last: Quarter,
    at_risk_lag: float = DEFAULT_AT_RISK_LAG,
    record: TargetRecord | None = None,
    spend_lag: float = DEFAULT_SPEND_LAG,
) -> tuple[StatusPoint, ...]:
    """Status and flags at every quarter from history_start to ``last`` (empty if before).

    With the target's published ``record``, the status is that of the original promise
    (only corrections applied), and in a past quarter Q the delay counts only if it was
    published by the end of Q (``justification_missing`` holds until then). Without one
    (the record unavailable, or the target never published) the current file is taken as
    it stands in every quarter, its delay included: the history cannot know better.
    """
    basis = record.as_promised(target) if record else target
    filed = _published_quarter(record)
    undelayed = replace(basis, delay=None)
    points = []
    for quarter in quarter_range(history_start(basis), last):
        known = undelayed if record and quarter < last and not filed_by(filed, quarter) else basis
        current = status.status_as_of(known, quarter, at_risk_lag)
        flags = status.flags_as_of(known, quarter, current, spend_lag)
        points.append(StatusPoint(quarter, current, flags))
    return tuple(points)


def _published_quarter(record: TargetRecord | None) -> Quarter | None:
    """The quarter the record's delay was first published in; None if never."""
    published = record.justification_published if record else None
    return quarter_of(datetime.date.fromisoformat(published.date)) if published else None


def filed_by(published: Quarter | None, quarter: Quarter) -> bool:
    """True when a delay published in quarter ``published`` was public by the end of
    ``quarter``."""
    return published is not None and published <= quarter


def register_history(
    targets: list[Target],
    last: Quarter,
    at_risk_lag: float = DEFAULT_AT_RISK_LAG,
    records: dict[str, TargetRecord] | None = None,
    spend_lag: float = DEFAULT_SPEND_LAG,
) -> dict[str, tuple[StatusPoint, ...]]:
    """The status history of every target up to ``last``, by id (ids in sorted order);
    ``records`` by id, where known (see ``status_history``)."""
    ordered = sorted(targets, key=lambda t: t.id)
    found = records or {}
    return {t.id: status_history(t, last, at_risk_lag, found.get(t.id), spend_lag) for t in ordered}


def first_quarter(targets: list[Target]) -> Quarter | None:
    """The earliest quarter of any target's history; None for an empty register."""
    return min((history_start(t) for t in targets), default=None)


def direction(old: str, new: str) -> str:
    """How a status moved: "improved", "worsened", "withdrawn" or "unchanged"."""
    if old == new:
        return UNCHANGED
    if new == status.WITHDRAWN:
        return WITHDRAWN
    if old == status.WITHDRAWN:
        # The rules never un-withdraw a target; if data ever did, it counts again: better.
        return IMPROVED
    return IMPROVED if STATUS_RANK[new] < STATUS_RANK[old] else WORSENED


@dataclass(frozen=True)
class StatusMove:
    """A target whose status in a quarter differs from the quarter before (None: no status)."""

    target: Target
    old: str | None
    new: str


@dataclass(frozen=True)
class QuarterReport:
    """What changed in one quarter compared with the one before.

    A target whose history begins this quarter on track or at risk has not changed
    status, so it is in no list of moves; one that begins missed, achieved or
    withdrawn is news, and is listed with ``old`` None.
    """

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
        lists = (self.newly_missed, self.newly_achieved, self.improved, self.worsened)
        return sum(len(moves) for moves in lists) + len(self.withdrawn)


def point_at(history: tuple[StatusPoint, ...], quarter: Quarter) -> StatusPoint | None:
    """The point of ``history`` for ``quarter``; None outside the history."""
    # status_history gives one point per consecutive quarter, so the offset is the index;
    # the search is for a history put together some other way.
    offset = quarter - history[0].quarter if history else -1
    if 0 <= offset < len(history) and history[offset].quarter == quarter:
        return history[offset]
    return next((p for p in history if p.quarter == quarter), None)


def _kind(move: StatusMove) -> str | None:
    """The report list a move belongs in; None for a history that merely begins."""
    if move.new == status.MISSED:
        return "newly_missed"
    if move.new in _GOOD_ENDINGS and move.old not in _GOOD_ENDINGS:
        return "newly_achieved"
    if move.new == status.WITHDRAWN:
        return WITHDRAWN
    if move.old is None:
        return None
    return direction(move.old, move.new)


def _moves(
    targets: list[Target], histories: dict[str, tuple[StatusPoint, ...]], quarter: Quarter
) -> dict[str, tuple[StatusMove, ...]]:
    """The quarter's status moves, by report list, each list in the order of ``targets``."""
    lists: dict[str, list[StatusMove]] = {kind: [] for kind in _MOVE_LISTS}
    for target in targets:
        history = histories.get(target.id, ())
        now, before = point_at(history, quarter), point_at(history, quarter.shift(-1))
        old = before.status if before else None
        if now is None or old == now.status:
            continue
        move = StatusMove(target, old, now.status)
        kind = _kind(move)
        if kind is not None:
            lists[kind].append(move)
    return {kind: tuple(moves) for kind, moves in lists.items()}


def quarter_report(
    targets: list[Target], histories: dict[str, tuple[StatusPoint, ...]], quarter: Quarter
) -> QuarterReport:
    """What changed in ``quarter``: status moves, justifications filed, targets not reported."""
    ordered = sorted(targets, key=lambda t: t.id)
    points = {t.id: point_at(histories.get(t.id, ()), quarter) for t in ordered}
    current = [p for p in points.values() if p is not None]
    return QuarterReport(
        quarter=quarter,
        previous=quarter.shift(-1),
        **_moves(ordered, histories, quarter),
        justifications_filed=tuple(t for t in ordered if filed_in(t, quarter)),
        not_reported=tuple(
            t for t in ordered if points[t.id] and status.NOT_REPORTED in points[t.id].flags
        ),
        counts={s: sum(1 for p in current if p.status == s) for s in status.DISPLAY_ORDER},
    )


def quarter_of(day: datetime.date) -> Quarter:
    """The calendar quarter a date falls in."""
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def filed_in(target: Target, quarter: Quarter) -> bool:
    """True when the target's delay justification was submitted during ``quarter``."""
    submitted = target.delay.submitted if target.delay else None
    return submitted is not None and quarter_of(submitted) == quarter


def report_quarters(targets: list[Target], last: Quarter) -> list[Quarter]:
    """Every quarter after the register's first, up to ``last``: each gets a report page."""
    first = first_quarter(targets)
    if first is None:
        return []
    return quarter_range(first.shift(1), last)
