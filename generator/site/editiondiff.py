"""What differs between an edition and today's register as of the same quarter.

Both sides are ``targets.json`` documents (``editions.document_as_of``). Every field the
edition holds is compared, so "nothing changed" is said only when nothing did; fields
the portal added to targets.json after the edition was made are not in it, and are not
compared. Figures, statuses and promises are grouped as the edition's page shows them;
a changed status history is listed by quarter. Pure core: no Pelican imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..assess.record import Record
from ..assess.wording import FLAG_LABELS, fmt_number, fmt_percent, status_label
from ..project.settings import PortalSettings
from ..register.bureaus import Bureaus
from ..register.i18n import N_
from ..register.i18n import gettext as _
from ..register.loader import display_path
from ..register.model import Target
from .editions import Edition, checked_editions, document_as_of

FIGURES = (
    "latest_quarter", "latest_value", "progress_fraction", "expected_fraction", "spent",
    "spend_fraction",
)  # fmt: skip
STATUS = (
    "status", "status_as_amended", "flags", "justification_filed", "justification_published",
    "revised_due", "withdrawn_quarter",
)  # fmt: skip
PROMISE = (
    "due", "original_due", "start", "kind", "unit", "baseline", "target", "direction",
    "amendments",
)  # fmt: skip
STATUSES = ("status", "status_as_amended")  # shown as status badges
HISTORY = "history"  # compared quarter by quarter

FIELD_LABELS = {
    "latest_quarter": N_("Latest quarter reported"),
    "latest_value": N_("Latest figure"),
    "progress_fraction": N_("Progress"),
    "expected_fraction": N_("Expected progress"),
    "budget_currency": N_("Budget currency"),
    "budget_allocated": N_("Amount allocated"),
    "budget_unit": N_("Budget unit"),
    "budget_units": N_("Budget unit in each language"),
    "spent": N_("Amount spent to date"),
    "spend_fraction": N_("Share of the allocation spent"),
    "status": N_("Status"),
    "status_as_amended": N_("Status as amended"),
    "justification_published": N_("Justification published"),
    "original_due": N_("Original due quarter"),
    "amendments": N_("Amendments"),
    "indicator": N_("Indicator"),
    "first_published": N_("First published"),
    "removed": N_("Removed"),
    "replaces": N_("Replaces"),
    "replaced_by": N_("Replaced by"),
    "flags": N_("Flags"),
    "justification_filed": N_("Justification filed"),
    "revised_due": N_("Revised due quarter"),
    "withdrawn_quarter": N_("Withdrawn in"),
    "due": N_("Due"),
    "start": N_("Start"),
    "kind": N_("Kind"),
    "unit": N_("Unit"),
    "baseline": N_("Baseline"),
    "target": N_("Target level"),
    "direction": N_("Direction"),
    "title": N_("Title"),
    "titles": N_("Title in each language"),
    "bureau": N_("Bureau"),
    "bureau_code": N_("Bureau code"),
    "partners": N_("Partners"),
    "partner_codes": N_("Partner codes"),
    "area": N_("Policy area"),
    "policy_address": N_("Policy address"),
    "url": N_("Page address"),
    "delay_url": N_("Delay justification page"),
}
WORDS = {
    "numeric": N_("numeric"),
    "milestone": N_("milestone"),
    "increase": N_("increase"),
    "decrease": N_("decrease"),
}


@dataclass(frozen=True)
class FieldChange:
    """One field of a target (or of the document) as the edition had it and as it is now."""

    field: str
    old: Any
    new: Any
    absent_then: bool = False
    """The edition's record had no such field (``old`` is then None)."""
    absent_now: bool = False
    """Today's record has no such field (``new`` is then None)."""


@dataclass(frozen=True)
class HistoryChange:
    """One quarter of a target's status history whose status or flags differ now."""

    quarter: str
    old: dict | None
    new: dict | None


@dataclass(frozen=True)
class TargetChanges:
    """What differs for one target present in the edition and today."""

    id: str
    record: dict
    """Today's record: its title, url and status are shown."""
    figures: tuple[FieldChange, ...]
    status: tuple[FieldChange, ...]
    promise: tuple[FieldChange, ...]
    other: tuple[FieldChange, ...]
    history: tuple[HistoryChange, ...]


@dataclass(frozen=True)
class Comparison:
    """An edition against today's document for the same quarter."""

    changed: tuple[TargetChanges, ...]
    added: tuple[dict, ...]
    """Today's records of targets the edition did not have."""
    missing: tuple[dict, ...]
    """The edition's records of targets no longer published."""
    document: tuple[FieldChange, ...]
    """Top-level fields of targets.json that differ."""

    @property
    def unchanged(self) -> bool:
        """True only when every field the edition holds is the same today."""
        return not (self.changed or self.added or self.missing or self.document)

    @property
    def count(self) -> int:
        """Targets changed, added or missing since the edition."""
        return len(self.changed) + len(self.added) + len(self.missing)


def compare(edition: dict, today: dict) -> Comparison:
    """What differs between the edition's targets.json and today's (same quarter)."""
    then = {r["id"]: r for r in edition["targets"]}
    # An id that is not text (a list, a map) cannot be matched: that record counts as missing.
    now = {
        r["id"]: r
        for r in today.get("targets", [])
        if isinstance(r, dict) and isinstance(r.get("id"), str)
    }
    # The edition's format: a field no record of it has was added to the portal since.
    fields = list(dict.fromkeys(k for r in edition["targets"] for k in r))
    changed = []
    for target_id in sorted(then.keys() & now.keys()):
        changes = target_changes(then[target_id], now[target_id], fields)
        if changes is not None:
            changed.append(changes)
    top = [k for k in edition if k != "targets"]
    return Comparison(
        changed=tuple(changed),
        added=tuple(now[i] for i in sorted(now.keys() - then.keys())),
        missing=tuple(then[i] for i in sorted(then.keys() - now.keys())),
        document=tuple(_field_changes(edition, today, top)),
    )


