"""Status rules of REGISTER.md: one status and a set of flags per target, as of quarter R.

Every function takes the reporting quarter as an argument: status never depends
on the clock, so the same register and settings always give the same site.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..register.model import ProgressEntry, Target
from ..register.quarters import Quarter
from . import funds
from .funds import DEFAULT_SPEND_LAG, FUNDS_FLAGS  # noqa: F401 (re-exported)

if TYPE_CHECKING:  # the record is computed elsewhere; here it is only read
    from .record import PromiseChange, TargetRecord

WITHDRAWN = "withdrawn"
ACHIEVED = "achieved"
ACHIEVED_LATE = "achieved_late"
MISSED = "missed"
AT_RISK = "at_risk"
ON_TRACK = "on_track"
STATUSES = (WITHDRAWN, ACHIEVED, ACHIEVED_LATE, MISSED, AT_RISK, ON_TRACK)

NOT_REPORTED = "not_reported"
JUSTIFICATION_MISSING = "justification_missing"
REVISED_DUE_PASSED = "revised_due_passed"
# The published record (REGISTER.md, "The published record"):
AMENDED = "amended"  # the promise was amended, not as a correction, after publication
AMENDED_WITHOUT_REASON = "amended_without_reason"  # some amendment has no matching entry
REMOVED = "removed"  # published, absent from the register, neither withdrawn nor replaced
# The order the site lists statuses in: from best to worst, the dropped last.
DISPLAY_ORDER = (ACHIEVED, ACHIEVED_LATE, ON_TRACK, AT_RISK, MISSED, WITHDRAWN)

# The flags that come from the git history, not from the register as it stands.
RECORD_FLAGS = (AMENDED, AMENDED_WITHOUT_REASON, REMOVED)
FLAGS = (
    NOT_REPORTED, JUSTIFICATION_MISSING, REVISED_DUE_PASSED, AMENDED, AMENDED_WITHOUT_REASON,
    REMOVED, *FUNDS_FLAGS,
)  # fmt: skip
# The statuses the funds flags leave alone: the result is delivered, or no longer sought.
FUNDS_SETTLED = (ACHIEVED, ACHIEVED_LATE, WITHDRAWN)

DEFAULT_AT_RISK_LAG = 0.20


@dataclass(frozen=True)
class Assessment:
    """A target's standing as of a reporting quarter."""

    target: Target
    quarter: Quarter
    status: str
    flags: tuple[str, ...]
    fraction: float
    expected: float
    latest: ProgressEntry | None
    spend_fraction: float | None = None
    """``S``: the share of the budget spent by the end of the quarter; None with no budget."""
    status_as_amended: str | None = None
    """The status under the current file's promise (None: same as ``status``, no record)."""
    promised: Target | None = None
    """The target with its original promise, only corrections applied: what ``status``,
    ``flags``, ``fraction`` and ``expected`` were assessed on (None: ``target`` itself)."""
    record: TargetRecord | None = None
    """The target's published record; None when unavailable or never published."""
    removed: bool = False
    """True when the target is absent from the register and shown from its last published
    version (``target``); the flag ``removed`` says so unless withdrawn or replaced."""

    @property
    def is_missed(self) -> bool:
        """True when the target gets a delay-justification page."""
        return self.status == MISSED

    @property
    def basis(self) -> Target:
        """The target the status was assessed on: with its original promise if known."""
        return self.promised or self.target

    @property
    def original(self):
        """The original promise (a ``record.Promise``); None without a record."""
        return self.record.original if self.record else None

    @property
    def amendments(self) -> list[PromiseChange]:
        """Every published change to the promise, oldest first (empty without a record)."""
        return list(self.record.amendments) if self.record else []

    @property
    def justification_published(self) -> str | None:
        """ISO date the ``delay`` was first published; None if never or unknown."""
        published = self.record.justification_published if self.record else None
        return published.date if published else None

    @property
    def replaced_by(self) -> str | None:
        """The id of the current target that replaces this one, if any."""
        return self.record.replaced_by if self.record else None

    @property
    def replaces(self) -> str | None:
        """The id this target replaces (its ``replaces`` field), if any."""
        return self.target.replaces


def reporting_quarter(targets: list[Target], setting: Quarter | None) -> Quarter | None:
    """R: the setting when given, else the latest quarter of any progress entry (or None)."""
    if setting is not None:
        return setting
    quarters = [entry.quarter for t in targets for entry in t.progress]
    return max(quarters, default=None)


