"""The published record: what each target promised when first published, and every change.

API summary (for pages and data files; REGISTER.md, "The published record"):

- ``build_record(history, current)`` -> ``Record``: pure, from a ``gitlog.PublishedHistory``
  (or a hand-made one) and the current register's targets.
- ``Record.available`` / ``Record.reason``: False (with the reason, words for staff, and
  ``Record.unavailable`` a ``gitlog.REASONS`` key) when there is no complete history;
  then ``Record.targets`` is empty and nothing may say "nothing changed".
- ``Record.targets[id]`` -> ``TargetRecord``: ``original`` (a ``Promise``),
  ``amendments`` (``PromiseChange`` oldest first), ``first_published``,
  ``justification_published``, ``removed`` (each a ``PublishedAt`` or None), ``last``
  (the last published version), ``replaced_by`` (id or None); ``amended`` and
  ``amended_without_reason``; ``as_promised(target)`` gives the target with its original
  promise where only corrections are applied: the status is assessed on it.
- ``Record.removed_targets(current)``: the published targets absent from the register,
  each from its last published version (the portal keeps their pages).
- ``Record.amendments()``: every amendment of every target, newest first.

Pure core: no git, no Pelican; the same history gives the same record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ..register.errors import PortalError
from ..register.fields import names
from ..register.model import PROMISE_FIELDS, Amendment, Indicator, Target, default_text
from ..register.quarters import Quarter
from .gitlog import NOT_IN_GIT, SHALLOW, SINCE_UNKNOWN, PublishedHistory

INDICATOR_PARTS = names(Indicator)
# The promise fields that hold one value (the indicator is compared part by part).
SINGLE_VALUED = tuple(n for n in PROMISE_FIELDS if n != "indicator" and "." not in n)

PromiseValue = Quarter | str | dict[str, str] | float | Indicator | None
"""A promise field's value: a quarter (due, start), a number (baseline, target),
text (direction), a language map (unit), an ``Indicator`` or None (field ``indicator``:
present or not)."""


# What to do about each reason the record is unavailable, for HistoryRequired.
_REMEDIES = {
    NOT_IN_GIT: "build from a git clone of the register's repository (with git installed)",
    SINCE_UNKNOWN: "fetch the full history (git fetch --unshallow), or set RECORD_SINCE to a "
    "commit of the branch being built",
    # The reason already says to run git fetch --unshallow.
    SHALLOW: "in CI, check out the whole history (actions/checkout with fetch-depth: 0)",
}
_FETCH = "fetch the full history: git fetch --unshallow (CI: actions/checkout with fetch-depth: 0)"


class HistoryRequired(PortalError):
    """REQUIRE_HISTORY is set and the published record cannot be read."""

    def __init__(self, record: Record | None) -> None:
        reason = record.reason if record else "the history was not read"
        remedy = _REMEDIES.get(record.unavailable if record else "", _FETCH)
        super().__init__(
            f"REQUIRE_HISTORY: the build is refused: the published record cannot be read "
            f"because {reason}: {remedy}"
        )


@dataclass(frozen=True)
class Promise:
    """The promise fields of one version: due, start and the indicator (None: milestone)."""

    due: Quarter
    start: Quarter
    indicator: Indicator | None

    @classmethod
    def of(cls, target: Target) -> Promise:
        """The promise of ``target`` (``start`` as the validator defaults it)."""
        return cls(**{name: getattr(target, name) for name in PROMISE_FIELDS if "." not in name})


@dataclass(frozen=True)
class PublishedAt:
    """A point of the main line: the commit (None: none known) and its ISO date."""

    commit: str | None
    date: str

    @property
    def short_commit(self) -> str:
        """The commit id's first 10 characters, as the site shows it ("" when none)."""
        return (self.commit or "")[:10]


