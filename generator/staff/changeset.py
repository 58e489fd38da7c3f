"""What differs between two registers: the comparison behind the reviewer's summary.

Each side is assessed with the same rules as the site, as of its own reporting quarter.
Changes to a promise (``due``, ``start``, ``indicator``) are kept apart from other edits,
with the ``amendments`` entries the change added, for the pull-request check. Pure core:
no Pelican imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..assess import status
from ..assess.funds import DEFAULT_SPEND_LAG
from ..assess.wording import fmt_number, fmt_value
from ..register import fields
from ..register.fields import Spec, specs
from ..register.model import PROMISE_FIELDS, Amendment, Delay, ProgressEntry, Target, default_text
from ..register.quarters import Quarter
from .fundschanges import FundsChanges, compare_funds

# --- Comparing two registers -----------------------------------------------------------------


@dataclass(frozen=True)
class StatusChange:
    """A target whose status differs between the old and the new register."""

    target: Target
    old: str
    new: str


@dataclass(frozen=True)
class NewlyMissed:
    """A target missed now and not before; ``justified`` when a delay is filed."""

    target: Target
    justified: bool


@dataclass(frozen=True)
class JustificationChange:
    """A delay justification added, changed or removed (``old``/``new`` None when absent)."""

    target: Target
    old: Delay | None
    new: Delay | None

    @property
    def fields(self) -> tuple[str, ...]:
        """The delay fields that differ, in the register's order."""
        names = ("reason", "revised_due", "measures", "submitted", "responsible")
        return tuple(n for n in names if getattr(self.old, n, None) != getattr(self.new, n, None))


@dataclass(frozen=True)
class Correction:
    """A change to an entry already published for ``quarter``; ``new`` is None if removed."""

    target: Target
    old_target: Target
    quarter: Quarter
    old: ProgressEntry
    new: ProgressEntry | None
    fields: tuple[str, ...]

    @property
    def old_figure(self) -> float | None:
        """The figure as first published."""
        return self.old_target.measure(self.old)

    @property
    def new_figure(self) -> float | None:
        """The figure now; None when the entry was removed."""
        return None if self.new is None else self.target.measure(self.new)


@dataclass(frozen=True)
class NewEntry:
    """A progress entry for a quarter the target had not reported before."""

    target: Target
    entry: ProgressEntry


@dataclass(frozen=True)
class FieldEdit:
    """Another field of a target changed: ``area``, ``title[en]``, ``withdrawn.reason``..."""

    target: Target
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class PromiseChange:
    """A promise field changed: ``due``, ``start``, ``indicator`` or ``indicator.*``.

    ``entries`` are the ``amendments`` entries the change added that name the field;
    ``earlier`` those naming it that were there before (they recorded an earlier change).
    """

    target: Target
    old_target: Target
    field: str
    old: str
    new: str
    entries: tuple[Amendment, ...] = ()
    earlier: tuple[Amendment, ...] = ()

    @property
    def recorded(self) -> bool:
        """True when the change added an ``amendments`` entry naming this field."""
        return bool(self.entries)


@dataclass
class ChangeSet:
    """Everything that differs between an old and a new register, for a reviewer."""

    old_quarter: Quarter | None = None
    new_quarter: Quarter | None = None
    added: list[Target] = field(default_factory=list)
    removed: list[Target] = field(default_factory=list)
    status_changes: list[StatusChange] = field(default_factory=list)
    newly_missed: list[NewlyMissed] = field(default_factory=list)
    justifications_added: list[JustificationChange] = field(default_factory=list)
    justifications_changed: list[JustificationChange] = field(default_factory=list)
    justifications_removed: list[JustificationChange] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    progress_added: list[NewEntry] = field(default_factory=list)
    edits: list[FieldEdit] = field(default_factory=list)
    amendments: list[PromiseChange] = field(default_factory=list)
    successors: dict[str, Target] = field(default_factory=dict)  # by the id it replaces
    not_updated: list[Target] = field(default_factory=list)
    old_statuses: dict[str, str] = field(default_factory=dict)
    new_statuses: dict[str, str] = field(default_factory=dict)
    funds: FundsChanges = field(default_factory=FundsChanges)  # spending, budgets, flags

    @property
    def unchanged(self) -> bool:
        """True when the register's data is the same on both sides."""
        # not_updated is a state of the new register, not a change made to it.
        kinds = (
            self.added,
            self.removed,
            self.status_changes,
            self.newly_missed,
            self.justifications_added,
            self.justifications_changed,
            self.justifications_removed,
            self.corrections,
            self.progress_added,
            self.edits,
            self.amendments,
        )
        return not any(kinds) and not self.funds and self.old_quarter == self.new_quarter