def expected_fraction(target: Target, r: Quarter) -> float:
    """Share of the way from start to due that R has reached, clamped to 0..1."""
    span = target.due - target.start
    if span <= 0:
        return 1.0
    return min(1.0, max(0.0, (r - target.start) / span))


def progress_fraction(target: Target, r: Quarter) -> float:
    """Progress fraction of the latest entry up to R; 0 when there is none."""
    return target.fraction(target.latest_until(r))


def first_reached(target: Target, r: Quarter) -> ProgressEntry | None:
    """The first entry up to R that meets the target, if any."""
    return next((e for e in target.entries_until(r) if target.reached(e)), None)


def reached_by_due(target: Target, r: Quarter) -> bool:
    """True when some entry up to R and no later than due meets the target."""
    last = min(r, target.due)
    return any(target.reached(e) for e in target.entries_until(last))


def status_as_of(target: Target, r: Quarter, at_risk_lag: float = DEFAULT_AT_RISK_LAG) -> str:
    """The one status of ``target`` as of R: the first rule of REGISTER.md that applies."""
    if target.withdrawn is not None and target.withdrawn.quarter <= r:
        return WITHDRAWN
    if reached_by_due(target, r):
        return ACHIEVED
    if first_reached(target, r) is not None:
        return ACHIEVED_LATE
    if r >= target.due:
        return MISSED
    # The tolerance keeps float noise (0.8 - 0.6 = 0.20000000000000007) from turning a
    # lag of exactly AT_RISK_LAG into "at risk", which the rule says it is not.
    if expected_fraction(target, r) - progress_fraction(target, r) - at_risk_lag > 1e-9:
        return AT_RISK
    return ON_TRACK


def flags_as_of(
    target: Target, r: Quarter, status: str, spend_lag: float = DEFAULT_SPEND_LAG
) -> tuple[str, ...]:
    """The flags of ``target`` with ``status`` as of R, in the order of FLAGS, the funds
    flags (REGISTER.md, "Funds") last."""
    flags = []
    reported = any(entry.quarter == r for entry in target.progress)
    if status in (MISSED, AT_RISK, ON_TRACK) and not reported:
        flags.append(NOT_REPORTED)
    if status == MISSED and target.delay is None:
        flags.append(JUSTIFICATION_MISSING)
    if status == MISSED and target.delay is not None and target.delay.revised_due < r:
        flags.append(REVISED_DUE_PASSED)
    if status not in FUNDS_SETTLED:
        e, f = expected_fraction(target, r), progress_fraction(target, r)
        flags += funds.funds_flags(target, r, e, f, spend_lag)
    return tuple(flags)


def assess(
    target: Target,
    r: Quarter,
    at_risk_lag: float = DEFAULT_AT_RISK_LAG,
    record: TargetRecord | None = None,
    removed: bool = False,
    spend_lag: float = DEFAULT_SPEND_LAG,
) -> Assessment:
    """Status, flags and progress figures of ``target`` as of R.

    With its ``record``, the status and flags are those of the original promise (only
    corrections applied), ``status_as_amended`` that of the current file's promise, and
    the record's flags are added. ``removed``: shown from its last published version.
    """
    basis = record.as_promised(target) if record else target
    status = status_as_of(basis, r, at_risk_lag)
    flags = flags_as_of(basis, r, status, spend_lag) + _record_flags(record, removed)
    return Assessment(
        target=target,
        quarter=r,
        status=status,
        flags=tuple(f for f in FLAGS if f in flags),
        fraction=progress_fraction(basis, r),
        expected=expected_fraction(basis, r),
        latest=target.latest_until(r),
        spend_fraction=funds.spend_fraction(target, r),
        status_as_amended=status_as_of(target, r, at_risk_lag) if record else None,
        promised=basis if record else None,
        record=record,
        removed=removed,
    )


def _record_flags(record: TargetRecord | None, removed: bool) -> tuple[str, ...]:
    """The flags the published record adds."""
    flags = []
    if record is not None and record.amended:
        flags.append(AMENDED)
    if record is not None and record.amended_without_reason:
        flags.append(AMENDED_WITHOUT_REASON)
    gone_elsewhere = record is not None and (record.withdrawn or record.replaced_by)
    if removed and not gone_elsewhere:
        flags.append(REMOVED)
    return tuple(flags)
