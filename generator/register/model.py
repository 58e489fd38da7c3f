"""The register's targets as typed, validated values."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .fields import (
    BOOLEAN,
    CHOICE,
    DATE,
    ENTRIES,
    GROUP,
    ID,
    LINE,
    LINES,
    MARKDOWN,
    MARKDOWN_TEXTS,
    NAMES,
    NUMBER,
    QUARTER,
    TEXTS,
    URLS,
    YEAR,
    declare,
    promise_fields,
)  # fmt: skip
from .quarters import Quarter

INCREASE = "increase"
DECREASE = "decrease"


@dataclass(frozen=True)
class Indicator:
    """What a numeric target measures, where it started and where it must get to."""

    unit: dict[str, str] = declare(
        TEXTS,
        "What is counted, e.g. sites, %, days: one line, or a map of language code to one line.",
        required=True,
    )
    baseline: float = declare(NUMBER, "The value at the start quarter.", required=True)
    target: float = declare(NUMBER, "The value to reach by the due quarter.", required=True)
    direction: str = declare(CHOICE, "", choices=(INCREASE, DECREASE), default=INCREASE)

    def reached(self, value: float) -> bool:
        """True when ``value`` meets the target in this indicator's direction."""
        if self.direction == DECREASE:
            return value <= self.target
        return value >= self.target

    def fraction(self, value: float) -> float:
        """Share of the distance from baseline to target covered by ``value`` (not clamped)."""
        return (value - self.baseline) / (self.target - self.baseline)


@dataclass(frozen=True)
class Budget:
    """The money set aside for a target (REGISTER.md, "Funds")."""

    currency: str = declare(
        LINE, "ISO 4217 code, e.g. HKD.", required=True, schema=(("pattern", "^[A-Z]{3}$"),)
    )
    allocated: float = declare(
        NUMBER,
        "Total amount allocated, a positive number, in unit.",
        required=True,
        schema=(("exclusiveMinimum", 0),),
    )
    unit: dict[str, str] = declare(
        TEXTS,
        "Shown with every amount, e.g. million: one line, or a map of language code to one line.",
        empty=dict,
    )


@dataclass(frozen=True)
class ProgressEntry:
    """One quarterly update: a value (numeric target) or a percent complete (milestone)."""

    quarter: Quarter = declare(QUARTER, "", required=True)
    # Which of the two figures is required depends on the target: validation's rule.
    value: float | None = declare(NUMBER, "Numeric targets: the value at quarter end.", empty=None)
    percent_complete: float | None = declare(
        NUMBER, "Milestone targets: 0 to 100.", bounds=(0, 100), empty=None
    )
    note: str | None = declare(MARKDOWN, "", empty=None)
    sources: tuple[str, ...] = declare(URLS, "Web addresses backing the figure.", empty=())
    verified_by: str | None = declare(LINE, "Independent body that checked it.", empty=None)
    spent: float | None = declare(
        NUMBER,
        "Amount spent up to the end of the quarter, cumulative, in the budget's unit.",
        empty=None,
        schema=(("minimum", 0),),
    )


@dataclass(frozen=True)
class Delay:
    """The justification filed for a missed target."""

    reason: str = declare(MARKDOWN, "", required=True)
    revised_due: Quarter = declare(QUARTER, "", required=True)
    measures: str = declare(MARKDOWN, "", required=True)
    submitted: datetime.date | None = declare(DATE, "", empty=None)
    responsible: str | None = declare(LINE, "", empty=None)


@dataclass(frozen=True)
class Withdrawal:
    """A target dropped in ``quarter``; it stays on the site."""

    quarter: Quarter = declare(QUARTER, "", required=True)
    reason: str = declare(MARKDOWN, "", required=True)


@dataclass(frozen=True)
class Amendment:
    """The recorded reason for a change to a published promise (``amendments[]``)."""

    date: datetime.date = declare(DATE, "The date the change was decided.", required=True)
    fields: tuple[str, ...] = declare(
        NAMES, "The promise fields changed (indicator covers indicator.*).", required=True
    )
    reason: str = declare(MARKDOWN, "Markdown: why the promise changed.", required=True)
    approved_by: str | None = declare(LINE, "Who approved it, e.g. a paper ref.", empty=None)
    correction: bool = declare(
        BOOLEAN,
        "true: fixes a clerical error in the promise as first published.",
        default=False,
    )

    def covers(self, name: str) -> bool:
        """True when this entry names the promise field ``name`` (``indicator`` covers
        every ``indicator.*``)."""
        return name in self.fields or (name.startswith("indicator.") and "indicator" in self.fields)


# kw_only: the fields are declared in the order a file lists them, required or not.
@dataclass(frozen=True, kw_only=True)
class Target:
    """One promise from a policy address, with its quarterly progress."""

    id: str = declare(ID, "File name.", required=True)
    title: dict[str, str] = declare(
        TEXTS, "One line, or a map of language code to text.", required=True
    )
    # Quarters may be 10 years before to 30 after (checker): every accepted quarter is
    # inside quarters.FIRST_YEAR..LAST_YEAR, which the site can build.
    policy_address: int = declare(YEAR, "", required=True, bounds=(1950, 2100))
    bureau: str = declare(
        LINE,
        "The owning bureau or department: a code or a name declared in "
        "content/bureaus.yaml, written exactly.",
        required=True,
    )
    partners: tuple[str, ...] = declare(
        LINES, "Other bureaus or working groups, each declared in bureaus.yaml.", empty=()
    )
    area: str | None = declare(LINE, "Policy area or theme.", empty=None)
    description: dict[str, str] = declare(
        MARKDOWN_TEXTS, "Markdown, or a map of language code to Markdown.", empty=dict
    )
    start: Quarter = declare(QUARTER, "Default: Q4 of the policy-address year.", promise=2)
    due: Quarter = declare(
        QUARTER, "The quarter by which the target must be met.", required=True, promise=1
    )
    indicator: Indicator | None = declare(
        GROUP,
        "Present for a numeric target; leave out for a milestone target.",
        empty=None,
        promise=3,
    )
    budget: Budget | None = declare(
        GROUP, "The money allocated: currency, allocated and unit.", empty=None
    )
    progress: tuple[ProgressEntry, ...] = declare(ENTRIES, "Oldest first.", empty=())
    delay: Delay | None = declare(GROUP, "The justification filed for a missed target.", empty=None)
    withdrawn: Withdrawal | None = declare(
        GROUP, "The target was dropped; it stays on the site.", empty=None
    )
    amendments: tuple[Amendment, ...] = declare(
        ENTRIES,
        "Why the published promise (due, start, indicator) was changed, added in the same "
        "commit as the change.",
        empty=(),
    )
    replaces: str | None = declare(
        ID, "The id of a published target this one takes the place of.", empty=None
    )
    source_path: str = ""
    """The file the target was read from, as shown in messages (not a register field)."""

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


# The promise fields an amendment may name; "indicator" covers every "indicator.*".
PROMISE_FIELDS = promise_fields(Target)


def in_language(texts: dict[str, str], lang: str) -> str:
    """Pick ``lang`` from a language map, falling back to the first language given."""
    if lang in texts:
        return texts[lang]
    return next(iter(texts.values()), "")


def shown_language(texts: dict[str, str], lang: str) -> str:
    """The language ``in_language`` shows from ``texts`` when asked for ``lang``."""
    return lang if lang in texts else next(iter(texts), lang)


def default_text(texts: dict[str, str]) -> str:
    """The text of a language map in the register's default language, which a map read
    from the register always gives first (``checker.texts``): what a promise compares."""
    return next(iter(texts.values()), "")