def compare(
    old: list[Target],
    new: list[Target],
    *,
    reporting_quarter: Quarter | None,
    at_risk_lag: float,
    spend_lag: float = DEFAULT_SPEND_LAG,
) -> ChangeSet:
    """What changed from ``old`` to ``new``, each side assessed as of its own R."""
    old_r = status.reporting_quarter(old, reporting_quarter)
    new_r = status.reporting_quarter(new, reporting_quarter)
    lags = (at_risk_lag, spend_lag)
    before, after = _assess_all(old, old_r, *lags), _assess_all(new, new_r, *lags)
    old_by_id = {t.id: t for t in old}
    new_ids = {t.id for t in new}
    pairs = [(old_by_id[t.id], t) for t in new if t.id in old_by_id]
    changes = ChangeSet(
        old_quarter=old_r,
        new_quarter=new_r,
        added=[t for t in new if t.id not in old_by_id],
        removed=[t for t in old if t.id not in new_ids],
        successors=successors(new),
        old_statuses={i: a.status for i, a in before.items()},
        new_statuses={i: a.status for i, a in after.items()},
    )
    for old_t, new_t in pairs:
        if old_t.id in before and new_t.id in after:
            was, now = before[old_t.id].status, after[new_t.id].status
            if was != now:
                changes.status_changes.append(StatusChange(new_t, was, now))
        _compare_delays(changes, old_t, new_t)
        _compare_progress(changes, old_t, new_t)
        _compare_fields(changes, old_t, new_t)
    for target in new:
        old_t = old_by_id.get(target.id)
        was = before.get(target.id) if old_t is not None else None
        compare_funds(changes.funds, old_t, target, was, after.get(target.id))
        assessment = after.get(target.id)
        was_missed = target.id in before and before[target.id].is_missed
        if assessment is not None and assessment.is_missed and not was_missed:
            changes.newly_missed.append(NewlyMissed(target, target.delay is not None))
        if assessment is not None and status.NOT_REPORTED in assessment.flags:
            changes.not_updated.append(target)
    return changes


def successors(targets: list[Target]) -> dict[str, Target]:
    """The target that says ``replaces: <id>``, by that id (the first by id if several)."""
    found: dict[str, Target] = {}
    for target in targets:
        if target.replaces:
            found.setdefault(target.replaces, target)
    return found


def _assess_all(
    targets: list[Target], r: Quarter | None, at_risk_lag: float, spend_lag: float
) -> dict[str, status.Assessment]:
    """Each target's assessment by id; none when the side has no reporting quarter."""
    if r is None:
        return {}
    return {t.id: status.assess(t, r, at_risk_lag, spend_lag=spend_lag) for t in targets}


def _compare_delays(changes: ChangeSet, old: Target, new: Target) -> None:
    """Record a delay justification added, changed or removed."""
    item = JustificationChange(new, old.delay, new.delay)
    if old.delay is None and new.delay is not None:
        changes.justifications_added.append(item)
    elif old.delay is not None and new.delay is None:
        changes.justifications_removed.append(item)
    elif old.delay != new.delay:
        changes.justifications_changed.append(item)


def _compare_progress(changes: ChangeSet, old: Target, new: Target) -> None:
    """Record corrections to published entries and entries for newly reported quarters."""
    new_entries = {e.quarter: e for e in new.progress}
    old_quarters = {e.quarter for e in old.progress}
    for entry in old.progress:
        now = new_entries.get(entry.quarter)
        fields = ("removed",) if now is None else _entry_fields(old, entry, new, now)
        if fields:
            changes.corrections.append(Correction(new, old, entry.quarter, entry, now, fields))
    changes.progress_added += [
        NewEntry(new, e) for e in new.progress if e.quarter not in old_quarters
    ]


def _entry_fields(
    old: Target, was: ProgressEntry, new: Target, now: ProgressEntry
) -> tuple[str, ...]:
    """The fields of one quarter's entry that differ: figure, note, sources, verified_by,
    spent."""
    fields = ["figure"] if old.measure(was) != new.measure(now) else []
    others = ("note", "sources", "verified_by", "spent")
    fields += [n for n in others if getattr(was, n) != getattr(now, n)]
    return tuple(fields)


def _compare_fields(changes: ChangeSet, old: Target, new: Target) -> None:
    """Record the promise fields changed, and every other field edited."""
    promise = promise_changes(old, new)
    changes.amendments += promise
    changes.edits += _field_edits(old, new) + _amendment_edits(old, new, promise)


