"""Delay justifications: what a missed target fell short by, and for how long."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..register.model import Delay, Target
from ..register.quarters import Quarter
from .status import Assessment


@dataclass(frozen=True)
class Shortfall:
    """How far a target stood from its promise at the due quarter."""

    promised: float
    reached: float
    reported_by_due: bool
    gap: float
    gap_percent: float
    as_of: Quarter | None = None
    """The quarter of the figure used: the due quarter, or the last one reported before it."""


@dataclass(frozen=True)
class DelayJustification:
    """Everything a delay-justification page says about one missed target."""

    assessment: Assessment
    shortfall: Shortfall
    overdue_quarters: int
    delay: Delay | None

    @property
    def target(self) -> Target:
        """The missed target."""
        return self.assessment.target

    @property
    def filed(self) -> bool:
        """True when staff have filed a justification."""
        return self.delay is not None

    @property
    def overdue(self) -> bool:
        """True once the due quarter is behind the reporting quarter.

        A target not met in its due quarter is missed (REGISTER.md: ``R >= due``), but in
        that quarter itself it is not yet overdue: the site never reads the clock, so it
        cannot know that the due quarter has ended."""
        return self.overdue_quarters > 0

    @property
    def revised_due_passed(self) -> bool:
        """True when the revised due quarter is also behind the reporting quarter."""
        return self.delay is not None and self.delay.revised_due < self.assessment.quarter

    @property
    def quarters_past_revised(self) -> int:
        """How many quarters the reporting quarter is past the revised due quarter."""
        if self.delay is None:
            return 0
        return max(0, self.assessment.quarter - self.delay.revised_due)


def shortfall_at_due(target: Target) -> Shortfall:
    """The standing at the due quarter, from the latest entry up to due (baseline if none)."""
    entry = target.latest_until(target.due)
    if target.indicator is None:
        promised, start = 100.0, 0.0
        reached = entry.percent_complete if entry else 0.0
    else:
        promised, start = target.indicator.target, target.indicator.baseline
        reached = entry.value if entry else start
    distance = abs(promised - start)
    # A figure that moved the wrong way leaves more than the whole distance to go.
    gap = max(0.0, _minus(promised, reached) if promised >= start else _minus(reached, promised))
    return Shortfall(
        promised=promised,
        reached=reached,
        reported_by_due=entry is not None,
        gap=gap,
        gap_percent=100.0 * gap / distance,
        as_of=entry.quarter if entry else None,
    )


def _minus(a: float, b: float) -> float:
    """``a - b`` worked out on the digits as typed: in floats, 99999999999999.9 -
    99999999999999.8 is 0.09375, and the page would say so."""
    return float(Decimal(repr(a)) - Decimal(repr(b)))


def justification(assessment: Assessment) -> DelayJustification:
    """The delay justification of a missed target as of its assessment's quarter.

    Shortfall and overdue quarters are measured against the promise the status was
    assessed on (the original one, where the record is known): moving the due quarter or
    lowering the target level does not shrink them."""
    promised = assessment.basis
    return DelayJustification(
        assessment=assessment,
        shortfall=shortfall_at_due(promised),
        overdue_quarters=assessment.quarter - promised.due,
        delay=assessment.target.delay,
    )


def overdue_order(items: list[DelayJustification]) -> list[DelayJustification]:
    """Longest overdue first; then unjustified before justified, then by id."""
    return sorted(items, key=lambda j: (-j.overdue_quarters, j.filed, j.target.id))


def overdue_only(items: list[DelayJustification]) -> list[DelayJustification]:
    """The overdue list: the missed targets whose due quarter is past, in the same order."""
    return [j for j in items if j.overdue]


def due_now(items: list[DelayJustification]) -> list[DelayJustification]:
    """The missed targets not met in their due quarter, the reporting quarter itself."""
    return [j for j in items if not j.overdue]


# A justification belongs to a missed target; one that was missed and then met late
# keeps its justification as part of the record, so it is not questioned either.
JUSTIFIED_STATUSES = ("missed", "achieved_late")


def misplaced_justifications(assessments: list[Assessment]) -> list[str]:
    """Warnings for delay justifications filed on targets that were never missed."""
    return [
        f"{a.target.source_path}: delay: a delay justification is filed, but the target is "
        f"{a.status.replace('_', ' ')} as of {a.quarter}: check the due quarter and the "
        "figures, or remove the 'delay:' block (warning only)"
        for a in assessments
        if a.target.delay is not None and a.status not in JUSTIFIED_STATUSES
    ]
