"""The register's targets as typed, validated values."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .quarters import Quarter

INCREASE = "increase"
DECREASE = "decrease"


@dataclass(frozen=True)
class Indicator:
    """What a numeric target measures, where it started and where it must get to."""

    unit: str
    baseline: float
    target: float
    direction: str = INCREASE

    def reached(self, value: float) -> bool:
        """True when ``value`` meets the target in this indicator's direction."""
        if self.direction == DECREASE:
            return value <= self.target
        return value >= self.target

    def fraction(self, value: float) -> float:
        """Share of the distance from baseline to target covered by ``value`` (not clamped)."""
        return (value - self.baseline) / (self.target - self.baseline)


@dataclass(frozen=True)
class ProgressEntry:
    """One quarterly update: a value (numeric target) or a percent complete (milestone)."""

    quarter: Quarter
    value: float | None = None
    percent_complete: float | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()
    verified_by: str | None = None


@dataclass(frozen=True)
class Delay:
    """The justification filed for a missed target."""

    reason: str
    revised_due: Quarter
    measures: str
    submitted: datetime.date | None = None
    responsible: str | None = None


@dataclass(frozen=True)
class Withdrawal:
    """A target dropped in ``quarter``; it stays on the site."""

    quarter: Quarter
    reason: str


# The promise fields an amendment may name; "indicator" covers every "indicator.*".
PROMISE_FIELDS = (
    "due", "start", "indicator", "indicator.unit", "indicator.baseline", "indicator.target",
    "indicator.direction",
)  # fmt: skip


@dataclass(frozen=True)
class Amendment:
    """The recorded reason for a change to a published promise (``amendments[]``)."""

    date: datetime.date
    fields: tuple[str, ...]  # names from PROMISE_FIELDS
    reason: str  # Markdown
    approved_by: str | None = None
    correction: bool = False  # True: fixes a clerical error in the promise first published

    def covers(self, name: str) -> bool:
        """True when this entry names the promise field ``name`` (``indicator`` covers
        every ``indicator.*``)."""
        return name in self.fields or (name.startswith("indicator.") and "indicator" in self.fields)


@dataclass(frozen=True)
class Target:
    """One promise from a policy address, with its quarterly progress."""

    id: str
    title: dict[str, str]
    policy_address: int
    bureau: str
    due: Quarter
    start: Quarter
    partners: tuple[str, ...] = ()
    area: str | None = None
    description: dict[str, str] = field(default_factory=dict)
    indicator: Indicator | None = None
    progress: tuple[ProgressEntry, ...] = ()
    delay: Delay | None = None
    withdrawn: Withdrawal | None = None
    amendments: tuple[Amendment, ...] = ()
    replaces: str | None = None
    """The id of a published target this one takes the place of."""
    source_path: str = ""

    @property
    def is_milestone(self) -> bool:
        """A milestone target has no indicator and reports percent complete."""
        return self.indicator is None

    def reached(self, entry: ProgressEntry) -> bool:
        """True when ``entry`` meets the target."""
        if self.indicator is None:
            return (entry.percent_complete or 0) >= 100
        return self.indicator.reached(entry.value)

    def fraction(self, entry: ProgressEntry | None) -> float:
        """Progress fraction of ``entry``: 0 at baseline, 1 at target; 0 with no entry."""
        if entry is None:
            return 0.0
        if self.indicator is None:
            return entry.percent_complete / 100
        return self.indicator.fraction(entry.value)

    def measure(self, entry: ProgressEntry) -> float:
        """The reported figure of ``entry``: its value, or its percent complete."""
        return entry.percent_complete if self.indicator is None else entry.value

    def entries_until(self, quarter: Quarter) -> tuple[ProgressEntry, ...]:
        """The progress entries for ``quarter`` and before."""
        return tuple(e for e in self.progress if e.quarter <= quarter)

    def latest_until(self, quarter: Quarter) -> ProgressEntry | None:
        """The most recent entry for ``quarter`` or before, if any."""
        entries = self.entries_until(quarter)
        return entries[-1] if entries else None


def in_language(texts: dict[str, str], lang: str) -> str:
    """Pick ``lang`` from a language map, falling back to the first language given."""
    if lang in texts:
        return texts[lang]
    return next(iter(texts.values()), "")


def shown_language(texts: dict[str, str], lang: str) -> str:
    """The language ``in_language`` shows from ``texts`` when asked for ``lang``."""
    return lang if lang in texts else next(iter(texts), lang)
