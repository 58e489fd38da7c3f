"""The iCalendar of due dates: an all-day event on the last day of each open target's due
quarter, in the language set by ``i18n.use`` (one calendar per language).

Deterministic like the feeds: the stamp is the reporting quarter's publication moment.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from ..assess.status import ACHIEVED, ACHIEVED_LATE, WITHDRAWN
from ..assess.wording import status_label
from ..register.i18n import gettext as _
from ..register.model import Target
from ..register.quarters import Quarter
from .feeds import Names, as_given, quarter_published, target_words
from .portal import target_url

PRODID = "-//KPI portal//Targets due//EN"
UID_DOMAIN = "kpi-portal"
CLOSED_STATUSES = (ACHIEVED, ACHIEVED_LATE, WITHDRAWN)
FOLD_OCTETS = 75
# RFC 5545 TEXT allows no control character but tab (newlines are escaped first).
_NOT_ICAL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def ical_escape(text: str) -> str:
    """Text as an RFC 5545 TEXT value: ``\\ ; ,`` and newlines escaped, controls dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _NOT_ICAL.sub("", text.replace("\n", "\\n"))


def fold_line(line: str) -> str:
    """Fold a content line at 75 octets of UTF-8, never inside a character (RFC 5545 3.1)."""
    parts, current, size, room = [], "", 0, FOLD_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > room:
            parts.append(current)
            current, size, room = "", 0, FOLD_OCTETS - 1  # the leading space takes one
        current += char
        size += octets
    parts.append(current)
    return "\r\n ".join(parts)


def last_day(quarter: Quarter) -> datetime.date:
    """The last day of ``quarter``."""
    after = quarter.shift(1)
    return datetime.date(after.year, (after.q - 1) * 3 + 1, 1) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class _Calendar:
    """What every event of one calendar shares: its language, address and folder."""

    lang: str
    site_url: str
    root: str
    names: Names


def _ical_stamp(instant: str) -> str:
    """An RFC 3339 UTC instant as an iCalendar UTC DATE-TIME: ``20251001T000000Z``."""
    return instant.replace("-", "").replace(":", "")


def _event_lines(target: Target, status: str, r: Quarter, calendar: _Calendar) -> list[str]:
    """The content lines of one target's all-day VEVENT on the last day of its due quarter."""
    day = last_day(target.due)
    about = target_words(target, calendar.lang, calendar.names)
    about["status"] = status_label(status) if status else _("not assessed")
    description = "\n".join(
        (_("Bureau: %(bureau)s"), _("Promise: %(promise)s"), _("Status as of %(r)s: %(status)s"))
    ) % (about | {"r": r})
    # Each language's calendar its own events: a reader subscribed to two sees both.
    uid = f"{calendar.root.rstrip('/')}-{target.id}" if calendar.root else target.id
    summary = _("Due: %(title)s") % about
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}-due@{UID_DOMAIN}",
        f"DTSTAMP:{_ical_stamp(quarter_published(r))}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + datetime.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{ical_escape(summary)}",
        f"DESCRIPTION:{ical_escape(description)}",
        "TRANSP:TRANSPARENT",
    ]
    if calendar.site_url:
        url = calendar.site_url.rstrip("/") + "/" + calendar.root + target_url(target.id)
        url = _NOT_ICAL.sub("", url)
        lines.append(f"URL:{url}")
    return [*lines, "END:VEVENT"]


def upcoming_due_calendar(
    targets: list[Target],
    statuses: dict[str, str],
    reporting_quarter: Quarter,
    *,
    lang: str,
    site_url: str = "",
    root: str = "",
    names: Names = as_given,
) -> str:
    """iCalendar (RFC 5545) text: an all-day event on the due quarter's last day per open target.

    Open: due after the reporting quarter, and not achieved, achieved late or withdrawn.
    A target missing from ``statuses`` counts as open. Sorted by date, then id. ``root``
    is the folder of ``lang``'s pages, which the events link to.
    """
    calendar = _Calendar(lang, site_url, root, names)
    open_targets = [
        t
        for t in targets
        if t.due > reporting_quarter and statuses.get(t.id) not in CLOSED_STATUSES
    ]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    lines += ["METHOD:PUBLISH"]
    for target in sorted(open_targets, key=lambda t: (t.due, t.id)):
        lines += _event_lines(target, statuses.get(target.id, ""), reporting_quarter, calendar)
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)