def _amendment_edits(old: Target, new: Target, promise: list[PromiseChange]) -> list[FieldEdit]:
    """The ``amendments`` list edited other than by adding entries for changed fields.

    A published entry removed or altered rewrites the public reason for an earlier change;
    an entry added that names no changed field records a reason the site cannot pair with
    a change of this commit. Both are listed for the reviewer.
    """
    kept = list(new.amendments)
    removed = []
    for entry in old.amendments:
        if entry in kept:
            kept.remove(entry)
        else:
            removed.append(entry)
    used = [entry for change in promise for entry in change.entries]
    unused = [entry for entry in added_amendments(old, new) if entry not in used]
    if not removed and not unused:
        return []
    return [FieldEdit(new, "amendments", _entries_text(removed), _entries_text(unused))]


def _entries_text(entries: list[Amendment]) -> str | None:
    """Amendments entries in one line: ``2026-01-15 [due]: reason``; None for none."""
    texts = [f"{e.date} [{', '.join(e.fields)}]: {e.reason}" for e in entries]
    return "; ".join(texts) or None


def promise_changes(old: Target, new: Target) -> list[PromiseChange]:
    """Each promise field that differs from ``old`` to ``new``, with the entries naming it."""
    before, after = promise_values(old), promise_values(new)
    added = added_amendments(old, new)
    return [
        PromiseChange(
            new,
            old,
            name,
            before[name],
            after[name],
            tuple(a for a in added if a.covers(name)),
            tuple(a for a in old.amendments if a.covers(name)),
        )
        for name in after
        if name in before and before[name] != after[name] and _differs(name, old, new)
    ]


def _differs(name: str, old: Target, new: Target) -> bool:
    """False for ``indicator`` when both sides have one: then ``indicator.*`` say what changed."""
    return name != "indicator" or (old.indicator is None) != (new.indicator is None)


def promise_values(target: Target) -> dict[str, str]:
    """A target's promise as display strings; ``indicator.*`` only when it has one."""
    values = {"due": str(target.due), "start": str(target.start)}
    indicator = target.indicator
    if indicator is None:
        return values | {"indicator": "milestone (percent complete)"}
    baseline, level = fmt_number(indicator.baseline), fmt_number(indicator.target)
    return values | {
        # The unit as promised: in the default language (a translation added changes no promise).
        "indicator": f"numeric target ({default_text(indicator.unit)}: {baseline} → {level})",
        "indicator.unit": default_text(indicator.unit),
        "indicator.baseline": baseline,
        "indicator.target": level,
        "indicator.direction": indicator.direction,
    }


def added_amendments(old: Target, new: Target) -> tuple[Amendment, ...]:
    """The ``amendments`` entries of ``new`` that ``old`` did not have (an edited one counts)."""
    # A multiset difference: two identical entries at the ref cover only two identical ones.
    remaining = list(old.amendments)
    added = []
    for entry in new.amendments:
        if entry in remaining:
            remaining.remove(entry)
        else:
            added.append(entry)
    return tuple(added)


def _field_edits(old: Target, new: Target) -> list[FieldEdit]:
    """Every other field that differs, by name; progress, delay and promise apart."""
    before, after = _field_values(old), _field_values(new)
    names = list(after) + [name for name in before if name not in after]
    return [
        FieldEdit(new, name, before.get(name), after.get(name))
        for name in names
        if before.get(name) != after.get(name)
    ]


# Compared on their own: the identity, progress, the delay, amendments, the promise and
# the budget (``fundschanges``).
COMPARED_APART = ("id", "progress", "delay", "amendments", "budget", *PROMISE_FIELDS)


def _field_values(target: Target) -> dict[str, str]:
    """A target's fields other than those compared apart, as display strings, in file order."""
    values: dict[str, str] = {}
    for spec in specs(Target):
        if spec.name not in COMPARED_APART:
            values |= _shown(spec, getattr(target, spec.name), spec.name)
    return {name: value for name, value in values.items() if value != ""}


def _shown(spec: Spec, value: Any, name: str) -> dict[str, str]:
    """``value`` of the field ``spec`` as display strings by name: ``title[en]`` for each
    language, ``withdrawn.reason`` for each field of a group."""
    if value is None:
        return {}
    if spec.translated:
        return {f"{name}[{lang}]": text for lang, text in value.items()}
    if spec.kind == fields.GROUP:
        shown: dict[str, str] = {}
        for part in specs(spec.group):
            shown |= _shown(part, getattr(value, part.name), f"{name}.{part.name}")
        return shown
    if spec.kind == fields.LINES:
        return {name: ", ".join(value)}
    return {name: fmt_value(value)}
