"""Money beside results: the spend fraction and the funds flags of REGISTER.md, "Funds".

Spend fraction ``S`` = the latest ``spent`` up to R divided by ``budget.allocated`` (0 with
no entry). Beside the status, for a target that is not achieved, achieved late or withdrawn:

- ``funds_idle``: ``E - S > SPEND_LAG`` (the money is not being used on schedule);
- ``spending_ahead_of_results``: ``S - F > SPEND_LAG`` (more of the money spent than of
  the result delivered);
- ``overspent``: ``S > 1``.

Every function takes the reporting quarter: like the status, the flags never depend on
the clock. ``E`` and ``F`` are the status rules' own expected and progress fractions, passed
in by ``status``, which also leaves out the settled targets: this module knows money only.
"""

from __future__ import annotations

from ..register.model import ProgressEntry, Target
from ..register.quarters import Quarter

FUNDS_IDLE = "funds_idle"
SPENDING_AHEAD_OF_RESULTS = "spending_ahead_of_results"
OVERSPENT = "overspent"
FUNDS_FLAGS = (FUNDS_IDLE, SPENDING_AHEAD_OF_RESULTS, OVERSPENT)

DEFAULT_SPEND_LAG = 0.20
# The same float tolerance as the at-risk rule: a gap of exactly SPEND_LAG
# (0.7 - 0.5 = 0.19999999999999996, 0.8 - 0.6 = 0.20000000000000007) is not above it.
_TOLERANCE = 1e-9


def spending_entry(target: Target, r: Quarter) -> ProgressEntry | None:
    """The latest progress entry up to R that reports ``spent``; None if there is none."""
    reported = [e for e in target.entries_until(r) if e.spent is not None]
    return reported[-1] if reported else None


def spent_until(target: Target, r: Quarter) -> float | None:
    """The amount spent by the end of R, as typed; None with no budget, 0 with no entry."""
    if target.budget is None:
        return None
    entry = spending_entry(target, r)
    return entry.spent if entry else 0


def spend_fraction(target: Target, r: Quarter) -> float | None:
    """``S``: the share of the allocation spent by the end of R; None with no budget."""
    spent = spent_until(target, r)
    return None if spent is None else spent / target.budget.allocated


def funds_flags(
    target: Target, r: Quarter, expected: float, fraction: float, spend_lag: float
) -> tuple[str, ...]:
    """The funds flags of an unsettled ``target`` as of R, in FUNDS_FLAGS order, given its
    expected fraction ``E`` and progress fraction ``F`` as of R (none without a budget)."""
    spent = spent_until(target, r)
    if spent is None:
        return ()
    s = spent / target.budget.allocated
    flags = []
    if expected - s - spend_lag > _TOLERANCE:
        flags.append(FUNDS_IDLE)
    if s - fraction - spend_lag > _TOLERANCE:
        flags.append(SPENDING_AHEAD_OF_RESULTS)
    # Compared as typed, not as a fraction: 100.1 of 100 is over, 100 of 100 is not.
    if spent > target.budget.allocated:
        flags.append(OVERSPENT)
    return tuple(flags)