@dataclass(frozen=True)
class PromiseChange:
    """One published change to one promise field: an amendment, shown publicly."""

    target_id: str
    field: str  # a model.PROMISE_FIELDS name: due, start, indicator, indicator.<part>
    old: PromiseValue
    new: PromiseValue
    date: str  # ISO committer date of the commit that published it
    commit: str  # full commit id
    entry: Amendment | None  # the ``amendments`` entry added in that commit naming the field

    @property
    def correction(self) -> bool:
        """True when the matching entry marks it as fixing a clerical error."""
        return self.entry is not None and self.entry.correction

    @property
    def reason(self) -> str | None:
        """The reason recorded (Markdown); None when no entry matches."""
        return self.entry.reason if self.entry else None

    @property
    def short_commit(self) -> str:
        """The commit id's first 10 characters, as the site shows it."""
        return self.commit[:10]


@dataclass
class TargetRecord:
    """The published record of one target id."""

    target_id: str
    original: Promise
    first_published: PublishedAt
    last: Target
    """The last published version (for a removed target: what the public last saw)."""
    amendments: list[PromiseChange] = field(default_factory=list)
    justification_published: PublishedAt | None = None
    """When a ``delay`` was first published for it; None if never."""
    removed: PublishedAt | None = None
    """When its file left the register (None while it is in the register)."""
    replaced_by: str | None = None
    """The id of the current target that says ``replaces: <this id>``."""

    @property
    def amended(self) -> bool:
        """True when the promise was amended, not as a correction, after publication."""
        return any(not a.correction for a in self.amendments)

    @property
    def amended_without_reason(self) -> bool:
        """True when some amendment has no matching ``amendments`` entry."""
        return any(a.entry is None for a in self.amendments)

    @property
    def withdrawn(self) -> bool:
        """True when the last published version was withdrawn."""
        return self.last.withdrawn is not None

    def as_promised(self, target: Target) -> Target:
        """``target`` with its original promise, only corrections applied (the status basis).

        Progress reported for another kind of target (values for a milestone promise, or
        percentages for a numeric one) does not measure the promise and is left out.
        """
        promise = self.original
        for change in self.amendments:
            if change.correction:
                promise = _applied(promise, change)
        kind = promise.indicator is None
        progress = tuple(e for e in target.progress if (e.percent_complete is not None) == kind)
        return replace(
            target,
            due=promise.due,
            start=promise.start,
            indicator=_translated_as_now(promise.indicator, target.indicator),
            progress=progress,
        )


@dataclass
class Record:
    """The record of every published target id, or why there is none."""

    targets: dict[str, TargetRecord] = field(default_factory=dict)
    unavailable: str | None = None
    """None when the history was read; else a ``gitlog.REASONS`` key."""
    reason: str | None = None
    """Why the record is unavailable, in words for staff; None when available."""
    since: PublishedAt | None = None
    """Where publication began (RECORD_SINCE), if set."""

    @property
    def available(self) -> bool:
        """True when the record was read from a complete history."""
        return self.unavailable is None

    def of(self, target_id: str) -> TargetRecord | None:
        """The record of ``target_id``; None when unavailable or never published."""
        return self.targets.get(target_id)

    def removed_targets(self, current: Iterable[Target]) -> list[Target]:
        """The last published version of each published id absent from ``current``, by id."""
        present = {t.id for t in current}
        return [r.last for i, r in sorted(self.targets.items()) if i not in present]

    def amendments(self) -> list[PromiseChange]:
        """Every amendment of every target, newest first (then by target id and field).

        Newest by position on the main line, not by date: dates of commits may tie."""
        return [change for _, change in sorted(self._log, key=_newest_first)]

    _log: list[tuple[int, PromiseChange]] = field(default_factory=list, repr=False)


def _newest_first(item: tuple[int, PromiseChange]) -> tuple:
    position, change = item
    return (-position, change.target_id, PROMISE_FIELDS.index(change.field))


