"""Each page's meta description, worded from what the page shows.

Search results and link previews show the description under the title: pages of different
content must not share one. Templates that word their own (a target, a delay, a quarter)
keep theirs; the list, group, overdue, briefing and home pages get one here, as the
``page_description`` variable that ``base.html`` puts first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from ..assess.status import DISPLAY_ORDER
from ..assess.wording import status_label
from ..register.i18n import gettext as _
from ..register.i18n import ngettext
from .portal import Portal


def with_descriptions(pages: list, portal: Portal) -> list:
    """``pages`` (``pages.Page``), each with its own description where its kind has one."""
    described = []
    for page in pages:
        make = DESCRIBERS.get(page.template)
        text = make(page, portal) if make else None
        if text:
            page = replace(page, variables={**page.variables, "page_description": text})
        described.append(page)
    return described


def counts_text(assessments) -> str:
    """``12 targets (Missed: 3; At risk: 2; On track: 7)``, statuses in display order."""
    counter = Counter(a.status for a in assessments)
    total = sum(counter.values())
    parts = [
        _("%(status)s: %(count)s") % {"status": status_label(s), "count": counter[s]}
        for s in DISPLAY_ORDER
        if counter[s]
    ]
    targets = ngettext("%(count)s target", "%(count)s targets", total) % {"count": total}
    separator = _("; ")  # a full-width semicolon in Chinese
    if not parts:
        return targets
    return _("%(targets)s (%(statuses)s)") % {"targets": targets, "statuses": separator.join(parts)}


def _dashboard(page, portal: Portal) -> str:
    return _("Are policy targets being met? %(counts)s, as of %(quarter)s.") % {
        "counts": counts_text(portal.assessments),
        "quarter": portal.quarter,
    }


def _listing(page, portal: Portal) -> str:
    order = _("soonest due first") if page.variables["sort"] == "due" else _("by status")
    return _("%(title)s: %(counts)s, as of %(quarter)s; listed %(order)s.") % {
        "title": page.title,
        "counts": counts_text(page.variables["assessments"]),
        "quarter": portal.quarter,
        "order": order,
    }


def _groups(page, portal: Portal) -> str:
    groups = portal.groups[page.variables["kind"]]
    return _("%(title)s: %(groups)s groups of %(counts)s, as of %(quarter)s.") % {
        "title": page.title,
        "groups": len(groups),
        "counts": counts_text(portal.assessments),
        "quarter": portal.quarter,
    }


def _overdue(page, portal: Portal) -> str | None:
    if page.variables.get("bureau") is None:
        return None  # the template words the whole list's
    items = page.variables["items"]
    return _("%(title)s: %(count)s missed, %(unjustified)s without a justification, as of "
             "%(quarter)s.") % {
        "title": page.title,
        "count": len(items),
        "unjustified": sum(1 for j in items if not j.filed),
        "quarter": portal.quarter,
    }  # fmt: skip


def _briefing(page, portal: Portal) -> str:
    return _("%(title)s: its missed targets (%(count)s) and their justifications, as of "
             "%(quarter)s, ready to print.") % {
        "title": page.title,
        "count": len(page.variables["items"]),
        "quarter": portal.quarter,
    }  # fmt: skip


def _briefings(page, portal: Portal) -> str:
    return _("Printable briefing packs of missed targets, one per bureau, as of %(quarter)s.") % {
        "quarter": portal.quarter
    }


def _quarters(page, portal: Portal) -> str:
    return _(
        "Quarterly reports: what changed in each of %(count)s quarters, up to %(quarter)s."
    ) % {
        "count": len(portal.reports),
        "quarter": portal.quarter,
    }


def _opendata(page, portal: Portal) -> str:
    return _("Open data: every target as JSON and CSV, with budgets and spending, history, "
             "amendments, feeds and the schema, as of %(quarter)s.") % {
        "quarter": portal.quarter
    }  # fmt: skip


def _not_found(page, portal: Portal) -> str:
    return _("There is no page at this address: go to the home page or search the targets.")


DESCRIBERS: dict[str, Callable] = {
    "dashboard": _dashboard,
    "listing": _listing,
    "groups": _groups,
    "overdue": _overdue,
    "briefing": _briefing,
    "briefings": _briefings,
    "quarters": _quarters,
    "opendata": _opendata,
    "404": _not_found,
}
