"""The published record in words: dates, why the record is unavailable, and each change
to a promise as a sentence (REGISTER.md, "The published record").

Each is in the language set by ``i18n.use``, as ``wording`` is.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from ..register.i18n import N_, current
from ..register.i18n import gettext as _
from ..register.model import Indicator, in_language
from ..register.quarters import Quarter
from .gitlog import NOT_IN_GIT, SHALLOW, SINCE_UNKNOWN, UNREADABLE
from .wording import fmt_number, unit_text

if TYPE_CHECKING:
    from .record import PromiseChange

MONTHS = (
    N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
    N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
)  # fmt: skip


def fmt_date(iso: str | None) -> str:
    """An ISO date (from a commit, never the clock) in words: ``20 April 2026``."""
    if not iso:
        return "—"
    day = datetime.date.fromisoformat(iso)
    words = _("%(day)s %(month)s %(year)s")
    return words % {"day": day.day, "month": _(MONTHS[day.month - 1]), "year": day.year}


def published_quarter(iso: str) -> Quarter:
    """The quarter an ISO date falls in."""
    day = datetime.date.fromisoformat(iso)
    return Quarter(day.year, (day.month - 1) // 3 + 1)


# Why the record cannot be shown, for the public (gitlog.REASONS words it for staff).
RECORD_UNAVAILABLE = {
    NOT_IN_GIT: N_("this copy of the site was built without the register's version history."),
    SHALLOW: N_(
        "this copy of the site was built from a partial copy of the register's version "
        "history (a shallow clone), which lacks the earlier changes."
    ),
    UNREADABLE: N_("the register's version history could not be read when the site was built."),
    SINCE_UNKNOWN: N_(
        "the point where publication began is not in the version history the site was built from."
    ),
}
RECORD_NOT_READ = N_("the register's version history was not read when the site was built.")


def record_unavailable_reason(record) -> str:
    """Why the published record is unavailable, in words for the public."""
    key = record.unavailable if record is not None else None
    return _(RECORD_UNAVAILABLE.get(key, RECORD_NOT_READ))


PROMISE_FIELD_LABELS = {
    "due": N_("Due date"),
    "start": N_("Start"),
    "indicator": N_("Kind of target"),
    "indicator.unit": N_("Unit"),
    "indicator.baseline": N_("Baseline"),
    "indicator.target": N_("Target level"),
    "indicator.direction": N_("Direction"),
}
CHANGE_WORDS = {
    "due": N_("Due date moved from %(old)s to %(new)s"),
    "start": N_("Start moved from %(old)s to %(new)s"),
    "indicator": N_("Changed from %(old)s to %(new)s"),
    "indicator.unit": N_("Unit changed from %(old)s to %(new)s"),
    "indicator.baseline": N_("Baseline changed from %(old)s to %(new)s"),
    "indicator.target": N_("Target level changed from %(old)s to %(new)s"),
    "indicator.direction": N_("Direction changed from %(old)s to %(new)s"),
}
DIRECTIONS = {"increase": N_("to increase"), "decrease": N_("to decrease")}


def promise_value(field: str, value) -> str:
    """One promise field's value in words: ``2025-Q4``, ``300``, ``“sites”``."""
    if field == "indicator":
        if not isinstance(value, Indicator):
            return _("a milestone (reported as per cent complete)")
        words = _("a numeric target of %(goal)s %(unit)s from a baseline of %(baseline)s")
        return words % {
            "goal": fmt_number(value.target),
            "unit": unit_text(value),
            "baseline": fmt_number(value.baseline),
        }
    if field == "indicator.direction":
        return _(DIRECTIONS[value]) if value in DIRECTIONS else str(value)
    if field == "indicator.unit":  # a language map; a translation added is no change
        text = in_language(value, current() or "") if isinstance(value, dict) else value
        return _("“%(unit)s”") % {"unit": text}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return fmt_number(value)
    return str(value)


def change_words(change: PromiseChange) -> str:
    """What one amendment changed: ``Due date moved from 2025-Q4 to 2027-Q4``."""
    old = promise_value(change.field, change.old)
    new = promise_value(change.field, change.new)
    return _(CHANGE_WORDS[change.field]) % {"old": old, "new": new}


def amendment_sentence(change: PromiseChange) -> str:
    """The amendment, when and where: ``Due date moved from 2025-Q4 to 2027-Q4 on
    20 April 2026 (commit 1a2b3c4d5e).``"""
    words = _("%(change)s on %(date)s (commit %(commit)s).")
    return words % {
        "change": change_words(change),
        "date": fmt_date(change.date),
        "commit": change.short_commit,
    }


def reason_heading(change: PromiseChange) -> str:
    """The words before an amendment's reason: when it was decided and who approved it."""
    entry = change.entry
    if entry is None:
        return _("No reason recorded.")
    decided = fmt_date(entry.date.isoformat())
    if entry.approved_by:
        words = _("Reason (decided on %(date)s, approved by %(who)s):")
        return words % {"date": decided, "who": entry.approved_by}
    return _("Reason (decided on %(date)s):") % {"date": decided}


def published_words(at) -> str:
    """A point of the main line in words: ``1 October 2025 (commit 1a2b3c4d5e)``."""
    return _("%(date)s (commit %(commit)s)") % {
        "date": fmt_date(at.date),
        "commit": at.short_commit,
    }