def build_record(history: PublishedHistory, current: Iterable[Target] = ()) -> Record:
    """The record of every id the history published, and who replaces the removed ones."""
    if not history.available:
        return Record(unavailable=history.unavailable, reason=history.reason)
    since = PublishedAt(history.since_commit, history.since_date) if history.since_date else None
    record = Record(since=since)
    if since is not None:
        for target in history.drafts.values():
            _publish(record, target, since)
    for position, commit in enumerate(history.commits):
        if commit.draft:
            continue
        at = PublishedAt(commit.commit, commit.date)
        for change in commit.changes:
            moved = change.old is not None and change.new is not None
            if change.old is not None and not (moved and change.old.id == change.new.id):
                _remove(record, change.old.id, at)
            if change.new is not None:
                found = _publish(record, change.new, at)
                record._log += [(position, a) for a in found]
    for target in current:
        if target.replaces and target.replaces in record.targets:
            record.targets[target.replaces].replaced_by = target.id
    return record


def _publish(record: Record, target: Target, at: PublishedAt) -> list[PromiseChange]:
    """``target`` published at ``at``: its first publication, or a new version; the
    amendments it makes."""
    known = record.targets.get(target.id)
    found: list[PromiseChange] = []
    if known is None:
        known = record.targets[target.id] = TargetRecord(target.id, Promise.of(target), at, target)
    else:
        found = _changes(known.last, target, at)
        known.amendments += found
        known.removed = None  # back in the register
    if target.delay is not None and known.justification_published is None:
        known.justification_published = at
    known.last = target
    return found


def _remove(record: Record, target_id: str, at: PublishedAt) -> None:
    known = record.targets.get(target_id)
    if known is not None and known.removed is None:
        known.removed = at


def _changes(old: Target, new: Target, at: PublishedAt) -> list[PromiseChange]:
    """The promise fields ``new`` changes from ``old``, each matched with its entry."""
    added = [a for a in new.amendments if a not in old.amendments]
    found = []
    for name, before, after in promise_differences(Promise.of(old), Promise.of(new)):
        entry = next((a for a in added if a.covers(name)), None)
        found.append(PromiseChange(new.id, name, before, after, at.date, at.commit, entry))
    return found


def promise_differences(old: Promise, new: Promise) -> list[tuple[str, PromiseValue, PromiseValue]]:
    """(field, old, new) for each promise field that differs, in PROMISE_FIELDS order."""
    found: list[tuple[str, PromiseValue, PromiseValue]] = []
    for name in SINGLE_VALUED:
        if getattr(old, name) != getattr(new, name):
            found.append((name, getattr(old, name), getattr(new, name)))
    was, now = old.indicator, new.indicator
    if (was is None) != (now is None):
        found.append(("indicator", was, now))
    elif was is not None and now is not None:
        for part in INDICATOR_PARTS:
            if _promised(was, part) != _promised(now, part):
                found.append((f"indicator.{part}", getattr(was, part), getattr(now, part)))
    return found


def _translated_as_now(promised: Indicator | None, now: Indicator | None) -> Indicator | None:
    """The promised indicator with the unit's translations as the register gives them now,
    when the unit promised is the same (translations are no part of the promise)."""
    if promised is None or now is None or _promised(promised, "unit") != _promised(now, "unit"):
        return promised
    return replace(promised, unit=now.unit)


def _promised(indicator: Indicator, part: str) -> object:
    """What ``indicator`` promises in ``part``: the unit in the register's default language
    only, as a translation added or mended does not change the promise."""
    value = getattr(indicator, part)
    return default_text(value) if part == "unit" else value


def _applied(promise: Promise, change: PromiseChange) -> Promise:
    """``promise`` with ``change`` applied (a correction), unless that would measure nothing."""
    if change.field in (*SINGLE_VALUED, "indicator"):
        return replace(promise, **{change.field: change.new})
    if promise.indicator is None:
        return promise
    part = change.field.removeprefix("indicator.")
    indicator = replace(promise.indicator, **{part: change.new})
    # A mix of original and corrected numbers may equal each other: keep the last sound one.
    if indicator.baseline == indicator.target:
        return promise
    return replace(promise, indicator=indicator)