def target_changes(old: dict, new: dict, fields: list[str]) -> TargetChanges | None:
    """The differences of one target's record in ``fields``, grouped; None when none."""
    grouped = set(FIGURES + STATUS + PROMISE + (HISTORY,))
    history = _history_changes(old.get(HISTORY), new.get(HISTORY)) if HISTORY in fields else ()
    changes = TargetChanges(
        id=old["id"],
        record=new,
        figures=tuple(_field_changes(old, new, [f for f in FIGURES if f in fields])),
        status=tuple(_field_changes(old, new, [f for f in STATUS if f in fields])),
        promise=tuple(_field_changes(old, new, [f for f in PROMISE if f in fields])),
        other=tuple(_field_changes(old, new, [f for f in fields if f not in grouped])),
        history=history,
    )
    parts = (changes.figures, changes.status, changes.promise, changes.other, changes.history)
    return changes if any(parts) else None


def _field_changes(old: dict, new: dict, fields) -> list[FieldChange]:
    """The ``fields`` (in the order given) whose value or presence differs."""
    changes = []
    for field in fields:
        if field not in old and field not in new:
            continue
        if field not in old or field not in new or not _same(old[field], new[field]):
            changes.append(
                FieldChange(field, old.get(field), new.get(field),
                            absent_then=field not in old, absent_now=field not in new)
            )  # fmt: skip
    return changes


def _same(a: Any, b: Any) -> bool:
    # JSON reads 5 and 5.0 as equal numbers, but true is not 1 and false is not 0.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def _history_changes(old: Any, new: Any) -> tuple[HistoryChange, ...]:
    """The quarters whose status or flags differ, oldest first; a whole unreadable history
    counts as one change."""
    then, now = _points(old), _points(new)
    if then is None or now is None:
        return () if _same(old, new) else (HistoryChange("", None, None),)
    quarters = sorted(then.keys() | now.keys())
    return tuple(
        HistoryChange(q, then.get(q), now.get(q))
        for q in quarters
        if not _same(then.get(q), now.get(q))
    )


def _points(history: Any) -> dict[str, dict] | None:
    if not isinstance(history, list):
        return None
    points = {}
    for point in history:
        if not isinstance(point, dict) or not isinstance(point.get("quarter"), str):
            return None
        points[point["quarter"]] = point
    return points


@dataclass(frozen=True)
class PublishedEdition:
    """An edition as the site publishes it: the file, and what changed since."""

    edition: Edition
    comparison: Comparison


def published_editions(
    targets: list[Target], settings: PortalSettings, bureaus: Bureaus | None, record: Record | None
) -> list[PublishedEdition]:
    """Every edition in EDITIONS_PATH, oldest first, each compared with the register (and
    its published record) as of its quarter; ``RegisterError`` names every edition file
    that cannot be published."""
    folder = settings.editions_path
    found = []
    for edition in checked_editions(folder, display_path(folder)):
        today = document_as_of(targets, settings, bureaus, edition.quarter, record)
        found.append(PublishedEdition(edition, compare(edition.document, today)))
    return found


# --- Words, in the language in force (``i18n.use``) ---------------------------------------


def field_label(field: str) -> str:
    """The field's name in words, or the field itself (a field this portal does not know)."""
    return _(FIELD_LABELS[field]) if field in FIELD_LABELS else field


def shown_value(field: str, value: Any) -> str:
    """A published value in words: a status label, a percentage, a figure, a list."""
    if value is None:
        return "—"
    if field in STATUSES and isinstance(value, str):
        return status_label(value)
    if field == "flags" and isinstance(value, list):
        labels = [_(FLAG_LABELS[f]) if f in FLAG_LABELS else str(f) for f in value]
        return ", ".join(labels) or _("none")
    if field.endswith("_fraction") and _is_number(value):
        return fmt_percent(value)
    return _plain(value)


def shown_items(field: str, value: Any) -> list[str] | None:
    """A list of objects (amendments) as one line each; None for any other value."""
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        return None
    return [_amendment(v) if field == "amendments" else _plain(v) for v in value]


def _amendment(amendment: dict) -> str:
    """``Due: 2026-Q4 → 2027-Q4, 2025-11-02 (change c89692fdf0): reason``."""
    field = str(amendment.get("field", ""))
    words = _("%(field)s: %(old)s → %(new)s, %(date)s (change %(commit)s): %(reason)s")
    return words % {
        "field": field_label(field.removeprefix("indicator.")),
        "old": shown_value(field, amendment.get("old")),
        "new": shown_value(field, amendment.get("new")),
        "date": amendment.get("date") or "—",
        "commit": str(amendment.get("commit") or "—")[:10],
        "reason": amendment.get("reason") or _("no reason recorded"),
    }


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if _is_number(value):
        return fmt_number(value)
    if isinstance(value, str):
        return _(WORDS[value]) if value in WORDS else value
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value) or _("none")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items()) or _("none")
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def shown_point(point: dict | None) -> str:
    """A quarter of a status history in words: ``Missed (No justification filed)``."""
    if point is None:
        return _("not in the history")
    status = shown_value("status", point.get("status"))
    flags = point.get("flags")
    return f"{status} ({shown_value('flags', flags)})" if flags else status
